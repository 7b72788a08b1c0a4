"""Speed on this machine: scoring throughput by inference path, service latency and throughput,
the server's memory, and training wall time. `make bench` runs it; it writes
bench/results/latest.json and latest.md. Every figure is the median of --repeats runs.

    .venv/bin/python bench/speed.py [--checkpoint checkpoints/default] [--repeats 3] [--skip-training]

1. Scoring: the pairs of data/test.jsonl and data/seeds.jsonl through each inference path; the
   naive baseline is transformers' text-classification pipeline, fp32, one pair at a time;
   macro-F1 on data/test.jsonl and agreement with fp32 for each path.
2. Service: the real server on 127.0.0.1; the first paragraph of a seed article at concurrency 1
   (latency percentiles) and 16 (throughput), from a bounded load generator on this machine.
3. The server's peak resident memory (VmHWM) after the load.
4. `make model` from scratch (a fresh checkpoint directory; the venv is kept) and one
   retraining job with the seed articles as stored labels.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

REPO = Path(__file__).resolve().parents[1]
for _path in (REPO, REPO / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import torch  # noqa: E402

from classifier.config import DEFAULT_CHECKPOINT, RunConfig  # noqa: E402
from classifier.model import StanceClassifier, configured_precision  # noqa: E402
from classifier.pairs import StancePair  # noqa: E402
from classifier.precision import resolve as resolve_precision  # noqa: E402
from environment import git, machine, versions  # noqa: E402
from load import peak_rss_mb, percentile, run_clients  # noqa: E402
from local_server import running_server  # noqa: E402
from training.data import LabelSpace, load_pairs  # noqa: E402
from training.metrics import macro_f1  # noqa: E402

RESULTS = REPO / "bench" / "results"
TEST_FILE, SEEDS_FILE = REPO / "data" / "test.jsonl", REPO / "data" / "seeds.jsonl"
SEED_ARTICLE = REPO.parent / "shared" / "seeds" / "000_9726a401195219cf.txt"
TARGETS = {"speedup": 4.0, "pairs_per_second": 1500, "f1_drop_points": 0.5, "p50_ms": 20, "p99_ms": 60,
           "concurrency_gain": 3.0, "peak_rss_mb": 1024, "make_model_minutes": 8}
LATENCY_REQUESTS, WARM_UP_REQUESTS = 200, 20
THROUGHPUT_REQUESTS_1, CONCURRENCY, CONCURRENT_REQUESTS = 120, 16, 480
LOAD_SECONDS = 300  # bound on any one load phase
# The scoring path each inference precision gives (the checkpoint's own one is the default).
PRECISION_PATHS = {"fp32": "batched, fp32", "bf16": "batched, bf16 (weights and matmuls)", "int8": "batched, int8 dynamic (torch)"}


# -- 1. scoring ------------------------------------------------------------------------------------
def naive_pipeline(checkpoint: Path) -> Callable[[Sequence[StancePair]], list[list[float]]]:
    """What a user would write first: transformers' text-classification pipeline over the
    checkpoint, fp32, called once per pair. The checkpoint's head reads the target's mention
    tokens, so the pipeline is given the classifier's own tokenisation of a pair."""
    from transformers import TextClassificationPipeline

    classifier = StanceClassifier.from_pretrained(checkpoint, precision="fp32")

    class PairPipeline(TextClassificationPipeline):
        def preprocess(self, pair, **_):
            return dict(classifier.tokenize([pair])[0])

        def _forward(self, inputs):
            # The checkpoint's temperature is part of the model: its probabilities are softmax(logits / T).
            return {"logits": self.model(**inputs).logits / classifier.temperature}

    pipe = PairPipeline(model=classifier.model, tokenizer=classifier.tokenizer, top_k=None)
    order = {label: i for i, label in enumerate(classifier.labels)}

    def score(pairs):
        rows = []
        for pair in pairs:
            row = [0.0] * len(order)
            for item in pipe(pair):
                row[order[item["label"]]] = item["score"]
            rows.append(row)
        return rows

    return score


def classifier_path(checkpoint: Path, precision: str, variant: str | None = None) -> Callable[[Sequence[StancePair]], list[list[float]]]:
    """The project's path (StanceClassifier.predict_pairs) at `precision`; `variant` tries a
    change on top: "autocast-only" (bf16 matmuls over fp32 weights, cast on every pass) or
    "compiled" (torch.compile, dynamic shapes; compiling is part of the warm-up, not the figure)."""
    classifier = StanceClassifier.from_pretrained(checkpoint, precision="fp32" if variant == "autocast-only" else precision)
    if variant == "autocast-only":
        classifier.precision = "bf16"  # predict_pairs then runs under autocast, weights stay fp32
    elif variant == "compiled":
        classifier.model = torch.compile(classifier.model, dynamic=True)
    return lambda pairs: [list(p.scores.values()) for p in classifier.predict_pairs(pairs)]


def onnx_path(checkpoint: Path, quantised: bool) -> Callable[[Sequence[StancePair]], list[list[float]]] | None:
    """The checkpoint exported to ONNX and run by ONNX Runtime (fp32, or int8 weights by ORT's
    dynamic quantisation). Measured as a candidate path; None where onnxruntime is missing."""
    try:
        import onnxruntime as ort
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:
        return None
    classifier = StanceClassifier.from_pretrained(checkpoint, precision="fp32")
    sample, _ = classifier.tokenize([StancePair("Japan and China met.", "Japan", ((0, 5),)), StancePair("Peru agreed.", "Peru")])
    names = list(sample.keys())
    directory = Path(tempfile.mkdtemp(prefix="stance-onnx-"))
    model_file = directory / "model.onnx"

    class Logits(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, *inputs):
            return self.model(**dict(zip(names, inputs))).logits

    axes = {name: ({0: "rows", 1: "tokens"} if sample[name].dim() == 2 else {0: "pairs"}) for name in names}
    if "target_mask" in axes:
        axes["target_mask"] = {0: "pairs", 1: "tokens"}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Logits(classifier.model), tuple(sample[n] for n in names), str(model_file), input_names=names,
                          output_names=["logits"], dynamic_axes={**axes, "logits": {0: "pairs"}}, opset_version=17, dynamo=False)
    if quantised:
        quantize_dynamic(str(model_file), str(directory / "model.int8.onnx"), weight_type=QuantType.QInt8)
        model_file = directory / "model.int8.onnx"
    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])

    def score(pairs):
        order = sorted(range(len(pairs)), key=lambda i: (len(pairs[i].text), pairs[i].text))
        rows: list[Any] = [None] * len(pairs)
        for start in range(0, len(order), 64):
            idx = order[start : start + 64]
            batch, _ = classifier.tokenize([pairs[i] for i in idx])
            logits = torch.from_numpy(session.run(None, {n: batch[n].numpy() for n in names})[0])
            for i, row in zip(idx, torch.softmax(logits / classifier.temperature, dim=-1).tolist()):
                rows[i] = row
        return rows

    return score


def measure_scoring(checkpoint: Path, repeats: int, max_pairs: int | None = None) -> dict[str, Any]:
    classifier = StanceClassifier.from_pretrained(checkpoint, precision="fp32")
    labels = classifier.labels
    space = LabelSpace(tuple(labels))
    test_pairs, seed_pairs = load_pairs(TEST_FILE, space)[:max_pairs], load_pairs(SEEDS_FILE, space)[:max_pairs]
    pairs = test_pairs + seed_pairs
    gold = [p.label for p in test_pairs]
    default = resolve_precision(configured_precision(classifier.meta))
    del classifier
    variants = [
        ("naive pipeline, fp32, one pair at a time", lambda: naive_pipeline(checkpoint)),
        (PRECISION_PATHS["fp32"], lambda: classifier_path(checkpoint, "fp32")),
        (PRECISION_PATHS["bf16"], lambda: classifier_path(checkpoint, "bf16")),
        ("batched, bf16 autocast over fp32 weights", lambda: classifier_path(checkpoint, "bf16", "autocast-only")),
        ("batched, bf16, torch.compile", lambda: classifier_path(checkpoint, "bf16", "compiled")),
        (PRECISION_PATHS["int8"], lambda: classifier_path(checkpoint, "int8")),
        ("batched, ONNX Runtime fp32", lambda: onnx_path(checkpoint, quantised=False)),
        ("batched, ONNX Runtime int8", lambda: onnx_path(checkpoint, quantised=True)),
    ]
    default_name = PRECISION_PATHS[default]
    rows, reference = [], None
    for name, build in variants:
        score = build()
        if score is None:
            rows.append({"path": name, "skipped": "onnxruntime is not installed (pip install -e '.[bench]')"})
            continue
        score(pairs[:16])  # warm-up: first-call allocations and kernel selection
        runs, probs = [], None
        for _ in range(repeats):
            started = time.perf_counter()
            probs = score(pairs)
            runs.append(len(pairs) / (time.perf_counter() - started))
        predicted = [labels[max(range(len(row)), key=row.__getitem__)] for row in probs]
        row = {"path": name, "default": name == default_name, "pairs": len(pairs), "pairs_per_second": round(statistics.median(runs), 1),
               "runs": [round(r, 1) for r in runs], "test_macro_f1": round(macro_f1(gold, predicted[: len(gold)], labels), 4)}
        if reference is None:
            reference = (predicted, probs)
        else:
            row["labels_equal_to_naive"] = round(sum(a == b for a, b in zip(predicted, reference[0])) / len(pairs), 4)
            row["max_probability_difference"] = round(max(abs(a - b) for r, s in zip(probs, reference[1]) for a, b in zip(r, s)), 4)
        rows.append(row)
        print(json.dumps(row), flush=True)
    naive = rows[0]["pairs_per_second"]
    for row in rows:
        if "pairs_per_second" in row:
            row["speedup_over_naive"] = round(row["pairs_per_second"] / naive, 2)
    return {"pairs": {"test": len(test_pairs), "seeds": len(seed_pairs)}, "default_precision": default, "paths": rows}


# -- 2-3. service -----------------------------------------------------------------------------------
def first_paragraph() -> str:
    """The first paragraph of running text of a seed article (its title and bullets skipped)."""
    blocks = [b.strip() for b in SEED_ARTICLE.read_text(encoding="utf-8").split("\n\n")]
    return next(b for b in blocks if len(b) >= 200 and not b.startswith("•"))


def throughput_texts(sentences_each: int = 4) -> list[str]:
    """Paragraph-sized texts for the throughput runs: data/test.jsonl's sentences, four at a
    time, in file order. All different, so no two requests of a pass hold the same sentence (a
    pass encodes a sentence once, and one text repeated would flatter the figure)."""
    lines = [json.loads(line)["text"] for line in TEST_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [" ".join(lines[i : i + sentences_each]) for i in range(0, len(lines), sentences_each)]


def latency_run(url: str, text: str) -> dict[str, Any]:
    """One request at a time, the same paragraph: latency percentiles."""
    import httpx

    with httpx.Client(base_url=url, timeout=30) as client:
        for _ in range(WARM_UP_REQUESTS):
            client.post("/v1/stance", json={"text": text}).raise_for_status()
        times, deadline = [], time.monotonic() + LOAD_SECONDS
        for _ in range(LATENCY_REQUESTS):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            client.post("/v1/stance", json={"text": text}).raise_for_status()
            times.append(1000 * (time.perf_counter() - started))
    return {"requests": len(times), "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "p99_ms": percentile(times, 99)}


async def throughput_run(url: str, texts: Sequence[str], concurrency: int, requests: int) -> dict[str, Any]:
    """`requests` posts of `texts` in turn from `concurrency` clients: pairs scored per second."""
    numbers, pairs, statuses, times = iter(range(requests)), 0, [], []
    deadline = time.monotonic() + LOAD_SECONDS

    async def worker(client):
        nonlocal pairs
        for i in numbers:
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            response = await client.post("/v1/stance", json={"text": texts[i % len(texts)]})
            times.append(1000 * (time.perf_counter() - started))
            statuses.append(response.status_code)
            if response.status_code == 200:
                pairs += sum(len(s["countries"]) for s in response.json()["sentences"])

    started = time.perf_counter()
    await run_clients(url, concurrency, worker)
    elapsed = time.perf_counter() - started
    return {"requests": len(statuses), "non_200": sum(s != 200 for s in statuses), "p50_ms": percentile(times, 50),
            "p99_ms": percentile(times, 99), "pairs_per_second": pairs / elapsed}


def measure_service(checkpoint: Path, repeats: int) -> dict[str, Any]:
    text, texts = first_paragraph(), throughput_texts()
    latency, single, concurrent = [], [], []
    with running_server(checkpoint) as (url, process):
        for _ in range(repeats):
            latency.append(latency_run(url, text))
            single.append(asyncio.run(throughput_run(url, texts, 1, THROUGHPUT_REQUESTS_1)))
            concurrent.append(asyncio.run(throughput_run(url, texts, CONCURRENCY, CONCURRENT_REQUESTS)))
            print(json.dumps({"latency": latency[-1], "concurrency_1": single[-1], f"concurrency_{CONCURRENCY}": concurrent[-1]}), flush=True)
        rss = peak_rss_mb(process.pid)
    c1 = {key: round(statistics.median(r[key] for r in latency), 1) for key in ("p50_ms", "p95_ms", "p99_ms")}
    c1["pairs_per_second"] = round(statistics.median(r["pairs_per_second"] for r in single), 1)
    cn = {key: round(statistics.median(r[key] for r in concurrent), 1) for key in ("p50_ms", "p99_ms", "pairs_per_second")}
    cn["non_200"] = sum(r["non_200"] for r in concurrent + single)
    return {
        "paragraph": text, "paragraph_chars": len(text), "throughput_texts": len(texts),
        "requests_per_run": {"latency": LATENCY_REQUESTS, "concurrency_1": THROUGHPUT_REQUESTS_1, f"concurrency_{CONCURRENCY}": CONCURRENT_REQUESTS},
        "concurrency_1": c1, f"concurrency_{CONCURRENCY}": cn,
        "concurrency_gain": round(cn["pairs_per_second"] / c1["pairs_per_second"], 2),
        "peak_rss_mb": round(rss, 1), "runs": {"latency": latency, "concurrency_1": single, f"concurrency_{CONCURRENCY}": concurrent},
    }


# -- 4. training -------------------------------------------------------------------------------------
def timed(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env={**os.environ, **(env or {})}, check=True)
    return time.perf_counter() - started


def measure_training(work: Path) -> dict[str, Any]:
    """`make model` into a fresh directory, then one retraining job that serves it."""
    model_dir = work / "model"
    make_model = timed(["make", "model", f"CHECKPOINT={model_dir}"])
    meta = json.loads((model_dir / "stance.json").read_text())
    env = {"STANCE_CHECKPOINT": str(model_dir), "STANCE_CHECKPOINTS_DIR": str(work / "checkpoints"), "STANCE_STATE_DIR": str(work / "state")}
    stance = [sys.executable, "-m", "stance_cli"]
    subprocess.run([*stance, "labels", "add", str(SEEDS_FILE)], cwd=REPO, env={**os.environ, **env}, check=True)
    retrain = timed([*stance, "retrain"], env)
    return {
        "make_model_seconds": round(make_model, 1), "make_model_epochs_run": len(meta["metrics"]["epochs"]),
        "make_model_dev_macro_f1": meta["metrics"]["dev"]["macro_f1"],
        "retrain_seconds": round(retrain, 1), "retrain_promoted": (work / "checkpoints" / "CURRENT").is_file(),
    }


# -- the report ------------------------------------------------------------------------------------
def verdicts(results: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(target, what was measured, the target, met) for every target of the issue."""
    rows = []
    paths = [p for p in results["scoring"]["paths"] if "pairs_per_second" in p]
    default, naive = next(p for p in paths if p["default"]), paths[0]
    fp32 = next(p for p in paths if p["path"] == PRECISION_PATHS["fp32"])
    drop = 100 * (fp32["test_macro_f1"] - default["test_macro_f1"])
    rows.append(("scoring speed-up over the naive pipeline", f"{default['speedup_over_naive']}×", f"≥ {TARGETS['speedup']}×", default["speedup_over_naive"] >= TARGETS["speedup"]))
    rows.append(("scoring throughput (default path)", f"{default['pairs_per_second']:.0f} pairs/s", f"≥ {TARGETS['pairs_per_second']} pairs/s", default["pairs_per_second"] >= TARGETS["pairs_per_second"]))
    rows.append(("macro-F1 change vs fp32 (test)", f"{-drop:+.2f} points ({default['test_macro_f1']:.4f} vs {fp32['test_macro_f1']:.4f})", f"within {TARGETS['f1_drop_points']} point", abs(drop) <= TARGETS["f1_drop_points"]))
    if service := results.get("service"):
        c1 = service["concurrency_1"]
        rows.append(("service p50, one paragraph, concurrency 1", f"{c1['p50_ms']} ms", f"≤ {TARGETS['p50_ms']} ms", c1["p50_ms"] <= TARGETS["p50_ms"]))
        rows.append(("service p99, one paragraph, concurrency 1", f"{c1['p99_ms']} ms", f"≤ {TARGETS['p99_ms']} ms", c1["p99_ms"] <= TARGETS["p99_ms"]))
        rows.append((f"throughput at concurrency {CONCURRENCY} / at 1", f"{service['concurrency_gain']}×", f"≥ {TARGETS['concurrency_gain']}×", service["concurrency_gain"] >= TARGETS["concurrency_gain"]))
        rows.append(("server peak resident memory", f"{service['peak_rss_mb']:.0f} MB", f"≤ {TARGETS['peak_rss_mb']} MB", service["peak_rss_mb"] <= TARGETS["peak_rss_mb"]))
    if training := results.get("training"):
        minutes = training["make_model_seconds"] / 60
        rows.append(("`make model` from scratch", f"{minutes:.1f} min", f"≤ {TARGETS['make_model_minutes']} min", minutes <= TARGETS["make_model_minutes"]))
    return rows


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Speed on this machine", "",
        f"Made by `make bench` (`python bench/speed.py {' '.join(results['argv'])}`) on {results['created_at']}, "
        f"commit {results['git']['commit']}{' (with uncommitted changes)' if results['git']['dirty'] else ''}; "
        f"checkpoint `{results['checkpoint']}`. Each figure is the median of {results['repeats']} runs.", "",
        f"Machine: {m['processor']}, {m['cpu_count']} cores, torch threads {m['torch_threads']}, CPU features "
        f"{', '.join(m['cpu_features']) or 'none of interest'}; {', '.join(f'{k} {v}' for k, v in results['versions'].items())}.", "",
        "## Targets", "", "| target | measured | goal | met |", "|---|---|---|---|",
    ]
    lines += [f"| {name} | {measured} | {goal} | {'yes' if met else '**no**'} |" for name, measured, goal, met in verdicts(results)]
    s = results["scoring"]
    lines += ["", f"## Scoring paths ({s['pairs']['test']} test + {s['pairs']['seeds']} seed pairs; default precision on this CPU: {s['default_precision']})", "",
              "| path | pairs/s | runs | × naive | test macro-F1 | labels equal to naive | max prob. diff. |", "|---|---|---|---|---|---|---|"]
    for p in s["paths"]:
        if "skipped" in p:
            lines.append(f"| {p['path']} | skipped: {p['skipped']} | | | | | |")
            continue
        name = f"**{p['path']} (default)**" if p["default"] else p["path"]
        lines.append(f"| {name} | {p['pairs_per_second']:.0f} | {', '.join(f'{r:.0f}' for r in p['runs'])} | {p['speedup_over_naive']} | "
                     f"{p['test_macro_f1']:.4f} | {p.get('labels_equal_to_naive', 1.0):.4f} | {p.get('max_probability_difference', 0.0)} |")
    if service := results.get("service"):
        c1, cn = service["concurrency_1"], service[f"concurrency_{CONCURRENCY}"]
        lines += ["", "## Service", "",
                  f"Posted to `/v1/stance` on 127.0.0.1; the load generator runs on the same 2 cores. Latency: the first paragraph "
                  f"of `{SEED_ARTICLE.name}` ({service['paragraph_chars']} characters), {LATENCY_REQUESTS} requests one at a time "
                  f"(after {WARM_UP_REQUESTS} warm-up). Throughput: {service['throughput_texts']} different texts of four `data/test.jsonl` sentences in turn, "
                  f"{THROUGHPUT_REQUESTS_1} requests from 1 client and {CONCURRENT_REQUESTS} from {CONCURRENCY} concurrent clients.", "",
                  "| | p50 ms | p95 ms | p99 ms | pairs/s |", "|---|---|---|---|---|",
                  f"| one paragraph, concurrency 1 | {c1['p50_ms']} | {c1['p95_ms']} | {c1['p99_ms']} | |",
                  f"| four-sentence texts, concurrency 1 | | | | {c1['pairs_per_second']:.0f} |",
                  f"| four-sentence texts, concurrency {CONCURRENCY} | {cn['p50_ms']} | | {cn['p99_ms']} | {cn['pairs_per_second']:.0f} |", "",
                  f"Non-200 answers under load: {cn['non_200']}. Server peak resident memory (VmHWM): {service['peak_rss_mb']:.0f} MB."]
    if training := results.get("training"):
        lines += ["", "## Training", "",
                  f"- `make model` from scratch (fresh checkpoint directory, installed venv): {training['make_model_seconds'] / 60:.1f} min, "
                  f"{training['make_model_epochs_run']} epochs, dev macro-F1 {training['make_model_dev_macro_f1']:.4f}.",
                  f"- One retraining job (`stance retrain`, the seed articles as stored labels, scoring both models on dev + test): "
                  f"{training['retrain_seconds'] / 60:.1f} min ({'promoted' if training['retrain_promoted'] else 'not promoted'})."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-pairs", type=int, help="score only the first N pairs of each file (smoke runs)")
    parser.add_argument("--skip-service", action="store_true")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--output", default=str(RESULTS / "latest"), help="writes OUTPUT.json and OUTPUT.md")
    args = parser.parse_args(argv)
    checkpoint = Path(args.checkpoint)
    results: dict[str, Any] = {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "argv": list(argv if argv is not None else sys.argv[1:]),
        "checkpoint": str(checkpoint), "repeats": args.repeats, "machine": machine(), "versions": versions("onnxruntime"), "git": git(),
    }
    results["scoring"] = measure_scoring(checkpoint, args.repeats, args.max_pairs)
    if not args.skip_service:
        results["service"] = measure_service(checkpoint, args.repeats)
    if not args.skip_training:
        with tempfile.TemporaryDirectory(prefix="stance-bench-") as work:
            results["training"] = measure_training(Path(work))
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.with_suffix(".json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    output.with_suffix(".md").write_text(render(results), encoding="utf-8")
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
