"""Small statistics helpers: medians of repetitions, nearest-rank percentiles, paired ratios."""

from __future__ import annotations

import math
import statistics
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    """Median; NaN for no values (shown as "n/a" in the report)."""
    return statistics.median(values) if values else math.nan


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95: ``fraction=0.95``)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """Median of the pair-by-pair ratios numerator[i] / denominator[i]."""
    ratios = [n / d for n, d in zip(numerators, denominators, strict=True) if d > 0]
    return median(ratios)
