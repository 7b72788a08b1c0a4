"""The unit the model classifies: a sentence and the target it is asked about."""

from __future__ import annotations

from dataclasses import dataclass, field

from classifier.labels import polarity

__all__ = ["PairPrediction", "Span", "StancePair", "polarity"]

Span = tuple[int, int]
# A development is a short noun phrase ("the Russia-North Korea defence treaty"), not a text.
MAX_DEVELOPMENT_CHARS = 300


@dataclass(frozen=True)
class StancePair:
    """A (sentence, target) pair. `spans` locate the target's mentions in `text`, when known;
    `development` names what the stance is toward (a short phrase), when known."""

    text: str
    target: str
    spans: tuple[Span, ...] = ()
    label: str | None = None
    development: str | None = None


@dataclass(frozen=True)
class PairPrediction:
    stance: str
    scores: dict[str, float]
    polarity: float
    windowed: bool = field(default=False)

