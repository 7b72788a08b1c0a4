"""`stance predict`: analyse JSON Lines documents."""

from __future__ import annotations

import json
import sys

from classifier.errors import StanceError
from classifier.pairs import MAX_DEVELOPMENT_CHARS
from stance_cli.options import DEFAULT_CHECKPOINT, add_command


def register(commands) -> None:
    p = add_command(
        commands, "predict", "analyse JSON Lines documents ({'text'[, 'countries'][, 'development']}), one analysis per line out"
    )
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT, help="the checkpoint to score with")
    p.add_argument(
        "--development", default=None,
        help="what the stances are toward, a short phrase, for documents without their own 'development' "
        "(default: the development each sentence is about)",
    )
    p.add_argument("input", nargs="?", default="-", help="file, or - for standard input")
    p.set_defaults(handler=run)


def run(args, extra) -> int:
    from classifier.model import StanceClassifier

    classifier = StanceClassifier.from_pretrained(args.checkpoint)
    stream = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")
    status = 0
    with stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as err:
                status = _bad_line(args.input, number, f"invalid JSON: {err.msg} at column {err.colno}")
                continue
            if not isinstance(doc, dict) or not isinstance(doc.get("text"), str) or not doc["text"].strip():
                status = _bad_line(args.input, number, "expected an object with a non-empty 'text'")
                continue
            development = doc.get("development", args.development)
            if development is not None and (not isinstance(development, str) or len(development) > MAX_DEVELOPMENT_CHARS):
                status = _bad_line(args.input, number, f"'development' must be a string of at most {MAX_DEVELOPMENT_CHARS} characters")
                continue
            try:
                analysis = classifier.predict(doc["text"], doc.get("countries"), development)
            except StanceError as err:  # unknown countries
                status = _bad_line(args.input, number, str(err))
                continue
            print(json.dumps(analysis.to_dict(), ensure_ascii=False))
    return status


def _bad_line(path: str, number: int, reason: str) -> int:
    # Reported and skipped, never dropped silently; the exit status says some lines failed.
    print(f"error: {path}:{number}: {reason}", file=sys.stderr)
    return 1
