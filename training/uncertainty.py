"""Which pairs to label next: the ones the model is least sure of.

One ordering serves the service's review queue (`GET /v1/review/next`) and the active-learning
bench (bench/active_learning.py), so what the bench measures is what the page asks.

A pair's uncertainty is the margin between its two most probable labels (small: unsure).
Margins within `TIE_WIDTH` of each other count as ties, and ties go first to the document's
least sure pair, then its second, and so on, so one long unsure document does not fill the
queue. Only the least sure pair of each sentence is offered: labelling it labels the whole
sentence (every country of it), after which the sentence never comes back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Hashable, Iterable, Mapping, Sequence

# Margins are compared at this resolution: 0.512 and 0.517 are ties, 0.51 and 0.53 are not.
TIE_WIDTH = 0.01


def margin(scores: Mapping[str, float]) -> float:
    """P(top label) - P(second label): 0 is a coin toss between two labels, 1 is certainty."""
    if len(scores) < 2:
        raise ValueError("a margin needs at least two labels' scores")
    first, second = sorted(scores.values(), reverse=True)[:2]
    return first - second


@dataclass(frozen=True)
class Candidate:
    """One scored (sentence, country) pair that could be labelled."""

    document: Hashable
    sentence: int
    country: str
    scores: Mapping[str, float] = field(hash=False, compare=False)
    payload: object = field(default=None, hash=False, compare=False)  # whatever the caller needs back

    @property
    def margin(self) -> float:
        return margin(self.scores)

    @property
    def sentence_key(self) -> tuple[Hashable, int]:
        return (self.document, self.sentence)


def least_sure(candidates: Iterable[Candidate], n: int, exclude: Sequence[tuple[Hashable, int]] = ()) -> list[Candidate]:
    """The `n` sentences to label next, each as its least sure pair, in the order to ask them.

    `exclude`: sentence keys (document, sentence index) never to offer again (labelled, skipped).
    Candidates keep their input order as the last tie-break, so the answer is deterministic.
    """
    if n < 0:
        raise ValueError("n must be at least 0")
    excluded = set(exclude)
    best: dict[tuple[Hashable, int], tuple[float, int, Candidate]] = {}
    for order, candidate in enumerate(candidates):
        key = candidate.sentence_key
        if key in excluded:
            continue
        held = best.get(key)
        if held is None or candidate.margin < held[0]:
            best[key] = (candidate.margin, held[1] if held else order, candidate)
    # Each sentence's rank inside its document: 0 for the document's least sure sentence.
    by_document: dict[Hashable, list[tuple[float, int]]] = {}
    for key, (m, order, _) in best.items():
        by_document.setdefault(key[0], []).append((m, order))
    rank: dict[tuple[Hashable, int], int] = {}
    for document, entries in by_document.items():
        for position, (m, order) in enumerate(sorted(entries)):
            rank[(document, order)] = position

    def sort_key(item: tuple[float, int, Candidate]) -> tuple:
        m, order, candidate = item
        return (_tie_bucket(m), rank[(candidate.document, order)], m, order)

    return [candidate for _, _, candidate in sorted(best.values(), key=sort_key)[:n]]


def _tie_bucket(m: float) -> int:
    # A tiny epsilon so 0.03 (stored as 0.029999...) lands in the bucket it reads as.
    return math.floor(m / TIE_WIDTH + 1e-9)
