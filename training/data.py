"""Reading labelled data, validating every line, and turning it into (sentence, target) pairs.

Two formats are accepted, in JSON Lines (.jsonl/.json) or CSV (.csv):
- the labelling guide's: {"text", "labels": {country: label}} plus optional id, source, topic,
  development (the development the labels are toward, a short phrase), register (the kind of
  prose, one of REGISTERS), mentions ({country: {surface string: form}}) and cases
  ({country: [hard case, ...]});
- the pair format of the public benchmarks: {"text", "target", "label"} plus an optional
  character `span` of the target; other fields are carried by those files and ignored.
Every problem is reported with file, line and reason, and a file with any problem is refused
as a whole: nothing is dropped silently.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from classifier.countries import FORMS, CountryCatalog, default_catalog
from classifier.errors import DataError
from classifier.mentions import default_finder
from classifier.pairs import MAX_DEVELOPMENT_CHARS, Span, StancePair
from classifier.text import LONE_SURROGATE, is_valid_unicode

GUIDE_OPTIONAL_KEYS = frozenset({"id", "source", "topic", "development", "register", "mentions", "cases"})
# Lines of the unlabelled pool: a sentence, the development it is about and its topic.
POOL_KEYS = frozenset({"text", "development", "topic"})
POOL_OPTIONAL_KEYS = frozenset({"id", "source", "register"})
HARD_CASES = ("hedged", "reported", "negated", "declined", "place_or_object", "party_in_name")
# The kinds of prose the corpus is written in (data/WRITING_BRIEF.md describes each).
REGISTERS = ("wire", "analysis", "briefing", "state_media", "statement", "headline", "long", "nested_quote")
MAX_SENTENCE_CHARS = 5000


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class Record:
    """One valid line of a labelled file."""

    path: str
    line: int
    data: dict[str, Any]
    pairs: list[StancePair] = field(default_factory=list)

    @property
    def is_guide(self) -> bool:
        return "labels" in self.data


@dataclass(frozen=True)
class LabelSpace:
    """What counts as a valid label: the model's labels, and how file labels map onto them."""

    labels: tuple[str, ...]
    label_map: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config) -> LabelSpace:
        """The label space of a RunConfig: its labels and data.label_map."""
        return cls(tuple(config.labels), config.data.label_map)

    def resolve(self, raw: Any) -> str | None:
        mapped = self.label_map.get(raw, raw) if isinstance(raw, str) else None
        return mapped if mapped in self.labels else None


def iter_raw_lines(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, parsed object or None, parse error or None) for every non-blank line."""
    if path.suffix.lower() == ".csv":
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            for row in reader:
                yield reader.line_num, _csv_row(row), None
        return
    # Read as bytes and decoded line by line, so invalid UTF-8 is reported with its line and the
    # lines after it are still checked.
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                yield number, None, f"not UTF-8 text: {err.reason} at byte {err.start} of the line"
                continue
            if not line.strip():
                continue
            try:
                yield number, json.loads(line), None
            except json.JSONDecodeError as err:
                yield number, None, f"invalid JSON: {err.msg} at column {err.colno}"


def _csv_row(row: dict[str, Any]) -> dict[str, Any]:
    # CSV cells are strings: `labels`, `mentions`, `cases` and `span` hold JSON.
    out = dict(row)
    for key in ("labels", "mentions", "cases", "span"):
        if isinstance(out.get(key), str) and out[key].strip():
            try:
                out[key] = json.loads(out[key])
            except json.JSONDecodeError:
                pass  # left as a string: validation reports the wrong type
    return {k: v for k, v in out.items() if k is not None and v not in (None, "")}


def read_labelled(
    path: str | Path, space: LabelSpace, catalog: CountryCatalog | None = None
) -> tuple[list[Record], list[Problem]]:
    """Valid records and the problems of every invalid line of one file."""
    catalog = catalog or default_catalog()
    return _read_lines(
        path, lambda obj: validate_line(obj, space, catalog), lambda obj: pairs_of(obj, space, catalog), "no labelled lines"
    )


def _read_lines(path: str | Path, problems_of, pairs, empty: str) -> tuple[list[Record], list[Problem]]:
    """Every line of a file, checked by `problems_of`: the valid ones as records (with `pairs`),
    every problem with its file and line, and the file's own problems (missing, unreadable, empty)."""
    path = Path(path)
    records: list[Record] = []
    problems: list[Problem] = []
    try:
        for number, obj, error in iter_raw_lines(path):
            reasons = [error] if error else problems_of(obj)
            if reasons:
                problems += [Problem(str(path), number, reason) for reason in reasons]
            else:
                records.append(Record(str(path), number, obj, pairs(obj)))
    except FileNotFoundError:
        problems.append(Problem(str(path), 0, "no such file"))
    except UnicodeDecodeError as err:
        problems.append(Problem(str(path), 0, f"not UTF-8 text: {err.reason} at byte {err.start}"))
    except (OSError, csv.Error) as err:
        problems.append(Problem(str(path), 0, f"unreadable: {err}"))
    if not records and not problems:
        problems.append(Problem(str(path), 0, empty))
    return records, problems


def load_pairs(paths: str | Path | Sequence[str | Path], space: LabelSpace, catalog: CountryCatalog | None = None) -> list[StancePair]:
    """All pairs of one or more files; raises DataError listing every invalid line."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    pairs: list[StancePair] = []
    problems: list[Problem] = []
    for path in paths:
        records, file_problems = read_labelled(path, space, catalog)
        problems += file_problems
        pairs += [pair for record in records for pair in record.pairs]
    if problems:
        raise DataError(problems)
    return pairs


# -- validation ----------------------------------------------------------------------------------
def validate_line(obj: Any, space: LabelSpace, catalog: CountryCatalog) -> list[str]:
    if not isinstance(obj, dict):
        return [f"expected a JSON object, found {type(obj).__name__}"]
    text = obj.get("text")
    if not isinstance(text, str):
        return ["missing field 'text'" if text is None else f"'text' must be a string, found {type(text).__name__}"]
    if not text.strip():
        return ["empty text"]
    if not is_valid_unicode(text):
        return [f"'text' is {LONE_SURROGATE}"]
    if len(text) > MAX_SENTENCE_CHARS:
        return [f"text has {len(text)} characters, more than {MAX_SENTENCE_CHARS} (one sentence per line)"]
    if "labels" in obj:
        return _validate_guide(obj, text, space, catalog)
    if "target" in obj or "label" in obj:
        return _validate_pair(obj, text, space)
    return ["expected 'labels' (guide format) or 'target' and 'label' (pair format), found neither"]


def _validate_guide(obj: dict, text: str, space: LabelSpace, catalog: CountryCatalog) -> list[str]:
    reasons = [f"unknown field '{key}'" for key in obj if key not in GUIDE_OPTIONAL_KEYS | {"text", "labels"}]
    labels = obj["labels"]
    if not isinstance(labels, dict) or not labels:
        return reasons + ["'labels' must be a non-empty object {country: label}"]
    for country, label in labels.items():
        if country not in catalog:
            hint = catalog.canonical(country)
            reasons.append(f"unknown country {country!r}" + (f" (canonical name: {hint!r})" if hint else ""))
        if space.resolve(label) is None:
            reasons.append(f"unknown label {label!r} for {country!r}, expected one of {list(space.labels)}")
    reasons += _validate_mentions(obj.get("mentions"), text, labels)
    reasons += _validate_cases(obj.get("cases"), labels)
    return reasons + _validate_descriptive_fields(obj)


def _validate_descriptive_fields(obj: dict) -> list[str]:
    """id, source, topic, development and register: strings, the last two checked further."""
    reasons = [f"'{key}' must be a string" for key in ("id", "source", "topic", "development", "register")
               if key in obj and not isinstance(obj[key], str)]
    development = obj.get("development")
    if isinstance(development, str):
        if not development.strip():
            reasons.append("'development' must not be empty (leave the field out instead)")
        elif len(development) > MAX_DEVELOPMENT_CHARS:
            reasons.append(f"'development' has {len(development)} characters, more than {MAX_DEVELOPMENT_CHARS} (a short phrase)")
        elif not is_valid_unicode(development):
            reasons.append(f"'development' is {LONE_SURROGATE}")
    register = obj.get("register")
    if isinstance(register, str) and register not in REGISTERS:
        reasons.append(f"unknown register {register!r}, expected one of {list(REGISTERS)}")
    return reasons


def validate_pool_line(obj: Any) -> list[str]:
    """Problems of one line of the unlabelled pool ({"text", "development", "topic"})."""
    if not isinstance(obj, dict):
        return [f"expected a JSON object, found {type(obj).__name__}"]
    reasons = [f"unknown field '{key}'" for key in obj if key not in POOL_KEYS | POOL_OPTIONAL_KEYS]
    reasons += [f"missing field '{key}'" for key in sorted(POOL_KEYS) if key not in obj]
    text = obj.get("text")
    if isinstance(text, str) and not text.strip():
        reasons.append("empty text")
    elif "text" in obj and not isinstance(text, str):
        reasons.append(f"'text' must be a string, found {type(text).__name__}")
    elif isinstance(text, str) and not is_valid_unicode(text):
        reasons.append(f"'text' is {LONE_SURROGATE}")
    elif isinstance(text, str) and len(text) > MAX_SENTENCE_CHARS:
        reasons.append(f"text has {len(text)} characters, more than {MAX_SENTENCE_CHARS} (one sentence per line)")
    return reasons + _validate_descriptive_fields(obj)


def read_pool(path: str | Path) -> tuple[list[Record], list[Problem]]:
    """Valid lines and the problems of every invalid line of one unlabelled pool file."""
    return _read_lines(path, validate_pool_line, lambda obj: [], "no lines")


def _validate_mentions(mentions: Any, text: str, labels: dict) -> list[str]:
    if mentions is None:
        return []
    if not isinstance(mentions, dict):
        return ["'mentions' must be an object {country: {surface: form}}"]
    reasons = []
    for country, surfaces in mentions.items():
        if country not in labels:
            reasons.append(f"mentions name {country!r}, which has no label")
        if not isinstance(surfaces, dict) or not surfaces:
            reasons.append(f"mentions of {country!r} must be a non-empty object {{surface: form}}")
            continue
        for surface, form in surfaces.items():
            if surface not in text:
                reasons.append(f"mention {surface!r} of {country!r} does not occur in the text")
            if form not in FORMS:
                reasons.append(f"unknown mention form {form!r}, expected one of {list(FORMS)}")
    return reasons


def _validate_cases(cases: Any, labels: dict) -> list[str]:
    if cases is None:
        return []
    if not isinstance(cases, dict):
        return ["'cases' must be an object {country: [case, ...]}"]
    reasons = []
    for country, names in cases.items():
        if country not in labels:
            reasons.append(f"cases name {country!r}, which has no label")
        if not isinstance(names, list) or any(name not in HARD_CASES for name in names):
            reasons.append(f"cases of {country!r} must be a list from {list(HARD_CASES)}, found {names!r}")
    return reasons


def _validate_pair(obj: dict, text: str, space: LabelSpace) -> list[str]:
    reasons = []
    target = obj.get("target")
    if not isinstance(target, str) or not target.strip():
        reasons.append("missing or empty field 'target'")
    if "label" not in obj:
        reasons.append("missing field 'label'")
    elif space.resolve(obj["label"]) is None:
        reasons.append(f"unknown label {obj['label']!r}, expected one of {list(space.labels)} or a key of data.label_map")
    span = obj.get("span")
    if span is not None and not _is_span(span, len(text)):
        reasons.append(f"'span' must be [start, end] inside the text, found {span!r}")
    return reasons


def _is_span(span: Any, length: int) -> bool:
    return (
        isinstance(span, list)
        and len(span) == 2
        and all(isinstance(v, int) for v in span)
        and 0 <= span[0] < span[1] <= length
    )


# -- pairs ---------------------------------------------------------------------------------------
def pairs_of(obj: dict, space: LabelSpace, catalog: CountryCatalog) -> list[StancePair]:
    text = obj["text"]
    development = (obj.get("development") or "").strip() or None
    if "labels" not in obj:
        span = obj.get("span")
        spans = (tuple(span),) if span else ()
        return [StancePair(text, obj["target"].strip(), spans, space.resolve(obj["label"]), development)]
    mentions = obj.get("mentions") or {}
    return [
        StancePair(text, country, spans_of(text, country, mentions.get(country), catalog), space.resolve(label), development)
        for country, label in obj["labels"].items()
    ]


def spans_of(text: str, country: str, surfaces: dict[str, str] | None, catalog: CountryCatalog) -> tuple[Span, ...]:
    """Where the country is mentioned: the annotated surface strings when the line has them,
    otherwise what the mention finder sees."""
    if surfaces:
        found = [
            (m.start(), m.end())
            for surface in sorted(surfaces, key=len, reverse=True)
            for m in re.finditer(re.escape(surface), text)
        ]
        return tuple(_drop_overlaps(found))
    return tuple((m.start, m.end) for m in default_finder().find(text) if m.country == country)


def _drop_overlaps(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept
