import pytest

from training.metrics import breakdown, compute_metrics

LABELS = ["supportive", "concerned", "silent"]


def test_perfect_predictions_score_one():
    gold = ["supportive", "concerned", "silent"]
    metrics = compute_metrics(gold, gold, LABELS)
    assert metrics["macro_f1"] == 1.0 and metrics["accuracy"] == 1.0


def test_macro_f1_matches_a_hand_computed_value():
    gold = ["supportive", "supportive", "concerned", "silent"]
    pred = ["supportive", "concerned", "concerned", "silent"]
    # F1: supportive 2/3, concerned 2/3, silent 1
    assert compute_metrics(gold, pred, LABELS)["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)


def test_confusion_matrix_rows_are_gold_in_label_order():
    metrics = compute_metrics(["silent", "silent"], ["silent", "concerned"], LABELS)
    assert metrics["confusion_matrix"]["matrix"] == [[0, 0, 0], [0, 0, 0], [0, 1, 1]]


def test_breakdown_groups_pairs_largest_first():
    out = breakdown(["China", "China", "Peru"], ["silent"] * 3, ["silent", "concerned", "silent"], LABELS)
    assert list(out) == ["China", "Peru"] and out["China"]["n"] == 2 and out["China"]["accuracy"] == 0.5
