"""Public benchmarks: is the training pipeline competitive, with configuration only?

For each benchmark, trains `configs/benchmarks/<name>.yaml` (dev picks the epoch), scores the
benchmark's test split with the metric the literature reports (F_avg for SemEval-2016 stance,
macro-F1 for NewsMTSC rw), and writes bench/results/benchmarks.json and benchmarks.md beside the
published figures, with split sizes, epochs, wall time, machine and versions. Usage:
    .venv/bin/python bench/benchmarks.py [--only semeval2016] [--output runs/benchmarks]
        [--results bench/results] [--dev-limit N --test-limit N] [--section.key VALUE ...]
`--section.key VALUE` overrides a config key for every benchmark run (as with `stance train`);
`--dev-limit`/`--test-limit` score only the first N dev/test lines (smoke runs). A run with a
limit, `training.max_train_samples` or another base model is marked as not comparable.
Results of benchmarks not run this time are kept from the existing benchmarks.json.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

REPO = Path(__file__).resolve().parents[1]
for _path in (REPO, REPO / "bench"):  # run as a script from anywhere: the project's packages and bench's
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from classifier.checkpoint_files import CheckpointError, sha256_file  # noqa: E402
from environment import git, machine  # noqa: E402
from classifier.config import RunConfig  # noqa: E402
from classifier.packaged_bases import PACKAGED_BASES  # noqa: E402
from training.data import MAX_SENTENCE_CHARS, DataError, LabelSpace, Problem, iter_raw_lines, read_labelled  # noqa: E402
from training.metrics import macro_f1, stance_labels  # noqa: E402
from training.significance import DEFAULT_RESAMPLES, DEFAULT_SEED, bootstrap_interval  # noqa: E402

RESULTS_JSON = "benchmarks.json"
RESULTS_MD = "benchmarks.md"
SPLITS = ("train", "dev", "test")
# roberta-base, the encoder most published figures fine-tune: for the note beside our numbers.
ROBERTA_BASE = "roberta-base (125M parameters, 12 layers)"
ROBERTA_BASE_PARAMETERS = 125e6


class BenchmarkError(ValueError):
    """A benchmark cannot run: a missing config or data file, an unknown benchmark name."""


@dataclass(frozen=True)
class Published:
    model: str
    score: float  # points, 0-100, as published
    source: str


@dataclass(frozen=True)
class Benchmark:
    name: str
    title: str
    config: str  # relative to the repository root
    test: str  # relative to the repository root; RunConfig has no test key
    metric: str  # key of Evaluation.metrics: "f_avg" or "macro_f1"
    metric_name: str
    metric_definition: str
    published: tuple[Published, ...]
    # Secondary figure: F_avg per target, macro-averaged over targets (the SemEval-2016 paper's).
    per_target_f_avg: bool = False
    # Train lines longer than the loader's limit (MAX_SENTENCE_CHARS) are left out, and listed in the
    # results, instead of refusing the whole file. Dev and test are never altered.
    drop_overlong_train_lines: bool = False


TWEETEVAL = "TweetEval README leaderboard, Stance column (cardiffnlp/tweeteval @ 4fbd22c; ../shared/benchmarks/semeval2016-stance/README.md)"
NEWSMTSC_PAPER = "Hamborg & Donnay, EACL 2021, Table 2, test-rw F1m, mean of 5 runs (../shared/benchmarks/newsmtsc-rw/README.md)"

BENCHMARKS: dict[str, Benchmark] = {
    b.name: b
    for b in (
        Benchmark(
            name="semeval2016",
            title="SemEval-2016 Task 6A stance (tweets, 5 targets; TweetEval stance)",
            config="configs/benchmarks/semeval2016.yaml",
            test="../shared/benchmarks/semeval2016-stance/test.jsonl",
            metric="f_avg",
            metric_name="F_avg",
            metric_definition=(
                "mean of F1(FAVOR) and F1(AGAINST) on the 5 targets' test sets pooled into one, NONE not "
                "averaged in: TweetEval's stance metric, the one its board reports"
            ),
            published=(
                Published("SVM", 67.3, TWEETEVAL),
                Published("RoBERTa-base", 68.0, TWEETEVAL),
                Published("BERTweet", 71.2, TWEETEVAL),
                Published("TimeLMs-2021 (best on the TweetEval board)", 72.9, TWEETEVAL),
            ),
            per_target_f_avg=True,
        ),
        Benchmark(
            name="newsmtsc-rw",
            title="NewsMTSC rw (sentiment toward a marked person in news sentences)",
            config="configs/benchmarks/newsmtsc-rw.yaml",
            test="../shared/benchmarks/newsmtsc-rw/test.jsonl",
            metric="macro_f1",
            metric_name="macro-F1",
            metric_definition="macro-F1 over positive, negative and neutral on the rw test split (F1m, the paper's metric)",
            published=(
                Published(
                    "roberta-base fine-tune", 77.1,
                    "community model card huggingface.co/RogerKam/roberta_fine_tuned_sentiment_newsmtsc "
                    "(\"F1 Score: 0.7710\"; its evaluation split and F1 averaging are not stated)",
                ),
                Published("SPC (RoBERTa), the paper's plain sentence-pair fine-tune", 81.1, NEWSMTSC_PAPER),
                Published("GRU-TSC (RoBERTa), the authors' model", 83.1, NEWSMTSC_PAPER),
            ),
            drop_overlong_train_lines=True,
        ),
    )
}


# -- data ----------------------------------------------------------------------------------------
DEFAULT_DATA_ROOT = "../shared/benchmarks"


def locate(path: str | Path, data_root: str | Path | None) -> Path:
    """A benchmark file named under DEFAULT_DATA_ROOT in a config, found under `data_root` when
    the benchmarks live elsewhere (`--data-root`)."""
    # Config paths are absolute once loaded, so the default root is compared resolved too.
    text, root = str(resolve(path)), str(resolve(DEFAULT_DATA_ROOT))
    if data_root is not None and text.startswith(root + "/"):
        return resolve(Path(data_root) / text[len(root) + 1 :])
    return resolve(path)


def resolve(path: str | Path) -> Path:
    """Paths in configs and in BENCHMARKS are relative to the repository root, not the cwd."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else (REPO / path).resolve()


def _require_file(benchmark: Benchmark, split: str, path: Path, named_by: str) -> None:
    if not path.is_file():
        hint = " (the public benchmarks live in ../shared/benchmarks beside the repository)" if "shared" in str(path) else ""
        raise BenchmarkError(f"{benchmark.name}: the {split} file {path} does not exist (named by {named_by}){hint}")


def prepare(
    benchmark: Benchmark, config: RunConfig, work_dir: Path, *, dev_limit: int | None = None, test_limit: int | None = None,
    data_root: str | Path | None = None,
) -> tuple[RunConfig, Path, dict[str, Any]]:
    """Check every file before any training; return the config with absolute data paths, the
    test path, and what was left out. Files that need a change (a limit, an overlong train line)
    are copied to `work_dir/data`; the shared originals are never written to."""
    named = {"train": config.data.train, "dev": config.data.dev, "test": benchmark.test}
    for split in ("train", "dev"):
        if not named[split]:
            raise BenchmarkError(f"{benchmark.name}: data.{split} is not set in {benchmark.config}")
    space = LabelSpace(tuple(config.labels), config.data.label_map)
    paths, notes = {}, {"excluded_lines": [], "limits": {}}
    for split in SPLITS:
        path = locate(named[split], data_root)
        _require_file(benchmark, split, path, benchmark.config if split != "test" else f"BENCHMARKS[{benchmark.name!r}] in bench/benchmarks.py")
        _, problems = read_labelled(path, space)
        drop: dict[int, str] = {}
        if problems and split == "train" and benchmark.drop_overlong_train_lines:
            drop = _overlong_lines(path, problems)
        remaining = [p for p in problems if p.line not in drop]
        if remaining:
            raise DataError(remaining)
        limit = {"dev": dev_limit, "test": test_limit}.get(split)
        if drop or limit:
            path = _copy_lines(path, work_dir / "data" / f"{split}{path.suffix}", drop, limit)
        notes["excluded_lines"] += [{"split": split, "file": str(locate(named[split], data_root)), "line": n, "reason": r} for n, r in drop.items()]
        if limit:
            notes["limits"][split] = limit
        paths[split] = path
    data = config.data.model_copy(update={"train": str(paths["train"]), "dev": str(paths["dev"])})
    return config.model_copy(update={"data": data}), paths["test"], notes


def _overlong_lines(path: Path, problems: Sequence[Problem]) -> dict[int, str]:
    """The lines among `problems` whose only fault the loader saw is a text over MAX_SENTENCE_CHARS."""
    flagged = {p.line for p in problems}
    return {
        number: f"text has {len(obj['text'])} characters, more than the loader's {MAX_SENTENCE_CHARS}"
        for number, obj, error in iter_raw_lines(path)
        if number in flagged and not error and isinstance(obj, dict) and isinstance(obj.get("text"), str)
        and len(obj["text"]) > MAX_SENTENCE_CHARS
    }


def _copy_lines(source: Path, target: Path, drop: dict[int, str], limit: int | None) -> Path:
    if source.suffix.lower() not in (".jsonl", ".json"):
        raise BenchmarkError(f"{source}: only JSON Lines files can be sliced or filtered for a benchmark run")
    target.parent.mkdir(parents=True, exist_ok=True)
    kept: list[str] = []
    with open(source, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip() and number not in drop:
                kept.append(line if line.endswith("\n") else line + "\n")
                if limit and len(kept) >= limit:
                    break
    target.write_text("".join(kept), encoding="utf-8")
    return target


# -- one benchmark -------------------------------------------------------------------------------
def run_one(
    benchmark: Benchmark, output: Path, overrides: dict[str, Any], *,
    dev_limit: int | None = None, test_limit: int | None = None, resamples: int = DEFAULT_RESAMPLES, quiet: bool = False,
    data_root: str | Path | None = None, source: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train, score and describe one benchmark. `source` is the commit the code was imported
    from (environment.git()); read here, before training, when not given."""
    source = source or git()
    config_path = resolve(benchmark.config)
    if not config_path.is_file():
        raise BenchmarkError(f"{benchmark.name}: config file {config_path} does not exist")
    from training.evaluate import evaluate
    from training.train import train

    config = RunConfig.from_yaml(config_path, overrides)
    work_dir = output / benchmark.name
    config, test_path, notes = prepare(benchmark, config, work_dir, dev_limit=dev_limit, test_limit=test_limit, data_root=data_root)
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")

    began = time.perf_counter()
    checkpoint = train(config, work_dir / "checkpoint", quiet=quiet)
    train_seconds = time.perf_counter() - began
    began = time.perf_counter()
    evaluation = evaluate(checkpoint, test_path, work_dir / "evaluation", resamples=resamples)
    eval_seconds = time.perf_counter() - began

    meta = json.loads((Path(checkpoint) / "stance.json").read_text(encoding="utf-8"))
    m = evaluation.metrics
    labels = list(config.labels)
    gold = [row["gold"] for row in evaluation.predictions]
    predicted = [row["predicted"] for row in evaluation.predictions]
    # F_avg's interval: macro-F1 over the stance labels only is F_avg (see training.metrics).
    interval_labels = stance_labels(labels) if benchmark.metric == "f_avg" else labels
    interval = bootstrap_interval(gold, predicted, interval_labels, macro_f1, resamples=resamples, seed=DEFAULT_SEED)

    t = config.training
    history = meta["metrics"]["epochs"]
    n_train = meta["data"]["train"]["pairs"]
    steps = len(history) * math.ceil(n_train / t.batch_size)
    score = m[benchmark.metric] * 100
    result = {
        "title": benchmark.title,
        "config": benchmark.config,
        "metric": benchmark.metric,
        "metric_name": benchmark.metric_name,
        "metric_definition": benchmark.metric_definition,
        "score": round(score, 2),
        "score_ci95": [round(interval["low"] * 100, 2), round(interval["high"] * 100, 2)],
        "test": {
            "macro_f1": m["macro_f1"], "f_avg": m["f_avg"], "accuracy": m["accuracy"],
            "per_label": m["per_label"], "confusion_matrix": m["confusion_matrix"],
        },
        "sizes": {"train": n_train, "dev": meta["data"]["dev"]["pairs"], "test": m["n"]},
        "data": {
            "train": meta["data"]["train"], "dev": meta["data"]["dev"],
            "test": {"path": str(test_path), "sha256": sha256_file(test_path), "pairs": m["n"]},
            **notes,
        },
        "training": {
            "target_encoding": config.model.target_encoding, "max_length": config.model.max_length,
            "epochs": t.epochs, "epochs_run": len(history), "best_epoch": meta["metrics"]["best_epoch"],
            "dev_at_best_epoch": {k: meta["metrics"]["dev"][k] for k in ("macro_f1", "f_avg", "accuracy")},
            "batch_size": t.batch_size, "learning_rate": t.learning_rate, "seed": t.seed,
            "max_train_samples": t.max_train_samples,
            "steps": steps, "train_seconds": round(train_seconds, 1),
            # Includes the dev scoring after every epoch.
            "steps_per_second": round(steps / train_seconds, 3) if train_seconds else None,
        },
        "eval_seconds": round(eval_seconds, 1),
        "wall_seconds": round(train_seconds + eval_seconds, 1),
        "encoder": _encoder(checkpoint, meta),
        "checkpoint": str(checkpoint),
        "evaluation_dir": str(work_dir / "evaluation"),
        "published": [{"model": p.model, "score": p.score, "source": p.source} for p in benchmark.published],
        "run": {
            "started_at": started_at,
            "overrides": {k: v for k, v in overrides.items()},
            "comparable": _comparable(config, notes),
            "git": source,
            "machine": machine(),
            "versions": meta.get("versions", {}),
        },
    }
    if benchmark.per_target_f_avg:
        result["f_avg_macro_over_targets"] = round(_per_target_f_avg(evaluation.predictions, labels) * 100, 2)
    return result


def _per_target_f_avg(predictions: Sequence[dict[str, Any]], labels: Sequence[str]) -> float:
    from training.metrics import f_avg

    targets = sorted({row["country"] for row in predictions})
    return sum(
        f_avg([r["gold"] for r in predictions if r["country"] == target],
              [r["predicted"] for r in predictions if r["country"] == target], labels)
        for target in targets
    ) / len(targets)


def _comparable(config: RunConfig, notes: dict[str, Any]) -> bool:
    """Whether the figure may stand beside published ones: full data, a pinned packaged base."""
    return not notes["limits"] and not config.training.max_train_samples and config.model.base in PACKAGED_BASES


def _encoder(checkpoint: Path, meta: dict[str, Any]) -> dict[str, Any]:
    from classifier.model import StanceClassifier

    model = StanceClassifier.from_pretrained(checkpoint).model
    encoder = model.base_model
    return {
        "name": meta["base_model"]["name"],
        "sha256": meta["base_model"]["sha256"],
        "parameters": sum(p.numel() for p in encoder.parameters()),
        "layers": getattr(model.config, "num_hidden_layers", None),
        "hidden_size": getattr(model.config, "hidden_size", None),
    }


# -- all of them ---------------------------------------------------------------------------------
def run_benchmarks(
    only: Sequence[str] | None = None,
    output: str | Path = "runs/benchmarks",
    results: str | Path = "bench/results",
    overrides: dict[str, Any] | None = None,
    *,
    dev_limit: int | None = None,
    test_limit: int | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    quiet: bool = False,
    data_root: str | Path | None = None,
) -> dict[str, Any]:
    """Run the chosen benchmarks (all by default) and write RESULTS_JSON and RESULTS_MD under
    `results`; returns what was written. Every config and data file is checked before the first
    training starts, so a missing file fails in seconds, not hours."""
    names = list(only or BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise BenchmarkError(f"unknown benchmark(s) {unknown}; known: {list(BENCHMARKS)}")
    overrides = dict(overrides or {})
    output, results = resolve(output), resolve(results)
    for name in names:  # preflight: fail before any training
        benchmark = BENCHMARKS[name]
        config_path = resolve(benchmark.config)
        if not config_path.is_file():
            raise BenchmarkError(f"{name}: config file {config_path} does not exist")
        prepare(benchmark, RunConfig.from_yaml(config_path, overrides), output / name,
                dev_limit=dev_limit, test_limit=test_limit, data_root=data_root)

    document = _load_previous(results / RESULTS_JSON)
    # The code that runs is the code imported now: record the commit at the start, not after an
    # hour of training (by then the tree has moved on, and this script's own results are dirty).
    source = git()
    for name in names:
        if not quiet:
            print(f"== {name}: training {BENCHMARKS[name].config}", flush=True)
        entry = run_one(
            BENCHMARKS[name], output, overrides, dev_limit=dev_limit, test_limit=test_limit, resamples=resamples, quiet=quiet,
            data_root=data_root, source=source,
        )
        document["benchmarks"][name] = entry
        document["updated_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        _write(results, document)  # after each benchmark: a later failure keeps the earlier result
        if not quiet:
            print(f"== {name}: {entry['metric_name']} {entry['score']:.2f} on {entry['sizes']['test']} test pairs, "
                  f"{entry['wall_seconds']:.0f} s", flush=True)
    return document


def _load_previous(path: Path) -> dict[str, Any]:
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))
        kept = {k: v for k, v in previous.get("benchmarks", {}).items() if k in BENCHMARKS}
    except (OSError, ValueError, AttributeError):
        kept = {}
    return {"updated_at": None, "benchmarks": kept}


def _write(results: Path, document: dict[str, Any]) -> None:
    results.mkdir(parents=True, exist_ok=True)
    order = {name: i for i, name in enumerate(BENCHMARKS)}
    document["benchmarks"] = dict(sorted(document["benchmarks"].items(), key=lambda kv: order[kv[0]]))
    (results / RESULTS_JSON).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (results / RESULTS_MD).write_text(render_markdown(document), encoding="utf-8")


# -- Markdown ------------------------------------------------------------------------------------
def render_markdown(document: dict[str, Any]) -> str:
    entries = document["benchmarks"]
    lines = [
        "# Public benchmarks (`make benchmarks`, `python bench/benchmarks.py`)",
        "",
        "Each benchmark is trained from its `configs/benchmarks/*.yaml` alone (no code changes): dev picks the "
        "epoch (by macro-F1, the pipeline's criterion), and the test split is scored once with the metric the "
        "literature reports. Published figures are as their sources state them.",
        "",
    ]
    if any(not e["run"]["comparable"] for e in entries.values()):
        lines += ["> **Not comparable:** the runs marked *smoke* below used a data limit, `max_train_samples` or "
                  "another base model. Their figures only show that the pipeline runs.", ""]
    lines += ["| benchmark | metric | ours | 95% CI | published | train / dev / test | epochs (best / run / set) | wall time |",
              "|---|---|---|---|---|---|---|---|"]
    for name, e in entries.items():
        published = ", ".join(f"{p['model'].split(' (')[0].split(',')[0]} {p['score']:.1f}" for p in e["published"])
        sizes, t = e["sizes"], e["training"]
        smoke = "" if e["run"]["comparable"] else " (smoke)"
        lines.append(
            f"| {name}{smoke} | {e['metric_name']} | **{e['score']:.1f}** | {e['score_ci95'][0]:.1f}-{e['score_ci95'][1]:.1f} | "
            f"{published} | {sizes['train']} / {sizes['dev']} / {sizes['test']} | "
            f"{t['best_epoch']} / {t['epochs_run']} / {t['epochs']} | {_duration(e['wall_seconds'])} |"
        )
    lines += ["", *_honest_note(entries), ""]
    for name, e in entries.items():
        lines += _section(name, e)
    return "\n".join(lines).rstrip() + "\n"


def _encoder_name(enc: dict[str, Any]) -> str:
    # A packaged base's description ends in its nominal size ("...: 110M parameters, 12 layers");
    # the report gives the size it counted instead, once.
    return enc["name"].split(": ")[0]


def _honest_note(entries: dict[str, Any]) -> list[str]:
    first = next(iter(entries.values()), None)
    if first is None:
        return []
    enc, machine = first["encoder"], first["run"]["machine"]
    # all-MiniLM-L6-v2 (23M) is a fifth of roberta-base; all-mpnet-base-v2 (109M) is its size.
    size = "far smaller than" if enc["parameters"] < 0.6 * ROBERTA_BASE_PARAMETERS else "about the size of"
    return [
        f"**Read these numbers with the model size in mind.** Our encoder is {_encoder_name(enc)} "
        f"({enc['parameters'] / 1e6:.1f}M parameters, {enc['layers']} layers), {size} {ROBERTA_BASE} "
        "that most published figures fine-tune, and not BERTweet (pre-trained on tweets) or the authors' GRU-TSC "
        "on RoBERTa. It was fine-tuned with the recipe of our country model (configs/default.yaml; only the "
        "encoding, max_length and epochs set per benchmark), once per benchmark with one seed, not tuned on test "
        f"and not averaged over runs as the NewsMTSC figures are, on a {machine['cpu_count']}-core CPU ({machine['processor']}). The label mappings onto "
        "supportive/concerned/silent are approximations (see each folder's README); they rename classes and "
        "do not change the scores.",
    ]


def _section(name: str, e: dict[str, Any]) -> list[str]:
    t, run, data = e["training"], e["run"], e["data"]
    rows = sorted(
        [(p["model"], p["score"], p["source"]) for p in e["published"]]
        + [(f"**ours**: {_encoder_name(e['encoder'])} fine-tuned, `{e['config']}`", e["score"], "this run")],
        key=lambda r: r[1],
    )
    lines = [
        f"## {e['title']}",
        "",
        f"Metric: {e['metric_name']}, {e['metric_definition']}.",
        "",
        f"| model | {e['metric_name']} | source |",
        "|---|---|---|",
        *[f"| {model} | {score:.1f} | {source} |" for model, score, source in rows],
        "",
        f"- Ours: {e['metric_name']} {e['score']:.2f} (95% bootstrap CI {e['score_ci95'][0]:.2f}-{e['score_ci95'][1]:.2f}); "
        f"test macro-F1 {e['test']['macro_f1'] * 100:.2f}, F_avg {e['test']['f_avg'] * 100:.2f}, "
        f"accuracy {e['test']['accuracy'] * 100:.2f}; "
        "F1 per label: " + ", ".join(f"{k} {v['f1'] * 100:.1f}" for k, v in e["test"]["per_label"].items()) + ".",
    ]
    if "f_avg_macro_over_targets" in e:
        lines.append(f"- F_avg per target, macro-averaged over the targets (the SemEval-2016 paper's way): "
                     f"{e['f_avg_macro_over_targets']:.2f}. Not the figure the TweetEval board reports.")
    lines += [
        f"- Pairs: train {e['sizes']['train']}, dev {e['sizes']['dev']}, test {e['sizes']['test']}.",
        f"- Training: `{t['target_encoding']}` encoding, max_length {t['max_length']}, batch {t['batch_size']}, "
        f"learning rate {t['learning_rate']}; epochs set {t['epochs']}, run {t['epochs_run']}, best {t['best_epoch']} "
        f"(dev macro-F1 {t['dev_at_best_epoch']['macro_f1'] * 100:.2f}); {t['steps']} steps in "
        f"{_duration(t['train_seconds'])} ({t['steps_per_second']} steps/s, dev scoring included); "
        f"test scoring {_duration(e['eval_seconds'])}.",
    ]
    for x in data.get("excluded_lines", []):
        lines.append(f"- Left out of {x['split']}: {x['file']} line {x['line']} ({x['reason']}); dev and test are complete.")
    if data.get("limits"):
        lines.append("- Smoke limits: " + ", ".join(f"first {n} {split} lines" for split, n in data["limits"].items()) + ".")
    if run["overrides"]:
        lines.append("- Overrides: " + ", ".join(f"`{k}={v}`" for k, v in run["overrides"].items()) + ".")
    git = run["git"]
    lines += [
        f"- Run {run['started_at']}, commit {str(git.get('commit'))[:12]}{' (uncommitted changes)' if git.get('dirty') else ''}; "
        f"machine: {run['machine']['processor']}, {run['machine']['cpu_count']} CPUs, {run['machine']['platform']}, "
        f"{run['machine']['torch_threads']} torch threads.",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in run["versions"].items()) + ".",
        f"- Checkpoint `{e['checkpoint']}`; evaluation report `{e['evaluation_dir']}/report.md`.",
        "",
    ]
    return lines


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min {s:02d} s" if m else f"{s} s"


# -- command line --------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    from stance_cli.options import config_overrides as _overrides

    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="Extra --section.key VALUE options override config keys."
    )
    parser.add_argument("--only", action="append", choices=list(BENCHMARKS), help="run only this benchmark (repeatable)")
    parser.add_argument("--output", default="runs/benchmarks", help="checkpoints and evaluation reports (default: %(default)s)")
    parser.add_argument("--results", default="bench/results", help=f"where {RESULTS_JSON} and {RESULTS_MD} go (default: %(default)s)")
    parser.add_argument("--dev-limit", type=int, help="score only the first N dev lines (smoke runs)")
    parser.add_argument("--test-limit", type=int, help="score only the first N test lines (smoke runs)")
    parser.add_argument("--resamples", type=int, default=DEFAULT_RESAMPLES, help="bootstrap resamples (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--data-root", default=DEFAULT_DATA_ROOT,
                        help="folder holding the benchmarks' data, as in ../shared/benchmarks (default: %(default)s)")
    args, extra = parser.parse_known_args(argv)
    for flag, value in (("--dev-limit", args.dev_limit), ("--test-limit", args.test_limit)):
        if value is not None and value < 1:
            parser.error(f"{flag} must be at least 1")
    try:
        run_benchmarks(
            args.only, args.output, args.results, _overrides(extra),
            dev_limit=args.dev_limit, test_limit=args.test_limit, resamples=args.resamples, quiet=args.quiet,
            data_root=args.data_root,
        )
    except (BenchmarkError, DataError, CheckpointError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"wrote {resolve(args.results) / RESULTS_MD} and {RESULTS_JSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
