"""The repository's structural conventions (DESIGN.md)."""

import ast
import subprocess
import sys
from pathlib import Path

import tda_widgets

ROOT = Path(__file__).resolve().parents[1]
WIDGETS = ROOT / "tda_widgets" / "widgets"


def bundled_widget_modules():
    """Widget modules that declare a front-end bundle (`_bundle = "<name>"`)."""
    out = {}
    for path in WIDGETS.glob("*.py"):
        if path.name.startswith("_"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "_bundle" for t in node.targets
            ):
                out[path.stem] = ast.literal_eval(node.value)
    return out


def test_each_widget_module_pairs_with_a_js_folder_and_a_built_bundle():
    modules = bundled_widget_modules()
    assert modules, "no widget module declares a bundle"
    # js/standalone/ is the runtime of exported HTML pages, not a widget
    js_folders = {p.parent.name for p in (ROOT / "js").glob("*/index.ts")} - {"standalone"}
    for stem, bundle in modules.items():
        assert bundle == stem, f"{stem}.py declares _bundle={bundle!r}; it must equal its file name"
        assert stem in js_folders, f"js/{stem}/index.ts is missing"
        for part in ("index.ts", "model.ts", "draw.ts"):
            assert (ROOT / "js" / stem / part).is_file(), f"js/{stem}/{part} is missing"
        assert (ROOT / "tda_widgets" / "static" / f"{stem}.js").is_file()
    assert js_folders == set(modules), "every js/<name>/ needs tda_widgets/widgets/<name>.py"


def test_science_stages_do_not_import_widgets():
    for stage in ("activations", "point_clouds", "topology", "datasets"):
        for path in (ROOT / "tda_widgets" / stage).rglob("*.py"):
            text = path.read_text()
            assert "tda_widgets.widgets" not in text and "anywidget" not in text, path


def test_import_is_lazy_and_public_names_resolve():
    code = (
        "import sys, tda_widgets\n"
        "assert 'torch' not in sys.modules, 'import tda_widgets imported torch'\n"
        "assert 'anywidget' not in sys.modules, 'import tda_widgets imported anywidget'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    for name in tda_widgets.__all__:
        assert getattr(tda_widgets, name) is not None, name
