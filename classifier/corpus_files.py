"""Documents to score, streamed from JSON Lines, CSV or Parquet files.

One record per document: `text` (required), and optionally `id`, `date`, `countries`,
`development` and `source`. A record that does not fit is yielded as a `BadRecord` naming its file
and line (or row), so the caller reports it and goes on or stops; nothing is dropped unseen.
Reading is lazy (a Parquet file by row groups, the others line by line), so memory stays bounded
whatever the size of the corpus.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

from classifier.errors import InputError
from classifier.pairs import MAX_DEVELOPMENT_CHARS

FORMATS = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
FIELDS = ("id", "text", "date", "countries", "development", "source")
# One document past this many characters is most likely a whole file pasted into one field.
MAX_TEXT_CHARS = 1_000_000


@dataclass(frozen=True)
class CorpusDocument:
    id: str
    text: str
    origin: str  # "file:line", for messages
    date: str | None = None
    countries: tuple[str, ...] | None = None
    development: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class BadRecord:
    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


def input_format(path: str) -> str:
    if path == "-":
        return "jsonl"
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"{path}: cannot tell its format from the extension {suffix!r}; use one of {', '.join(sorted(FORMATS))}")
    return FORMATS[suffix]


def read_corpus(paths: Iterable[str], unique_ids: bool = True) -> Iterator[CorpusDocument | BadRecord]:
    """Every record of every file, in order; `-` reads JSON Lines from standard input. With
    `unique_ids`, ids must be unique over all files (resuming a job relies on them); a record
    without an id gets `<file name>:<line>`, which is stable as long as the file does not change."""
    seen: set[str] = set()
    for path in paths:
        for origin, default_id, record in _records(path):
            item = _document(origin, default_id, record) if not isinstance(record, str) else BadRecord(origin, record)
            if unique_ids and isinstance(item, CorpusDocument):
                if item.id in seen:
                    item = BadRecord(origin, f"id {item.id!r} appears twice")
                else:
                    seen.add(item.id)
            yield item


def count_records(paths: Iterable[str]) -> int | None:
    """How many records the files hold (for a progress bar's ETA), or None for standard input."""
    total = 0
    for path in paths:
        kind = input_format(path)
        if path == "-":
            return None
        if kind == "parquet":
            import pyarrow.parquet as pq

            total += pq.ParquetFile(path).metadata.num_rows
        elif kind == "csv":
            with open(path, encoding="utf-8", newline="") as fh:
                total += max(sum(1 for _ in csv.reader(fh)) - 1, 0)
        else:
            with open(path, "rb") as fh:
                total += sum(1 for line in fh if line.strip())
    return total


def _records(path: str) -> Iterator[tuple[str, str, dict | str]]:
    """(origin, default id, record or the reason it is unreadable)."""
    kind = input_format(path)
    name = "<stdin>" if path == "-" else Path(path).name
    if kind == "jsonl":
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
        with stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    yield f"{path}:{number}", f"{name}:{number}", json.loads(line)
                except json.JSONDecodeError as err:
                    yield f"{path}:{number}", "", f"invalid JSON: {err.msg} at column {err.colno}"
                except RecursionError:
                    # json.loads recurses per level: a line nested thousands deep is refused, not a crash.
                    yield f"{path}:{number}", "", "invalid JSON: nested too deeply"
    elif kind == "csv":
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or "text" not in reader.fieldnames:
                yield f"{path}:1", "", "the header has no 'text' column"
                return
            for row in reader:
                # line_num is the line the row ends on; a quoted newline makes rows span lines.
                origin = f"{path}:{reader.line_num}"
                yield origin, f"{name}:{reader.line_num}", {k: v for k, v in row.items() if k is not None and v != ""}
    else:
        import pyarrow.parquet as pq

        row = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            for record in batch.to_pylist():
                row += 1
                yield f"{path}:row {row}", f"{name}:{row}", {k: v for k, v in record.items() if v is not None}


def _document(origin: str, default_id: str, record: Any) -> CorpusDocument | BadRecord:
    if not isinstance(record, dict):
        return BadRecord(origin, "expected an object with a non-empty 'text'")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return BadRecord(origin, "expected a non-empty 'text'")
    if len(text) > MAX_TEXT_CHARS:
        return BadRecord(origin, f"'text' has {len(text)} characters, the limit is {MAX_TEXT_CHARS}")
    doc_id = record.get("id", default_id)
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id.strip():
        return BadRecord(origin, "'id' must be a non-empty string or an integer")
    development = record.get("development")
    if development is not None and (not isinstance(development, str) or len(development) > MAX_DEVELOPMENT_CHARS):
        return BadRecord(origin, f"'development' must be a string of at most {MAX_DEVELOPMENT_CHARS} characters")
    countries = record.get("countries")
    if isinstance(countries, str):  # a CSV cell: a JSON list or names separated by ';'
        countries = _countries_cell(countries)
    if countries is not None and (
        not isinstance(countries, list) or not countries or not all(isinstance(c, str) and c.strip() for c in countries)
    ):
        return BadRecord(origin, "'countries' must be a non-empty list of country names")
    when = record.get("date")
    if when is not None:
        when = _iso_date(when)
        if when is None:
            return BadRecord(origin, "'date' must be an ISO date (YYYY-MM-DD, or a date and time)")
    source = record.get("source")
    if source is not None and not isinstance(source, str):
        return BadRecord(origin, "'source' must be a string")
    return CorpusDocument(
        id=doc_id,
        text=text,
        origin=origin,
        date=when,
        countries=tuple(countries) if countries else None,
        development=(development or "").strip() or None,
        source=source,
    )


def _countries_cell(cell: str) -> list[str] | str:
    cell = cell.strip()
    if cell.startswith("["):
        try:
            return json.loads(cell)
        except json.JSONDecodeError:
            return cell
    return [name.strip() for name in cell.split(";") if name.strip()]


def _iso_date(value: Any) -> str | None:
    """The date part (YYYY-MM-DD) of an ISO date or timestamp, or None if it is not one."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None
