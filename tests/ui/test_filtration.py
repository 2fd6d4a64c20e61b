"""FiltrationWidget in JupyterLab: slider drag and keys, bar clicks, Python -> view, themes."""

import json

import pytest

ROOT_SEL = ".tdaw-filtration"


@pytest.fixture(scope="module")
def notebook(module_lab):
    """The notebook, opened and run once for the module."""
    module_lab.open("ui/filtration.ipynb")
    module_lab.run_all()
    return module_lab


@pytest.fixture
def views(notebook):
    lab = notebook
    lab.reset(ROOT_SEL)  # new views of new widgets, as a fresh run leaves them
    lab.page.locator(ROOT_SEL).nth(1).wait_for(timeout=60_000)
    return lab


def _root(lab, n=0):
    return lab.settled(lab.page.locator(ROOT_SEL).nth(n))


def _synced_radius(lab, root):
    """Wait until the kernel has the radius the page shows; return it."""
    lab.wait_kernel(
        "float(w.radius) == float(__ATTR__)",
        lambda: (
            f"kernel radius {lab.value('w.radius')} != page radius "
            f"{root.get_attribute('data-radius')}"
        ),
        element=root,
        attribute="data-radius",
    )
    return float(root.get_attribute("data-radius"))


def _edges_drawn(root):
    return int(root.locator("[data-testid='filtration-cloud']").get_attribute("data-edges-drawn"))


def test_dragging_the_slider_sets_the_radius_and_draws_the_rips_edges(views):
    lab = views
    root = _root(lab)
    slider = root.locator("[data-testid='filtration-slider']")
    box = slider.bounding_box()
    max_r = lab.value("w.max_radius")
    # press on the thumb (at radius 0.15) and drag it to about 30% of the range
    y = box["y"] + box["height"] / 2
    thumb_x = box["x"] + 8 + (0.15 / max_r) * (box["width"] - 16)
    lab.page.mouse.move(thumb_x, y)
    lab.page.mouse.down()
    lab.page.mouse.move(box["x"] + 0.2 * box["width"], y, steps=5)
    lab.page.mouse.move(box["x"] + 0.3 * box["width"], y, steps=5)
    lab.page.mouse.up()
    radius = _synced_radius(lab, root)
    assert 0.2 * max_r < radius < 0.4 * max_r
    expected = lab.value("int((pdist(points) <= w.radius).sum())")
    assert 0 < expected < lab.value("w.max_edges")
    assert _edges_drawn(root) == expected
    # the keyboard moves it too, one step (max_radius / 1000) per key
    slider.focus()
    for _ in range(40):
        lab.page.keyboard.press("ArrowRight")
    after = _synced_radius(lab, root)
    assert after == pytest.approx(radius + 40 * max_r / 1000, abs=2 * max_r / 1000)
    assert _edges_drawn(root) == lab.value("int((pdist(points) <= w.radius).sum())")
    status = root.locator("[data-testid='filtration-status']").inner_text()
    assert f"{_edges_drawn(root)} edges" in status
    lab.screenshot("filtration-slider-light", root)


def test_clicking_a_bar_jumps_to_its_birth_and_shows_its_generator(views):
    lab = views
    root = _root(lab)
    loop, birth, death = lab.value("[loop, *map(float, w.diagrams[1][loop])]")
    bars = root.locator("[data-testid='filtration-bars']")
    plot = json.loads(bars.get_attribute("data-plot"))
    box = bars.bounding_box()
    mid = (birth + death) / 2
    x = box["x"] + plot["left"] + (mid - plot["xlo"]) / (plot["xhi"] - plot["xlo"]) * plot["plotW"]
    y = box["y"] + plot["y"][1][loop]
    lab.page.mouse.move(x, y)
    tooltip = root.locator("[data-testid='filtration-tooltip']")
    tooltip.wait_for(state="visible")
    assert "H1 bar" in tooltip.inner_text()
    lab.page.mouse.click(x, y)
    lab.page.wait_for_function(
        "(s) => document.querySelector('.tdaw-filtration').dataset.selected === s",
        arg=json.dumps([1, loop]).replace(" ", ""),
    )
    assert lab.value("w.selected_bar") == [1, loop]
    assert _synced_radius(lab, root) == birth
    # at its birth the loop's birth edge is drawn: the count uses the kernel's edge list
    assert _edges_drawn(root) == lab.value("len(w.edges_at())")
    gen = lab.value("sorted(w.selected_generator().tolist())")
    assert len(gen) == 4 and all(0 <= v < 40 for v in gen)
    lab.page.mouse.move(x, y + 200)  # hide the tooltip for the picture
    lab.screenshot("filtration-bar-light", root)
    lab.set_theme("JupyterLab Dark")
    lab.wait_background(root, "JupyterLab Dark")
    lab.screenshot("filtration-bar-dark", root)
    lab.screenshot("filtration-torus-dark", _root(lab, 1))
    lab.set_theme("JupyterLab Light")


def test_python_radius_reaches_the_view_and_projection_is_stated(views):
    lab = views
    lab.run("w.radius = 0.5; w.show_balls = False")
    root = _root(lab)
    lab.page.wait_for_function(
        "() => document.querySelector('.tdaw-filtration').dataset.radius === '0.5'"
    )
    assert _edges_drawn(root) == lab.value("int((pdist(points) <= 0.5).sum())")
    assert not root.locator("[data-testid='filtration-balls']").is_checked()
    assert root.locator("[data-testid='filtration-projection']").is_hidden()
    torus = _root(lab, 1)
    note = torus.locator("[data-testid='filtration-projection']").inner_text()
    assert "PCA projection of 3-D points" in note
    # max_edges=100 caps what is drawn, and the view says so
    total = lab.value("len(w3.edges_at())")
    assert total > 100
    cloud = torus.locator("[data-testid='filtration-cloud']")
    assert int(cloud.get_attribute("data-edges-drawn")) == 100
    assert int(cloud.get_attribute("data-edges-total")) == total
    assert (
        f"100 shortest of the {total} edges"
        in torus.locator("[data-testid='filtration-cap']").inner_text()
    )
    lab.screenshot("filtration-torus-light", torus)
    # play sweeps the radius to the end of the slider
    torus.locator("[data-testid='filtration-play']").click()
    lab.page.wait_for_function(
        "() => document.querySelectorAll('.tdaw-filtration')[1]"
        ".querySelector('[data-testid=\"filtration-play\"]').getAttribute('aria-pressed') === 'false'",
        timeout=20_000,
    )
    lab.eventually("w3.radius == w3.max_radius", True)
    assert not [e for e in lab.console_errors if "filtration" in e.lower()]
