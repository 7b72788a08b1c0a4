"""The unit the model classifies: a sentence and the target it is asked about."""

from __future__ import annotations

from dataclasses import dataclass, field

from classifier.labels import polarity

__all__ = ["PairPrediction", "Span", "StancePair", "polarity"]

Span = tuple[int, int]


@dataclass(frozen=True)
class StancePair:
    """A (sentence, target) pair. `spans` locate the target's mentions in `text`, when known."""

    text: str
    target: str
    spans: tuple[Span, ...] = ()
    label: str | None = None


@dataclass(frozen=True)
class PairPrediction:
    stance: str
    scores: dict[str, float]
    polarity: float
    windowed: bool = field(default=False)

