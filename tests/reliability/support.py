"""Helpers of the reliability suite, imported by its test modules (`from reliability.support import ...`)."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from hypothesis import HealthCheck, settings
from tests_support import CHINA, JAPAN, V1, V2, service_world  # noqa: F401 (re-exported to the suite)

TOKEN = "reliability-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}

# Deterministic (CI sees the same cases every run), no example database, and small enough that
# the whole suite stays within a few minutes on two cores.
FUZZ = settings(
    max_examples=60, deadline=timedelta(seconds=10), derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


def wait_until(what: str, done, seconds: float, every: float = 0.1):
    """Poll `done()` until it returns something truthy, at most `seconds`; that value."""
    deadline = time.monotonic() + seconds
    while True:
        if value := done():
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds}s")
        time.sleep(every)


def snapshot(world: SimpleNamespace) -> dict:
    """Everything an admin request could change: stored labels, the pointer and its history,
    the versions and the jobs."""
    def text(path: Path) -> str | None:
        return path.read_text(encoding="utf-8") if path.exists() else None

    return {
        "labels": world.labels.examples(),
        "current": text(world.registry.directory / "CURRENT"),
        "history": text(world.registry.directory / "HISTORY.jsonl"),
        "versions": world.registry.versions(),
        "jobs": sorted(p.name for p in world.jobs.directory.iterdir()) if world.jobs.directory.exists() else [],
    }


def is_json_error(response) -> bool:
    """A refusal as the API promises it: a JSON object with a `detail`."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(body, dict) and "detail" in body


def leaks(response, *directories: Path) -> list[str]:
    """What in a response body gives away the server's internals: a traceback, or a path of
    one of `directories` (or of the code)."""
    text = response.text
    found = [marker for marker in ("Traceback", 'File "', ".py\"", "site-packages") if marker in text]
    return found + [str(d) for d in directories if str(d) in text]


def corrupt(checkpoint: Path, how: str) -> str:
    """Damage one file of a checkpoint as a crash, a bad copy or tampering would; the file's name."""
    name = {"missing": "model.safetensors", "truncated": "model.safetensors", "altered": "config.json"}[how]
    path = checkpoint / name
    if how == "missing":
        path.unlink()
    elif how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        config = json.loads(path.read_text())
        path.write_text(json.dumps({**config, "hidden_dropout_prob": 0.5}))
    return name


def make_world(root: Path, tiny_checkpoint, tiny_config, tiny_data) -> SimpleNamespace:
    """A service world (tests_support.service_world) with this suite's admin token."""
    return service_world(root, tiny_checkpoint, tiny_config, tiny_data, TOKEN)
