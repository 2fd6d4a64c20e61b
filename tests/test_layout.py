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


def test_opening_an_explorer_imports_no_library_only_computing_needs():
    """explore() on a warm cache reads results: scikit-learn, scipy, KeplerMapper and
    persim (with matplotlib), about 2 s of imports together, are imported where a
    result is computed, not by the modules that read and show it (issue 27, 12)."""
    code = (
        "import sys\n"
        "import tda_widgets.analysis, tda_widgets.widgets.panels.explore\n"
        "heavy = ('sklearn', 'scipy', 'kmapper', 'persim', 'matplotlib')\n"
        "loaded = [m for m in heavy if m in sys.modules]\n"
        "assert not loaded, f'imported at module level: {loaded}'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _imports(path):
    """(module, names) of every ``from tda_widgets... import ...`` in ``path``,
    including those inside functions."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tda_widgets"):
            yield node.module, [a.name for a in node.names]


def test_no_private_name_is_imported_from_another_package():
    """A ``_name`` belongs to its package: another package uses a public name (the
    import-linter contracts in pyproject.toml check modules; this checks names)."""
    bad = []
    for path in (ROOT / "tda_widgets").rglob("*.py"):
        here = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        here_package = here.rsplit(".", 1)[0]
        for module, names in _imports(path):
            package = module.rsplit(".", 1)[0]
            if package == here_package or here.startswith(module):
                continue  # the same package (or a package's own __init__)
            bad += [f"{here} imports {module}.{n}" for n in names if n.startswith("_")]
    assert not bad, "\n".join(bad)


def test_the_topology_stage_runs_without_torch():
    """Persistence with a subsample, distances and Mapper on a plain array never load
    torch (the point-cloud stage's numpy parts load on their own)."""
    code = (
        "import sys, numpy as np\n"
        "from tda_widgets.topology import persistence_diagrams, mapper_graph, "
        "layer_distance_matrix\n"
        "x = np.random.default_rng(0).normal(size=(60, 3))\n"
        "d = persistence_diagrams(x, n_perm=20)\n"
        "layer_distance_matrix({'a': d, 'b': persistence_diagrams(x[:30])})\n"
        "mapper_graph(x, n_intervals=4)\n"
        "assert 'torch' not in sys.modules, 'the topology stage imported torch'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_import_linter_contracts_hold():
    """The stages import downward, siblings form no cycles, private modules stay home
    (the same check `make lint` runs, here so that `pytest` alone catches it too)."""
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.count("KEPT") == 3, result.stdout[-3000:]


def test_sampler_entry_points_name_every_sampler():
    """``extract_activations(point_cloud="name")`` finds samplers through the entry points
    pyproject.toml declares: they name exactly stage 2's ``SAMPLERS``, each to its factory."""
    from tda_widgets.activations.streaming import named_sampler, sampler_names
    from tda_widgets.point_clouds import SAMPLERS

    assert sampler_names() == sorted(SAMPLERS)
    for name, factory in SAMPLERS.items():
        assert named_sampler(name) == factory()
