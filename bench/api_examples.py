"""Run one request per API route against the real server and write the README's examples.

Starts `stance serve` on a free loopback port with the given checkpoint, a throw-away state and
checkpoints directory and a demo admin token, sends each request with curl, and writes
bench/results/api_examples.md: each curl command and the response it got. Usage:
    .venv/bin/python bench/api_examples.py [--checkpoint checkpoints/default]
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
from pathlib import Path

from classifier.config import DEFAULT_CHECKPOINT
from local_server import running_server

TOKEN = "demo-token"
TEXT = "Seoul condemned the new defence pact, while the Kremlin hailed it as a breakthrough. Beijing declined to comment."


def requests(url: str) -> list[tuple[str, list[str], int | None]]:
    """(title, curl arguments, how many response lines to keep or None for all)."""
    post = ["-X", "POST", "-H", "content-type: application/json"]
    admin = ["-H", f"authorization: Bearer {TOKEN}"]
    label = {"examples": [{"text": "Tokyo welcomed the pact, but Beijing warned it would inflame tensions.",
                           "labels": {"Japan": "supportive", "China": "concerned"}}]}
    batch = {"documents": [{"id": "a", "text": TEXT}, {"id": "b", "text": "Ghana said it was studying the text.", "countries": ["GH"]}],
             "include_mentions": False}
    return [
        ("Analyse a document", post + [f"{url}/v1/stance", "-d", json.dumps({"text": TEXT})], 60),
        ("Analyse several documents in one pass", post + [f"{url}/v1/stance/batch", "-d", json.dumps(batch)], 40),
        ("Only the countries you name (aliases accepted)", post + [f"{url}/v1/stance", "-d", json.dumps({"text": TEXT, "countries": ["the U.S.", "Narnia"]})], None),
        ("A text without countries", post + [f"{url}/v1/stance", "-d", json.dumps({"text": "The weather was mild."})], None),
        ("The served model", [f"{url}/v1/model"], 30),
        ("Liveness and readiness", [f"{url}/healthz"], None),
        ("", [f"{url}/readyz"], None),
        ("Prometheus metrics", [f"{url}/metrics"], 12),
        ("Add labelled examples (admin)", post + admin + [f"{url}/v1/labels", "-d", json.dumps(label)], None),
        ("The same without the token", post + [f"{url}/v1/labels", "-d", json.dumps(label)], None),
        ("What is stored", [f"{url}/v1/labels/stats"], None),
        ("Checkpoint versions", [f"{url}/v1/models"], None),
    ]


def shown(output: str, keep: int | None) -> str:
    try:
        output = json.dumps(json.loads(output), indent=2, ensure_ascii=False)
    except json.JSONDecodeError:
        pass
    lines = output.splitlines()
    if keep is not None and len(lines) > keep:
        lines = lines[:keep] + [f"... ({len(lines) - keep} more lines)"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT)
    parser.add_argument("--output", default="bench/results/api_examples.md")
    args = parser.parse_args()
    with running_server(args.checkpoint, STANCE_ADMIN_TOKEN=TOKEN) as (url, _):
        parts = [f"# API examples\n\nMade by `python bench/api_examples.py --checkpoint {args.checkpoint}` against the real "
                 "server; the admin token is the demo value the script sets.\n"]
        for title, curl_args, keep in requests(url):
            result = subprocess.run(["curl", "-s", *curl_args], capture_output=True, text=True, timeout=120)
            command = "curl -s " + " ".join(shlex.quote(a) for a in curl_args)
            command = re.sub(r"http://127\.0\.0\.1:\d+", "http://127.0.0.1:8000", command)
            parts.append((f"## {title}\n\n" if title else "") + f"```\n$ {command}\n{shown(result.stdout, keep)}\n```\n")
    Path(args.output).write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
