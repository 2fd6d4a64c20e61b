"""WCAG contrast of text as the browser computed it, for the theme tests.

``text_colours(page, selector)`` reads, for every element matching ``selector``, its
computed ``color`` and the background it is painted on (the first ancestor with an
opaque background, semi-transparent ones blended over it); :func:`contrast_ratio` is the
WCAG 2 ratio of two colours, a semi-transparent text colour blended over the background.
"""

from __future__ import annotations

import re
from typing import Any

_READ_JS = """
(sel) => [...document.querySelectorAll(sel)].map((e) => {
  const layers = [];
  for (let n = e; n; n = n.parentElement) {
    const bg = getComputedStyle(n).backgroundColor;
    layers.push(bg);
    const m = bg.match(/rgba?\\(([^)]*)\\)/);
    const parts = m ? m[1].split(',').map(Number) : [0, 0, 0, 0];
    if (parts.length < 4 || parts[3] >= 1) break;
  }
  return { text: e.textContent, color: getComputedStyle(e).color, backgrounds: layers };
})
"""


def parse_rgba(css: str) -> tuple[float, float, float, float]:
    """``rgb(r, g, b)`` or ``rgba(r, g, b, a)`` as four floats (0-255, alpha 0-1)."""
    m = re.fullmatch(r"rgba?\(([^)]*)\)", css.strip())
    if not m:
        raise ValueError(f"css: expected rgb() or rgba(), got {css!r}")
    parts = [float(p) for p in re.split(r"[,\s/]+", m.group(1).strip()) if p]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)


def _over(top: tuple[float, ...], below: tuple[float, float, float]) -> tuple[float, float, float]:
    a = top[3]
    return (
        top[0] * a + below[0] * (1 - a),
        top[1] * a + below[1] * (1 - a),
        top[2] * a + below[2] * (1 - a),
    )


def _luminance(rgb: tuple[float, float, float]) -> float:
    def lin(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(color: str, background: str) -> float:
    """WCAG contrast ratio of text ``color`` on an opaque ``background`` (CSS rgb strings).

    >>> round(contrast_ratio("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1)
    21.0
    >>> round(contrast_ratio("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), 1)
    1.0
    """
    bg = parse_rgba(background)[:3]
    fg = _over(parse_rgba(color), bg)
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_colours(page: Any, selector: str) -> list[dict[str, Any]]:
    """Each matching element's text, colour, effective background and contrast ratio."""
    out = []
    for item in page.evaluate(_READ_JS, selector):
        bg: tuple[float, float, float] = (255.0, 255.0, 255.0)  # the canvas of the page
        for layer in reversed(item["backgrounds"]):
            bg = _over(parse_rgba(layer), bg)
        background = f"rgb({bg[0]}, {bg[1]}, {bg[2]})"
        out.append(
            {
                "text": item["text"],
                "color": item["color"],
                "background": background,
                "contrast": contrast_ratio(item["color"], background),
            }
        )
    return out
