"""Compare the ways of telling the encoder which target is meant, on dev.

Trains one checkpoint per encoding with everything else from the config, and writes
bench/results/encodings.json and .md. Usage:
    .venv/bin/python bench/compare_encodings.py [--config configs/default.yaml] [--output runs/encodings]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from classifier.config import RunConfig
from classifier.encoding import ENCODINGS
from classifier.model import StanceClassifier
from training.data import LabelSpace, load_pairs
from training.train import evaluate_pairs, train

RESULTS = Path("bench/results")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/default.yaml")
    parser.add_argument("--output", default="runs/encodings")
    args = parser.parse_args()

    rows = []
    for encoding in ENCODINGS:
        config = RunConfig.from_yaml(args.config, {"model.target_encoding": encoding})
        started = time.perf_counter()
        checkpoint = train(config, Path(args.output) / encoding)
        seconds = time.perf_counter() - started
        classifier = StanceClassifier.from_pretrained(checkpoint)
        dev = evaluate_pairs(classifier, load_pairs(config.data.dev, LabelSpace(tuple(config.labels))))
        rows.append({
            "encoding": encoding, "dev_macro_f1": dev["macro_f1"], "dev_accuracy": dev["accuracy"],
            "dev_f1_per_label": {k: v["f1"] for k, v in dev["per_label"].items()},
            "best_epoch": classifier.meta["metrics"]["best_epoch"], "train_seconds": round(seconds, 1),
        })
        print(json.dumps(rows[-1]))

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "encodings.json").write_text(json.dumps({"config": args.config, "results": rows}, indent=2))
    lines = [
        f"# Target encodings compared on dev (`{args.config}`, `python bench/compare_encodings.py`)", "",
        "| encoding | dev macro-F1 | dev accuracy | F1 supportive | F1 concerned | F1 silent | best epoch | train s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        f1 = r["dev_f1_per_label"]
        lines.append(
            f"| {r['encoding']} | {r['dev_macro_f1']:.4f} | {r['dev_accuracy']:.4f} | {f1.get('supportive', 0):.4f} | "
            f"{f1.get('concerned', 0):.4f} | {f1.get('silent', 0):.4f} | {r['best_epoch']} | {r['train_seconds']} |"
        )
    (RESULTS / "encodings.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
