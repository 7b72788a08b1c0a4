"""Distillation: a teacher checkpoint labels the unlabelled pool with its calibrated
probabilities ("soft labels"), and a student trains on the gold data plus those soft labels.

The soft-label file is JSON Lines, one pool sentence a line:

    {"id", "topic", "text", "development", "soft_labels": {country: {label: probability}}, "teacher": version}

Countries are those the mention finder sees in the sentence, exactly as the service would score
them. A pool sentence without any country is left out and counted. The file is written whole or
not at all, so a killed labelling run leaves the previous file (or none), never half of one.

With `country_swaps`, the teacher labels instead a copy of each pool sentence with one of its
countries replaced by another (training/augment.py): more text for the student, from the same
pool. A copy's id is the sentence's with "+<new country>"; a sentence with no country that can
be swapped has no copy, and is counted with those that mention none.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from classifier.durable_files import write_atomically
from classifier.errors import DataError
from classifier.mentions import default_finder
from classifier.model import StanceClassifier
from classifier.pairs import StancePair
from training.augment import seeded_rng, swap_country
from training.data import Problem, iter_raw_lines, read_pool

SOFT_KEYS = frozenset({"id", "topic", "text", "development", "soft_labels", "teacher"})
# A soft label's probabilities must sum to 1 within this (they are rounded to 6 places).
SUM_TOLERANCE = 1e-3


@dataclass(frozen=True)
class SoftLabelRun:
    sentences: int
    pairs: int
    without_country: int
    output: Path


def pool_pairs(text: str, development: str | None) -> list[StancePair]:
    """The (sentence, country) pairs the service would score in one pool sentence."""
    by_country: dict[str, list[tuple[int, int]]] = {}
    for mention in default_finder().find(text):
        by_country.setdefault(mention.country, []).append((mention.start, mention.end))
    return [StancePair(text, country, tuple(spans), None, development) for country, spans in by_country.items()]


def soft_label_pool(
    teacher: StanceClassifier,
    pool_files: Sequence[str | Path],
    output: str | Path,
    with_development: bool = True,
    country_swaps: bool = False,
    seed: int = 0,
) -> SoftLabelRun:
    """Score every pool sentence (or, with `country_swaps`, a country-swapped copy of each, drawn
    with `seed`) with `teacher` and write the soft-label file. Raises DataError, writing nothing,
    when a pool file has an invalid line."""
    records, problems = [], []
    for path in pool_files:
        file_records, file_problems = read_pool(path)
        records += file_records
        problems += file_problems
    if problems:
        raise DataError(problems)
    rows, pairs = [], []
    without_country = 0
    for record in records:
        line = {key: record.data[key] for key in ("id", "topic", "text", "development") if key in record.data}
        if country_swaps:
            swap = swap_country(line["text"], line.get("development"), seeded_rng(line["id"], seed))
            if swap is None:
                without_country += 1
                continue
            line.update(id=f"{line['id']}+{swap.by}", text=swap.text)
            if swap.development is not None:
                line["development"] = swap.development
        development = line.get("development") if with_development else None
        sentence_pairs = pool_pairs(line["text"], development)
        if not sentence_pairs:
            without_country += 1
            continue
        rows.append((line, sentence_pairs))
        pairs += sentence_pairs
    predictions = iter(teacher.predict_pairs(pairs))
    lines = []
    for line, sentence_pairs in rows:
        soft = {pair.target: next(predictions).scores for pair in sentence_pairs}
        lines.append(json.dumps({**line, "soft_labels": soft, "teacher": teacher.version}, ensure_ascii=False))
    path = write_atomically(output, "".join(f"{line}\n" for line in lines))
    return SoftLabelRun(sentences=len(rows), pairs=len(pairs), without_country=without_country, output=path)


def load_soft_pairs(
    paths: str | Path | Sequence[str | Path], labels: Sequence[str]
) -> tuple[list[StancePair], list[list[float]]]:
    """The pairs of soft-label files and each pair's probabilities in `labels` order. A pair's
    `label` is the teacher's most probable one (what accuracy on these pairs would be measured
    against). Raises DataError listing every invalid line."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    pairs: list[StancePair] = []
    targets: list[list[float]] = []
    problems: list[Problem] = []
    for path in paths:
        found_any = False
        try:
            for number, obj, error in iter_raw_lines(Path(path)):
                reasons = [error] if error else _soft_problems(obj, labels)
                if reasons:
                    problems += [Problem(str(path), number, reason) for reason in reasons]
                    continue
                found_any = True
                development = (obj.get("development") or "").strip() or None
                for pair in pool_pairs(obj["text"], development):
                    probs = obj["soft_labels"].get(pair.target)
                    if probs is None:
                        continue  # a country the finder sees now but the teacher was not asked about
                    row = [float(probs[label]) for label in labels]
                    pairs.append(StancePair(pair.text, pair.target, pair.spans, labels[row.index(max(row))], development))
                    targets.append(row)
        except FileNotFoundError:
            problems.append(Problem(str(path), 0, "no such file"))
            continue
        if not found_any and not problems:
            problems.append(Problem(str(path), 0, "no soft-labelled lines"))
    if problems:
        raise DataError(problems)
    return pairs, targets


def _soft_problems(obj: Any, labels: Sequence[str]) -> list[str]:
    if not isinstance(obj, dict):
        return [f"expected a JSON object, found {type(obj).__name__}"]
    reasons = [f"unknown field '{key}'" for key in obj if key not in SOFT_KEYS]
    if not isinstance(obj.get("text"), str) or not obj["text"].strip():
        reasons.append("missing or empty field 'text'")
    soft = obj.get("soft_labels")
    if not isinstance(soft, dict) or not soft:
        return reasons + ["'soft_labels' must be a non-empty object {country: {label: probability}}"]
    for country, probs in soft.items():
        if not isinstance(probs, dict) or sorted(probs) != sorted(labels):
            reasons.append(f"soft label of {country!r} must give a probability for each of {list(labels)}")
            continue
        values = list(probs.values())
        if not all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in values) or not math.isclose(
            sum(values), 1.0, abs_tol=SUM_TOLERANCE
        ):
            reasons.append(f"soft label of {country!r} must be probabilities in [0, 1] summing to 1, found {probs}")
    return reasons
