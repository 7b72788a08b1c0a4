"""The versioned checkpoints under one directory, which of them is served, and how it got there.

    checkpoints/<version>/   a checkpoint, named by its meta["version"] (sorts by time)
        decision.json        the retraining job's verdict on it (promoted or rejected, and why)
        comparison.json      it and the model served at the time, scored on the same fixed pairs
    checkpoints/CURRENT      the served version's name; absent: the configured checkpoint is served
    checkpoints/HISTORY.jsonl  every promotion and rollback, one JSON object a line

CURRENT is replaced atomically (temporary file, fsync, rename, fsync of the directory) and
HISTORY is appended and fsynced before CURRENT moves. The promoted versions form a stack in
HISTORY (a promotion pushes, a rollback pops), so rolling back twice goes back two versions.
A lock file serialises promotions and rollbacks between the service and job processes.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from classifier.checkpoint_files import META_FILE, file_problems
from classifier.errors import NothingToRollBack, RegistryError
from classifier.durable_files import append_line, fsync_dir, remove, write_atomically
from training.versions import timestamp

# What `training.train.new_version` makes: 20260102T030405123456Z.
VERSION_PATTERN = r"^\d{8}T\d{12}Z$"
CURRENT_FILE = "CURRENT"
HISTORY_FILE = "HISTORY.jsonl"
REGISTRY_LOCK_FILE = ".registry.lock"  # held while the pointer or history changes
DECISION_FILE = "decision.json"


def check_version(version: str) -> str:
    """The version name, if it is one: never a path, so it cannot reach outside the registry."""
    if not isinstance(version, str) or not re.fullmatch(VERSION_PATTERN, version):
        raise RegistryError(f"{version!r} is not a version name (expected e.g. 20260102T030405123456Z)")
    return version


class Registry:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    # -- reading ------------------------------------------------------------------------------
    def version_dir(self, version: str) -> Path:
        return self.directory / check_version(version)

    def versions(self) -> list[str]:
        """Every complete checkpoint under a version name, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(
            p.name for p in self.directory.iterdir()
            if re.fullmatch(VERSION_PATTERN, p.name) and (p / META_FILE).is_file()
        )

    def current(self) -> str | None:
        """The version CURRENT names, or None when there is no CURRENT."""
        try:
            version = (self.directory / CURRENT_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if not (self.version_dir(version) / META_FILE).is_file():
            raise RegistryError(f"{self.directory / CURRENT_FILE} names {version}, which is not a checkpoint in {self.directory}")
        return version

    def serving_dir(self, fallback: str | Path) -> Path:
        """The checkpoint to serve: CURRENT's version, or `fallback` when nothing was promoted."""
        version = self.current()
        return self.version_dir(version) if version else Path(fallback)

    def pointer_signature(self) -> tuple[int, int] | None:
        """Changes whenever CURRENT is replaced or removed: one stat, cheap enough for every request."""
        try:
            stat = os.stat(self.directory / CURRENT_FILE)
        except FileNotFoundError:
            return None
        # A rename gives a new inode even within one mtime tick.
        return stat.st_ino, stat.st_mtime_ns

    def history(self) -> list[dict[str, Any]]:
        try:
            text = (self.directory / HISTORY_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def decision(self, version: str) -> dict[str, Any] | None:
        try:
            return json.loads((self.version_dir(version) / DECISION_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def describe(self) -> list[dict[str, Any]]:
        """Every version, newest first, with its status, dev macro-F1 and the job's verdict."""
        current = self.current()
        promoted = {entry["version"] for entry in self.history() if entry["event"] == "promote"}
        out = []
        for version in reversed(self.versions()):
            meta = json.loads((self.version_dir(version) / META_FILE).read_text(encoding="utf-8"))
            decision = self.decision(version)
            out.append({
                "version": version,
                "status": _status(version, current, promoted, decision),
                "created_at": meta.get("created_at"),
                "dev_macro_f1": meta.get("metrics", {}).get("dev", {}).get("macro_f1"),
                "decision": decision,
            })
        return out

    # -- changing -----------------------------------------------------------------------------
    def adopt(self, checkpoint_dir: str | Path) -> str:
        """Move a freshly trained checkpoint (in this directory) to its version name."""
        checkpoint_dir = Path(checkpoint_dir)
        version = check_version(json.loads((checkpoint_dir / META_FILE).read_text(encoding="utf-8"))["version"])
        os.replace(checkpoint_dir, self.directory / version)
        fsync_dir(self.directory)
        return version

    def record_decision(self, version: str, decision: dict[str, Any]) -> None:
        write_atomically(self.version_dir(version) / DECISION_FILE, json.dumps(decision, indent=2, ensure_ascii=False))

    def promote(self, version: str, **details: Any) -> str | None:
        """Make `version` the served one; returns the version it replaces (None: the configured
        checkpoint). `details` (forced, job, ...) go into the history entry."""
        if not (self.version_dir(version) / META_FILE).is_file():
            raise RegistryError(f"there is no checkpoint {version} in {self.directory}")
        self._check_intact(version, "cannot promote")
        with self._locked():
            previous = self.current()
            self._move_pointer("promote", version, previous, details)
        return previous

    def rollback(self) -> tuple[str | None, str]:
        """Go back to the version served before the current one; returns (now served, left)."""
        with self._locked():
            stack = self.promoted_stack()
            if not stack:
                raise NothingToRollBack("nothing to roll back: no version has been promoted")
            left = stack.pop()
            target = stack[-1] if stack else None
            if target is not None:
                self._check_intact(target, "cannot roll back to")
            self._move_pointer("rollback", target, left, {})
        return target, left

    def promoted_stack(self) -> list[str]:
        stack: list[str] = []
        for entry in self.history():
            if entry["event"] == "promote":
                stack.append(entry["version"])
            elif stack:
                stack.pop()
        return stack

    def _check_intact(self, version: str, action: str) -> None:
        # Checked before the pointer moves: a damaged checkpoint is refused here, with the file
        # named, instead of failing to load in every service that follows the pointer.
        if problems := file_problems(self.version_dir(version)):
            raise RegistryError(f"{action} {version}: {'; '.join(problems)}")

    def _move_pointer(self, event: str, version: str | None, previous: str | None, details: dict[str, Any]) -> None:
        # History first: after a crash between the two steps the pointer still names the old
        # version, and a rollback pops the entry that never took effect.
        entry = {"at": timestamp(), "event": event,
                 "version": version, "previous": previous, **details}
        append_line(self.directory / HISTORY_FILE, json.dumps(entry, ensure_ascii=False))
        if version is None:
            remove(self.directory / CURRENT_FILE)
        else:
            write_atomically(self.directory / CURRENT_FILE, version + "\n")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / REGISTRY_LOCK_FILE, "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _status(version: str, current: str | None, promoted: set[str], decision: dict[str, Any] | None) -> str:
    """current; promoted (served at some point, no longer); rejected; candidate (no verdict)."""
    if version == current:
        return "current"
    if version in promoted:
        return "promoted"
    return "rejected" if decision and not decision.get("promoted") else "candidate"
