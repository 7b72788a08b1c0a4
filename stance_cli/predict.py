"""`stance predict`: score documents; with --output, a corpus job that streams, shows its
progress and resumes after a kill."""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager

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
    p.add_argument("--chunk-size", type=int, default=256, help="with --output: documents scored and committed together (with --engine ray: documents per actor batch)")
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
                   help="with --engine ray: documents read ahead and committed together (a killed job redoes at most the waves in flight)")
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
    with _sized_input(args) as inputs:
        total = count_records(inputs)
        show = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
        bar = tqdm(total=total, unit="doc", disable=not show, dynamic_ncols=True, file=sys.stderr)
        failed = False

        def to_score():
            # Bad records are reported here and committed documents skipped; with --engine ray this
            # runs in the driver's reading thread, and a fatal bad record (_Stop) reaches the loop
            # below after what was read before it is committed.
            nonlocal failed
            for record in read_corpus(inputs):
                if not isinstance(record, BadRecord) and record.countries:
                    try:
                        resolve_countries(record.countries)
                    except StanceError as err:  # unknown countries: the document is not scored
                        record = BadRecord(record.origin, str(err))
                if isinstance(record, BadRecord):
                    failed = True
                    _bad(record, args)
                    bar.update(1)
                elif record.id in output.done:
                    bar.update(1)
                else:
                    yield record

        score, close = _engine(classifier, args, total)
        pairs, started = 0, time.monotonic()
        try:
            for documents, rows in score(to_score()):
                output.commit(rows, documents)
                pairs += len(rows)
                bar.update(len(documents))
                bar.set_postfix(pairs=pairs, pairs_per_s=f"{pairs / max(time.monotonic() - started, 1e-9):.0f}")
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
    return 1 if failed else 0


@contextmanager
def _sized_input(args):
    """The input files; with --engine ray, standard input is first spooled to a temporary file,
    because a Ray job is sized by the records it will read."""
    if args.engine != "ray" or "-" not in args.input:
        yield args.input
        return
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="stance-stdin-") as scratch:
        spooled = f"{scratch}/stdin.jsonl"
        with open(spooled, "wb") as fh:
            shutil.copyfileobj(sys.stdin.buffer, fh)
        yield [spooled if path == "-" else path for path in args.input]


def _engine(classifier, args, total: int | None):
    """(score, close): a function from a stream of documents to (ids, rows) per committed group,
    in this process or on Ray, and what to call when the job ends. `total` is the records counted
    in the input (None for the local engine reading standard input); a Ray job is sized by it."""
    if args.engine == "local":
        from classifier.corpus_scoring import score_in_chunks

        return (lambda documents: score_in_chunks(classifier, documents, args.chunk_size, args.development, args.summary)), (lambda: None)
    try:
        from classifier.ray_engine import RayEngine
    except ImportError as err:  # pragma: no cover - depends on the install
        raise InputError(f"--engine ray needs Ray: pip install '.[ray]' ({err})") from err
    ray_engine = RayEngine(
        str(args.checkpoint), args.development, args.summary, workers=args.workers, batch_size=args.chunk_size,
        wave_size=args.wave_size, address=args.address,
    )
    return (lambda documents: ray_engine.score(documents, at_most=total)), ray_engine.close


class _Stop(Exception):
    pass


def _bad(record, args) -> int:
    # Reported and skipped, never dropped silently; the exit status says some records failed.
    print(f"error: {record}", file=sys.stderr)
    if args.on_error == "fail":
        raise _Stop
    return 1
