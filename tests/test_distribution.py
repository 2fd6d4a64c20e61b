"""How ``make test`` spreads the tests over its two workers (``tests/conftest.py``)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _conftest():
    spec = importlib.util.spec_from_file_location("_tdaw_conftest", ROOT / "tests/conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_module_is_one_group_but_each_headless_notebook_run_is_its_own():
    c = _conftest()
    run = "tests/test_notebooks.py::test_notebook_runs_without_errors"
    assert c.group_of(f"{run}[07_beyond_the_paper.ipynb]") == (
        "tests/test_notebooks.py::07_beyond_the_paper.ipynb"
    )
    assert c.group_of(f"{run}[02_paper_walkthrough.ipynb]") != c.group_of(f"{run}[07_x.ipynb]")
    # the other tests of that module, and any other module, stay together
    stored = "tests/test_notebooks.py::test_notebook_is_stored_without_outputs[02_x.ipynb]"
    assert c.group_of(stored) == "tests/test_notebooks.py"
    ui = "tests/ui/test_explorer.py::test_exported_html_works_offline_from_file"
    assert c.group_of(ui) == c.group_of("tests/ui/test_explorer.py::test_other[a-b]")
    assert c.group_of(ui) == "tests/ui/test_explorer.py"
    doctest = "tda_widgets/_validation.py::tda_widgets._validation.check_int"
    assert c.group_of(doctest) == "tda_widgets/_validation.py"


def test_every_group_named_longest_first_exists_once():
    c = _conftest()
    assert len(set(c.LONGEST_FIRST)) == len(c.LONGEST_FIRST)
    for group in c.LONGEST_FIRST:
        module, _, notebook = group.partition("::")
        assert (ROOT / module).is_file(), group
        if notebook:
            assert (ROOT / "notebooks" / notebook).is_file(), group


def test_make_test_uses_the_scheduled_distribution():
    # the scheduler in conftest.py applies to --dist loadfile only
    line = next(
        x for x in (ROOT / "Makefile").read_text().splitlines() if x.startswith("PYTEST :=")
    )
    assert re.search(r"-n 2 --dist loadfile\b", line), line
