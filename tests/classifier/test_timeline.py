import csv

import pytest

from classifier.errors import InputError
from classifier.timeline import build_timeline, period_of, write_timeline


def _row(country, day, stance, polarity, development=None):
    return {"country": country, "date": day, "stance": stance, "polarity": polarity, "development": development}


ROWS = [
    _row("Japan", "2024-01-03", "supportive", 0.8),
    _row("Japan", "2024-01-20", "concerned", -0.6),
    _row("Japan", "2024-01-31", "supportive", 0.4),
    _row("Japan", "2024-02-01", "silent", 0.0),
    _row("Peru", "2024-01-05", "concerned", -0.9),
    _row("Peru", None, "concerned", -0.9),
]


def test_weeks_start_on_monday_and_months_are_calendar_months():
    assert period_of("2024-01-03", "week") == "2024-01-01" and period_of("2024-01-07", "week") == "2024-01-01"
    assert period_of("2024-01-08T09:00:00", "week") == "2024-01-08" and period_of("2024-01-31", "month") == "2024-01"


def test_monthly_points_match_a_hand_computed_example():
    points, undated = build_timeline(ROWS, "month")
    japan_january = next(p for p in points if p.country == "Japan" and p.period == "2024-01")
    assert japan_january.pairs == 3
    assert japan_january.shares == {"supportive": 2 / 3, "concerned": 1 / 3, "silent": 0.0}
    assert japan_january.mean_polarity == pytest.approx((0.8 - 0.6 + 0.4) / 3)
    assert -0.6 <= japan_january.polarity_low <= japan_january.mean_polarity <= japan_january.polarity_high <= 0.8 + 1e-9
    assert [(p.country, p.period, p.pairs) for p in points] == [("Japan", "2024-01", 3), ("Japan", "2024-02", 1), ("Peru", "2024-01", 1)]
    assert undated == 1


def test_a_single_pair_has_its_own_polarity_as_interval():
    points, _ = build_timeline(ROWS, "month", countries=["Peru"])
    assert (points[0].polarity_low, points[0].polarity_high) == (-0.9, -0.9)


def test_development_keeps_only_rows_scored_toward_it():
    rows = [*ROWS, _row("Chile", "2024-01-02", "supportive", 0.7, development="the pact")]
    points, _ = build_timeline(rows, "week", development="the pact")
    assert [(p.country, p.period) for p in points] == [("Chile", "2024-01-01")]


def test_an_unknown_period_is_refused():
    with pytest.raises(InputError, match="unknown period"):
        build_timeline(ROWS, "year")


def test_written_timeline_has_a_csv_row_per_point_and_a_chart(tmp_path):
    points, _ = build_timeline(ROWS, "month")
    table, chart = write_timeline(points, tmp_path, "month")
    rows = list(csv.DictReader(open(table)))
    assert len(rows) == 3 and rows[0]["share_supportive"] == "0.666667" and chart.stat().st_size > 1000
