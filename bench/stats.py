"""Small statistics for noisy machines: percentiles, medians with spreads, ratios."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100) of a non-empty sequence."""
    if not values:
        raise ValueError("percentile of nothing")
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


@dataclass(frozen=True)
class Spread:
    """A median with its interquartile range over repeated runs."""

    median: float
    p25: float
    p75: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(
            statistics.median(values), percentile(values, 25), percentile(values, 75), len(values)
        )

    def fmt(self, unit: str = "", digits: int = 1) -> str:
        f = f"{{:.{digits}f}}"
        core = f.format(self.median) + unit
        if self.n < 2:
            return core
        return f"{core} ({f.format(self.p25)}–{f.format(self.p75)})"


def ratio(value: float, floor: float) -> float:
    return value / floor if floor else float("inf")


def fmt_ratio(r: float) -> str:
    return f"{r:.2f}×"
