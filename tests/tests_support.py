import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import yaml


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def write_retrain_config(path: Path, config, eval_file: Path, epochs: int = 1, **retrain) -> Path:
    """The tiny run config as YAML, trained for `epochs` (no early stop), with a `retrain`
    section scoring on `eval_file` plus any `retrain` keys given."""
    raw = config.model_dump(mode="json")
    raw["training"].update(epochs=epochs, early_stopping_patience=epochs)
    raw["retrain"] = {**raw["retrain"], "eval_files": [str(eval_file)], **retrain}
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def add_version(checkpoints_dir: Path, checkpoint: Path, version: str) -> str:
    """A copy of `checkpoint` registered under `version` (stance.json is not among the hashed files)."""
    target = checkpoints_dir / version
    shutil.copytree(checkpoint, target)
    meta = json.loads((target / "stance.json").read_text())
    (target / "stance.json").write_text(json.dumps({**meta, "version": version}))
    return version


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER_STARTUP_SECONDS = 60


@contextmanager
def live_server_process(env: dict[str, str], startup_seconds: float = SERVER_STARTUP_SECONDS, **popen):
    """`stance serve` (uvicorn) in its own process on 127.0.0.1 and a free port, with `env` on
    top of this process's environment; yields (url, process) once /readyz says ready, and stops
    it (if it still runs) on the way out."""
    import httpx

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "classifier.cli", "serve"],
                               env={**os.environ, "STANCE_PORT": str(port), "STANCE_LOG_LEVEL": "warning", **env}, **popen)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup_seconds
    try:
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not become ready within {startup_seconds}s (exit code {process.poll()})")
            time.sleep(0.2)
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
