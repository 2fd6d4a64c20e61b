"""Themes outside JupyterLab: VS Code's variables and the reader's colour scheme.

No ``--jp-*`` variable exists outside JupyterLab; the views then take VS Code's
``--vscode-*`` variables (``data-vscode-theme-kind`` on body) or follow
``prefers-color-scheme`` (js/shared/base.css). Every text element of the views and the
colours the canvases draw their text with (``--jp-ui-font-color1`` on the background,
as shared/theme.ts reads them) must reach WCAG's 4.5:1.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from conftest import ARTIFACTS
from ui_contrast import contrast_ratio, text_colours

from tda_widgets import ActivationExplorer, Analysis, PersistenceDiagramWidget

# VS Code's "Dark Modern" values of the variables the views read
VSCODE_DARK = {
    "--vscode-editor-background": "#1f1f1f",
    "--vscode-editor-foreground": "#cccccc",
    "--vscode-editorWidget-background": "#202020",
    "--vscode-descriptionForeground": "#9d9d9d",
    "--vscode-button-background": "#0078d4",
    "--vscode-button-foreground": "#ffffff",
    "--vscode-widget-border": "#313131",
    "--vscode-editorGroup-border": "#ffffff17",
    "--vscode-textLink-foreground": "#4daafc",
    "--vscode-font-family": "system-ui, sans-serif",
}

_CANVAS_COLOURS = """(sel) => [...document.querySelectorAll(sel)].map((v) => {
  const css = getComputedStyle(v);
  return {fg: css.getPropertyValue('--jp-ui-font-color1').trim(),
          muted: css.getPropertyValue('--jp-ui-font-color2').trim(),
          bg: css.getPropertyValue('--jp-layout-color0').trim()};
})"""

_MARK_TEXT = """(sel) => document.querySelectorAll(sel).forEach((e) => {
  const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const box = e.getBoundingClientRect();
  const css = getComputedStyle(e);
  if (own && box.width > 0 && box.height > 0 && css.visibility !== 'hidden' && css.opacity !== '0')
    e.setAttribute('data-tdaw-text', '');
})"""

_TO_RGB = """(c) => { const e = document.createElement('span'); e.style.color = c;
  document.body.append(e); const v = getComputedStyle(e).color; e.remove(); return v; }"""


def _check(page, name: str) -> list[float]:
    """Contrast of every text element in the views and of the canvases' text colours."""
    # visible elements that hold text of their own (a text node child), marked for reading
    page.evaluate(_MARK_TEXT, ".tdaw-view *")
    texts = text_colours(page, "[data-tdaw-text]")
    assert texts, "no text found in the views"
    low = [t for t in texts if t["contrast"] < 4.5]
    assert not low, low[:5]
    ratios = [t["contrast"] for t in texts]
    for colours in page.evaluate(_CANVAS_COLOURS, ".tdaw-view"):
        assert colours["fg"] and colours["bg"], colours  # the variables are defined
        bg = page.evaluate(_TO_RGB, colours["bg"])
        for key in ("fg", "muted"):
            ratio = contrast_ratio(page.evaluate(_TO_RGB, colours[key]), bg)
            assert ratio >= 4.5, (name, key, colours, ratio)
            ratios.append(ratio)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    return ratios


def _dark_background(page) -> None:
    bg = page.evaluate(
        "() => getComputedStyle(document.querySelector('.tdaw-view')).backgroundColor"
    )
    assert contrast_ratio("rgb(255, 255, 255)", bg) > 10, bg  # a dark panel, not white


def test_views_follow_vscode_dark_variables(browser, tmp_path):
    t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    widget = PersistenceDiagramWidget.from_cloud(np.c_[np.cos(t), np.sin(t)], title="circle")
    html = widget.to_html(tmp_path / "diagram.html").read_text(encoding="utf-8")
    style = ";".join(f"{k}:{v}" for k, v in VSCODE_DARK.items())
    html = html.replace('<html lang="en">', f'<html lang="en" style="{style}">', 1)
    html = html.replace("<body>", '<body data-vscode-theme-kind="vscode-dark">', 1)
    page_path = tmp_path / "vscode_dark.html"
    page_path.write_text(html, encoding="utf-8")
    context = browser.new_context(color_scheme="light")  # VS Code's kind wins over the OS
    page = context.new_page()
    page.goto(page_path.as_uri())
    page.wait_for_function("() => window.tdaw && window.tdaw.ready", timeout=30_000)
    _dark_background(page)
    fg = page.evaluate(_CANVAS_COLOURS, ".tdaw-view")[0]["fg"]
    assert fg == "#cccccc"  # VS Code's own foreground, not a fallback
    ratios = _check(page, "theme_vscode_dark")
    print("vscode dark: min contrast", round(min(ratios), 2))
    context.close()


@pytest.fixture(scope="module")
def explorer(tmp_path_factory) -> ActivationExplorer:
    torch.manual_seed(1)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3), torch.nn.ReLU()
    )
    images = torch.rand(40, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    analysis = Analysis(
        model, images, ["0", "1", "2"], cache_dir=tmp_path_factory.mktemp("c"), progress=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ActivationExplorer(analysis, mapper_params={"n_intervals": 2})


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_explorer_export_follows_the_readers_colour_scheme(browser, explorer, tmp_path, scheme):
    path = explorer.to_html(tmp_path / "explorer.html")
    context = browser.new_context(color_scheme=scheme, offline=True)
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("() => window.tdaw && window.tdaw.ready", timeout=30_000)
    body_bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    white = contrast_ratio("rgb(255, 255, 255)", body_bg)
    assert (white > 10) if scheme == "dark" else (white < 1.1), body_bg
    if scheme == "dark":
        _dark_background(page)
    note = text_colours(page, ".tdaw-page-note, h1")
    assert note and min(t["contrast"] for t in note) >= 4.5, note
    ratios = _check(page, f"theme_export_{scheme}")
    print(f"export {scheme}: min contrast", round(min(ratios), 2))
    context.close()
