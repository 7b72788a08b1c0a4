"""The store of labelled examples that users send in: SQLite, one file in the state directory.

Every example is validated exactly as a training file line is (`training.data.validate_line`),
must be in the labelling guide's format, and is stored with its labels under the model's names.
An example whose normalised text, development and labels are already stored is a duplicate and
is not stored again. A correction (`correct`, the page's) is keyed by its sentence instead: it
updates the stored example of the same normalised text and development, and the example it
replaces goes to the `example_history` table, so nothing stored is ever lost. Writes use WAL with synchronous=FULL and one transaction per call, so what `add` reports
as accepted is on disk before it returns, and a crash leaves all of a call or none of it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from classifier.countries import CountryCatalog, default_catalog
from classifier.errors import InvalidExample
from classifier.text import LONE_SURROGATE, is_valid_unicode, normalise
from training.data import DataError, LabelSpace, Problem, Record, read_labelled, validate_line
from classifier.durable_files import write_atomically
from training.sqlite_store import DurableSQLite
from training.versions import timestamp

LABELS_DB_FILE = "labels.sqlite3"
NOT_GUIDE_FORMAT = "expected the labelling guide's format {\"text\", \"labels\": {country: label}}, found the pair format"
SCHEMA = """
CREATE TABLE IF NOT EXISTS examples (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dedup_key TEXT NOT NULL UNIQUE,
    example TEXT NOT NULL,
    source TEXT NOT NULL,
    added_at TEXT NOT NULL
)
"""
# Columns added after the first release, filled in by _migrate for older stores.
ADDED_COLUMNS = {"text_key": "TEXT", "model_version": "TEXT", "updated_at": "TEXT"}
HISTORY_SCHEMA = """
CREATE TABLE IF NOT EXISTS example_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    example_id INTEGER NOT NULL,
    example TEXT NOT NULL,
    source TEXT NOT NULL,
    model_version TEXT,
    replaced_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Accepted:
    index: int
    id: int


@dataclass(frozen=True)
class Rejected:
    index: int
    reason: str
    duplicate_of: int | None = None


@dataclass(frozen=True)
class Correction:
    """What one correction did: `created` a new example, `updated` the stored one of the same
    sentence (its previous labels kept in the history), or found it `unchanged`."""

    id: int
    status: str
    example: dict[str, Any]


@dataclass(frozen=True)
class Intake:
    """What became of each example of one `add`: stored (with its id), or not, and why."""

    accepted: list[Accepted]
    rejected: list[Rejected]


def example_problems(obj: Any, space: LabelSpace, catalog: CountryCatalog) -> list[str]:
    """Why an example cannot be stored: the training file checks, plus the guide's format."""
    reasons = validate_line(obj, space, catalog)
    if not reasons and "labels" not in obj:
        reasons = [NOT_GUIDE_FORMAT]
    if not reasons and not is_valid_unicode(obj):
        reasons = [f"a field is {LONE_SURROGATE}"]
    return reasons


def read_examples_file(path: str | Path, space: LabelSpace) -> list[Record]:
    """The examples of a file for the store, refused whole (DataError, every problem with its
    line) when any line is invalid, as a training file is."""
    records, problems = read_labelled(path, space)
    problems += [Problem(r.path, r.line, NOT_GUIDE_FORMAT) for r in records if not r.is_guide]
    if problems:
        raise DataError(problems, "nothing was stored: a file with any invalid line is refused whole")
    return records


class LabelStore(DurableSQLite):
    SCHEMA = (SCHEMA, HISTORY_SCHEMA)

    @classmethod
    def in_state_dir(cls, state_dir: str | Path) -> LabelStore:
        return cls(Path(state_dir) / LABELS_DB_FILE)

    def add(self, examples: Sequence[Any], space: LabelSpace, source: str) -> Intake:
        """Validate every example, then store the valid, new ones in one transaction. An example
        without its own `source` is counted under `source` (where it came in: "api", a file)."""
        valid, invalid = _checked(examples, space)
        accepted, duplicates = self._store_new(valid, source)
        return Intake(accepted, sorted(invalid + duplicates, key=lambda r: r.index))

    def _store_new(self, valid: list[tuple[int, dict[str, Any]]], source: str) -> tuple[list[Accepted], list[Rejected]]:
        accepted, duplicates = [], []
        added_at = timestamp()
        with self._transaction() as db:
            for index, example in valid:
                key = _dedup_key(example)
                stored = db.execute("SELECT id FROM examples WHERE dedup_key = ?", (key,)).fetchone()
                if stored:
                    duplicates.append(Rejected(index, f"duplicate of example {stored[0]}", duplicate_of=stored[0]))
                    continue
                row = db.execute(
                    "INSERT INTO examples (dedup_key, text_key, example, source, added_at) VALUES (?, ?, ?, ?, ?)",
                    (key, text_key(example["text"]), json.dumps(example, ensure_ascii=False), example.get("source") or source, added_at),
                )
                accepted.append(Accepted(index, row.lastrowid))
        return accepted, duplicates

    def correct(self, example: Any, space: LabelSpace, source: str = "page", model_version: str | None = None) -> Correction:
        """Store a person's labels for a whole sentence, keyed by the sentence: the stored example
        of the same normalised text and development is updated (the old one kept in the
        history), an identical one is left `unchanged`, else a new one is `created`. Invalid
        examples raise InvalidExample with every reason; nothing is stored then."""
        reasons = example_problems(example, space, default_catalog())
        if reasons:
            raise InvalidExample(reasons)
        example = _with_model_labels({**example, "source": example.get("source") or source}, space)
        key, sentence_key = _dedup_key(example), text_key(example["text"])
        now = timestamp()
        encoded = json.dumps(example, ensure_ascii=False)
        with self._transaction() as db:
            same_sentence = [
                row for row in db.execute(
                    "SELECT id, dedup_key, example, source, model_version FROM examples WHERE text_key = ? ORDER BY id DESC", (sentence_key,)
                )
                if json.loads(row[2]).get("development") == example.get("development")
            ]
            if same := next((row for row in same_sentence if row[1] == key), None):
                return Correction(same[0], "unchanged", json.loads(same[2]))
            if same_sentence:
                row_id, _, old, old_source, old_version = same_sentence[0]
                db.execute(
                    "INSERT INTO example_history (example_id, example, source, model_version, replaced_at) VALUES (?, ?, ?, ?, ?)",
                    (row_id, old, old_source, old_version, now),
                )
                db.execute(
                    "UPDATE examples SET dedup_key = ?, example = ?, source = ?, model_version = ?, updated_at = ? WHERE id = ?",
                    (key, encoded, example["source"], model_version, now, row_id),
                )
                return Correction(row_id, "updated", example)
            row = db.execute(
                "INSERT INTO examples (dedup_key, text_key, example, source, model_version, added_at) VALUES (?, ?, ?, ?, ?, ?)",
                (key, sentence_key, encoded, example["source"], model_version, now),
            )
            return Correction(row.lastrowid, "created", example)

    def history(self, example_id: int) -> list[dict[str, Any]]:
        """The versions an example had before its corrections, oldest first, each with when it
        was replaced and the model version that proposed it."""
        with self._connection() as db:
            rows = db.execute(
                "SELECT example, source, model_version, replaced_at FROM example_history WHERE example_id = ? ORDER BY id", (example_id,)
            ).fetchall()
        return [{"example": json.loads(e), "source": s, "model_version": v, "replaced_at": t} for e, s, v, t in rows]

    def labelled_text_keys(self) -> set[str]:
        """The `text_key` of every stored example: sentences the review queue never offers again.
        Read from the indexed column, so no stored example is parsed (the page asks on every refill)."""
        with self._connection() as db:
            if db.execute("PRAGMA user_version").fetchone()[0] < KEY_VERSION:  # not migrated yet: no write so far
                return {text_key(json.loads(example)["text"]) for (example,) in db.execute("SELECT example FROM examples")}
            return {key for (key,) in db.execute("SELECT DISTINCT text_key FROM examples")}

    def examples(self) -> list[dict[str, Any]]:
        """Every stored example, oldest first, in the guide's format."""
        with self._connection() as db:
            return [json.loads(example) for (example,) in db.execute("SELECT example FROM examples ORDER BY id")]

    def count(self) -> int:
        with self._connection() as db:
            return db.execute("SELECT COUNT(*) FROM examples").fetchone()[0]

    def export(self, path: str | Path) -> int:
        """Write every stored example to a JSON Lines file in the guide's format; the number written."""
        examples = self.examples()
        write_atomically(path, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in examples))
        return len(examples)

    def stats(self) -> dict[str, Any]:
        """Examples and (sentence, country) pairs, pairs by label and country, examples by source."""
        by_label, by_country, by_source = Counter(), Counter(), Counter()
        examples = 0
        with self._connection() as db:
            for example, source in db.execute("SELECT example, source FROM examples"):
                labels = json.loads(example)["labels"]
                examples += 1
                by_label.update(labels.values())
                by_country.update(labels.keys())
                by_source[source] += 1
        return {
            "examples": examples,
            "pairs": sum(by_label.values()),
            "by_label": dict(by_label.most_common()),
            "by_country": dict(by_country.most_common()),
            "by_source": dict(by_source.most_common()),
        }

    def _prepare(self, db: sqlite3.Connection) -> None:
        # A store written by an older version is brought up to date before any write.
        _migrate(db)


def _checked(examples: Sequence[Any], space: LabelSpace) -> tuple[list[tuple[int, dict[str, Any]]], list[Rejected]]:
    """(index, example with the model's label names) of the valid ones; a Rejected per reason."""
    catalog = default_catalog()
    valid, invalid = [], []
    for index, obj in enumerate(examples):
        reasons = example_problems(obj, space, catalog)
        invalid += [Rejected(index, reason) for reason in reasons]
        if not reasons:
            valid.append((index, _with_model_labels(obj, space)))
    return valid, invalid


def _with_model_labels(obj: dict[str, Any], space: LabelSpace) -> dict[str, Any]:
    # Stored under the model's label names, so a later change of data.label_map cannot change
    # what a stored example means.
    return dict(obj, labels={country: space.resolve(label) for country, label in obj["labels"].items()})


# user_version 0: keys without classifier.text.normalise; 1: without the development and
# without the sentence key (text_key) that corrections look examples up by.
KEY_VERSION = 2


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a store written by an older version up to date, inside the caller's write
    transaction: add the newer columns and recompute every key. Two stored examples that the
    new key calls the same keep their old keys: both stay stored, as they were (nothing is
    dropped)."""
    if db.execute("PRAGMA user_version").fetchone()[0] >= KEY_VERSION:
        return
    columns = {name for _, name, *_ in db.execute("PRAGMA table_info(examples)")}
    for name, kind in ADDED_COLUMNS.items():
        if name not in columns:
            db.execute(f"ALTER TABLE examples ADD COLUMN {name} {kind}")
    db.execute("CREATE INDEX IF NOT EXISTS examples_by_text ON examples (text_key)")
    taken = {key for (key,) in db.execute("SELECT dedup_key FROM examples")}
    for row_id, example in db.execute("SELECT id, example FROM examples ORDER BY id").fetchall():
        example = json.loads(example)
        db.execute("UPDATE examples SET text_key = ? WHERE id = ?", (text_key(example["text"]), row_id))
        key = _dedup_key(example)
        if key not in taken:
            db.execute("UPDATE examples SET dedup_key = ? WHERE id = ?", (key, row_id))
            taken.add(key)
    db.execute(f"PRAGMA user_version = {KEY_VERSION}")


def _dedup_key(example: dict[str, Any]) -> str:
    # classifier.text.normalise: the same sentence for the store as for the data check and the
    # retraining job's held-out filter (case, quotes, punctuation and spacing do not count).
    # The development is part of the input the labels answer, so it is part of the identity.
    identity = [normalise(example["text"]), sorted(example["labels"].items()), example.get("development")]
    return hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode()).hexdigest()


def text_key(text: str) -> str:
    """One sentence's key, the same for every spelling classifier.text.normalise makes equal."""
    return hashlib.sha256(normalise(text).encode()).hexdigest()
