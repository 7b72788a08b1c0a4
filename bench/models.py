"""Checkpoints side by side, on this machine, in one run: dev macro-F1 (from each checkpoint's
own record, with and without the development), test and seed macro-F1 with 95% bootstrap
intervals, test ECE before and after temperature scaling, scoring throughput and training time.
With --teacher and --student it also checks the distillation targets (the student within 3 points
of its teacher on test, at 5x its throughput or more). Writes bench/results/<name>.{json,md}.

    .venv/bin/python bench/models.py --checkpoint teacher=checkpoints/teacher --checkpoint student=checkpoints/student \
        --teacher teacher --student student [--name models] [--repeats 3]

Throughput is the project's scoring path (StanceClassifier.predict_pairs at the checkpoint's own
inference precision) over the pairs of the test split and the seed articles, the median of
--repeats runs; ratios between rows are meaningful only within one run (one machine).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

REPO = Path(__file__).resolve().parents[1]
for _path in (REPO, REPO / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from classifier.model import StanceClassifier  # noqa: E402
from environment import git, machine, versions  # noqa: E402
from training.data import LabelSpace, load_pairs  # noqa: E402
from training.evaluate import evaluate  # noqa: E402

RESULTS = REPO / "bench" / "results"
TEST_FILE, SEEDS_FILE = REPO / "data" / "test.jsonl", REPO / "data" / "seeds.jsonl"
# Issue 14: the student within 3 points of its teacher on test, at 5x its throughput or more.
STUDENT_MAX_DROP_POINTS, STUDENT_MIN_SPEEDUP = 3.0, 5.0


def throughput(checkpoint: Path, pairs, repeats: int) -> float:
    classifier = StanceClassifier.from_pretrained(checkpoint)
    classifier.predict_pairs(pairs[:16])  # warm-up: first-call allocations and kernel selection
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        classifier.predict_pairs(pairs)
        runs.append(len(pairs) / (time.perf_counter() - started))
    return round(statistics.median(runs), 1)


def measure(name: str, checkpoint: Path, repeats: int, test: Path, seeds: Path) -> dict[str, Any]:
    meta = json.loads((checkpoint / "stance.json").read_text(encoding="utf-8"))
    on_test = evaluate(checkpoint, test).metrics
    on_seeds = evaluate(checkpoint, seeds).metrics
    classifier = StanceClassifier.from_pretrained(checkpoint)
    pairs = load_pairs(test, LabelSpace(tuple(classifier.labels))) + load_pairs(seeds, LabelSpace(tuple(classifier.labels)))
    del classifier
    without = meta["metrics"].get("dev_without_development")
    row = {
        "name": name, "checkpoint": str(checkpoint), "version": meta["version"], "base": meta["base_model"]["name"],
        "epochs_trained": len(meta["metrics"]["epochs"]), "best_epoch": meta["metrics"]["best_epoch"],
        "soft_pairs": meta["data"].get("soft", {}).get("pairs", 0),
        "dev_macro_f1": meta["metrics"]["dev"]["macro_f1"],
        "dev_macro_f1_without_development": without["macro_f1"] if without else None,
        "test_macro_f1": on_test["macro_f1"], "test_macro_f1_ci": on_test["confidence_intervals"]["macro_f1"],
        "seeds_macro_f1": on_seeds["macro_f1"], "seeds_macro_f1_ci": on_seeds["confidence_intervals"]["macro_f1"],
        "test_ece": on_test["calibration"]["ece"], "test_ece_before_scaling": on_test["calibration"]["ece_before_scaling"],
        "temperature": on_test["calibration"]["temperature"],
        "precision": on_test["precision"], "pairs_per_second": throughput(checkpoint, pairs, repeats),
        "training_minutes": round(meta["metrics"]["training_seconds"] / 60, 1) if "training_seconds" in meta["metrics"] else None,
    }
    print(json.dumps(row), flush=True)
    return row


def distillation_verdicts(rows: Sequence[dict[str, Any]], teacher: str, student: str) -> list[dict[str, Any]]:
    by_name = {row["name"]: row for row in rows}
    t, s = by_name[teacher], by_name[student]
    drop = round(100 * (t["test_macro_f1"] - s["test_macro_f1"]), 1)
    speedup = round(s["pairs_per_second"] / t["pairs_per_second"], 2)
    return [
        {"target": f"student within {STUDENT_MAX_DROP_POINTS:g} points of its teacher on test", "measured": f"{drop:+.1f} points",
         "met": drop <= STUDENT_MAX_DROP_POINTS},
        {"target": f"student at {STUDENT_MIN_SPEEDUP:g}x its teacher's throughput or more", "measured": f"{speedup}x",
         "met": speedup >= STUDENT_MIN_SPEEDUP},
    ]


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"# Models side by side ({results['created_at'][:10]})", "",
        f"Machine: {m['processor']}, {m['cpu_count']} CPUs, torch threads {m['torch_threads']}, features "
        f"{', '.join(m['cpu_features']) or 'none'}; commit {(results['git']['commit'] or 'unknown')[:10]}"
        f"{' (with uncommitted changes)' if results['git']['dirty'] else ''}. Command: `{results['command']}`.", "",
        "| model | base | dev macro-F1 (without development) | test macro-F1 [95% CI] | seeds macro-F1 [95% CI] "
        "| test ECE (before scaling) | pairs/s | training min |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results["models"]:
        without = f" ({r['dev_macro_f1_without_development']:.3f})" if r["dev_macro_f1_without_development"] is not None else ""
        soft = f", +{r['soft_pairs']:,} soft pairs" if r["soft_pairs"] else ""
        lines.append(
            f"| {r['name']} | {r['base']}{soft} | {r['dev_macro_f1']:.3f}{without} | {r['test_macro_f1']:.3f} "
            f"[{r['test_macro_f1_ci']['low']:.3f}, {r['test_macro_f1_ci']['high']:.3f}] | {r['seeds_macro_f1']:.3f} "
            f"[{r['seeds_macro_f1_ci']['low']:.3f}, {r['seeds_macro_f1_ci']['high']:.3f}] | {r['test_ece']:.3f} "
            f"({r['test_ece_before_scaling']:.3f}) | {r['pairs_per_second']:,.0f} | {r['training_minutes'] or 'n/a'} |"
        )
    if results.get("verdicts"):
        lines += ["", "| target | measured | met |", "|---|---|---|"]
        lines += [f"| {v['target']} | {v['measured']} | {'yes' if v['met'] else '**no**'} |" for v in results["verdicts"]]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", action="append", required=True, metavar="NAME=DIR", help="a checkpoint to measure, named")
    parser.add_argument("--teacher", help="the NAME of the teacher, to check the distillation targets")
    parser.add_argument("--student", help="the NAME of the student, to check the distillation targets")
    parser.add_argument("--name", default="models", help="results are written to bench/results/NAME.{json,md}")
    parser.add_argument("--results", default=str(RESULTS), help="the directory to write the results to")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per checkpoint (the median is reported)")
    parser.add_argument("--test", default=str(TEST_FILE), help="the held-out split")
    parser.add_argument("--seeds", default=str(SEEDS_FILE), help="the seed articles' labelled sentences")
    args = parser.parse_args(argv)
    named = [item.split("=", 1) for item in args.checkpoint]
    if any(len(item) != 2 for item in named):
        parser.error("--checkpoint takes NAME=DIR")
    rows = [measure(name, Path(path), args.repeats, Path(args.test), Path(args.seeds)) for name, path in named]
    results = {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "git": git(), "machine": machine(),
        "versions": versions(), "command": "python bench/models.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "test": args.test, "seeds": args.seeds, "models": rows,
        "verdicts": distillation_verdicts(rows, args.teacher, args.student) if args.teacher and args.student else [],
    }
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{args.name}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (out / f"{args.name}.md").write_text(render(results), encoding="utf-8")
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
