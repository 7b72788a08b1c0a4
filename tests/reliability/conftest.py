"""Fixtures of the reliability suite: the record its figures go into, and a service on fresh
state and checkpoint directories with the tiny checkpoint."""

from __future__ import annotations

import json
import os
import platform
import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from tests_support import make_world

RECORD_ENV = "STANCE_RELIABILITY_RECORD"


class ReliabilityRecord:
    """The figures the tests measured, by section; written as JSON for
    bench/reliability_report.py when STANCE_RELIABILITY_RECORD names a file."""

    def __init__(self) -> None:
        self.sections: dict[str, list[dict]] = defaultdict(list)

    def add(self, section: str, **figures) -> None:
        self.sections[section].append(figures)

    def as_dict(self) -> dict:
        return {
            "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "command": " ".join(["pytest", *sys.argv[1:]]),
            "sections": dict(self.sections),
        }


@pytest.fixture(scope="session")
def reliability_record():
    record = ReliabilityRecord()
    yield record
    if path := os.environ.get(RECORD_ENV):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(record.as_dict(), indent=2, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def world(tmp_path, tiny_checkpoint, tiny_config, tiny_data):
    return make_world(tmp_path, tiny_checkpoint, tiny_config, tiny_data)


@pytest.fixture
def v1_world(world):
    """V1 (a copy of the tiny checkpoint) promoted and served, V2 a candidate."""
    from tests_support import with_two_versions

    return with_two_versions(world)
