"""The package works installed, not only from the source tree: a wheel built from the repo and
installed (not editable) in a fresh venv runs `stance predict` from another directory, with the
country catalogue read from the package's own data."""

from __future__ import annotations

import json
import site
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TEXT = "Japan welcomed the accord, while China warned against it."


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel alone; the dependencies come from this interpreter's
    site-packages through a path line, which does not run their .pth hooks (so the repo's
    editable install cannot leak in)."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(root / "dist"), str(REPO)],
                   check=True, cwd=root, capture_output=True)
    wheel = next((root / "dist").glob("country_stance-*.whl"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True)
    return venv


def test_the_installed_package_is_not_the_source_tree(installed, tmp_path):
    where = subprocess.run([installed / "bin" / "python", "-c", "import classifier; print(classifier.__file__)"],
                           check=True, capture_output=True, text=True, cwd=tmp_path).stdout.strip()
    assert not Path(where).is_relative_to(REPO)


def test_the_installed_stance_predict_runs_from_another_directory(installed, tiny_checkpoint, tmp_path):
    result = subprocess.run([installed / "bin" / "stance", "predict", "--checkpoint", str(tiny_checkpoint), "-"],
                            input=json.dumps({"text": TEXT}) + "\n", capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    analysis = json.loads(result.stdout)
    assert {c["country"] for c in analysis["sentences"][0]["countries"]} == {"Japan", "China"}
