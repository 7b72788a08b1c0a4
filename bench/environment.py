"""What a measurement ran on: the machine, the library versions and the commit."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# CPU features that decide which inference paths are fast (see classifier/precision.py).
CPU_FEATURES = ("avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_int8", "amx_tile")


def machine() -> dict[str, Any]:
    import torch

    flags, model = set(), platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return {
        "processor": model,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "torch_threads": torch.get_num_threads(),
        "cpu_features": [f for f in CPU_FEATURES if f in flags],
    }


def versions(*extra: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("torch", "transformers", "tokenizers", "fastapi", "uvicorn", *extra):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def git() -> dict[str, Any]:
    def out(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()

    try:
        return {"commit": out("rev-parse", "HEAD") or None, "dirty": bool(out("status", "--porcelain", "--untracked-files=no"))}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
