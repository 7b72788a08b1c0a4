"""`stance timeline`: each country's stance over time, from a corpus job's rows."""

from __future__ import annotations

import sys

from stance_cli.options import add_command


def register(commands) -> None:
    p = add_command(commands, "timeline", "aggregate a corpus job's rows per country and week or month into CSV and a PNG chart")
    p.add_argument("predictions", nargs="+",
                   help="outputs of `stance predict --output` (.jsonl, or .parquet), rows with a 'date'; several (the shards "
                   "of one corpus) are aggregated together")
    p.add_argument("--by", choices=("week", "month"), default="month", help="the period: ISO week (by its Monday) or calendar month")
    p.add_argument("--output", required=True, help="directory for timeline.csv and timeline.png")
    p.add_argument("--countries", nargs="+", default=None, help="only these countries (canonical names or aliases)")
    p.add_argument("--development", default=None, help="only rows scored toward this development (the rows' 'development')")
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples for the mean polarity's 95%% interval")
    p.set_defaults(handler=run)


def run(args, extra) -> int:
    from classifier.document import resolve_countries
    from classifier.timeline import build_timeline, read_prediction_rows, write_timeline

    countries = resolve_countries(args.countries) if args.countries else None
    rows = (row for path in args.predictions for row in read_prediction_rows(path))
    points, undated = build_timeline(rows, args.by, countries, args.development, resamples=args.resamples)
    table, chart = write_timeline(points, args.output, args.by)
    print(f"{table}: {len(points)} points over {len({p.country for p in points})} countries; {chart}")
    if undated:
        print(f"note: {undated} rows without a date were left out", file=sys.stderr)
    return 0
