"""Corpus jobs timed: `stance predict --output` with the local engine and with Ray at 1 and 2
workers, on one synthetic corpus, in one run on this machine.

The corpus is generated from the training split's sentences: each document joins
`--sentences-per-document` sentences (3 by default) drawn at random (fixed seed) and gets a date in 2024, so it reads like the real input and every
document has countries to score. Each engine scores the same file into a fresh output; the
figures are wall time, pairs (rows) per second, the peak resident memory of the job's processes
(the driver, and each Ray scoring actor) and the CPU time of the driver process (for Ray: the
reading, handing out and committing that one process must do for every worker), sampled every
0.2 s.

    python bench/corpus_jobs.py --documents 20000 --checkpoint checkpoints/default
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(path: Path, documents: int, sentences_per_document: int = 3, seed: int = 2026) -> None:
    sentences = [json.loads(line)["text"] for line in (ROOT / "data" / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(documents):
            text = " ".join(rng.sample(sentences, sentences_per_document))
            when = start + timedelta(days=rng.randrange(366))
            fh.write(json.dumps({"id": f"doc-{i:06d}", "date": when.isoformat(), "text": text}) + "\n")


def run_job(command: list[str]) -> dict:
    import psutil

    started = time.monotonic()
    job = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    driver = psutil.Process(job.pid)
    peak_driver, peak_workers, driver_cpu = 0, {}, 0.0
    while job.poll() is None:
        try:
            peak_driver = max(peak_driver, driver.memory_info().rss)
            times = driver.cpu_times()
            driver_cpu = times.user + times.system  # the last sample before it exits
            for proc in psutil.process_iter(["pid", "cmdline"]):
                cmdline = " ".join(proc.info["cmdline"] or [])
                if "ray::" in cmdline and ("_Scorer" in cmdline or "MapWorker" in cmdline):
                    peak_workers[proc.pid] = max(peak_workers.get(proc.pid, 0), proc.memory_info().rss)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
        time.sleep(0.2)
    seconds = time.monotonic() - started
    err = job.stderr.read()
    if job.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({job.returncode}):\n{err[-2000:]}")
    return {
        "seconds": round(seconds, 1),
        "peak_driver_mib": round(peak_driver / 2**20),
        "driver_cpu_s": round(driver_cpu, 1),
        "peak_worker_mib": round(max(peak_workers.values()) / 2**20) if peak_workers else None,
        "workers_seen": len(peak_workers),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20000, help="documents in the synthetic corpus")
    parser.add_argument("--sentences-per-document", type=int, default=3, help="training sentences joined into each document")
    parser.add_argument("--checkpoint", default="checkpoints/default")
    parser.add_argument("--results", default=str(ROOT / "bench" / "results"), help="where corpus-jobs.{md,json} go")
    parser.add_argument("--name", default="corpus-jobs")
    args = parser.parse_args()

    stance = str(Path(sys.executable).with_name("stance"))
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        corpus = scratch / "corpus.jsonl"
        make_corpus(corpus, args.documents, args.sentences_per_document)
        base = [stance, "predict", "--checkpoint", args.checkpoint, "--progress", "never", str(corpus)]
        engines = [
            ("local (2 threads)", []),
            ("ray, 1 worker", ["--engine", "ray", "--workers", "1"]),
            ("ray, 2 workers", ["--engine", "ray", "--workers", "2"]),
        ]
        for name, extra in engines:
            output = scratch / f"{len(results)}.jsonl"
            figures = run_job([*base, *extra, "--output", str(output)])
            figures["pairs"] = sum(1 for _ in open(output, encoding="utf-8"))
            figures["pairs_per_s"] = round(figures["pairs"] / figures["seconds"], 1)
            results.append({"engine": name, **figures})
            print(json.dumps(results[-1]), flush=True)
    local = results[0]["pairs_per_s"]
    for row in results:
        row["vs_local"] = round(row["pairs_per_s"] / local, 2)
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    report = {"documents": args.documents, "sentences_per_document": args.sentences_per_document, "checkpoint": args.checkpoint, "cpu": cpu, "cpus": __import__("os").cpu_count(), "results": results,
              "command": " ".join(["python", "bench/corpus_jobs.py", *sys.argv[1:]])}
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{args.name}.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        f"# Corpus jobs: {args.documents:,} documents of {args.sentences_per_document} sentences, {args.checkpoint}, {cpu}, {report['cpus']} CPUs",
        "",
        f"`{report['command']}`",
        "",
        "| engine | seconds | pairs | pairs/s | vs local | peak driver MiB | peak per worker MiB | driver CPU s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['engine']} | {r['seconds']} | {r['pairs']:,} | {r['pairs_per_s']} | {r['vs_local']}x | {r['peak_driver_mib']} | {r['peak_worker_mib'] or '-'} | {r.get('driver_cpu_s', '-')} |"
        for r in results
    ]
    (out / f"{args.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
