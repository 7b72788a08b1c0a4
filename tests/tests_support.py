import json
import shutil
from pathlib import Path

import yaml
from local_server import server_process


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


SERVER_STARTUP_SECONDS = 60


def live_server_process(env: dict[str, str], startup_seconds: float = SERVER_STARTUP_SECONDS, **popen):
    """`stance serve` in its own process on 127.0.0.1 (bench/local_server.py), ready within
    `startup_seconds`; yields (url, process)."""
    return server_process(env, startup_seconds, **popen)
