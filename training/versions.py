"""Version ids and timestamps: a leaf module, so that the label store, the registry and the job
records (and the commands that use them, such as `stance rollback`) need not import torch."""

from __future__ import annotations

from datetime import datetime, timezone


def new_version() -> str:
    """A version id that sorts by creation time."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def timestamp() -> str:
    """Now, in UTC, to the second (ISO 8601): the time written into records."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
