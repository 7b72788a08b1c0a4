"""The SHA-256 of a checkpoint's analyses of every sentence of a file, to the last digit.

A refactoring must leave it unchanged: run it at the commit before and after (with the same
checkpoint) and compare the two digests.

    .venv/bin/python bench/prediction_digest.py [--checkpoint checkpoints/default] [--data data/test.jsonl]
"""

from __future__ import annotations

import argparse
import hashlib
import json

from classifier import DEFAULT_CHECKPOINT, StanceClassifier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT, help="the checkpoint to score with")
    parser.add_argument("--data", default="data/test.jsonl", help="JSON Lines file with a 'text' per line")
    parser.add_argument("--output", help="also write every analysis, one JSON line each, to this file")
    args = parser.parse_args()
    classifier = StanceClassifier.from_pretrained(args.checkpoint)
    with open(args.data, encoding="utf-8") as fh:
        lines = [json.dumps(classifier.predict(json.loads(line)["text"]).to_dict(), sort_keys=True) for line in fh if line.strip()]
    text = "\n".join(lines) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    print(f"{hashlib.sha256(text.encode()).hexdigest()}  {len(lines)} analyses of {args.data} by {args.checkpoint}")


if __name__ == "__main__":
    main()
