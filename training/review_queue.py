"""The review queue: documents submitted for labelling, scored by the served model in the
background, and offered back pair by pair, least sure first (training.uncertainty).

SQLite, one file next to the label store (`review.sqlite3` in the state directory), so the queue
survives a restart: a document is stored `pending` before its submission is answered, and a
service that starts finds the pending ones and scores them. Scoring a document replaces its
items in one transaction; a document scored by a model that is no longer served goes back to
`pending` (`mark_stale`) and keeps its old items until the new ones are written, so the queue
never empties while it is rescored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from training.label_store import text_key
from training.sqlite_store import DurableSQLite
from training.uncertainty import Candidate, least_sure
from training.versions import timestamp

REVIEW_DB_FILE = "review.sqlite3"
PENDING, SCORED, FAILED = "pending", "scored", "failed"
SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS documents (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL,
        content_key TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        development TEXT,
        countries TEXT,
        submitted_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        scored_by TEXT,
        error TEXT
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        document INTEGER NOT NULL REFERENCES documents (id),
        sentence INTEGER NOT NULL,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        country TEXT NOT NULL,
        scores TEXT NOT NULL,
        sentence_labels TEXT NOT NULL,
        skipped INTEGER NOT NULL DEFAULT 0,
        UNIQUE (document, sentence, country)
    )
    """,
    "CREATE INDEX IF NOT EXISTS documents_by_state ON documents (state)",
)


@dataclass(frozen=True)
class PendingDocument:
    id: int
    doc_id: str
    text: str
    countries: list[str] | None
    development: str | None


@dataclass(frozen=True)
class Submission:
    accepted: list[str]  # the ids of the documents queued
    duplicates: list[str]  # the ids of documents already in the queue (same id, text and development)


class ReviewQueue(DurableSQLite):
    SCHEMA = SCHEMA

    @classmethod
    def in_state_dir(cls, state_dir: str | Path) -> ReviewQueue:
        return cls(Path(state_dir) / REVIEW_DB_FILE)

    # -- documents --------------------------------------------------------------------------
    def submit(self, documents: Sequence[dict[str, Any]]) -> Submission:
        """Queue documents ({id, text, countries?, development?}) as pending, in one
        transaction that is on disk before this returns; one already queued is reported, not
        queued twice."""
        accepted, duplicates = [], []
        now = timestamp()
        with self._transaction() as db:
            for doc in documents:
                key = _content_key(doc)
                if db.execute("SELECT 1 FROM documents WHERE content_key = ?", (key,)).fetchone():
                    duplicates.append(doc["id"])
                    continue
                db.execute(
                    "INSERT INTO documents (doc_id, content_key, text, development, countries, submitted_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (doc["id"], key, doc["text"], doc.get("development"),
                     json.dumps(doc["countries"]) if doc.get("countries") is not None else None, now),
                )
                accepted.append(doc["id"])
        return Submission(accepted, duplicates)

    def pending(self, limit: int) -> list[PendingDocument]:
        """The oldest documents waiting to be scored."""
        with self._connection() as db:
            rows = db.execute(
                "SELECT id, doc_id, text, countries, development FROM documents WHERE state = ? ORDER BY id LIMIT ?", (PENDING, limit)
            ).fetchall()
        return [PendingDocument(i, d, t, json.loads(c) if c else None, dev) for i, d, t, c, dev in rows]

    def record_scores(self, document: int, sentences: Iterable[dict[str, Any]], model_version: str) -> int:
        """Replace a document's items with one per (sentence, country) of its analysis (the
        `sentences` of DocumentAnalysis.to_dict()); the number of items."""
        rows = []
        for sentence in sentences:
            labels = {c["country"]: c["stance"] for c in sentence["countries"]}
            for country in sentence["countries"]:
                rows.append((document, sentence["index"], sentence["text"], sentence["start"], sentence["end"],
                             country["country"], json.dumps(country["scores"]), json.dumps(labels)))
        with self._transaction() as db:
            # Skips are the user's: they outlive a rescoring.
            skipped = {(s, c) for s, c in db.execute("SELECT sentence, country FROM items WHERE document = ? AND skipped = 1", (document,))}
            db.execute("DELETE FROM items WHERE document = ?", (document,))
            db.executemany(
                'INSERT INTO items (document, sentence, text, start, "end", country, scores, sentence_labels, skipped) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*row, int((row[1], row[5]) in skipped)) for row in rows],
            )
            db.execute("UPDATE documents SET state = ?, scored_by = ?, error = NULL WHERE id = ?", (SCORED, model_version, document))
        return len(rows)

    def record_failure(self, document: int, error: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE documents SET state = ?, error = ? WHERE id = ?", (FAILED, error, document))

    def mark_stale(self, model_version: str) -> int:
        """Send the documents scored by another model back to pending; how many."""
        with self._transaction() as db:
            return db.execute(
                "UPDATE documents SET state = ? WHERE state = ? AND scored_by IS NOT ?", (PENDING, SCORED, model_version)
            ).rowcount

    # -- items ------------------------------------------------------------------------------
    def next(self, n: int, labelled: set[str] = frozenset()) -> list[dict[str, Any]]:
        """The `n` items to label next (training.uncertainty.least_sure): one per sentence,
        never a skipped item or a sentence whose `text_key` is in `labelled`
        (LabelStore.labelled_text_keys)."""
        with self._connection() as db:
            rows = db.execute(
                'SELECT i.id, i.document, d.doc_id, i.sentence, i.text, i.start, i."end", i.country, i.scores, '
                "i.sentence_labels, d.development, d.scored_by FROM items i JOIN documents d ON d.id = i.document "
                "WHERE i.skipped = 0 ORDER BY i.document, i.sentence, i.id"
            ).fetchall()
        candidates = (
            Candidate(document=row[1], sentence=row[3], country=row[7], scores=json.loads(row[8]), payload=row)
            for row in rows
            if text_key(row[4]) not in labelled
        )
        return [_item(candidate) for candidate in least_sure(candidates, n)]

    def skip(self, item_ids: Sequence[int]) -> int:
        """Never offer these items again; how many there were."""
        with self._transaction() as db:
            return db.executemany("UPDATE items SET skipped = 1 WHERE id = ?", [(i,) for i in item_ids]).rowcount

    def counts(self) -> dict[str, int]:
        with self._connection() as db:
            states = dict(db.execute("SELECT state, COUNT(*) FROM documents GROUP BY state").fetchall())
            items = db.execute("SELECT COUNT(*) FROM items WHERE skipped = 0").fetchone()[0]
        return {"documents": sum(states.values()), **{s: states.get(s, 0) for s in (PENDING, SCORED, FAILED)}, "items": items}


def _item(candidate: Candidate) -> dict[str, Any]:
    item_id, _, doc_id, sentence, text, start, end, country, _, labels, development, version = candidate.payload
    scores = candidate.scores
    return {
        "id": item_id,
        "document": doc_id,
        "sentence": sentence,
        "text": text,
        "start": start,
        "end": end,
        "country": country,
        "scores": scores,
        "stance": max(scores, key=scores.get),
        "margin": round(candidate.margin, 6),
        "sentence_labels": json.loads(labels),
        "development": development,
        "model_version": version,
    }


def _content_key(doc: dict[str, Any]) -> str:
    identity = [doc["id"], doc["text"], doc.get("development"), doc.get("countries")]
    return hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode()).hexdigest()
