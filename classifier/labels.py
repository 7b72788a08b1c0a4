"""The three stances, and what each means on the polarity scale: defined once, here.

The labelling guide fixes the vocabulary. Data files may use other names (SemEval's FAVOR,
NewsMTSC's positive), mapped onto these by `data.label_map`; the model always speaks these.
"""

from __future__ import annotations

from typing import Mapping

STANCES = ("supportive", "concerned", "silent")
# supportive pulls toward +1, concerned toward -1; silent takes no side.
POLARITY = {"supportive": 1.0, "concerned": -1.0, "silent": 0.0}


def polarity(scores: Mapping[str, float]) -> float:
    """P(supportive) - P(concerned): +1 fully supportive, -1 fully concerned."""
    return sum(POLARITY[label] * p for label, p in scores.items() if label in POLARITY)
