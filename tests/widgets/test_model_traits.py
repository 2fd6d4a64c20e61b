"""Each view's ``js/<view>/model.ts`` interface names exactly its widget's synced traits."""

import re
from pathlib import Path

import anywidget
import pytest

from tda_widgets import (
    FiltrationWidget,
    LayerDistanceMatrixWidget,
    MapperGraphWidget,
    PersistenceDiagramWidget,
)

JS = Path(__file__).resolve().parents[2] / "js"

# traits every anywidget has (_model_name, _view_name, layout, tabbable, ...): not the view's
BASE = set(anywidget.AnyWidget.class_traits(sync=True))

INTERFACE = re.compile(r"^export interface (\w+Model) \{\n(.*?)^\}", re.MULTILINE | re.DOTALL)
# a member at the interface's own indentation: `  name: type;` or `  name?: type;`
MEMBER = re.compile(r"^  ([A-Za-z_]\w*)\??\s*:", re.MULTILINE)


def model_ts_names(view: str, root: Path = JS) -> set[str]:
    """Member names of the one ``export interface <X>Model`` in ``<root>/<view>/model.ts``."""
    path = root / view / "model.ts"
    found = INTERFACE.findall(path.read_text(encoding="utf-8"))
    if len(found) != 1:
        raise AssertionError(
            f"{path}: expected one `export interface <Name>Model {{`, found {len(found)}"
        )
    name, body = found[0]
    members = set(MEMBER.findall(body))
    if not members:
        raise AssertionError(f"{path}: parsed no members out of interface {name}")
    return members


@pytest.mark.parametrize(
    "widget",
    [PersistenceDiagramWidget, LayerDistanceMatrixWidget, MapperGraphWidget, FiltrationWidget],
    ids=lambda w: w.__name__,
)
def test_model_ts_names_the_synced_traits(widget):
    synced = set(widget.class_traits(sync=True)) - BASE
    declared = model_ts_names(widget._bundle)
    missing = sorted(synced - declared)
    extra = sorted(declared - synced)
    assert not missing and not extra, (
        f"js/{widget._bundle}/model.ts vs {widget.__name__}: "
        f"synced traits missing from model.ts: {missing}; names in model.ts that are not synced traits: {extra}"
    )


def test_parser_fails_loudly_on_a_file_without_the_interface(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "model.ts").write_text("export interface Nothing {}\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="found 0"):
        model_ts_names("empty", tmp_path)
    (tmp_path / "empty" / "model.ts").write_text(
        "export interface EmptyModel {\n  [key: string]: unknown;\n}\n", encoding="utf-8"
    )
    with pytest.raises(AssertionError, match="parsed no members"):
        model_ts_names("empty", tmp_path)
