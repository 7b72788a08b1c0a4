"""Render RELIABILITY.md from the record the reliability suite writes (`make reliability`):

    python bench/reliability_report.py runs/reliability/record.json RELIABILITY.md

Every figure in the page comes from the record; nothing is typed in by hand."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

SECURITY_PROPERTIES = [
    "the admin token is compared with `hmac.compare_digest`",
    "admin routes answer 403 and change nothing while no token is configured",
    "job ids and version names that are paths (`../../etc`, `%2e%2e`, absolute paths, NUL bytes, backslashes) are refused and never reach a file planted outside the state directory",
    "a CURRENT pointer naming a path is refused at start-up instead of served",
    "static files never serve outside the static directory",
    "the server binds 127.0.0.1 by default; CORS is off unless `STANCE_CORS_ORIGINS` names origins, and then allows only those",
    "an internal error answers `{\"detail\": \"internal error\"}`: no traceback, no path; refusals (4xx) carry no path or traceback either",
]


def render(record: dict) -> str:
    sections = record["sections"]
    machine = record["machine"]
    out = [
        "# Reliability",
        "",
        f"Measured by `make reliability` (the tests in `tests/reliability/`) on {record['recorded_at']}, on a machine with "
        f"{machine['cpus']} CPU cores (Python {machine['python']}), against the real server with a tiny random checkpoint. "
        "Every figure below comes from that run's record (`runs/reliability/record.json`), rendered by "
        "`bench/reliability_report.py`; the same tests run in `make test`.",
        "",
    ]
    out += load_section(sections.get("load", []), sections.get("memory", []))
    out += fault_section(sections.get("faults", []))
    out += bad_input_section(sections.get("bad_input", []))
    out += security_section(sections.get("security", []))
    return "\n".join(out) + "\n"


def load_section(load: list[dict], memory: list[dict]) -> list[str]:
    out = ["## Load", ""]
    if not load:
        return out + ["(not measured in this run)", ""]
    out += [
        "| requests held | concurrency | single / batch (documents) | wall time | throughput | 2xx | 4xx | 5xx | shed (503 + Retry-After) | p50 | p95 | p99 | max |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in load:
        out.append(
            f"| {r['requests']:,} | {r['concurrency']} | {r['single']:,} / {r['batch']:,} ({r['documents']:,}) | {r['seconds']} s | "
            f"{r['requests_per_second']} req/s | {r['ok_2xx']:,} | {r['errors_4xx']} | {r['errors_5xx']} | {r['shed_503']} | "
            f"{r['p50_ms']} ms | {r['p95_ms']} ms | **{r['p99_ms']} ms** | {r['max_ms']} ms |"
        )
    out += ["", "Server settings: " + (json.dumps(load[0]["server_settings"]) if isinstance(load[0]["server_settings"], dict) else load[0]["server_settings"]) + "; "
            "texts of 1, 4 and 24 sentences in turn, every fourth request a batch of three documents, "
            "latency measured by the client from send to full answer.", ""]
    for m in memory:
        verdict = "under the 10% limit" if m["growth_percent"] < 10 else "**over the 10% limit**"
        series = ", ".join(f"{k}: {v}" for k, v in m["rss_mib_by_request"].items())
        out += [
            "| server RSS, first 1,000 requests (peak) | last 1,000 requests (peak) | growth |",
            "|---|---|---|",
            f"| {m['rss_first_1000_mib']} MiB | {m['rss_last_1000_mib']} MiB | {m['growth_percent']}% ({verdict}) |",
            "",
            f"RSS (VmRSS from /proc, MiB) after each 500 requests: {series}.",
            "",
        ]
        if m.get("warm_up_requests"):
            out += [f"Measured after {m['warm_up_requests']:,} warm-up requests of the same traffic, not counted: the model's "
                    "buffers first grow to the size of the largest passes this traffic makes; growth after that is growth in use.", ""]
        if m["growth_percent"] >= 10:
            out += ["This is a finding: the memory check fails.", ""]
    return out


def fault_section(faults: list[dict]) -> list[str]:
    out = ["## Faults", "", "| fault injected | what happened | what survived | lost |", "|---|---|---|---|"]
    for f in faults:
        out.append(f"| {f['fault']} | {happened(f)} | {f['survived']} | {f.get('lost', 0)} |")
    return out + [""]


def happened(f: dict) -> str:
    if "job_state" in f:
        return (f"job {f['job_state']} (\"{f['job_error']}\"); served {f['served_after']} before and after; CURRENT {f['current_after']}; "
                f"labels {f['labels_before']} → {f['labels_after']}; {f['listed_versions']} versions listed, {f['damaged_listed']} damaged")
    if "acknowledged" in f:
        return (f"{f['load']}; {f['acknowledged']} labels acknowledged (2xx), {f['cut_off_by_the_kill']} requests cut off by the kill; "
                f"{f['stored_after_restart']} stored after restart")
    if "answer" in f:
        return f"answered {f['answer']}; stored examples {f['stored_before']} → {f['stored_after']}"
    served = f"; still serving {f['served_after']}" if "served_after" in f else ""
    return f"{f['outcome']}, message names the file: {'yes' if f['message_names_file'] else 'no'}{served}"


def bad_input_section(bad: list[dict]) -> list[str]:
    out = ["## Bad input", "",
           "Property-based (hypothesis, derandomised: the same cases every run). Allowed answers over HTTP: 2xx, or 4xx with a JSON `detail` "
           "and no path or traceback; from the commands: a non-zero exit, a message naming the file and line, nothing written.", "",
           "| surface | class of input | cases tried | failures |", "|---|---|---|---|"]
    for b in bad:
        out.append(f"| {b['surface']} | {b['kind']} | {b['cases']:,} | {b['failures']} |")
    total = sum(b["cases"] for b in bad)
    return out + ["", f"{total:,} cases in all, {sum(b['failures'] for b in bad)} failures.", ""]


def security_section(security: list[dict]) -> list[str]:
    answers = Counter(s["answer"] for s in security)
    changed = sum(s["changed"] for s in security)
    out = ["## Security", ""]
    if security:
        out += [f"- {len(security)} admin requests without the right token (no token, a wrong one, a prefix of it, Basic, no scheme; "
                f"on every admin route): answers {dict(answers)}, state changed by {changed} of them (labels, CURRENT, history, versions, jobs)."]
    return out + [f"- {p}" for p in SECURITY_PROPERTIES] + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("record")
    parser.add_argument("output")
    args = parser.parse_args()
    Path(args.output).write_text(render(json.loads(Path(args.record).read_text(encoding="utf-8"))), encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
