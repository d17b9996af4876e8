"""Small statistics shared by the evals: Wilson intervals for rates, mean and SEM for seeds, and
a paired bootstrap for contrasts between two arms scored on the same items."""

from __future__ import annotations

import math

Z95 = 1.96  # two-sided 95% normal quantile


def wilson_interval(successes: float, n: int, z: float = Z95) -> tuple[float, float]:
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


def paired_bootstrap(
    contrasts: list[list[list[float]]],
    resamples: int = 4000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Mean paired difference and its percentile bootstrap interval: (estimate, low, high).

    `contrasts[c][s][i]` is treated − control for item i of contrast c (e.g. one eval) under seed
    s: the two arms are paired by item id (and by seed index), so each resample draws the same
    items for both arms. Every resample draws seeds with replacement (shared by all contrasts)
    and, independently per contrast, items with replacement (shared by all seeds); the statistic
    is the mean over contrasts of the mean over seeds and items. With one seed only items vary.
    """
    import numpy as np

    if not contrasts or any(not c or not c[0] for c in contrasts):
        raise ValueError("paired_bootstrap needs at least one seed and one item per contrast")
    arrays = [np.asarray(c, dtype=float) for c in contrasts]
    seeds = arrays[0].shape[0]
    if any(a.ndim != 2 or a.shape[0] != seeds for a in arrays):
        raise ValueError("every contrast needs a [seeds][items] table with the same seeds")
    estimate = float(np.mean([a.mean() for a in arrays]))
    rng = np.random.default_rng(seed)
    seed_draws = rng.integers(0, seeds, size=(resamples, seeds))
    statistic = np.zeros(resamples)
    for array in arrays:
        item_draws = rng.integers(0, array.shape[1], size=(resamples, array.shape[1]))
        # resample r: rows seed_draws[r], columns item_draws[r]; mean over both.
        per_seed_items = array[:, item_draws].mean(axis=-1)  # (seeds, resamples)
        statistic += np.take_along_axis(per_seed_items.T, seed_draws, axis=1).mean(axis=1)
    statistic /= len(arrays)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(statistic, [tail, 100 - tail])
    return (estimate, float(low), float(high))
