"""The real server, in its own process, on a free loopback port: for the scripts in bench/ and
for the tests that need a server over HTTP (tests/tests_support.py)."""

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
def server_process(env: dict[str, str], ready_seconds: float = READY_SECONDS, **popen) -> Iterator[tuple[str, subprocess.Popen]]:
    """`stance serve` (uvicorn) on 127.0.0.1 and a free port, with `env` (STANCE_* settings) on top
    of this process's environment; yields (url, process) once /readyz answers 200, and stops it
    (if it still runs) on the way out."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "stance_cli", "serve"],
                               env={**os.environ, "STANCE_PORT": str(port), "STANCE_LOG_LEVEL": "warning", **env}, **popen)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process, ready_seconds)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def running_server(checkpoint: str | Path, **env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`server_process` serving `checkpoint`, with throw-away state and checkpoints directories."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = {"STANCE_CHECKPOINT": str(checkpoint), "STANCE_STATE_DIR": f"{tmp}/state",
                    "STANCE_CHECKPOINTS_DIR": f"{tmp}/checkpoints", **env}
        with server_process(settings) as running:
            yield running


def _wait_ready(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not become ready within {seconds}s (exit code {process.poll()})")
        time.sleep(0.2)
