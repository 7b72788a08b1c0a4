import pytest

from training.calibration import expected_calibration_error, reliability_bins


def test_ece_of_a_perfectly_calibrated_model_is_zero():
    # 80% confident and right 8 times in 10; certain and always right.
    confidences = [0.8] * 10 + [1.0] * 5
    correct = [True] * 8 + [False] * 2 + [True] * 5
    assert expected_calibration_error(confidences, correct) == pytest.approx(0.0)


def test_ece_of_an_overconfident_model_matches_the_hand_computed_value():
    # Bin of 0.9: right 2 of 4 (gap 0.4); bin of 0.6: right 1 of 2 (gap 0.1).
    confidences = [0.9] * 4 + [0.6] * 2
    correct = [True, True, False, False, True, False]
    assert expected_calibration_error(confidences, correct) == pytest.approx(4 / 6 * 0.4 + 2 / 6 * 0.1)


def test_reliability_bins_are_fifteen_equal_widths_holding_every_prediction():
    bins = reliability_bins([0.0, 0.5, 1.0, 1 / 15], [True, False, True, True])
    assert len(bins) == 15 and sum(b["count"] for b in bins) == 4
    assert bins[0]["count"] == 2 and bins[-1]["count"] == 1  # (0, 1/15] holds 0 and 1/15
