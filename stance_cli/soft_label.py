"""`stance soft-label`: a teacher checkpoint labels the unlabelled pool, for distillation."""

from __future__ import annotations

from stance_cli.options import add_command


def register(commands) -> None:
    p = add_command(commands, "soft-label", "label the unlabelled pool with a teacher's probabilities (distillation)",
                    "Score every sentence of the pool files with a teacher checkpoint and write its calibrated "
                    "probabilities per country as a soft-label file, for a student's data.soft.")
    p.add_argument("pool", nargs="+", help="unlabelled pool files ({text, development, topic} JSON Lines)")
    p.add_argument("--teacher", required=True, help="the teacher checkpoint directory")
    p.add_argument("--output", required=True, help="the soft-label file to write (JSON Lines, written whole or not at all)")
    p.add_argument("--without-development", action="store_true",
                   help="do not give the teacher the pool's development (the teacher then finds it itself)")
    p.add_argument("--country-swaps", action="store_true",
                   help="label, instead of each pool sentence, a copy with one of its countries replaced by another "
                        "(more text for a student; training/augment.py)")
    p.add_argument("--seed", type=int, default=0, help="seed of the swaps' draws (with --country-swaps)")
    p.set_defaults(handler=run)


def run(args, extra) -> int:
    from classifier.model import StanceClassifier
    from training.distill import soft_label_pool

    teacher = StanceClassifier.from_pretrained(args.teacher)
    result = soft_label_pool(teacher, args.pool, args.output, with_development=not args.without_development,
                             country_swaps=args.country_swaps, seed=args.seed)
    print(f"wrote {result.output}: {result.sentences} sentences, {result.pairs} pairs soft-labelled by "
          f"{teacher.version}; {result.without_country} pool sentences mention no country{' that can be swapped' if args.country_swaps else ''} and were left out")
    return 0
