"""The real server, in its own process, on a free loopback port, for the scripts in bench/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

READY_SECONDS = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(checkpoint: str | Path, **env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`stance serve` with `checkpoint`, throw-away state and checkpoints directories and `env`
    (STANCE_* settings) on top; yields (url, process) once /readyz answers 200."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        settings = {"STANCE_CHECKPOINT": str(checkpoint), "STANCE_PORT": str(port), "STANCE_STATE_DIR": f"{tmp}/state",
                    "STANCE_CHECKPOINTS_DIR": f"{tmp}/checkpoints", "STANCE_LOG_LEVEL": "warning", **env}
        process = subprocess.Popen([sys.executable, "-m", "classifier.cli", "serve"], env={**os.environ, **settings})
        try:
            _wait_ready(url, process)
            yield url, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not become ready within {READY_SECONDS} s")
