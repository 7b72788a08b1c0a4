"""Whether the model's confidence can be taken at face value: reliability bins and the expected
calibration error (ECE) over the probability of the predicted label.

Callers threshold on these probabilities (and the API returns them), so a model that says 0.95
and is right 70% of the time misleads them even when its macro-F1 is fine.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

DEFAULT_BINS = 15


def reliability_bins(confidences: Sequence[float], correct: Sequence[bool], bins: int = DEFAULT_BINS) -> list[dict[str, Any]]:
    """Equal-width bins over [0, 1], each (low, high] (the first also holds 0): how many
    predictions fell in it, their mean confidence and the fraction that were right."""
    conf = np.asarray(confidences, dtype=float)
    right = np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.searchsorted(edges[1:-1], conf, side="left")
    out = []
    for b in range(bins):
        members = which == b
        count = int(members.sum())
        out.append({
            "low": float(edges[b]),
            "high": float(edges[b + 1]),
            "count": count,
            "confidence": float(conf[members].mean()) if count else None,
            "accuracy": float(right[members].mean()) if count else None,
        })
    return out


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool], bins: int = DEFAULT_BINS) -> float:
    """Sum over bins of (share of predictions in the bin) x |accuracy - mean confidence|."""
    return ece_of(reliability_bins(confidences, correct, bins))


def ece_of(bins: Sequence[dict[str, Any]]) -> float:
    total = sum(b["count"] for b in bins)
    if not total:
        return 0.0
    return float(sum(b["count"] / total * abs(b["accuracy"] - b["confidence"]) for b in bins if b["count"]))


def calibration(confidences: Sequence[float], correct: Sequence[bool], bins: int = DEFAULT_BINS) -> dict[str, Any]:
    """ECE and the bins it was computed from, as metrics.json records them."""
    table = reliability_bins(confidences, correct, bins)
    return {"ece": ece_of(table), "bins": bins, "reliability": table}


# Temperatures searched, on a log scale: 1/20 (sharpen) to 20 (soften).
TEMPERATURE_RANGE = (0.05, 20.0)


def negative_log_likelihood(logits: np.ndarray, gold: Sequence[int], temperature: float) -> float:
    """Mean cross-entropy of the gold labels under softmax(logits / temperature)."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    log_probs = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(gold)), np.asarray(gold)].mean())


def fit_temperature(logits: np.ndarray, gold: Sequence[int], iterations: int = 60) -> float:
    """The temperature that minimises the negative log-likelihood of held-out labels (Guo et
    al., 2017). One scalar: it changes how confident the model is, never which label it picks.
    The NLL is convex in 1/T, so unimodal in log T: a golden-section search finds the minimum."""
    if len(gold) == 0:
        return 1.0
    low, high = np.log(TEMPERATURE_RANGE[0]), np.log(TEMPERATURE_RANGE[1])
    ratio = (np.sqrt(5) - 1) / 2
    nll = lambda log_t: negative_log_likelihood(logits, gold, float(np.exp(log_t)))
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    fa, fb = nll(a), nll(b)
    for _ in range(iterations):
        if fa <= fb:
            high, b, fb = b, a, fa
            a = high - ratio * (high - low)
            fa = nll(a)
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = nll(b)
    return float(np.exp((low + high) / 2))
