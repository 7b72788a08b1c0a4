import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(tiny_checkpoint):
    """The real server (`stance serve`, uvicorn) on 127.0.0.1 and a free port, in its own process."""
    port = free_port()
    env = dict(os.environ, STANCE_CHECKPOINT=str(tiny_checkpoint), STANCE_PORT=str(port), STANCE_LOG_LEVEL="warning")
    process = subprocess.Popen([sys.executable, "-m", "classifier.cli", "serve"], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not become ready within {STARTUP_SECONDS}s (exit code {process.poll()})")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
