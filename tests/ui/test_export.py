"""to_html and save_png of every view: one offline file, and a real PNG of the view."""

import struct

import numpy as np
import pytest

from tda_widgets import (
    FiltrationWidget,
    LayerDistanceMatrixWidget,
    MapperGraph,
    MapperGraphWidget,
    PersistenceDiagramWidget,
)


def _views():
    t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    circle = np.c_[np.cos(t), np.sin(t)]
    graph = MapperGraph(
        member_offsets=np.array([0, 3, 5, 7]),
        members=np.array([0, 1, 2, 2, 3, 3, 4]),
        edges=np.array([[0, 1], [1, 2]]),
        edge_weights=np.array([0.25, 0.33]),
        lens_mean=np.array([0.1, 0.5, 0.9]),
        class_counts=np.array([[3, 0], [1, 1], [0, 2]]),
    )
    return {
        "diagram": PersistenceDiagramWidget.from_cloud(circle, title="circle"),
        "matrix": LayerDistanceMatrixWidget(np.array([[0.0, 1.0], [1.0, 0.0]]), layers=["a", "b"]),
        "mapper": MapperGraphWidget(graph, class_names=["x", "y"]),
        "filtration": FiltrationWidget(circle, radius=0.5),
    }


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("name", ["diagram", "matrix", "mapper", "filtration"])
def test_to_html_is_self_contained_and_save_png_draws_the_view(name, tmp_path, browser):
    widget = _views()[name]
    page_path = widget.to_html(tmp_path / f"{name}.html")
    text = page_path.read_text()
    assert "http://" not in text.replace("http://www.w3.org", "")  # no fetched resources
    assert "https://" not in text
    # the page renders offline from file:// without errors
    context = browser.new_context(offline=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.as_uri())
    page.wait_for_function("() => window.tdaw && window.tdaw.ready", timeout=30_000)
    assert page.locator(f".tdaw-{widget._bundle.replace('_', '-')}").count() == 1
    context.close()
    assert not errors, errors

    png = widget.save_png(tmp_path / f"{name}.png", scale=1)
    width, height = _png_size(png)
    assert width >= 150 and height >= 100, (width, height)
