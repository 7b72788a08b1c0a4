"""Stance timelines: a corpus job's rows aggregated per country and period (week or month) into
pair counts, label shares and the mean polarity with a bootstrap interval, written as CSV and
drawn as a line chart."""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from classifier.errors import InputError

PERIODS = ("week", "month")
LABELS = ("supportive", "concerned", "silent")
CSV_FIELDS = ("country", "period", "pairs", *(f"share_{label}" for label in LABELS), "mean_polarity", "polarity_low", "polarity_high")


@dataclass(frozen=True)
class TimelinePoint:
    country: str
    period: str  # the week's Monday (YYYY-MM-DD) or the month (YYYY-MM)
    pairs: int
    shares: dict[str, float]
    mean_polarity: float
    polarity_low: float
    polarity_high: float

    def to_row(self) -> dict:
        return {
            "country": self.country,
            "period": self.period,
            "pairs": self.pairs,
            **{f"share_{label}": round(self.shares[label], 6) for label in LABELS},
            "mean_polarity": round(self.mean_polarity, 6),
            "polarity_low": round(self.polarity_low, 6),
            "polarity_high": round(self.polarity_high, 6),
        }


def period_of(day: str, by: str) -> str:
    when = date.fromisoformat(day[:10])
    if by == "week":
        return (when - timedelta(days=when.weekday())).isoformat()
    if by == "month":
        return when.strftime("%Y-%m")
    raise InputError(f"unknown period {by!r}: use one of {', '.join(PERIODS)}")


def read_prediction_rows(path: str | Path) -> Iterator[dict]:
    """The rows of a corpus job's output (.jsonl, or a .parquet file or directory)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches() if path.is_file() else [pq.read_table(path)]:
            yield from batch.to_pylist()
        return
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise InputError(f"{path}:{number}: invalid JSON ({err.msg}); is this a corpus job's output?") from err


def build_timeline(
    rows: Iterable[dict],
    by: str = "month",
    countries: Sequence[str] | None = None,
    development: str | None = None,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 2026,
) -> tuple[list[TimelinePoint], int]:
    """The points, by country then period, and how many rows were left out for having no date."""
    if by not in PERIODS:
        raise InputError(f"unknown period {by!r}: use one of {', '.join(PERIODS)}")
    wanted = set(countries) if countries else None
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    undated = 0
    for row in rows:
        if wanted is not None and row["country"] not in wanted:
            continue
        if development is not None and row.get("development") != development:
            continue
        if not row.get("date"):
            undated += 1
            continue
        groups[(row["country"], period_of(row["date"], by))].append(row)
    points = []
    for (country, period), members in sorted(groups.items()):
        polarities = [float(r["polarity"]) for r in members]
        low, high = bootstrap_mean_interval(polarities, resamples, confidence, seed)
        points.append(
            TimelinePoint(
                country=country,
                period=period,
                pairs=len(members),
                shares={label: sum(r["stance"] == label for r in members) / len(members) for label in LABELS},
                mean_polarity=sum(polarities) / len(polarities),
                polarity_low=low,
                polarity_high=high,
            )
        )
    return points, undated


def bootstrap_mean_interval(values: Sequence[float], resamples: int, confidence: float, seed: int) -> tuple[float, float]:
    """The percentile bootstrap interval of the mean (one value: the value itself)."""
    if len(values) == 1:
        return values[0], values[0]
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(resamples))
    tail = (1 - confidence) / 2
    return means[int(tail * (resamples - 1))], means[int(round((1 - tail) * (resamples - 1)))]


def write_timeline(points: Sequence[TimelinePoint], directory: str | Path, by: str) -> tuple[Path, Path]:
    """timeline.csv and timeline.png in `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    table = directory / "timeline.csv"
    with open(table, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(point.to_row() for point in points)
    chart = directory / "timeline.png"
    draw_timeline(points, chart, by)
    return table, chart


def draw_timeline(points: Sequence[TimelinePoint], path: Path, by: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=110)
    by_country: dict[str, list[TimelinePoint]] = defaultdict(list)
    for point in points:
        by_country[point.country].append(point)
    periods = sorted({p.period for p in points})
    x_of = {period: i for i, period in enumerate(periods)}
    for country, series in sorted(by_country.items(), key=lambda kv: -sum(p.pairs for p in kv[1]))[:12]:
        xs = [x_of[p.period] for p in series]
        line = ax.plot(xs, [p.mean_polarity for p in series], marker="o", label=f"{country} ({sum(p.pairs for p in series)})")[0]
        ax.fill_between(xs, [p.polarity_low for p in series], [p.polarity_high for p in series], color=line.get_color(), alpha=0.15)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("mean polarity (supportive − concerned)")
    ax.set_title(f"Stance by {by}, 95% bootstrap interval (pairs per country in the legend)")
    if by_country:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
