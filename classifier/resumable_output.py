"""Prediction output that is appended in committed chunks and resumed after a kill.

A chunk is committed in two steps: its rows are written and flushed to disk, then one line naming
the chunk's documents (and, for JSON Lines, the output's size after it) is appended to a progress
log and flushed. A job killed between the two leaves rows the log does not cover; on resume they
are cut off (JSON Lines: the file is truncated to the last committed size; Parquet: part files the
log does not name are deleted) and their documents scored again. So the output never holds half a
document, and every committed document is skipped on resume.

- `OUT.jsonl`: one JSON object per line; the log is `OUT.jsonl.progress`.
- `OUT.parquet`: a directory of part files (`part-00000.parquet`, ...), which pyarrow, pandas,
  DuckDB, Spark and Ray read as one table; the log is `OUT.parquet/_progress.jsonl`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

from classifier.durable_files import append_line, fsync_dir, write_atomically
from classifier.errors import InputError

OUTPUT_FORMATS = {".jsonl": "jsonl", ".parquet": "parquet"}


def open_output(path: str | Path, columns: Sequence[str]) -> "JsonlOutput | ParquetOutput":
    path = Path(path)
    kind = OUTPUT_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"{path}: the output's extension must be one of {', '.join(OUTPUT_FORMATS)} (it picks the format)")
    return JsonlOutput(path, columns) if kind == "jsonl" else ParquetOutput(path, columns)


def _read_log(log: Path) -> list[dict]:
    """The committed entries; a last line cut off by a kill is not one."""
    if not log.exists():
        return []
    entries = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            break
    return entries


class JsonlOutput:
    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self.path, self.columns = path, list(columns)
        self.log = path.with_name(path.name + ".progress")
        if path.exists() and not self.log.exists():
            raise InputError(f"{path} exists and was not written by a corpus job (no {self.log.name}); choose a new output or remove it")
        entries = _read_log(self.log)
        _check_columns(entries, self.columns, path)
        self.done: set[str] = {doc for entry in entries for doc in entry.get("documents", [])}
        self.rows_written = sum(entry.get("rows", 0) for entry in entries)
        committed = next((entry["bytes"] for entry in reversed(entries) if "bytes" in entry), 0)
        if committed and (not path.exists() or path.stat().st_size < committed):
            raise InputError(f"{path} is shorter than its progress log says ({committed} bytes committed): it was changed outside the job; write to a new output")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not entries:
            write_atomically(self.log, json.dumps({"columns": self.columns}) + "\n")
        with open(path, "ab") as fh:  # create it, and cut what no commit covers
            fh.truncate(committed)
            fh.flush()
            os.fsync(fh.fileno())
        self._size = committed

    def commit(self, rows: Sequence[dict], documents: Sequence[str]) -> None:
        data = "".join(json.dumps({c: row.get(c) for c in self.columns}, ensure_ascii=False) + "\n" for row in rows)
        with open(self.path, "ab") as fh:
            fh.write(data.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
            self._size = fh.tell()
        append_line(self.log, json.dumps({"bytes": self._size, "rows": len(rows), "documents": list(documents)}, ensure_ascii=False))
        self.done.update(documents)
        self.rows_written += len(rows)


class ParquetOutput:
    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self.path, self.columns = path, list(columns)
        self.log = path / "_progress.jsonl"
        if path.exists() and (not path.is_dir() or not self.log.exists()):
            raise InputError(f"{path} exists and was not written by a corpus job (no {self.log.name} in it); choose a new output or remove it")
        path.mkdir(parents=True, exist_ok=True)
        entries = _read_log(self.log)
        _check_columns(entries, self.columns, path)
        if not entries:
            write_atomically(self.log, json.dumps({"columns": self.columns}) + "\n")
        committed = {entry["part"] for entry in entries if "part" in entry}
        for part in path.glob("part-*.parquet"):
            if part.name not in committed:  # written by a job killed before its commit
                part.unlink()
        for stray in path.glob(".part-*"):
            stray.unlink()
        fsync_dir(path)
        self.done = {doc for entry in entries for doc in entry.get("documents", [])}
        self.rows_written = sum(entry.get("rows", 0) for entry in entries)
        self._next = len(committed)

    def commit(self, rows: Sequence[dict], documents: Sequence[str]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        name = f"part-{self._next:05d}.parquet"
        table = pa.Table.from_pylist([{c: row.get(c) for c in self.columns} for row in rows], schema=self._schema())
        temporary = self.path / f".{name}.tmp"
        pq.write_table(table, temporary)
        with open(temporary, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(temporary, self.path / name)
        fsync_dir(self.path)
        append_line(self.log, json.dumps({"part": name, "rows": len(rows), "documents": list(documents)}, ensure_ascii=False))
        self._next += 1
        self.done.update(documents)
        self.rows_written += len(rows)

    def _schema(self):
        import pyarrow as pa

        types = {
            "sentence": pa.int32(), "start": pa.int64(), "end": pa.int64(), "polarity": pa.float64(),
            "document_sentences": pa.int32(), "document_mean_polarity": pa.float64(),
        }
        return pa.schema([(c, pa.float64() if c.startswith("p_") else types.get(c, pa.string())) for c in self.columns])


def _check_columns(entries: list[dict], columns: list[str], path: Path) -> None:
    if entries and entries[0].get("columns") != columns:
        raise InputError(
            f"{path} was started with other columns ({', '.join(entries[0].get('columns', []))}): "
            "resume it with the same checkpoint labels and --summary setting, or write to a new output"
        )
