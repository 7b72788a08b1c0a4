"""How sure a score is: bootstrap confidence intervals over (gold, predicted) pairs, and
McNemar's test for two models scored on the same pairs.

A test set of a few hundred pairs moves macro-F1 by points between resamples; these numbers say
whether a difference is larger than that noise before anyone acts on it.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
from scipy.stats import binomtest, chi2

from classifier.errors import InputError

# (gold, predicted, labels) -> score, e.g. training.metrics.macro_f1
Metric = Callable[[Sequence, Sequence, Sequence], float]

DEFAULT_RESAMPLES = 1000
DEFAULT_CONFIDENCE = 0.95
DEFAULT_SEED = 2026
# Below this many discordant pairs the chi-square approximation is poor; use the exact binomial.
EXACT_MCNEMAR_BELOW = 25


def resample_indices(n: int, resamples: int, seed: int) -> np.ndarray:
    """`resamples` rows of `n` indices drawn with replacement: the same rows for the same seed,
    so two models resampled with one call are compared on identical resamples."""
    if n < 1 or resamples < 1:
        raise ValueError(f"bootstrap needs at least one pair and one resample, got {n} pairs and {resamples} resamples")
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def bootstrap_interval(
    gold: Sequence[str],
    predicted: Sequence[str],
    labels: Sequence[str],
    metric: Metric,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """The metric on all pairs and its percentile bootstrap interval over resampled pairs."""
    codes, (g, p) = _encoded(labels, gold, predicted)
    return _bootstrap(
        lambda idx: metric(g[idx], p[idx], codes),
        len(g), resamples=resamples, confidence=confidence, seed=seed,
    )


def paired_bootstrap_difference(
    gold: Sequence[str],
    predicted_a: Sequence[str],
    predicted_b: Sequence[str],
    labels: Sequence[str],
    metric: Metric,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """metric(a) - metric(b) and its interval, both models scored on the same resampled pairs
    (pairing removes the variance the two share: which sentences happened to be in the test)."""
    codes, (g, a, b) = _encoded(labels, gold, predicted_a, predicted_b)
    return _bootstrap(
        lambda idx: metric(g[idx], a[idx], codes) - metric(g[idx], b[idx], codes),
        len(g), resamples=resamples, confidence=confidence, seed=seed,
    )


def mcnemar(correct_a: Sequence[bool], correct_b: Sequence[bool]) -> dict[str, Any]:
    """McNemar's test on paired right/wrong outcomes: do the models err on different pairs more
    often in one direction than chance allows? Two-sided; exact binomial for few discordant pairs,
    chi-square with continuity correction otherwise."""
    a, b = np.asarray(correct_a, dtype=bool), np.asarray(correct_b, dtype=bool)
    if a.shape != b.shape:
        raise InputError(f"McNemar needs the same pairs for both models, got {a.size} and {b.size} outcomes")
    only_a, only_b = int(np.sum(a & ~b)), int(np.sum(~a & b))
    discordant = only_a + only_b
    if discordant == 0:  # the models agree on every pair: no evidence of a difference
        method, statistic, p_value = "exact", None, 1.0
    elif discordant < EXACT_MCNEMAR_BELOW:
        method, statistic = "exact", None
        p_value = binomtest(min(only_a, only_b), discordant, 0.5, alternative="two-sided").pvalue
    else:
        method = "chi-square"
        statistic = (abs(only_a - only_b) - 1) ** 2 / discordant
        p_value = chi2.sf(statistic, df=1)
    return {
        "only_a_correct": only_a,
        "only_b_correct": only_b,
        "both_correct": int(np.sum(a & b)),
        "both_wrong": int(np.sum(~a & ~b)),
        "method": method,
        "statistic": None if statistic is None else float(statistic),
        "p_value": float(p_value),
    }


def _bootstrap(measure: Callable[[np.ndarray], float], n: int, *, resamples: int, confidence: float, seed: int) -> dict[str, Any]:
    if not 0 < confidence < 1:
        raise InputError(f"confidence must be between 0 and 1, but it was: {confidence}")
    samples = np.array([measure(idx) for idx in resample_indices(n, resamples, seed)])
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail])
    return {
        "estimate": float(measure(np.arange(n))),
        "low": float(low),
        "high": float(high),
        "confidence": confidence,
        "resamples": resamples,
        "seed": seed,
    }


def _encoded(labels: Sequence[str], *sequences: Sequence[str]) -> tuple[list[int], list[np.ndarray]]:
    """Labels as integer codes: scikit-learn scores integer arrays about twice as fast as strings,
    which matters a thousand resamples over."""
    code = {label: i for i, label in enumerate(labels)}
    for sequence in sequences:
        for label in sequence:
            code.setdefault(label, len(code))
    arrays = [np.fromiter((code[x] for x in sequence), dtype=np.int64, count=len(sequence)) for sequence in sequences]
    return [code[label] for label in labels], arrays
