import pytest
from scipy.special import comb

from classifier.errors import InputError
from training.comparison import compare_checkpoints
from training.metrics import macro_f1
from training.significance import bootstrap_interval, mcnemar

LABELS = ["supportive", "concerned", "silent"]
GOLD = ["supportive", "concerned", "silent", "silent", "supportive", "concerned", "silent", "supportive"] * 5
PREDICTED = ["supportive", "silent", "silent", "concerned", "supportive", "concerned", "silent", "silent"] * 5


def _rows(predicted):
    return [{"text": f"s{i}", "country": "Peru", "gold": g, "predicted": p} for i, (g, p) in enumerate(zip(GOLD, predicted))]


def test_bootstrap_interval_contains_the_point_estimate():
    ci = bootstrap_interval(GOLD, PREDICTED, LABELS, macro_f1, resamples=200, seed=1)
    assert ci["estimate"] == pytest.approx(macro_f1(GOLD, PREDICTED, LABELS))
    assert ci["low"] <= ci["estimate"] <= ci["high"] and ci["low"] < ci["high"]


def test_bootstrap_interval_is_the_same_for_the_same_seed():
    first = bootstrap_interval(GOLD, PREDICTED, LABELS, macro_f1, resamples=200, seed=7)
    assert bootstrap_interval(GOLD, PREDICTED, LABELS, macro_f1, resamples=200, seed=7) == first


def test_mcnemar_exact_p_value_matches_the_binomial_by_hand():
    # 1 pair only A gets right, 5 only B: two-sided p = 2 * P(X <= 1), X ~ Binomial(6, 1/2).
    a = [True] + [False] * 5 + [True, False]
    b = [False] + [True] * 5 + [True, False]
    result = mcnemar(a, b)
    assert result["method"] == "exact" and (result["only_a_correct"], result["only_b_correct"]) == (1, 5)
    assert result["p_value"] == pytest.approx(2 * (comb(6, 0) + comb(6, 1)) / 2**6)


def test_mcnemar_uses_corrected_chi_square_from_25_discordant_pairs():
    a = [True] * 20 + [False] * 10
    result = mcnemar(a, [not x for x in a])
    assert result["method"] == "chi-square" and result["statistic"] == pytest.approx((20 - 10 - 1) ** 2 / 30)


def test_comparing_identical_predictions_gives_no_difference_and_p_one():
    result = compare_checkpoints(_rows(PREDICTED), _rows(PREDICTED), LABELS, resamples=100)
    difference = result["macro_f1_difference"]
    assert (difference["estimate"], difference["low"], difference["high"]) == (0.0, 0.0, 0.0)
    assert result["mcnemar"]["p_value"] == 1.0


def test_comparison_refuses_predictions_on_different_pairs():
    with pytest.raises(InputError, match="same pairs"):
        compare_checkpoints(_rows(PREDICTED), _rows(PREDICTED)[::-1], LABELS, resamples=10)
