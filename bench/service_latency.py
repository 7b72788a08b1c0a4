"""The service's latency and throughput alone, for one checkpoint (the "service" part of
`bench/speed.py`, without its scoring paths and trainings): a real server on a loopback port,
the seed paragraph one request at a time, then 16 concurrent clients.

    python bench/service_latency.py --checkpoint checkpoints/default --output bench/results/service-default
"""

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import DEFAULT_CHECKPOINT, git, machine, measure_service  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT, help="the checkpoint the server loads")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each load phase (the median is reported)")
    parser.add_argument("--output", required=True, help="writes OUTPUT.json")
    args = parser.parse_args(argv)
    service = measure_service(Path(args.checkpoint), args.repeats)
    service.pop("runs", None)
    results = {"created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "checkpoint": args.checkpoint,
               "machine": machine(), "git": git(), "service": service}
    Path(args.output).with_suffix(".json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    c1 = service["concurrency_1"]
    print(f"one paragraph, concurrency 1: p50 {c1['p50_ms']} ms, p99 {c1['p99_ms']} ms; "
          f"concurrency 16: {service['concurrency_16']['pairs_per_second']} pairs/s; peak RSS {service['peak_rss_mb']} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
