"""The catalogue of errors a user can act on.

Every error the project raises on purpose is a `StanceError`: its message says what was wrong and
what was expected, and it is shown to the user as it is. The command line maps them to exit
codes once (`exit_code`: 1 for a failed operation, 2 for a usage error) and the HTTP API to
statuses once (`http_status`). Anything that is not a `StanceError` is a bug, and shows its
traceback (or a 500 with the details in the log).
"""

from __future__ import annotations

from typing import Sequence


class StanceError(Exception):
    """An error the user can act on."""

    exit_code = 1
    http_status = 400


class UsageError(StanceError):
    """The command line was used wrongly: an unknown option, a missing value, two options that go together."""

    exit_code = 2


class ConfigError(StanceError):
    """A run config (or a config override) is unreadable or invalid."""

    http_status = 422


class InputError(StanceError):
    """Input that is well formed but does not fit the task: a review of other labels than its
    sample's, two prediction files over different pairs, an option value out of range."""

    http_status = 422


class CatalogueError(StanceError):
    """The country catalogue (countries.yaml) is invalid."""

    http_status = 500


class DataError(StanceError):
    """A data file or request body has invalid lines; `problems` lists each with its file and line."""

    http_status = 422

    def __init__(self, problems: Sequence[object], consequence: str = "") -> None:
        self.problems = list(problems)
        shown = "\n".join(str(p) for p in self.problems[:20])
        more = f"\n... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        after = f"\n{consequence}" if consequence else ""
        super().__init__(f"{len(self.problems)} invalid line(s):\n{shown}{more}{after}")


class UnknownCountryError(StanceError):
    """A country name the catalogue does not know."""

    http_status = 422

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        super().__init__(f"unknown countries: {', '.join(repr(n) for n in names)}")


class CheckpointError(StanceError):
    """A model directory (checkpoint or base) is missing, incomplete, altered, or not the one it claims to be."""

    http_status = 409


class RegistryError(StanceError):
    """A version or the registry's pointer is not what it should be."""

    http_status = 409


class NothingToRollBack(RegistryError):
    """No version was served before the current one."""


class RetrainBusy(StanceError):
    """A retraining job is already running."""

    http_status = 409

    def __init__(self, job_id: str | None) -> None:
        self.job_id = job_id
        super().__init__(f"a retraining job is already running ({job_id or 'starting'}); wait for it to finish")


class JobNotFound(StanceError):
    """No retraining job has this id."""

    http_status = 404

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        super().__init__(f"there is no retraining job {job_id}")


class LabelStoreUnwritable(StanceError):
    """The label store cannot take a write: its disk is full (`full`), or it is read-only or not
    writable. Any transaction was rolled back: nothing of the call was stored. The message names
    no path, so callers can pass it on as it is."""

    def __init__(self, full: bool) -> None:
        self.full = full
        self.http_status = 507 if full else 503
        reason = "the label store's disk is full" if full else "the label store is read-only or cannot be written"
        super().__init__(f"{reason}; nothing was stored")


class InvalidExample(StanceError):
    """A labelled example (a correction from the page) that cannot be stored, with every reason
    (unknown country, unknown label, ...). Nothing was stored."""

    http_status = 422

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(reasons))
