"""The `stance` console script: one entry point, a subcommand per task, each a thin wrapper."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

DEFAULT_CHECKPOINT = "checkpoints/default"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "train":
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    try:
        return args.handler(args, extra)
    except (ValueError, OSError) as err:
        # Data, config and checkpoint errors carry a message written for the user.
        print(f"error: {err}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stance", description="Country stance classification")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="fine-tune a checkpoint from a config",
                       description="Extra --section.key VALUE options override config keys.")
    p.add_argument("--config", required=True)
    p.add_argument("--train", help="training file (overrides data.train)")
    p.add_argument("--dev", help="dev file (overrides data.dev)")
    p.add_argument("--output", required=True, help="checkpoint directory to write")
    p.add_argument("--if-stale", action="store_true", help="do nothing when --output was built from this config and data")
    p.set_defaults(handler=_train)

    p = sub.add_parser("evaluate", help="score the labelled pairs of a file and write the report")
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT)
    p.add_argument("--data", required=True)
    p.add_argument("--output", help="directory for report.md, metrics.json, predictions.jsonl and the plots")
    p.add_argument("--compare", metavar="OTHER_CHECKPOINT", help="also score OTHER_CHECKPOINT on the same pairs and test the difference")
    p.add_argument("--baselines", action="store_true", help="train and score the baselines on --train and --data")
    p.add_argument("--train", help="training file for --baselines")
    # No defaults here: evaluate's own (training.significance) apply, kept in one place.
    p.add_argument("--resamples", type=int, help="bootstrap resamples (default 1000)")
    p.add_argument("--seed", type=int, help="bootstrap seed (default 2026)")
    p.set_defaults(handler=_evaluate)

    p = sub.add_parser("predict", help="analyse JSON Lines documents ({'text'[, 'countries']})")
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT)
    p.add_argument("input", nargs="?", default="-", help="file, or - for standard input")
    p.set_defaults(handler=_predict)

    p = sub.add_parser("serve", help="serve the HTTP API")
    p.add_argument("--checkpoint", help="overrides STANCE_CHECKPOINT")
    p.add_argument("--host", help="overrides STANCE_HOST (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="overrides STANCE_PORT (default 8000)")
    p.set_defaults(handler=_serve)

    labels = sub.add_parser("labels", help="the store of user labels retraining learns from (STANCE_STATE_DIR)").add_subparsers(
        dest="labels_command", required=True)
    p = labels.add_parser("add", help="validate a file in the guide's format and store its new examples")
    p.add_argument("file")
    p.set_defaults(handler=_labels_add)
    p = labels.add_parser("export", help="write every stored example as JSON Lines in the guide's format")
    p.add_argument("file")
    p.set_defaults(handler=_labels_export)

    p = sub.add_parser("retrain", help="train on data.train plus the stored labels, compare with the served model, promote if not worse")
    p.add_argument("--config", help="run config (default: STANCE_RETRAIN_CONFIG, configs/default.yaml)")
    p.add_argument("--force", action="store_true", help="promote even if the new checkpoint fails the promotion test")
    p.add_argument("--job-dir", help=argparse.SUPPRESS)  # a job the service queued; it runs this in a child process
    p.set_defaults(handler=_retrain)

    p = sub.add_parser("rollback", help="serve the version served before the current one (STANCE_CHECKPOINTS_DIR)")
    p.set_defaults(handler=_rollback)

    data = sub.add_parser("data", help="labelled data tools").add_subparsers(dest="data_command", required=True)
    p = data.add_parser("check", help="validate files, find duplicates, print statistics")
    p.add_argument("files", nargs="+", help="labelled files: the first is the training split, the others are held out")
    p.add_argument("--pool", nargs="+", default=[], metavar="FILE",
                   help="unlabelled pool files ({text, development, topic}): validated, checked for duplicates against "
                        "everything, and their topics kept out of the held-out files")
    p.add_argument("--targets", action="store_true", help="also require the corpus targets (size, balance, forms, hard cases)")
    p.add_argument("--json", help="write the statistics as JSON to this file")
    p.add_argument("--show", type=int, default=20, help="items to list per section")
    p.add_argument("--markdown", action="store_true", help="print the statistics as the datasheet's Markdown table instead")
    p.set_defaults(handler=_data_check)

    p = data.add_parser("review-sample", help="draw a blind sample (no labels) for a second annotator")
    p.add_argument("files", nargs="+")
    p.add_argument("--fraction", type=float, default=0.10)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--output", required=True)
    p.set_defaults(handler=_review_sample)

    p = data.add_parser("agreement", help="agreement between the labels of FILES and a blind review")
    p.add_argument("files", nargs="+", help="the labelled files the sample was drawn from")
    p.add_argument("--review", required=True, help="the second annotator's labels")
    p.add_argument("--json", help="write the figures and every disagreement as JSON to this file")
    p.set_defaults(handler=_agreement)
    return parser


def _overrides(extra: Sequence[str]) -> dict[str, str]:
    """`--training.epochs 3` or `--training.epochs=3` pairs from the unparsed arguments."""
    out, items = {}, list(extra)
    while items:
        key = items.pop(0)
        if not key.startswith("--") or "." not in key:
            raise ValueError(f"unrecognised argument {key!r}: config overrides look like --section.key VALUE")
        key = key[2:]
        if "=" in key:
            key, value = key.split("=", 1)
        elif items:
            value = items.pop(0)
        else:
            raise ValueError(f"--{key} needs a value")
        out[key] = value
    return out


def _train(args, extra) -> int:
    from classifier.config import RunConfig
    from training.train import is_current, train

    overrides = _overrides(extra)
    if args.train:
        overrides["data.train"] = args.train
    if args.dev:
        overrides["data.dev"] = args.dev
    config = RunConfig.from_yaml(args.config, overrides)
    if args.if_stale and is_current(args.output, config):
        print(f"{args.output} is up to date with {args.config} and its data; nothing to do")
        return 0
    path = train(config, args.output)
    meta = json.loads((Path(path) / "stance.json").read_text())
    print(f"saved {path} (version {meta['version']}, best epoch {meta['metrics']['best_epoch']}, "
          f"dev macro-F1 {meta['metrics']['dev']['macro_f1']:.4f})")
    return 0


def _evaluate(args, extra) -> int:
    from training.evaluate import REPORT_FILE, evaluate, headline

    if args.baselines != bool(args.train):
        raise ValueError("--baselines and --train FILE go together: the baselines are trained on --train")
    bootstrap = {key: value for key, value in (("resamples", args.resamples), ("seed", args.seed)) if value is not None}
    result = evaluate(
        args.checkpoint, args.data, args.output, compare=args.compare,
        baselines_train=args.train if args.baselines else None, **bootstrap,
    )
    print(headline(result.metrics))
    if result.comparison:
        difference, test = result.comparison["macro_f1_difference"], result.comparison["mcnemar"]
        print(f"versus {args.compare}: macro-F1 difference {difference['estimate']:+.4f} "
              f"[{difference['low']:+.4f}, {difference['high']:+.4f}], McNemar p = {test['p_value']:.3g}")
    if result.baselines:
        print(f"macro-F1 points over the best baseline ({result.baselines['best_baseline']}): "
              f"{result.baselines['margin_macro_f1_points']:+.1f}")
    if args.output:
        print(f"report: {Path(args.output) / REPORT_FILE}")
    return 0


def _predict(args, extra) -> int:
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
                if not isinstance(doc, dict) or not isinstance(doc.get("text"), str) or not doc["text"].strip():
                    raise ValueError("expected an object with a non-empty 'text'")
                analysis = classifier.predict(doc["text"], doc.get("countries"))
                print(json.dumps(analysis.to_dict(), ensure_ascii=False))
            except ValueError as err:  # includes JSONDecodeError and unknown countries
                print(f"error: {args.input}:{number}: {err}", file=sys.stderr)
                status = 2
    return status


def _serve(args, extra) -> int:
    from serving.app import run

    overrides = {k: v for k, v in (("checkpoint", args.checkpoint), ("host", args.host), ("port", args.port)) if v}
    run(**overrides)
    return 0


def _labels_add(args, extra) -> int:
    from classifier.config import RunConfig
    from serving.settings import Settings
    from training.data import DataError, LabelSpace
    from training.label_store import LabelStore, read_examples_file

    settings = Settings()
    space = LabelSpace.from_config(RunConfig.from_yaml(settings.retrain_config))
    try:
        records = read_examples_file(args.file, space)
    except DataError as err:
        raise ValueError(f"{err}\nnothing was stored: a file with any invalid line is refused whole") from None
    intake = LabelStore.in_state_dir(settings.state_dir).add([r.data for r in records], space, source=f"file:{Path(args.file).name}")
    for rejected in intake.rejected:
        print(f"{args.file}:{records[rejected.index].line}: {rejected.reason}, not stored again", file=sys.stderr)
    print(f"stored {len(intake.accepted)} new example(s) from {args.file}; {len(intake.rejected)} duplicate(s)")
    return 0


def _labels_export(args, extra) -> int:
    from serving.settings import Settings
    from training.label_store import LabelStore

    written = LabelStore.in_state_dir(Settings().state_dir).export(args.file)
    print(f"wrote {written} example(s) to {args.file}")
    return 0


def _retrain(args, extra) -> int:
    from serving.retrain_runner import job_spec
    from serving.settings import Settings
    from training.jobs import Job, Jobs, RetrainBusy
    from training.retrain import run_job

    if args.job_dir:
        job = Job(Path(args.job_dir))
        jobs = Jobs(job.spec.state_dir)
    else:
        settings = Settings()
        jobs = Jobs(settings.state_dir)
        job = jobs.create(job_spec(settings, force=args.force, config=args.config))
    try:
        record = run_job(job, jobs, echo=not args.job_dir)
    except RetrainBusy as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    decision = record["decision"]
    f1 = decision["eval_macro_f1"]
    print(f"job {record['id']}: {record['state']}; {record['version']} macro-F1 {f1['candidate']:.4f} on the "
          f"evaluation set, served {decision['served_version']} {f1['served']:.4f}")
    for reason in decision["reasons"]:
        print(f"{'promoted anyway (--force)' if decision['forced'] else 'not promoted'}: {reason}")
    return 0 if record["state"] == "succeeded" else 1


def _rollback(args, extra) -> int:
    from serving.settings import Settings
    from training.registry import Registry

    settings = Settings()
    current, left = Registry(settings.checkpoints_dir).rollback()
    print(f"rolled back from {left}; now serving {current or settings.checkpoint} (a running service follows within a request)")
    return 0


def _data_check(args, extra) -> int:
    from training.datacheck import check_files, format_markdown, format_report

    report = check_files(args.files, targets=args.targets, pool=args.pool)
    print(format_markdown(report) if args.markdown else format_report(report, show=args.show))
    if args.json:
        Path(args.json).write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if report.ok else 1


def _review_sample(args, extra) -> int:
    from training.agreement import review_sample

    n = review_sample(args.files, args.fraction, args.seed, args.output)
    print(f"wrote {n} sentences without labels to {args.output}")
    return 0


def _agreement(args, extra) -> int:
    from training.agreement import agreement

    result = agreement(args.files, args.review)
    per_label = ", ".join(f"{k} {v:.3f}" for k, v in result["per_label_agreement"].items() if v is not None)
    print(f"{result['sentences']} sentences, {result['pairs']} pairs: raw agreement {result['raw_agreement']:.3f}, "
          f"Cohen's kappa {result['cohen_kappa']:.3f}; per-label agreement: {per_label}; "
          f"{len(result['disagreements'])} disagreements")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
