"""`stance evaluate`: score a checkpoint on labelled data and write the report."""

from __future__ import annotations

from pathlib import Path

from classifier.errors import UsageError
from stance_cli.options import DEFAULT_CHECKPOINT, add_command


def register(commands) -> None:
    from training.significance import DEFAULT_RESAMPLES, DEFAULT_SEED

    p = add_command(commands, "evaluate", "score the labelled pairs of a file and write the report")
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT, help="the checkpoint to score")
    p.add_argument("--data", required=True, help="labelled file to score (guide or pair format)")
    p.add_argument("--output", help="directory for report.md, metrics.json, predictions.jsonl and the plots")
    p.add_argument("--compare", metavar="OTHER_CHECKPOINT", help="also score OTHER_CHECKPOINT on the same pairs and test the difference")
    p.add_argument("--baselines", action="store_true", help="train and score the baselines on --train and --data")
    p.add_argument("--train", help="training file for --baselines")
    p.add_argument("--resamples", type=int, default=DEFAULT_RESAMPLES, help="bootstrap resamples")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="bootstrap seed")
    p.set_defaults(handler=run)


def run(args, extra) -> int:
    from training.evaluate import REPORT_FILE, evaluate, headline

    if args.baselines != bool(args.train):
        raise UsageError("--baselines and --train FILE go together: the baselines are trained on --train")
    result = evaluate(
        args.checkpoint, args.data, args.output, compare=args.compare,
        baselines_train=args.train if args.baselines else None, resamples=args.resamples, seed=args.seed,
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
