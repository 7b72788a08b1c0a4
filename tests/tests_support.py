"""Helpers shared by the whole suite: files, service worlds, live servers, and the reliability
suite's fuzz settings and checks."""

import json
import shutil
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from hypothesis import HealthCheck, settings
from local_server import server_process


def load_bench_script(name: str):
    """bench/<name>.py imported as the module `bench_<name>` (the bench scripts are not a package)."""
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[1] / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


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


V1, V2 = "20260101T000000000001Z", "20260102T000000000002Z"
TOKEN = "test-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
JAPAN = {"text": "Japan welcomed the accord.", "labels": {"Japan": "supportive"}}
CHINA = {"text": "China warned against the accord.", "labels": {"China": "concerned"}}


def service_world(root: Path, tiny_checkpoint, tiny_config, tiny_data, token: str) -> SimpleNamespace:
    """Settings for a service on `root`'s own state and checkpoint directories, with the admin
    token set and a retraining config whose candidates are always promoted, and the stores on them."""
    from serving.settings import Settings
    from training.jobs import Jobs
    from training.label_store import LabelStore
    from training.registry import Registry

    config = write_retrain_config(root / "retrain.yaml", tiny_config, tiny_data["dev"], max_macro_f1_drop=1.0, max_label_f1_drop=1.0)
    settings = Settings(
        checkpoint=str(tiny_checkpoint), checkpoints_dir=str(root / "checkpoints"), state_dir=str(root / "state"),
        retrain_config=str(config), admin_token=token,
    )
    (root / "checkpoints").mkdir(parents=True)
    return SimpleNamespace(
        root=root, settings=settings, config=config, checkpoint=tiny_checkpoint,
        registry=Registry(settings.checkpoints_dir), labels=LabelStore.in_state_dir(settings.state_dir), jobs=Jobs(settings.state_dir),
    )


def with_two_versions(world: SimpleNamespace) -> SimpleNamespace:
    """`world` with V1 (a copy of its checkpoint) promoted and served, and V2 a candidate."""
    for version in (V1, V2):
        add_version(world.registry.directory, world.checkpoint, version)
    world.registry.promote(V1)
    return world


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


# -- the reliability suite ----------------------------------------------------------------------
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
    """Everything an admin request could change: stored labels and their history, the review
    queue, the pointer and its history, the versions and the jobs."""
    from training.review_queue import ReviewQueue

    def text(path: Path) -> str | None:
        return path.read_text(encoding="utf-8") if path.exists() else None

    return {
        "labels": world.labels.examples(),
        "label_history": [world.labels.history(i) for i in range(1, world.labels.count() + 1)],
        "review": ReviewQueue.in_state_dir(world.settings.state_dir).counts(),
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


# -- the page in a browser ----------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="no headless browser: install Debian's chromium and chromium-driver (.ci/run does)",
)


@contextmanager
def headless_chromium():
    """Debian's chromium driven by selenium, headless, with no network of its own."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # No sandbox as root in CI; no background networking on a machine without a network.
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,2000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
