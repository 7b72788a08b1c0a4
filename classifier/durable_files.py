"""Small files that must survive a crash or a power cut whole: written to a temporary sibling,
flushed to disk, renamed over the old one, and the rename itself flushed with the directory.
A reader sees the old content or the new, never a mix. Every durable write of the project goes
through here (checkpoints, the registry's pointer and history, job records, label exports)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | Path, text: str, durable: bool = True) -> Path:
    """Replace `path` with `text` in one step. `durable=False` skips the fsyncs, for files that
    are only ever a hint (a progress report) and are rewritten many times a second."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # mkstemp creates the file 0600; give it the mode a plain open() would (0666 less the umask),
        # so data files and checkpoints are readable by whoever may read their directory.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def append_line(path: str | Path, line: str) -> None:
    """Append one line and flush it to disk before returning."""
    path = Path(path)
    created = not path.exists()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line.rstrip("\n") + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    if created:
        fsync_dir(path.parent)


def remove(path: str | Path) -> None:
    """Delete a file, if it is there, and flush the directory so the deletion sticks."""
    path = Path(path)
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)


def fsync_dir(directory: str | Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_files(directory: str | Path) -> None:
    """Flush every file of a directory to disk (a checkpoint before it is renamed into place)."""
    for path in Path(directory).iterdir():
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
