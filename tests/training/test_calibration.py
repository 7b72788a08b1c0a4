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


def test_the_fitted_temperature_softens_an_over_confident_model():
    import numpy as np

    from training.calibration import fit_temperature

    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, size=600)
    # Confident logits that are right only 60% of the time.
    predicted = np.where(rng.random(600) < 0.6, gold, (gold + 1) % 3)
    logits = np.eye(3)[predicted] * 8.0
    assert fit_temperature(logits, gold) > 2.0


def test_the_fitted_temperature_minimises_held_out_nll():
    import numpy as np

    from training.calibration import fit_temperature, negative_log_likelihood

    rng = np.random.default_rng(1)
    gold = rng.integers(0, 3, size=300)
    logits = rng.normal(size=(300, 3)) * 3 + np.eye(3)[gold] * 2  # informative, but noisy
    t = fit_temperature(logits, gold)
    assert all(negative_log_likelihood(logits, gold, t) <= negative_log_likelihood(logits, gold, t * f) + 1e-9 for f in (0.8, 1.25))


def test_temperature_scaling_never_changes_the_predicted_label(tiny_classifier):
    from classifier.pairs import StancePair

    pairs = [StancePair("Chile signed the pact.", "Chile", ((0, 5),)), StancePair("Peru objected.", "Peru", ((0, 4),))]
    logits, windowed = tiny_classifier.pair_logits(pairs)
    assert [p.stance for p in tiny_classifier.predictions_from_logits(logits, windowed, 0.3)] == [
        p.stance for p in tiny_classifier.predictions_from_logits(logits, windowed, 5.0)]


def test_evaluate_reports_ece_before_and_after_temperature_scaling(tiny_checkpoint, tiny_data):
    from training.evaluate import evaluate

    calibration = evaluate(tiny_checkpoint, tiny_data["dev"], resamples=50).metrics["calibration"]
    assert {"ece", "ece_before_scaling", "temperature"} <= set(calibration)
