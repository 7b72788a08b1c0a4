"""Does labelling what the model is least sure of help? Uncertainty sampling against random
sampling, measured on dev over several seeds (issue #15). Writes bench/results/<name>.{json,md}.

    .venv/bin/python bench/active_learning.py [--initial 600] [--pool 3000] [--budget 200] \
        [--selection 300] [--seeds 13 42 7] [--epochs 4] [--max-dev N] [--name active-learning]

Per seed: the training sentences are shuffled with the seed; the first `--initial` are the
labelled start, the next `--pool` the unlabelled pool (their labels hidden: the pool's pairs are
scored without them). Model A is trained on the start. It scores every pool sentence's countries
(the line's gold countries, as the review queue scores the countries it finds), and
training.uncertainty.least_sure, the function behind the service's review queue, picks `--budget`
sentences; `random.Random(seed)` picks `--budget` others. A simulated user labels each pick: its
gold line, every country of it, joins the start, and a model is trained from the base on each of
the two sets with the same seed and settings. A, the uncertainty arm and the random arm are then
scored on dev (macro-F1, training.metrics.compute_metrics), with the development as the line
gives it.

Settings are configs/student.yaml's (all-MiniLM-L6-v2, max_length 128, the development as input
with dropout 0.3, 16-pair batches, bf16 where the CPU has it, temperature scaling) without its
soft labels, with `--epochs` and the seed overridden. Each model's best epoch and temperature
are picked on `--selection` further training sentences (outside the start and the pool, the
same for all three models of a seed), not on dev, so dev measures all three untouched;
`--selection 0` lets dev pick them, as the project's own trainings do.

The defaults are the issue's (600 + 3,000 sentences, 200 labelled, 4 epochs, 3 seeds), with a
300-sentence selection split: 9 trainings, 22 minutes on 2 mostly idle cores (AMD EPYC; the
start model's 4 epochs took about 110 s there, each arm's about 145 s), and well over twice that
while another training shares the cores (one 600-sentence epoch took 5 minutes then). --max-dev
caps dev (a fixed sample of its lines) for quick runs only.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

REPO = Path(__file__).resolve().parents[1]
for _path in (REPO, REPO / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from classifier.config import RunConfig  # noqa: E402
from classifier.model import StanceClassifier  # noqa: E402
from environment import git, machine, versions  # noqa: E402
from training.data import DataError, LabelSpace, Record, read_labelled  # noqa: E402
from training.train import evaluate_pairs, train  # noqa: E402
from training.uncertainty import Candidate, least_sure  # noqa: E402

RESULTS = REPO / "bench" / "results"
STUDENT_CONFIG = REPO / "configs" / "student.yaml"
ARMS = ("start", "uncertainty", "random")
# A fixed sample for --max-dev, the same whatever the run's seeds.
DEV_SAMPLE_SEED = 0


# -- the simulation ------------------------------------------------------------------------------
def split(
    records: Sequence[Record], seed: int, initial: int, pool: int, selection: int = 0
) -> tuple[list[Record], list[Record], list[Record]]:
    """The labelled start, the unlabelled pool and the selection split: the first `initial`, the
    next `pool` and the next `selection` sentences of the training file shuffled with `seed`."""
    if initial < 1 or pool < 1 or selection < 0:
        raise ValueError(
            f"--initial and --pool must be at least 1 and --selection at least 0, but they were: {initial}, {pool}, {selection}"
        )
    if initial + pool + selection > len(records):
        raise ValueError(
            f"--initial + --pool + --selection must be at most the {len(records)} training sentences, "
            f"but it was: {initial} + {pool} + {selection}"
        )
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    cuts = (initial, initial + pool, initial + pool + selection)
    return ([records[i] for i in order[: cuts[0]]], [records[i] for i in order[cuts[0] : cuts[1]]],
            [records[i] for i in order[cuts[1] : cuts[2]]])


def hidden_pairs(record: Record):
    """A pool sentence's pairs as the model sees them: its countries, no gold label."""
    return [replace(pair, label=None) for pair in record.pairs]


def pool_candidates(classifier: StanceClassifier, pool: Sequence[Record]) -> list[Candidate]:
    """One Candidate per (pool sentence, country), scored by `classifier`; a sentence is its own
    document (document = its line number in the training file, sentence 0)."""
    keys = [(record, pair) for record in pool for pair in hidden_pairs(record)]
    predictions = classifier.predict_pairs([pair for _, pair in keys])
    return [
        Candidate(document=record.line, sentence=0, country=pair.target, scores=prediction.scores, payload=record)
        for (record, pair), prediction in zip(keys, predictions)
    ]


def choose_uncertain(candidates: Sequence[Candidate], budget: int) -> list[Record]:
    """The review queue's choice: the `budget` sentences least_sure offers, in its order."""
    return [candidate.payload for candidate in least_sure(candidates, budget)]


def choose_random(pool: Sequence[Record], budget: int, seed: int) -> list[Record]:
    return random.Random(seed).sample(list(pool), min(budget, len(pool)))


def labelled(records: Sequence[Record]) -> Counter:
    """Pairs per gold label: what the simulated user's labels add."""
    return Counter(pair.label for record in records for pair in record.pairs)


def write_lines(path: Path, records: Sequence[Record]) -> Path:
    # The lines as the training file has them: the gold labels of a chosen sentence are revealed.
    path.write_text("".join(json.dumps(r.data, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def fit(config: RunConfig, records: Sequence[Record], selection: Path, seed: int, epochs: int, work: Path, name: str) -> Path:
    """A checkpoint trained from the base on `records`, with the bench's settings; `selection`
    is the file that picks its best epoch and fits its temperature (training's data.dev)."""
    raw = config.model_dump(mode="json")
    raw["data"].update(train=str(write_lines(work / f"{name}.jsonl", records)), dev=str(selection), soft=[])
    raw["training"].update(seed=seed, epochs=epochs)
    return train(RunConfig.from_dict(raw), work / name, quiet=True)


def run_seed(
    config: RunConfig, records: Sequence[Record], dev: Path, seed: int, args: argparse.Namespace, work: Path
) -> dict[str, Any]:
    started = time.perf_counter()
    start, pool, held = split(records, seed, args.initial, args.pool, args.selection)
    space = LabelSpace.from_config(config)
    dev_pairs = [pair for record in _read(dev, space) for pair in record.pairs]
    # Without a selection split, dev picks the epochs too (as in the project's own trainings).
    selection = write_lines(work / f"seed{seed}-selection.jsonl", held) if held else dev

    checkpoints = {"start": fit(config, start, selection, seed, args.epochs, work, f"seed{seed}-start")}
    model_a = StanceClassifier.from_pretrained(checkpoints["start"])
    candidates = pool_candidates(model_a, pool)
    margins = least_margins(candidates)
    chosen = {"uncertainty": choose_uncertain(candidates, args.budget), "random": choose_random(pool, args.budget, seed)}
    del model_a
    for arm in ("uncertainty", "random"):
        checkpoints[arm] = fit(config, [*start, *chosen[arm]], selection, seed, args.epochs, work, f"seed{seed}-{arm}")

    row: dict[str, Any] = {"seed": seed, "start_sentences": len(start), "pool_sentences": len(pool), "selection_sentences": len(held),
                           "start_labels": dict(labelled(start)), "pool_labels": dict(labelled(pool)), "arms": {}}
    for arm in ARMS:
        classifier = StanceClassifier.from_pretrained(checkpoints[arm])
        metrics = evaluate_pairs(classifier, dev_pairs)
        meta = classifier.meta["metrics"]
        row["arms"][arm] = {
            "dev_macro_f1": metrics["macro_f1"], "dev_accuracy": metrics["accuracy"], "dev_f_avg": metrics["f_avg"],
            "dev_f1_per_label": {label: m["f1"] for label, m in metrics["per_label"].items()},
            "best_epoch": meta["best_epoch"], "training_seconds": meta.get("training_seconds"),
        }
        if arm != "start":
            picked = chosen[arm]
            row["arms"][arm].update(
                chosen_sentences=len(picked), chosen_pairs=sum(len(r.pairs) for r in picked),
                chosen_labels=dict(labelled(picked)),
                chosen_mean_margin=round(statistics.fmean(margins[r.line] for r in picked), 4),
                chosen_ids=[r.data.get("id", r.line) for r in picked],
            )
    for arm in ("uncertainty", "random"):
        row["arms"][arm]["gain"] = row["arms"][arm]["dev_macro_f1"] - row["arms"]["start"]["dev_macro_f1"]
    row["uncertainty_minus_random"] = row["arms"]["uncertainty"]["dev_macro_f1"] - row["arms"]["random"]["dev_macro_f1"]
    row["pool_mean_margin"] = round(statistics.fmean(margins.values()), 4)
    row["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps({k: v for k, v in row.items() if k != "arms"} | {
        arm: round(row["arms"][arm]["dev_macro_f1"], 4) for arm in ARMS}), flush=True)
    return row


def least_margins(candidates: Sequence[Candidate]) -> dict[Any, float]:
    """Each sentence's smallest margin under model A (its least sure country's)."""
    out: dict[Any, float] = {}
    for c in candidates:
        out[c.document] = min(c.margin, out.get(c.document, 1.0))
    return out


# -- the report ----------------------------------------------------------------------------------
def mean_sd(values: Sequence[float]) -> dict[str, float]:
    return {"mean": statistics.fmean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0}


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {arm: mean_sd([r["arms"][arm]["dev_macro_f1"] for r in rows]) for arm in ARMS}
    for arm in ("uncertainty", "random"):
        summary[f"{arm}_gain"] = mean_sd([r["arms"][arm]["gain"] for r in rows])
        summary[f"{arm}_chosen_labels"] = dict(sum((Counter(r["arms"][arm]["chosen_labels"]) for r in rows), Counter()))
        summary[f"{arm}_chosen_pairs"] = sum(r["arms"][arm]["chosen_pairs"] for r in rows)
        summary[f"{arm}_chosen_mean_margin"] = statistics.fmean(r["arms"][arm]["chosen_mean_margin"] for r in rows)
    diffs = [r["uncertainty_minus_random"] for r in rows]
    summary["uncertainty_minus_random"] = mean_sd(diffs)
    summary["uncertainty_ahead_in"] = sum(d > 0 for d in diffs)
    summary["seeds"] = len(rows)
    summary["pool_labels"] = dict(sum((Counter(r["pool_labels"]) for r in rows), Counter()))
    return summary


def verdict(summary: dict[str, Any], budget: int) -> str:
    """One plain sentence: did uncertainty sampling beat random here, and by how much."""
    d = summary["uncertainty_minus_random"]
    mean, sd, ahead, n = 100 * d["mean"], 100 * d["sd"], summary["uncertainty_ahead_in"], summary["seeds"]
    spread = f"{mean:+.1f} ± {sd:.1f} macro-F1 points on dev, ahead in {ahead} of {n} seeds"
    if mean > 0 and ahead == n and mean > sd:
        return f"Uncertainty sampling beat random here: labelling the {budget} sentences the queue picked gave {spread}."
    if mean > 0:
        return (f"Uncertainty sampling did not clearly beat random here: {spread}, a difference within the "
                f"seed-to-seed spread.")
    return f"Uncertainty sampling did not beat random here: {spread}."


def render(results: dict[str, Any]) -> str:
    s, a, m = results["summary"], results["args"], results["machine"]
    budget = a["budget"]
    pts = lambda x: f"{100 * x:+.1f}"  # noqa: E731 - a difference in macro-F1 points
    selection = (f"each model's best epoch and temperature picked on {a['selection']} other training sentences"
                 if a["selection"] else "dev also picks each model's best epoch and temperature")
    lines = [
        f"# Active learning: {budget} sentences chosen by the review queue vs at random ({results['created_at'][:10]})", "",
        f"Start: {a['initial']} labelled training sentences; pool: {a['pool']} more, labels hidden; "
        f"base {a['base']}, {a['epochs']} epoch{'s' if a['epochs'] != 1 else ''}, the settings of configs/student.yaml "
        f"without soft labels; {selection}; dev: {results['dev_pairs']} pairs ({results['dev_sentences']} sentences). "
        "Dev macro-F1 per seed; gains and differences in macro-F1 points.", "",
        f"| seed | start | + {budget} least sure | + {budget} random | gain, least sure | gain, random | least sure − random |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results["seeds"]:
        arms = r["arms"]
        lines.append(
            f"| {r['seed']} | {arms['start']['dev_macro_f1']:.3f} | {arms['uncertainty']['dev_macro_f1']:.3f} | "
            f"{arms['random']['dev_macro_f1']:.3f} | {pts(arms['uncertainty']['gain'])} | {pts(arms['random']['gain'])} | "
            f"{pts(r['uncertainty_minus_random'])} |"
        )
    ms = lambda x: f"{x['mean']:.3f} ± {x['sd']:.3f}"  # noqa: E731
    mp = lambda x: f"{100 * x['mean']:+.1f} ± {100 * x['sd']:.1f}"  # noqa: E731
    lines.append(
        f"| **mean ± sd** | {ms(s['start'])} | {ms(s['uncertainty'])} | {ms(s['random'])} | {mp(s['uncertainty_gain'])} | "
        f"{mp(s['random_gain'])} | **{mp(s['uncertainty_minus_random'])}** |"
    )
    labels = results["labels"]
    lines += [
        "", f"What the simulated user labelled (all seeds together: {len(results['seeds'])} × {budget} sentences per strategy), "
        "and how sure model A was of it (mean over the chosen sentences of their least sure pair's margin, "
        "top probability minus the second):", "",
        "| chosen by | sentences | pairs | " + " | ".join(labels) + " | mean margin under A |",
        "|---|---|---|" + "---|" * len(labels) + "---|",
    ]
    for arm, name in (("uncertainty", "least sure (the queue)"), ("random", "random")):
        counts, pairs = s[f"{arm}_chosen_labels"], s[f"{arm}_chosen_pairs"]
        shares = " | ".join(f"{counts.get(label, 0)} ({100 * counts.get(label, 0) / max(pairs, 1):.0f}%)" for label in labels)
        sentences = sum(r["arms"][arm]["chosen_sentences"] for r in results["seeds"])
        lines.append(f"| {name} | {sentences} | {pairs} | {shares} | {s[f'{arm}_chosen_mean_margin']:.3f} |")
    pool_counts, pool_pairs = s["pool_labels"], sum(s["pool_labels"].values())
    pool_shares = " | ".join(f"{100 * pool_counts.get(label, 0) / max(pool_pairs, 1):.0f}%" for label in labels)
    pool_margin = statistics.fmean(r["pool_mean_margin"] for r in results["seeds"])
    lines.append(f"| (the whole pool) | {len(results['seeds']) * a['pool']} | {pool_pairs} | {pool_shares} | {pool_margin:.3f} |")
    lines += [
        "", f"Machine: {m['processor']}, {m['cpu_count']} CPUs, torch threads {m['torch_threads']}; "
        f"commit {(results['git']['commit'] or 'unknown')[:10]}{' (with uncommitted changes)' if results['git']['dirty'] else ''}; "
        f"wall time {results['wall_seconds'] / 60:.1f} min for {3 * len(results['seeds'])} trainings. "
        f"Command: `{results['command']}`.", "",
        verdict(s, budget),
    ]
    return "\n".join(lines) + "\n"


# -- the command ---------------------------------------------------------------------------------
def _read(path: Path, space: LabelSpace) -> list[Record]:
    records, problems = read_labelled(path, space)
    if problems:
        raise DataError(problems)
    return records


def capped_dev(dev: Path, space: LabelSpace, max_dev: int | None, work: Path) -> Path:
    if not max_dev:
        return dev
    records = _read(dev, space)
    keep = sorted(random.Random(DEV_SAMPLE_SEED).sample(range(len(records)), min(max_dev, len(records))))
    return write_lines(work / "dev.jsonl", [records[i] for i in keep])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", default="data/train.jsonl", help="the labelled split the start and the pool come from")
    parser.add_argument("--dev", default="data/dev.jsonl", help="the split every model is scored on")
    parser.add_argument("--config", default=str(STUDENT_CONFIG), help="the training settings (its soft labels are dropped)")
    parser.add_argument("--base", default="all-minilm-l6-v2", help="a packaged base's name or a local model directory")
    parser.add_argument("--initial", type=int, default=600, help="labelled sentences to start from")
    parser.add_argument("--pool", type=int, default=3000, help="unlabelled sentences to choose from")
    parser.add_argument("--selection", type=int, default=300,
                        help="training sentences (outside start and pool) that pick each model's epoch and temperature; 0: dev does")
    parser.add_argument("--budget", type=int, default=200, help="sentences the simulated user labels, per strategy")
    parser.add_argument("--seeds", type=int, nargs="+", default=[13, 42, 7])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--max-dev", type=int, default=None, help="score on a fixed sample of this many dev sentences (quick runs)")
    parser.add_argument("--results", default=str(RESULTS), help="the directory to write the results to")
    parser.add_argument("--name", default="active-learning", help="results are written to RESULTS/NAME.{json,md}")
    args = parser.parse_args(argv)
    if args.budget < 1:
        parser.error(f"--budget must be at least 1, but it was: {args.budget}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    config = RunConfig.from_yaml(args.config, {"model.base": args.base, "model.base_sha256": None})
    space = LabelSpace.from_config(config)
    records = _read(Path(args.train), space)
    with tempfile.TemporaryDirectory(prefix="active-learning-") as tmp:
        work = Path(tmp)
        dev = capped_dev(Path(args.dev), space, args.max_dev, work)
        dev_records = _read(dev, space)
        rows = [run_seed(config, records, dev, seed, args, work) for seed in args.seeds]
    results = {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "git": git(), "machine": machine(),
        "versions": versions(), "command": " ".join(["python bench/active_learning.py", *(sys.argv[1:] if argv is None else argv)]),
        "args": vars(args), "labels": list(config.labels), "train": args.train, "train_sentences": len(records),
        "dev": args.dev, "dev_sentences": len(dev_records), "dev_pairs": sum(len(r.pairs) for r in dev_records),
        "seeds": rows, "summary": summarise(rows), "wall_seconds": round(time.perf_counter() - started, 1),
    }
    results["verdict"] = verdict(results["summary"], args.budget)
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{args.name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / f"{args.name}.md").write_text(render(results), encoding="utf-8")
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
