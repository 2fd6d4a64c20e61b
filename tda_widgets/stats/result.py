"""One result type for every test: observed statistic, null sample, p, its Monte Carlo error.

A permutation or Monte Carlo test compares an observed statistic with ``B`` draws of it
under a null hypothesis. :class:`TestResult` keeps all of it -- the null sample itself,
not only its mean -- so a reader can see chance as a distribution: the p-value with the
``(k + 1) / (B + 1)`` correction (Phipson & Smyth 2010; never 0), its Monte Carlo
standard error ``sqrt(p (1 - p) / B)``, the alternative, an effect size (z against the
null), the seed that reproduces it, and, where several tests are read together, a Holm
adjustment (:func:`holm`). In a notebook it renders the null histogram with the
observed value.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tda_widgets._validation import check_choice, check_number, describe

__all__ = ["ALTERNATIVES", "TestResult", "holm", "p_value"]

ALTERNATIVES = ("greater", "less", "two-sided")


def p_value(statistic: float, null: Any, alternative: str = "greater") -> float:
    """Monte Carlo p-value ``(k + 1) / (B + 1)`` of ``statistic`` against ``null``.

    ``k`` counts the null draws at least as extreme as the observed value in the
    direction of ``alternative`` (ties count, with a relative tolerance of 1e-12, so
    the observed value itself, redrawn, is never "more extreme" by rounding).
    ``"two-sided"`` is twice the smaller one-sided p, at most 1.

    Examples
    --------
    >>> p_value(3.0, [0.0, 1.0, 2.0, 3.0])  # one draw ties: (1 + 1) / (4 + 1)
    0.4
    >>> p_value(-1.0, [0.0, 1.0, 2.0], alternative="less")
    0.25
    """
    check_choice(alternative, ALTERNATIVES, name="alternative")
    x = np.asarray(null, dtype=np.float64).ravel()
    if x.size == 0:
        raise ValueError("null: expected at least one draw of the statistic, got none")
    tol = 1e-12 * max(1.0, abs(float(statistic)))
    b = x.size
    greater = (1 + int(np.sum(x >= statistic - tol))) / (b + 1)
    less = (1 + int(np.sum(x <= statistic + tol))) / (b + 1)
    if alternative == "greater":
        return greater
    if alternative == "less":
        return less
    return min(1.0, 2 * min(greater, less))


@dataclass(frozen=True, eq=False)
class TestResult:
    """The outcome of a permutation or Monte Carlo test.

    Parameters
    ----------
    name : str
        What was tested, e.g. ``"Mapper purity vs label permutation"``.
    statistic : float
        The observed value.
    null : ndarray of shape (B,)
        The statistic recomputed under the null hypothesis, one value per draw.
    alternative : {"greater", "less", "two-sided"}
        Which direction counts as evidence against the null.
    seed : int
        Seed of the draws; the same seed gives the same ``null``.
    method : str
        How the null was drawn (one line, shown in the repr).
    correction : str, optional
        Set by :func:`holm`: the multiplicity correction and how many tests it covers.
    p_adjusted : float, optional
        The corrected p-value (set by :func:`holm`).

    Attributes
    ----------
    p_value : float
        ``(k + 1) / (B + 1)`` (see :func:`p_value`).
    mc_se : float
        Monte Carlo standard error of ``p_value``, ``sqrt(p (1 - p) / B)``: a second run
        with another seed gives a p within about 2 of these.
    effect : float
        ``z = (statistic - mean(null)) / sd(null)``; when the null has no spread, the
        difference from the null's median (``effect_name`` says which).

    Examples
    --------
    >>> import numpy as np
    >>> null = np.random.default_rng(0).normal(size=999)
    >>> r = TestResult("demo", statistic=3.0, null=null, alternative="greater", seed=0)
    >>> r.p_value, round(r.mc_se, 4)
    (0.002, 0.0014)
    >>> round(r.effect, 1)
    3.1
    >>> print(r.summary())  # doctest: +NORMALIZE_WHITESPACE
    demo: observed 3, null -0.0478 [-1.9, 1.83], z = 3.1, p = 0.002 ± 0.0014
    (one-sided, greater; B = 999)
    """

    __test__ = False  # not a pytest test class

    name: str
    statistic: float
    null: NDArray[np.float64]
    alternative: str = "greater"
    seed: int = 0
    method: str = ""
    correction: str | None = None
    p_adjusted: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_choice(self.alternative, ALTERNATIVES, name="alternative")
        null = np.asarray(self.null, dtype=np.float64).ravel()
        if null.size == 0 or not np.all(np.isfinite(null)):
            raise ValueError(
                f"null: expected a non-empty sample of finite values, got {describe(self.null)}"
            )
        object.__setattr__(self, "null", null)
        object.__setattr__(self, "statistic", float(self.statistic))

    @property
    def n_permutations(self) -> int:
        """``B``, the number of null draws."""
        return int(self.null.size)

    @property
    def p_value(self) -> float:
        return p_value(self.statistic, self.null, self.alternative)

    @property
    def mc_se(self) -> float:
        p = self.p_value
        return math.sqrt(p * (1 - p) / self.n_permutations)

    @property
    def effect(self) -> float:
        sd = float(np.std(self.null, ddof=1)) if self.null.size > 1 else 0.0
        if sd > 0:
            return (self.statistic - float(np.mean(self.null))) / sd
        return self.statistic - float(np.median(self.null))

    @property
    def effect_name(self) -> str:
        """``"z"``, or ``"difference from the null median"`` when the null has no spread."""
        sd = float(np.std(self.null, ddof=1)) if self.null.size > 1 else 0.0
        return "z" if sd > 0 else "difference from the null median"

    def null_band(self, level: float = 0.95) -> tuple[float, float]:
        """The central ``level`` interval of the null (its quantiles).

        Examples
        --------
        >>> r = TestResult("t", 0.5, np.linspace(0, 1, 101), seed=0)
        >>> r.null_band(0.9)
        (0.05, 0.95)
        """
        level = check_number(level, name="level", minimum=0.0)
        if not level < 1:
            raise ValueError(f"level: expected a number in [0, 1), got {level}")
        lo, hi = np.quantile(self.null, [(1 - level) / 2, (1 + level) / 2])
        return float(lo), float(hi)

    def summary(self) -> str:
        """One line: observed, null centre and 95 % band, effect, p ± its MC error."""
        lo, hi = self.null_band()
        effect = (
            f"z = {self.effect:.1f}" if self.effect_name == "z" else f"Δ median = {self.effect:.3g}"
        )
        sided = "two-sided" if self.alternative == "two-sided" else f"one-sided, {self.alternative}"
        line = (
            f"{self.name}: observed {self.statistic:.3g}, null {np.mean(self.null):.3g} "
            f"[{lo:.3g}, {hi:.3g}], {effect}, p = {self.p_value:.2g} ± {self.mc_se:.2g} "
            f"({sided}; B = {self.n_permutations})"
        )
        if self.correction is not None and self.p_adjusted is not None:
            line += f"; {self.correction}: p_adj = {self.p_adjusted:.2g}"
        return line

    def __repr__(self) -> str:
        method = f", method={self.method!r}" if self.method else ""
        return f"TestResult({self.summary()!r}, seed={self.seed}{method})"

    def _repr_html_(self) -> str:
        return (
            "<div class='tdaw-test' style='font:12px sans-serif'>"
            f"{null_histogram_svg(self)}<div>{html.escape(self.summary())}</div>"
            + (f"<div style='opacity:.7'>{html.escape(self.method)}</div>" if self.method else "")
            + "</div>"
        )


def null_histogram_svg(result: TestResult, *, width: int = 360, height: int = 120) -> str:
    """An inline SVG: the null's histogram, its 95 % band shaded, the observed value a line.

    Uses ``currentColor`` so it reads in light and dark themes.
    """
    null = result.null
    lo_all = min(float(null.min()), result.statistic)
    hi_all = max(float(null.max()), result.statistic)
    if hi_all <= lo_all:
        hi_all = lo_all + 1.0
    pad = 0.04 * (hi_all - lo_all)
    lo_all, hi_all = lo_all - pad, hi_all + pad
    counts, edges = np.histogram(null, bins=30, range=(lo_all, hi_all))
    top, left, bottom = 8, 8, height - 20
    plot_w = width - 2 * left

    def x(v: float) -> float:
        return left + (v - lo_all) / (hi_all - lo_all) * plot_w

    peak = max(int(counts.max()), 1)
    bars = "".join(
        f"<rect x='{x(edges[i]):.1f}' y='{bottom - c / peak * (bottom - top):.1f}' "
        f"width='{max(x(edges[i + 1]) - x(edges[i]) - 1, 0.5):.1f}' "
        f"height='{c / peak * (bottom - top):.1f}' fill='currentColor' opacity='0.45'/>"
        for i, c in enumerate(counts)
    )
    band_lo, band_hi = result.null_band()
    band = (
        f"<rect x='{x(band_lo):.1f}' y='{top}' width='{max(x(band_hi) - x(band_lo), 1):.1f}' "
        f"height='{bottom - top}' fill='currentColor' opacity='0.08'/>"
    )
    obs = x(result.statistic)
    line = (
        f"<line x1='{obs:.1f}' x2='{obs:.1f}' y1='{top - 4}' y2='{bottom}' "
        "stroke='#d62728' stroke-width='2'/>"
        f"<text x='{min(obs + 4, width - 70):.1f}' y='{top + 8}' fill='#d62728' "
        f"font-size='11'>observed {result.statistic:.3g}</text>"
    )
    axis = (
        f"<line x1='{left}' x2='{width - left}' y1='{bottom}' y2='{bottom}' "
        "stroke='currentColor' opacity='0.6'/>"
        f"<text x='{left}' y='{height - 4}' fill='currentColor' font-size='10'>{lo_all:.3g}</text>"
        f"<text x='{width - left}' y='{height - 4}' fill='currentColor' font-size='10' "
        f"text-anchor='end'>{hi_all:.3g}</text>"
        f"<text x='{width / 2:.0f}' y='{height - 4}' fill='currentColor' font-size='10' "
        f"text-anchor='middle'>null (B = {result.n_permutations}), 95 % band shaded</text>"
    )
    label = html.escape(result.name)
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"role='img' aria-label='{label}: null distribution and observed value'>"
        f"{band}{bars}{axis}{line}</svg>"
    )


def holm(results: Sequence[TestResult]) -> list[TestResult]:
    """Holm's step-down adjustment of several tests read together.

    Returns copies of ``results`` (same order) with ``p_adjusted`` and ``correction``
    set; the family-wise error rate of "reject where ``p_adjusted <= alpha``" is at most
    ``alpha`` for any dependence between the tests.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> rs = [TestResult(f"t{i}", s, rng.normal(size=99), seed=0) for i, s in
    ...       enumerate([3.5, 0.0, 2.5])]
    >>> [round(r.p_adjusted, 2) for r in holm(rs)]
    [0.03, 0.49, 0.08]
    >>> holm(rs)[0].correction
    'Holm over 3 tests'
    """
    items = list(results)
    for i, r in enumerate(items):
        if not isinstance(r, TestResult):
            raise TypeError(f"results[{i}]: expected a TestResult, got {describe(r)}")
    m = len(items)
    if m == 0:
        return []
    p = np.array([r.p_value for r in items])
    order = np.argsort(p, kind="stable")
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    label = f"Holm over {m} tests"
    return [
        replace(r, p_adjusted=float(adjusted[i]), correction=label) for i, r in enumerate(items)
    ]
