import pytest

from classifier.pairs import StancePair
from training.baselines import TARGET_PLACEHOLDER, majority_predictions, mask_target
from training.metrics import compute_metrics

LABELS = ["supportive", "concerned", "silent"]


def _pairs(labels):
    return [StancePair(f"Sentence {i}.", "Peru", (), label) for i, label in enumerate(labels)]


def test_majority_baseline_macro_f1_matches_the_hand_computed_value():
    train = _pairs(["silent", "silent", "supportive"])
    test = _pairs(["silent", "supportive", "concerned", "silent"])
    predicted = majority_predictions(train, test)
    # Always "silent": silent P 2/4, R 1, F1 2/3; the other labels F1 0; macro (2/3) / 3.
    assert predicted == ["silent"] * 4
    assert compute_metrics([p.label for p in test], predicted, LABELS)["macro_f1"] == pytest.approx(2 / 9)


def test_mask_target_replaces_only_the_target_mentions():
    text = "Japan welcomed it; Tokyo and China disagreed."
    pair = StancePair(text, "Japan", ((0, 5), (19, 24)), "supportive")
    assert mask_target(pair) == f"{TARGET_PLACEHOLDER} welcomed it; {TARGET_PLACEHOLDER} and China disagreed."
