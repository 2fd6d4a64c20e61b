"""Shared helpers for the benchmark scripts: timing and the printed table."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Smallest wall time of ``repeat`` runs, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def print_table(title: str, rows: list[tuple[str, float, float, float, str]]) -> None:
    """rows: (case, ours_s, plain_s, max_diff, target)."""
    print(f"\n{title}")
    head = (
        f"{'case':<28} {'ours [s]':>10} {'plain [s]':>10} {'speed-up':>9} {'max diff':>10}  target"
    )
    print(head)
    print("-" * len(head))
    for case, ours, plain, diff, target in rows:
        print(
            f"{case:<28} {ours:>10.3f} {plain:>10.3f} {plain / ours:>8.1f}x {diff:>10.2e}  {target}"
        )
