"""A retraining job: train on the shipped training file plus the stored labels, score the new
checkpoint and the served one on the same fixed evaluation pairs, and promote the new one only
when it is not worse (the `retrain` section of the run config says by how much is "worse").

The job never touches what is served until the very end, and then only through the registry's
atomic pointer: a job that fails or is killed at any step leaves the served model, CURRENT and
the label store as they were (at most a candidate checkpoint that nothing points to).
"""

from __future__ import annotations

import json
import logging
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from classifier.config import RetrainConfig, RunConfig
from classifier.model import StanceClassifier
from training.comparison import score_both
from training.data import DataError, LabelSpace, load_pairs, read_labelled
from classifier.durable_files import write_atomically
from training.evaluate import COMPARISON_FILE
from training.jobs import Job, Jobs, JobSpec
from classifier.text import normalise
from training.label_store import LabelStore
from training.metrics import compute_metrics
from training.registry import Registry
from training.train import train

logger = logging.getLogger("stance.retrain")
LABELS_FILE = "labels.jsonl"
TRAINING_FILE = "train.jsonl"
INCOMING_PREFIX = ".incoming-"


@dataclass(frozen=True)
class Decision:
    promote: bool
    reasons: list[str]


def print_outcome(record: dict[str, Any]) -> int:
    """Say how a job ended, and its exit status: 0 promoted, 1 not."""
    decision = record["decision"]
    f1 = decision["eval_macro_f1"]
    print(f"job {record['id']}: {record['state']}; {record['version']} macro-F1 {f1['candidate']:.4f} on the "
          f"evaluation set, served {decision['served_version']} {f1['served']:.4f}")
    for reason in decision["reasons"]:
        print(f"{'promoted anyway (--force)' if decision['forced'] else 'not promoted'}: {reason}")
    return 0 if record["state"] == "succeeded" else 1


def run_job(job: Job, jobs: Jobs, echo: bool = False) -> dict[str, Any]:
    """Run a queued job to its end and return its final record. Any error marks it failed and
    is raised again (RetrainBusy when another job is running). `echo` also logs to stderr."""
    with _logging_to(job.log_path, echo), jobs.running(job), _failure_recorded(job):
        job.start()
        state, verdict = retrain(job.spec, job)
        return job.finish(state, version=verdict["version"], decision=verdict)


def retrain(spec: JobSpec, job: Job) -> tuple[str, dict[str, Any]]:
    """Train, compare, decide, promote: ("succeeded" | "rejected", the verdict)."""
    config = RunConfig.from_yaml(spec.config)
    registry = Registry(spec.checkpoints_dir)
    serving_dir = registry.serving_dir(spec.fallback_checkpoint)

    version = train_candidate(config, LabelStore.in_state_dir(spec.state_dir), registry, job)
    job.report_progress({"phase": "evaluating"})
    scores = score_on_eval_set(registry.version_dir(version), serving_dir, config)
    for directory in (job.dir, registry.version_dir(version)):
        write_atomically(directory / COMPARISON_FILE, json.dumps(scores, indent=2, ensure_ascii=False))
    decision = decide(scores["candidate"], scores["serving"], config.retrain)
    verdict = _verdict(version, job, spec.force, decision, scores)
    registry.record_decision(version, verdict)
    if verdict["promoted"]:
        registry.promote(version, forced=verdict["forced"], job=job.id)
    _log_verdict(verdict)
    job.report_progress({"phase": "done"})
    return ("succeeded" if verdict["promoted"] else "rejected"), verdict


def train_candidate(config: RunConfig, store: LabelStore, registry: Registry, job: Job) -> str:
    """Train on the shipped file plus the stored labels into the registry; the new version."""
    job.report_progress({"phase": "preparing data"})
    train_file = write_training_file(config, store, job.dir)
    job.report_progress({"phase": "training", "epochs": config.training.epochs})
    trained = train(
        config.model_copy(update={"data": config.data.model_copy(update={"train": str(train_file)})}),
        # A hidden name until it is complete: a killed job leaves nothing that looks like a version.
        registry.directory / f"{INCOMING_PREFIX}{job.id}", progress=_progress_reporter(job), quiet=True,
    )
    version = registry.adopt(trained)
    job.update(version=version)
    logger.info("trained candidate %s", version)
    return version


def write_training_file(config: RunConfig, store: LabelStore, job_dir: Path) -> Path:
    """The shipped training file plus the stored examples (each `retrain.label_repeats` times),
    both checked by the training validation, in one JSON Lines file in the job directory. Stored
    examples whose sentence is in an evaluation file are left out: training on the test would
    make the promotion test meaningless."""
    space = LabelSpace.from_config(config)
    shipped = _valid_lines(config.data.train, space)
    # An empty file would be refused as "no labelled lines": no stored labels is a valid state.
    stored = _valid_lines(job_dir / LABELS_FILE, space) if store.export(job_dir / LABELS_FILE) else []
    # The same normalisation as `stance data check`'s duplicates: a stored sentence that differs
    # from an evaluation sentence only in case, quotes or punctuation is still held out.
    held_out = {normalise(pair.text) for pair in load_pairs(config.retrain.eval_files, space)}
    usable = [example for example in stored if normalise(example["text"]) not in held_out]
    logger.info(
        "training on %d shipped examples and %d stored ones x %d (%d stored examples left out: their "
        "sentences are in the evaluation files)",
        len(shipped), len(usable), config.retrain.label_repeats, len(stored) - len(usable),
    )
    lines = shipped + usable * config.retrain.label_repeats
    return write_atomically(job_dir / TRAINING_FILE, "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))


def score_on_eval_set(candidate_dir: Path, serving_dir: Path, config: RunConfig) -> dict[str, Any]:
    """Both checkpoints on exactly the pairs of `retrain.eval_files`: full metrics for each and
    the paired comparison (macro-F1 difference with its bootstrap interval, McNemar)."""
    pairs = load_pairs(config.retrain.eval_files, LabelSpace.from_config(config))
    candidate, serving = StanceClassifier.from_pretrained(candidate_dir), StanceClassifier.from_pretrained(serving_dir)
    names = (f"candidate {candidate.version}", f"served {serving.version}")
    candidate_rows, serving_rows, comparison = score_both(candidate, serving, pairs, names)
    rows = {"candidate": candidate_rows, "serving": serving_rows}
    labels = candidate.labels
    return {
        "eval_files": list(config.retrain.eval_files),
        **{
            name: {"version": model.version, **_metrics(rows[name], labels)}
            for name, model in (("candidate", candidate), ("serving", serving))
        },
        "comparison": comparison,
    }


def decide(candidate: dict[str, Any], serving: dict[str, Any], policy: RetrainConfig) -> Decision:
    """Promote unless macro-F1, or the F1 of any one label, fell by more than the policy allows.
    `candidate` and `serving` are `compute_metrics` results on the same pairs."""
    reasons = []
    if serving["macro_f1"] - candidate["macro_f1"] > policy.max_macro_f1_drop:
        reasons.append(_fall("macro-F1", serving["macro_f1"], candidate["macro_f1"], policy.max_macro_f1_drop))
    for label, served in serving["per_label"].items():
        new = candidate["per_label"][label]["f1"]
        if served["f1"] - new > policy.max_label_f1_drop:
            reasons.append(_fall(f"F1 of {label!r}", served["f1"], new, policy.max_label_f1_drop))
    return Decision(promote=not reasons, reasons=reasons)


def _fall(what: str, before: float, after: float, allowed_drop: float) -> str:
    return (f"{what} on the evaluation set went from {before:.4f} to {after:.4f} ({after - before:+.4f}); "
            f"the least allowed change is {-allowed_drop:+.4f}")


def _verdict(version: str, job: Job, force: bool, decision: Decision, scores: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": version,
        "job": job.id,
        "promoted": decision.promote or force,
        "forced": force and not decision.promote,
        "reasons": decision.reasons,
        "served_version": scores["serving"]["version"],
        "eval_macro_f1": {"candidate": scores["candidate"]["macro_f1"], "served": scores["serving"]["macro_f1"]},
    }


def _log_verdict(verdict: dict[str, Any]) -> None:
    f1 = verdict["eval_macro_f1"]
    logger.info("evaluation macro-F1: candidate %.4f, served %s %.4f", f1["candidate"], verdict["served_version"], f1["served"])
    if verdict["forced"]:
        logger.warning("promoted %s although it fails the promotion test (forced): %s", verdict["version"], "; ".join(verdict["reasons"]))
    elif verdict["promoted"]:
        logger.info("promoted %s", verdict["version"])
    else:
        logger.warning("kept %s but did not promote it: %s", verdict["version"], "; ".join(verdict["reasons"]))


def _metrics(rows: list[dict[str, Any]], labels: list[str]) -> dict[str, Any]:
    return compute_metrics([r["gold"] for r in rows], [r["predicted"] for r in rows], labels)


def _valid_lines(path: str | Path, space: LabelSpace) -> list[dict[str, Any]]:
    records, problems = read_labelled(path, space)
    if problems:
        raise DataError(problems)
    return [record.data for record in records]


def _progress_reporter(job: Job):
    def report(event: dict[str, Any]) -> None:
        job.report_progress({"phase": "training", **event})
        if "dev_macro_f1" in event:
            logger.info("epoch %d: dev macro-F1 %.4f", event["epoch"], event["dev_macro_f1"])

    return report


@contextmanager
def _failure_recorded(job: Job) -> Iterator[None]:
    try:
        yield
    except BaseException as err:
        logger.exception("retraining failed")
        job.finish("failed", error=str(err) or type(err).__name__)
        raise


@contextmanager
def _logging_to(path: Path, echo: bool) -> Iterator[None]:
    handlers = [logging.FileHandler(path, encoding="utf-8")] + ([logging.StreamHandler(sys.stderr)] if echo else [])
    level = logger.level
    logger.setLevel(logging.INFO)
    for handler in handlers:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    try:
        yield
    finally:
        for handler in handlers:
            logger.removeHandler(handler)
            handler.close()
        logger.setLevel(level)
