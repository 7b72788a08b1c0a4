"""`stance predict`: score documents; with --output, a corpus job that streams, shows its
progress and resumes after a kill."""

from __future__ import annotations

import json
import sys
import time

from classifier.errors import InputError, StanceError
from stance_cli.options import DEFAULT_CHECKPOINT, add_command


def register(commands) -> None:
    p = add_command(
        commands,
        "predict",
        "score documents: JSON Lines, CSV or Parquet records ({'text'[, 'id', 'date', 'countries', 'development', 'source']})",
    )
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT, help="the checkpoint to score with")
    p.add_argument(
        "--development", default=None,
        help="what the stances are toward, a short phrase, for documents without their own 'development' "
        "(default: the development each sentence is about)",
    )
    p.add_argument(
        "--output", default=None,
        help="write one row per sentence and country to this .jsonl or .parquet (the extension picks the format), "
        "in committed chunks; run again with the same output to resume (default: one analysis per document "
        "as a JSON line on standard output)",
    )
    p.add_argument("--summary", action="store_true", help="with --output: add each document's summary for the row's country to every row")
    p.add_argument("--chunk-size", type=int, default=256, help="with --output: documents scored and committed together")
    p.add_argument(
        "--on-error", choices=("skip", "fail"), default="skip",
        help="a bad record (reported with its file and line): skip it and exit 1 at the end, or stop at once with exit 1",
    )
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="with --output: score in this process, or on Ray Data (pip install '.[ray]')")
    p.add_argument("--address", default=None,
                   help="with --engine ray: the Ray cluster to connect to (e.g. ray://head:10001 or auto); default: start a local one")
    p.add_argument("--workers", type=int, default=2, help="with --engine ray: scoring actors, one model and one CPU each")
    p.add_argument("--wave-size", type=int, default=4096,
                   help="with --engine ray: documents sent to Ray and committed together (a killed job redoes at most one wave)")
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="the progress bar on standard error: auto shows it only on a terminal")
    p.add_argument("input", nargs="*", default=["-"], help="files (.jsonl, .csv, .parquet), or - for JSON Lines on standard input")
    p.set_defaults(handler=run)


def run(args, extra) -> int:
    from classifier.corpus_files import input_format, read_corpus
    from classifier.model import StanceClassifier

    for path in args.input:
        input_format(path)  # an unknown extension is a usage error before the model loads
    for option in ("chunk_size", "workers", "wave_size"):
        if getattr(args, option) < 1:
            raise InputError(f"--{option.replace('_', '-')} must be at least 1, not {getattr(args, option)}")
    if args.engine != "local" and args.output is None:
        raise InputError("--engine ray writes to a file: give --output")
    if args.engine == "ray":
        # The actors load the model; the driver only needs its labels (for the output's columns).
        from pathlib import Path
        from types import SimpleNamespace

        from classifier.checkpoint_files import verify_checkpoint
        from classifier.model import read_meta

        verify_checkpoint(Path(args.checkpoint))  # a wrong checkpoint fails here, not in every actor
        return _corpus_job(SimpleNamespace(labels=read_meta(Path(args.checkpoint))["labels"]), args)
    classifier = StanceClassifier.from_pretrained(args.checkpoint)
    if args.output is None:
        return _print_analyses(classifier, read_corpus(args.input, unique_ids=False), args)
    return _corpus_job(classifier, args)


def _print_analyses(classifier, records, args) -> int:
    from classifier.corpus_files import BadRecord

    status = 0
    for record in records:
        if isinstance(record, BadRecord):
            status = _bad(record, args)
            continue
        try:
            analysis = classifier.predict(record.text, record.countries, record.development or args.development)
        except StanceError as err:  # unknown countries
            status = _bad(BadRecord(record.origin, str(err)), args)
            continue
        print(json.dumps(analysis.to_dict(), ensure_ascii=False), flush=True)
    return status


def _corpus_job(classifier, args) -> int:
    from tqdm import tqdm

    from classifier.corpus_files import BadRecord, count_records, read_corpus
    from classifier.document import resolve_countries
    from classifier.prediction_rows import row_columns
    from classifier.resumable_output import open_output

    output = open_output(args.output, row_columns(classifier.labels, args.summary))
    resumed = len(output.done)
    score, close = _engine(classifier, args)
    group_size = args.chunk_size if args.engine == "local" else args.wave_size
    show = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    bar = tqdm(total=count_records(args.input), unit="doc", disable=not show, dynamic_ncols=True, file=sys.stderr)
    status, group, pairs, started = 0, [], 0, time.monotonic()

    def commit() -> None:
        nonlocal pairs
        rows = score(group)
        output.commit(rows, [doc.id for doc in group])
        pairs += len(rows)
        bar.update(len(group))
        bar.set_postfix(pairs=pairs, pairs_per_s=f"{pairs / max(time.monotonic() - started, 1e-9):.0f}")
        group.clear()

    try:
        for record in read_corpus(args.input):
            if not isinstance(record, BadRecord) and record.countries:
                try:
                    resolve_countries(record.countries)
                except StanceError as err:  # unknown countries: the document is not scored
                    record = BadRecord(record.origin, str(err))
            if isinstance(record, BadRecord):
                status = _bad(record, args)
                bar.update(1)
            elif record.id in output.done:
                bar.update(1)
            else:
                group.append(record)
                if len(group) >= group_size:
                    commit()
        if group:
            commit()
    except _Stop:
        return 1
    finally:
        bar.close()
        close()
    print(
        f"{args.output}: {output.rows_written} rows from {len(output.done)} documents"
        + (f" ({resumed} were already there)" if resumed else ""),
        file=sys.stderr,
    )
    return status


def _engine(classifier, args):
    """(score, close): a function from documents to their rows, in this process or on Ray, and
    what to call when the job ends."""
    if args.engine == "local":
        from classifier.corpus_scoring import score_documents

        return (lambda documents: score_documents(classifier, documents, args.development, args.summary)), (lambda: None)
    try:
        from classifier.ray_engine import RayEngine
    except ImportError as err:  # pragma: no cover - depends on the install
        raise InputError(f"--engine ray needs Ray: pip install '.[ray]' ({err})") from err
    ray_engine = RayEngine(
        str(args.checkpoint), args.development, args.summary, workers=args.workers, batch_size=args.chunk_size, address=args.address
    )
    return ray_engine.score, ray_engine.close


class _Stop(Exception):
    pass


def _bad(record, args) -> int:
    # Reported and skipped, never dropped silently; the exit status says some records failed.
    print(f"error: {record}", file=sys.stderr)
    if args.on_error == "fail":
        raise _Stop
    return 1
