"""`stance data check|review-sample|agreement`: the labelled corpus's tools."""

from __future__ import annotations

import json
from pathlib import Path

from stance_cli.options import add_command


def register(commands) -> None:
    group = add_command(commands, "data", "labelled data tools")
    sub = group.add_subparsers(dest="data_command", required=True, metavar="COMMAND")

    p = add_command(sub, "check", "validate files, find duplicates, print statistics")
    p.add_argument("files", nargs="+", help="labelled files: the first is the training split, the others are held out")
    p.add_argument("--pool", nargs="+", default=[], metavar="FILE",
                   help="unlabelled pool files ({text, development, topic}): validated, checked for duplicates against "
                        "everything, and their topics kept out of the held-out files")
    p.add_argument("--targets", action="store_true", help="also require the corpus targets (size, balance, forms, hard cases)")
    p.add_argument("--json", help="write the statistics as JSON to this file")
    p.add_argument("--show", type=int, default=20, help="items to list per section")
    p.add_argument("--markdown", action="store_true", help="print the statistics as the datasheet's Markdown table instead")
    p.set_defaults(handler=check)

    p = add_command(sub, "review-sample", "draw a blind sample (no labels) for a second annotator")
    p.add_argument("files", nargs="+", help="labelled files to draw from")
    p.add_argument("--fraction", type=float, default=0.10, help="share of each file's sentences to draw")
    p.add_argument("--seed", type=int, default=2026, help="random seed of the draw")
    p.add_argument("--output", required=True, help="the sample to write (JSON Lines, without labels)")
    p.add_argument("--ids-matching", metavar="REGEX", help="draw only from lines whose id matches this regular expression (e.g. one wave's writers)")
    p.set_defaults(handler=review_sample)

    p = add_command(sub, "agreement", "agreement between the labels of FILES and a blind review")
    p.add_argument("files", nargs="+", help="the labelled files the sample was drawn from")
    p.add_argument("--review", required=True, help="the second annotator's labels")
    p.add_argument("--json", help="write the figures and every disagreement as JSON to this file")
    p.set_defaults(handler=agreement)


def check(args, extra) -> int:
    from training.datacheck import check_files, format_markdown, format_report

    report = check_files(args.files, targets=args.targets, pool=args.pool)
    print(format_markdown(report) if args.markdown else format_report(report, show=args.show))
    if args.json:
        Path(args.json).write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if report.ok else 1


def review_sample(args, extra) -> int:
    from training.agreement import review_sample as draw

    n = draw(args.files, args.fraction, args.seed, args.output, ids_matching=args.ids_matching)
    print(f"wrote {n} sentences without labels to {args.output}")
    return 0


def agreement(args, extra) -> int:
    from training.agreement import agreement as measure

    result = measure(args.files, args.review)
    per_label = ", ".join(f"{k} {v:.3f}" for k, v in result["per_label_agreement"].items() if v is not None)
    print(f"{result['sentences']} sentences, {result['pairs']} pairs: raw agreement {result['raw_agreement']:.3f}, "
          f"Cohen's kappa {result['cohen_kappa']:.3f}; per-label agreement: {per_label}; "
          f"{len(result['disagreements'])} disagreements")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0
