"""representative_cycle and circular_coordinates (tda_widgets.topology.loops).

The cycle is checked independently of ripser's cocycle: it is a cycle (its Z/2
boundary is zero) and not a boundary of the Rips complex at its scale (the Z/2
linear system ``d2 x = z`` over all triangles at that scale has no solution).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from ripser import ripser

from tda_widgets import circular_coordinates, persistence_diagrams, representative_cycle
from tda_widgets.topology.loops import CircularCoordinates, RepresentativeCycle

# ------------------------------------------------------------------ helpers


def circ_corr(a: np.ndarray, b: np.ndarray) -> float:
    """Circular correlation up to rotation and reflection: the mean resultant length
    of ``a - b`` or of ``a + b``, whichever is larger (1 = equal up to a rotation)."""
    return float(max(abs(np.mean(np.exp(1j * (a - b)))), abs(np.mean(np.exp(1j * (a + b))))))


def largest_gap_deg(angles: np.ndarray) -> float:
    a = np.sort(np.mod(angles, 2 * np.pi))
    return float(np.degrees(np.diff(np.r_[a, a[0] + 2 * np.pi]).max()))


def wrapped_turns(angles: np.ndarray) -> float:
    """Total wrapped increment of ``angles`` around the closed sequence, in turns."""
    steps = np.angle(np.exp(1j * (np.roll(angles, -1) - angles)))
    return float(steps.sum() / (2 * np.pi))


def noisy_circle_50d(n: int, seed: int, noise: float = 0.02):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, n)
    x = np.zeros((n, 50))
    x[:, 0], x[:, 1] = np.cos(t), np.sin(t)
    x += noise * rng.normal(size=x.shape)
    rotation, _ = np.linalg.qr(rng.normal(size=(50, 50)))
    return x @ rotation, t


def twice_wound(n: int, delta: float, seed: int = 0):
    s = np.random.default_rng(seed).uniform(0, 2 * np.pi, n)
    return np.c_[np.cos(2 * s), np.sin(2 * s), delta * np.cos(s), delta * np.sin(s)], s


def is_z2_boundary(points: np.ndarray, scale: float, edges: np.ndarray) -> bool:
    """Whether the Z/2 chain ``edges`` is a boundary of the Rips complex at ``scale``:
    Gaussian elimination over GF(2) on every triangle's boundary (Python ints as bit
    sets), independent of ripser."""
    dm = np.linalg.norm(points[:, None] - points[None], axis=-1).astype(np.float32)
    n = dm.shape[0]
    within = dm <= np.float32(scale)
    bit = {}
    for i, j in zip(*np.nonzero(np.triu(within, 1)), strict=True):
        bit[(int(i), int(j))] = len(bit)

    def vec(pairs) -> int:
        v = 0
        for a, b in pairs:
            v ^= 1 << bit[(min(a, b), max(a, b))]
        return v

    pivots: dict[int, int] = {}

    def reduce(v: int) -> int:
        while v:
            h = v.bit_length() - 1
            if h not in pivots:
                return v
            v ^= pivots[h]
        return 0

    for a, b, c in itertools.combinations(range(n), 3):
        if within[a, b] and within[b, c] and within[a, c]:
            v = reduce(vec([(a, b), (b, c), (a, c)]))
            if v:
                pivots[v.bit_length() - 1] = v
    return reduce(vec([tuple(map(int, e)) for e in edges])) == 0


def assert_is_cycle(cyc: RepresentativeCycle, points: np.ndarray) -> None:
    v = cyc.vertices
    assert np.unique(v).size == v.size >= 3
    assert np.array_equal(cyc.edges, np.c_[v, np.roll(v, -1)])
    degree = np.bincount(cyc.edges.ravel(), minlength=points.shape[0])
    assert (degree % 2 == 0).all()  # Z/2 boundary of the 1-chain is zero
    lengths = np.linalg.norm(points[cyc.edges[:, 0]] - points[cyc.edges[:, 1]], axis=1)
    assert (lengths.astype(np.float32) <= np.float32(cyc.scale) * (1 + 1e-6)).all()
    assert cyc.length == pytest.approx(lengths.sum(), rel=1e-5)


# ------------------------------------------------------------------ representative_cycle


def test_cycle_on_noisy_circle_in_50_dimensions_covers_the_circle():
    x, t = noisy_circle_50d(500, seed=0)
    cyc = representative_cycle(x)
    assert isinstance(cyc, RepresentativeCycle)
    assert_is_cycle(cyc, x)
    assert largest_gap_deg(t[cyc.vertices]) < 60
    # cyclic order: consecutive points are close on the true circle
    steps = np.abs(np.angle(np.exp(1j * np.diff(t[np.r_[cyc.vertices, cyc.vertices[0]]]))))
    assert np.degrees(steps.max()) < 60
    assert abs(wrapped_turns(t[cyc.vertices])) == pytest.approx(1.0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bars_are_persistence_diagrams_bars(seed, dtype):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(60, 3)).astype(dtype)
    dg = persistence_diagrams(x)
    ref = ripser(x)["dgms"][1]
    assert len(dg[1]) == len(ref) > 1
    for k in range(min(4, len(dg[1]))):
        cyc = representative_cycle(x, feature=k)
        assert (cyc.birth, cyc.death) == (dg[1][k, 0], dg[1][k, 1])  # exactly
        assert_is_cycle(cyc, x.astype(np.float64))
        assert cyc.feature == k and cyc.scale == cyc.birth
    # choosing by the diagram point gives the same bar
    k = len(dg[1]) - 1
    by_point = representative_cycle(x, point=dg[1][k])
    assert (by_point.birth, by_point.death) == (dg[1][k, 0], dg[1][k, 1])


def test_given_diagrams_and_a_subsample():
    x, t = noisy_circle_50d(400, seed=5)
    dg = persistence_diagrams(x)
    assert representative_cycle(x, diagrams=dg).vertices.tolist() == (
        representative_cycle(x).vertices.tolist()
    )
    sub = persistence_diagrams(x, n_perm=120, subsample="random", seed=1)
    cyc = representative_cycle(x, diagrams=sub)
    kept = sub.params["indices"]
    assert np.isin(cyc.vertices, kept).all()
    assert (cyc.birth, cyc.death) == (sub[1][0, 0], sub[1][0, 1])
    assert_is_cycle(cyc, x)
    assert largest_gap_deg(t[cyc.vertices]) < 60
    with pytest.raises(ValueError, match="diagrams: computed on a subsample of 400 points"):
        representative_cycle(x[kept], diagrams=sub)
    with pytest.raises(ValueError, match="diagrams: not the diagrams of these points"):
        representative_cycle(x * 2, diagrams=dg)
    with pytest.raises(TypeError, match="diagrams: expected the Diagrams"):
        representative_cycle(x, diagrams=[dg[0], dg[1]])


@pytest.mark.parametrize("where", [0.0, 0.5, 0.95])
def test_cycle_is_not_a_boundary_at_its_scale(where):
    x, _ = noisy_circle_50d(36, seed=3, noise=0.03)
    bar = persistence_diagrams(x)[1][0]
    scale = bar[0] + where * (bar[1] - bar[0])
    cyc = representative_cycle(x, scale=scale)
    assert_is_cycle(cyc, x)
    assert not is_z2_boundary(x, cyc.scale, cyc.edges)


def test_the_boundary_check_is_not_vacuous():
    # once the loop is dead the same cycle is a boundary, and a triangle always is
    t = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    x = np.c_[np.cos(t), np.sin(t)]
    cyc = representative_cycle(x)
    assert len(cyc) == 12 and not is_z2_boundary(x, cyc.scale, cyc.edges)
    assert is_z2_boundary(x, cyc.death, cyc.edges)
    assert is_z2_boundary(x, 1.0, np.array([[0, 1], [1, 2], [2, 0]]))


def test_second_loop_of_a_figure_eight():
    t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    left = np.c_[np.cos(t) - 1, np.sin(t)]
    right = np.c_[1.5 - 1.5 * np.cos(t), 1.5 * np.sin(t)]  # both through (0, 0)
    x = np.r_[left, right[1:]]
    first, second = representative_cycle(x, feature=0), representative_cycle(x, feature=1)
    assert first.death - first.birth > second.death - second.birth
    for cyc in (first, second):
        assert_is_cycle(cyc, x)
    # the bigger loop is the right circle, the other the left one
    assert (x[first.vertices, 0] >= -1e-9).all()
    assert (x[second.vertices, 0] <= 1e-9).all()


# ------------------------------------------------------------------ circular_coordinates


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_coordinate_matches_the_true_angle(seed):
    x, t = noisy_circle_50d(500, seed=seed)
    cc = circular_coordinates(x)
    assert isinstance(cc, CircularCoordinates)
    assert cc.angles.shape == (500,)
    assert (cc.angles >= 0).all() and (cc.angles < 2 * np.pi).all()
    assert circ_corr(cc.angles, t) >= 0.95
    assert cc.winding == 1 and cc.unit == 1
    # the winding is what the angles do along the cycle
    assert wrapped_turns(cc.angles[cc.cycle]) == pytest.approx(cc.winding)
    assert cc.birth <= cc.scale < cc.death


def test_landmarks_extend_the_coordinate_to_every_point(capsys):
    x, t = noisy_circle_50d(3000, seed=4)
    cc = circular_coordinates(x, n_landmarks=150, progress=True)
    assert cc.landmarks.shape == (150,) and np.unique(cc.landmarks).size == 150
    assert cc.covering_radius > 0 and cc.scale > 2 * cc.covering_radius
    assert cc.angles.shape == (3000,)
    assert circ_corr(cc.angles, t) >= 0.95
    assert np.isin(cc.cycle, cc.landmarks).all()
    assert "circular coordinates" in capsys.readouterr().err


def test_given_landmarks_such_as_a_recorded_subsample():
    x, t = noisy_circle_50d(2000, seed=6)
    kept = np.random.default_rng(0).choice(2000, 300, replace=False)
    cc = circular_coordinates(x, landmarks=kept)
    assert np.array_equal(cc.landmarks, kept) and cc.covering_radius > 0
    assert circ_corr(cc.angles, t) >= 0.95 and cc.winding == 1
    with pytest.raises(ValueError, match="landmarks: expected distinct point indices"):
        circular_coordinates(x, landmarks=[0, 1, 1, 5])
    with pytest.raises(ValueError, match="landmarks: expected distinct point indices"):
        circular_coordinates(x, landmarks=[0, 1, 2000])
    with pytest.raises(TypeError, match="landmarks: expected a 1-d array"):
        circular_coordinates(x, landmarks=[0.5, 1, 2])


def test_cocycles_are_reused_only_for_the_same_distances(monkeypatch):
    """A second scale of the same loop reuses ripser's cocycles; other points, another
    prime, or a memo cleared give ripser's own answer again."""
    import ripser as ripser_module

    from tda_widgets.topology import loops

    calls = []
    real = ripser_module.ripser

    def counting(*args, **kwargs):
        calls.append(kwargs.get("coeff"))
        return real(*args, **kwargs)

    monkeypatch.setattr(ripser_module, "ripser", counting)
    monkeypatch.setattr(loops, "_H1_MEMO", {})
    t = np.random.default_rng(3).uniform(0, 2 * np.pi, 80)
    x = np.c_[np.cos(t), np.sin(t)] + np.random.default_rng(4).normal(0, 0.05, (80, 2))
    first = circular_coordinates(x)
    other_scale = circular_coordinates(x, scale=first.birth + 0.25 * (first.death - first.birth))
    assert calls == [47]  # one ripser run for both scales
    again = circular_coordinates(x)
    np.testing.assert_array_equal(again.angles, first.angles)
    circular_coordinates(x * 1.5)  # other distances
    circular_coordinates(x, prime=31)  # another prime
    assert calls == [47, 47, 31]
    loops._H1_MEMO.clear()
    fresh = circular_coordinates(x, scale=other_scale.scale)
    np.testing.assert_array_equal(fresh.angles, other_scale.angles)
    assert len(calls) == 4
    dgm, cocycles = loops._h1_bars(loops.rips_distances(x), 47)
    assert all(not c.flags.writeable for c in cocycles)
    with pytest.raises(ValueError, match="read-only"):
        dgm[0, 0] = 0.0  # a caller cannot change what the next call gets
    assert len(loops._H1_MEMO) <= loops._H1_MEMO_SIZE


def test_a_circle_wound_twice():
    """(cos 2s, sin 2s, d cos s, d sin s): the curve is one loop (parameter s), but
    points s and s + pi are only 2d apart. Over Z/47 the long bar is born with the whole
    curve; from scale 2d on the complex sees the curve folded onto the circle of angle
    2s, which it wraps twice. So at the default scale (middle of the bar, above 2d)
    the coordinate follows 2s and reports winding 2 (unit 2), while at a scale below 2d
    it follows s with winding 1. Over Z/2 (persistence_diagrams) the curve's class dies
    at 2d (twice a class is 0) and the long bar is the half-turn loop born at 2d."""
    delta = 0.5
    x, s = twice_wound(400, delta)
    cc = circular_coordinates(x)
    assert cc.birth < 2 * delta < cc.scale < cc.death
    assert cc.winding == 2 and cc.unit == 2
    assert circ_corr(cc.angles, 2 * s) >= 0.95 and circ_corr(cc.angles, s) < 0.3
    assert wrapped_turns(cc.angles[cc.cycle]) == pytest.approx(2.0)
    # along the cycle (the whole curve) the parameter s goes round once
    assert abs(wrapped_turns(s[cc.cycle])) == pytest.approx(1.0)

    low = circular_coordinates(x, scale=cc.birth + 0.5 * (2 * delta - cc.birth))
    assert low.winding == 1 and low.unit == 1
    assert circ_corr(low.angles, s) >= 0.95

    # Z/2: the long bar is born at 2d, when the first pairs s, s + pi join; a little
    # later its cycle is half the curve closed by one such jump, once round the angle 2s
    z2 = representative_cycle(x)
    assert z2.birth == pytest.approx(2 * delta, rel=1e-6)
    assert z2.birth == persistence_diagrams(x)[1][0, 0]
    inside = representative_cycle(x, scale=z2.birth + 0.1 * (z2.death - z2.birth))
    v = inside.vertices
    assert abs(wrapped_turns(2 * s[v])) == pytest.approx(1.0)
    jumps = np.abs(np.angle(np.exp(1j * (np.roll(s[v], -1) - s[v]))))
    assert np.count_nonzero(jumps > np.pi / 2) == 1 and np.degrees(jumps.max()) > 150


# ------------------------------------------------------------------ bad inputs


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"dim": 2}, ValueError, "dim: only dim=1"),
        ({"dim": 1.0}, TypeError, "dim: expected an integer"),
        ({"feature": 99}, ValueError, "feature: expected a bar index below"),
        ({"feature": -1}, ValueError, "feature: expected an integer >= 0"),
        ({"feature": "0"}, TypeError, "feature: expected an integer"),
        ({"point": (0.0, 5.0)}, ValueError, "point: expected a (birth, death) pair"),
        ({"point": "x"}, TypeError, "point: expected a (birth, death) pair"),
        ({"scale": 100.0}, ValueError, "scale: expected a Rips scale inside the bar"),
        ({"scale": "1"}, TypeError, "scale: expected a finite number"),
        ({"memory_budget": 1000}, MemoryError, "memory_budget:"),
    ],
)
def test_representative_cycle_bad_inputs(kwargs, error, words):
    t = np.linspace(0, 2 * np.pi, 20, endpoint=False)
    with pytest.raises(error, match=None) as info:
        representative_cycle(np.c_[np.cos(t), np.sin(t)], **kwargs)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"prime": 2}, ValueError, "prime: expected an odd prime"),
        ({"prime": 9}, ValueError, "prime: expected an odd prime"),
        ({"n_landmarks": 2}, ValueError, "n_landmarks: expected an integer >= 3"),
        ({"feature": 7}, ValueError, "feature: expected a bar index below"),
        ({"scale": 1e-6}, ValueError, "scale: expected a Rips scale inside the bar"),
        ({"seed": -1}, ValueError, "seed: expected an integer >= 0"),
        ({"progress": 1}, TypeError, "progress: expected True or False"),
        ({"memory_budget": 1000}, MemoryError, "memory_budget:"),
    ],
)
def test_circular_coordinates_bad_inputs(kwargs, error, words):
    t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    with pytest.raises(error) as info:
        circular_coordinates(np.c_[np.cos(t), np.sin(t)], **kwargs)
    assert words in str(info.value)


def test_too_few_landmarks_are_named():
    # a circle beside a long segment: few landmarks cover the segment coarsely
    t = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    x = np.r_[np.c_[np.cos(t), np.sin(t)], np.c_[np.linspace(5, 15, 100), np.zeros(100)]]
    with pytest.raises(ValueError, match="n_landmarks: the 10 landmarks cover the points only"):
        circular_coordinates(x, n_landmarks=10)
    with pytest.raises(ValueError, match="raise n_landmarks"):
        circular_coordinates(x, n_landmarks=6)
    cc = circular_coordinates(x, n_landmarks=12)
    assert cc.winding == 1 and cc.scale > 2 * cc.covering_radius
    with pytest.raises(ValueError, match=r"scale: .* and above 1.6"):
        circular_coordinates(x, n_landmarks=12, scale=1.5)


@pytest.mark.parametrize("fn", [representative_cycle, circular_coordinates])
def test_clouds_without_a_loop_or_points_are_refused(fn):
    with pytest.raises(ValueError, match=r"points: .*no H1 bar"):
        fn(np.c_[np.arange(10.0), np.zeros(10)])
    with pytest.raises(ValueError, match="points: expected at least 3 points"):
        fn(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="points: expected finite values"):
        fn(np.array([[0.0, np.nan], [1, 0], [0, 1]]))
    with pytest.raises(ValueError, match=r"points: expected an \(n, d\) array"):
        fn(np.zeros(5))


# ------------------------------------------------------------------ notebook 06


@pytest.mark.slow
def test_notebook_06_longest_loop_of_layer1_1_conv2_is_the_half_turn_loop():
    """Notebook 06's rotated picture (120 rotations, 3 degrees apart) through the
    default model, pooled activations of layer1.1.conv2 (the notebook's calls). The
    images along the longest H1 loop go round *half* the rotations in small steps
    and close with one jump of 180 degrees: the loop of the half-turn quotient
    (rotations 180 degrees apart are nearly identified), not the circle of rotations.
    Over Z/47 the whole circle of rotations is the long bar, and its coordinate
    winds twice around it."""
    pytest.importorskip("torch")  # tests/topology also runs without torch (.ci/python_range.sh)
    import tda_widgets as tw
    from tda_widgets import datasets as tds

    rotations = tds.rotating_image(n_angles=120)
    model, _ = tds.default_model()
    cloud = tw.extract_activations(model, rotations, ["layer1.1.conv2"], point_cloud="pooled")[
        "layer1.1.conv2"
    ]
    points = cloud.points.astype(np.float64)
    angle = np.asarray(rotations.extras["angle_deg"])[cloud.image_index]
    assert np.array_equal(angle, 3.0 * np.arange(120))

    dg = tw.persistence_diagrams(points)
    cyc = representative_cycle(points)
    assert (cyc.birth, cyc.death) == (dg[1][0, 0], dg[1][0, 1])  # the longest loop
    order = angle[cyc.vertices]
    signed = (np.diff(np.r_[order, order[0]]) + 180) % 360 - 180
    big = np.abs(signed) > 90
    assert np.count_nonzero(big) == 1 and abs(signed[big][0]) == pytest.approx(180)
    small = signed[~big]
    assert np.abs(small).max() <= 30  # the rest are small rotations ...
    assert (np.sign(small) == np.sign(small[0])).all()  # ... all one way round
    assert abs(small.sum()) == pytest.approx(180)  # half the circle, then the jump back
    assert largest_gap_deg(np.deg2rad(2 * order)) < 60  # angles mod 180 (doubled) covered

    cc = circular_coordinates(points)
    assert cc.winding == 2
    assert abs(wrapped_turns(np.deg2rad(angle[cc.cycle]))) == pytest.approx(1.0)
    assert circ_corr(cc.angles, np.deg2rad(2 * angle)) >= 0.9
