"""write_html / to_html on disk: atomic, one temporary file per export, clear errors (issue 14)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from tda_widgets import PersistenceDiagramWidget
from tda_widgets.widgets._export import page_html, write_html


def _no_temp(directory: Path) -> None:
    assert [p.name for p in directory.iterdir() if p.name.endswith(".tmp")] == []


def test_two_exports_to_one_path_do_not_share_a_temporary_file(tmp_path, monkeypatch) -> None:
    out = tmp_path / "page.html"
    real_replace = os.replace
    temps: list[str] = []

    def replace(src, dst):
        # while the first export is between writing and renaming, a second one runs
        temps.append(os.path.basename(src))
        if len(temps) == 1:
            write_html(out, "<p>second</p>")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    write_html(out, "<p>first</p>")
    assert len(set(temps)) == 2  # each export had its own temporary file
    assert out.read_text(encoding="utf-8") == "<p>first</p>"  # the last rename wins, whole
    _no_temp(tmp_path)


def test_lone_surrogate_in_a_title_is_a_clear_error_and_leaves_nothing(tmp_path) -> None:
    widget = PersistenceDiagramWidget([np.array([[0.0, 1.0]])])
    out = tmp_path / "view.html"
    with pytest.raises(
        ValueError,
        match=r"title: expected text that can be written as UTF-8.*'\\ud800' at position 3",
    ):
        widget.to_html(out, title="bad\ud800name")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match=r"text: .*lone surrogate"):
        write_html(out, "<p>\udcff</p>")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="body: "):
        page_html([], body="<p>\ud83d</p>")


def test_a_failed_write_keeps_the_old_page_and_no_temporary(tmp_path, monkeypatch) -> None:
    out = write_html(tmp_path / "page.html", "<p>old</p>")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="No space"):
        write_html(out, "<p>new</p>")
    assert out.read_text(encoding="utf-8") == "<p>old</p>"
    _no_temp(tmp_path)


def test_exported_page_is_readable_like_a_plain_file(tmp_path) -> None:
    old = os.umask(0o022)
    try:
        out = write_html(tmp_path / "page.html", "<p>x</p>")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # not mkstemp's 0o600
