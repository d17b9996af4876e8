"""Small statistics shared by the evals: Wilson intervals for rates, mean and SEM for seeds."""

from __future__ import annotations

import math


def wilson_interval(successes: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a proportion; `successes` may be fractional (order-averaged)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # min/max with p: at p = 0 or 1 rounding would otherwise put p a hair outside its interval.
    return (max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


def mean_sem(values: list[float]) -> tuple[float, float]:
    """Mean and standard error of the mean (0 for a single value)."""
    if not values:
        raise ValueError("mean_sem of no values")
    mean = sum(values) / len(values)
    if len(values) == 1:
        return (mean, 0.0)
    variance = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return (mean, math.sqrt(variance / len(values)))
