"""`stance data check`: validate labelled files and the unlabelled pool, find duplicates, and
describe the corpus.

Exit status is non-zero when any line is invalid, a sentence appears twice (or twice but for a few
characters: a near-duplicate) within or across the files and the pool, a topic appears in more
than one labelled file (splits must be by topic), or a pool topic is one of the held-out files'
(every labelled file but the first, the training split); with `targets=True` also when the
corpus misses one of the corpus targets below.
"""

from __future__ import annotations

from pathlib import Path
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Sequence

from classifier.countries import FORMS, CountryCatalog, default_catalog
from classifier.labels import STANCES
from classifier.mentions import MentionFinder
from classifier.text import normalise
from training.data import HARD_CASES, REGISTERS, LabelSpace, Problem, Record, read_labelled, read_pool

NEAR_DUPLICATE_JACCARD = 0.8
SHINGLE_CHARS = 5

# The corpus targets of the data issues: name -> (threshold, description).
TARGETS = {
    "sentences": (8000, "at least 8,000 sentences"),
    "pairs": (17000, "at least 17,000 (sentence, country) pairs"),
    "topics": (120, "at least 120 topics"),
    "countries": (150, "at least 150 countries"),
    "label_share": ((0.25, 0.42), "each label 25%-42% of pairs"),
    "multi_country": (0.40, "at least 40% of sentences with 2+ countries"),
    "mixed_stance": (0.25, "at least 25% of sentences with 2+ countries of different stances"),
    "form_share": (0.08, "every mention form in at least 8% of pairs"),
    "hard_cases": (100, "every hard case at least 100 times"),
    "development": (1.0, "every sentence with its development named"),
    "register_share": (0.08, "every register in at least 8% of the sentences that record one"),
    "held_out_topics": (15, "at least 15 topics"),
    "held_out_pairs": (1000, "at least 1,000 pairs"),
    "pool_sentences": (20000, "at least 20,000 unlabelled sentences"),
    "pool_topics": (150, "unlabelled sentences on at least 150 topics"),
}


@dataclass
class Stats:
    sentences: int = 0
    pairs: int = 0
    labels: Counter = field(default_factory=Counter)
    forms: Counter = field(default_factory=Counter)
    cases: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)
    topics: Counter = field(default_factory=Counter)
    registers: Counter = field(default_factory=Counter)
    multi_country: int = 0
    mixed_stance: int = 0
    with_development: int = 0

    def add(self, record: Record) -> None:
        labels = record.data["labels"]
        self.sentences += 1
        self.with_development += "development" in record.data
        if "register" in record.data:
            self.registers[record.data["register"]] += 1
        self.pairs += len(labels)
        self.labels.update(labels.values())
        self.countries.update(labels.keys())
        self.topics[record.data.get("topic", "(none)")] += 1
        self.multi_country += len(labels) >= 2
        self.mixed_stance += len(set(labels.values())) >= 2
        for surfaces in (record.data.get("mentions") or {}).values():
            self.forms.update(set(surfaces.values()))
        for names in (record.data.get("cases") or {}).values():
            self.cases.update(set(names))

    def merge(self, other: Stats) -> None:
        for name in ("sentences", "pairs", "multi_country", "mixed_stance", "with_development"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("labels", "forms", "cases", "countries", "topics", "registers"):
            getattr(self, name).update(getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        share = lambda n, d: round(n / d, 4) if d else 0.0  # noqa: E731
        registered = sum(self.registers.values())
        return {
            "sentences": self.sentences,
            "pairs": self.pairs,
            "labels": {k: {"n": v, "share": share(v, self.pairs)} for k, v in sorted(self.labels.items())},
            "multi_country": {"n": self.multi_country, "share": share(self.multi_country, self.sentences)},
            "mixed_stance": {"n": self.mixed_stance, "share": share(self.mixed_stance, self.sentences)},
            "development": {"n": self.with_development, "share": share(self.with_development, self.sentences)},
            "registers": {r: {"n": self.registers[r], "share": share(self.registers[r], registered)} for r in REGISTERS},
            "with_register": registered,
            "forms": {f: {"n": self.forms[f], "share": share(self.forms[f], self.pairs)} for f in FORMS},
            "cases": {c: self.cases[c] for c in HARD_CASES},
            "countries": dict(self.countries.most_common()),
            "topics": dict(sorted(self.topics.items())),
        }


@dataclass
class PoolStats:
    """The unlabelled pool: sentences, topics and registers."""

    sentences: int = 0
    topics: Counter = field(default_factory=Counter)
    registers: Counter = field(default_factory=Counter)

    def add(self, record: Record) -> None:
        self.sentences += 1
        self.topics[record.data["topic"]] += 1
        if "register" in record.data:
            self.registers[record.data["register"]] += 1

    def as_dict(self) -> dict[str, Any]:
        registered = sum(self.registers.values())
        return {
            "sentences": self.sentences,
            "topics": dict(sorted(self.topics.items())),
            "registers": {r: {"n": self.registers[r], "share": round(self.registers[r] / registered, 4) if registered else 0.0}
                          for r in REGISTERS},
        }


@dataclass
class Report:
    problems: list[Problem]
    per_file: dict[str, Stats]
    total: Stats
    duplicates: list[tuple[str, str]]
    near_duplicates: list[tuple[str, str, float]]
    topic_leaks: dict[str, list[str]]
    unlabelled_mentions: list[str]
    target_results: list[tuple[str, bool, str]] = field(default_factory=list)
    pool: PoolStats | None = None

    @property
    def ok(self) -> bool:
        return not (self.problems or self.duplicates or self.near_duplicates or self.topic_leaks) and all(
            ok for _, ok, _ in self.target_results
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "problems": [str(p) for p in self.problems],
            "files": {path: stats.as_dict() for path, stats in self.per_file.items()},
            "total": self.total.as_dict(),
            "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates,
            "topic_leaks": self.topic_leaks,
            "unlabelled_mentions": self.unlabelled_mentions,
            "targets": [{"target": n, "ok": ok, "value": v} for n, ok, v in self.target_results],
            "pool": self.pool.as_dict() if self.pool else None,
        }


def check_files(
    paths: Sequence[str], targets: bool = False, catalog: CountryCatalog | None = None, pool: Sequence[str] = ()
) -> Report:
    """Check labelled files (the first is the training split, the others held out) and, when
    given, the unlabelled pool files."""
    catalog = catalog or default_catalog()
    space = LabelSpace(STANCES)
    finder = MentionFinder(catalog)
    problems: list[Problem] = []
    per_file: dict[str, Stats] = {}
    total = Stats()
    records: list[Record] = []
    for path in paths:
        file_records, file_problems = read_labelled(path, space, catalog)
        problems += file_problems
        for record in file_records:
            if not record.is_guide:
                problems.append(Problem(record.path, record.line, "expected the guide's format ('labels'), found a pair line"))
        file_records = [r for r in file_records if r.is_guide]
        stats = Stats()
        for record in file_records:
            stats.add(record)
        per_file[path] = stats
        total.merge(stats)
        records += file_records
    pool_records: list[Record] = []
    pool_stats = PoolStats() if pool else None
    for path in pool:
        file_records, file_problems = read_pool(path)
        problems += file_problems
        pool_records += file_records
        for record in file_records:
            pool_stats.add(record)  # type: ignore[union-attr]
    everything = records + pool_records
    held_out = [r for r in records if r.path != paths[0]] if paths else []
    report = Report(
        problems=problems,
        per_file=per_file,
        total=total,
        duplicates=exact_duplicates(everything),
        near_duplicates=near_duplicates(everything),
        topic_leaks={**topic_leaks(records), **pool_topic_leaks(pool_records, held_out)},
        unlabelled_mentions=unlabelled_mentions(records, finder),
        pool=pool_stats,
    )
    if targets:
        report.target_results = check_targets(total) + held_out_targets(per_file, paths[1:])
        if pool_stats is not None:
            report.target_results += pool_targets(pool_stats)
    return report


def _where(record: Record) -> str:
    return f"{record.path}:{record.line}"


def exact_duplicates(records: Sequence[Record]) -> list[tuple[str, str]]:
    first: dict[str, Record] = {}
    found = []
    for record in records:
        key = normalise(record.data["text"])
        if key in first:
            found.append((_where(first[key]), _where(record)))
        else:
            first[key] = record
    return found


def shingles(text: str) -> set[str]:
    norm = normalise(text)
    return {norm[i : i + SHINGLE_CHARS] for i in range(max(1, len(norm) - SHINGLE_CHARS + 1))}


def near_duplicates(records: Sequence[Record], threshold: float = NEAR_DUPLICATE_JACCARD) -> list[tuple[str, str, float]]:
    """Pairs of distinct texts whose character 5-gram Jaccard similarity is at least `threshold`.

    Prefix filtering keeps this fast: two sets with Jaccard >= t must share one of the
    |A| - ceil(t |A|) + 1 rarest shingles of each, so only those are indexed and probed.
    """
    sets = [shingles(r.data["text"]) for r in records]
    frequency = Counter(s for shingle_set in sets for s in shingle_set)
    index: dict[str, list[int]] = defaultdict(list)
    found = []
    for i, shingle_set in enumerate(sets):
        ordered = sorted(shingle_set, key=lambda s: (frequency[s], s))
        prefix = ordered[: len(ordered) - int(threshold * len(ordered)) + 1]
        candidates = {j for s in prefix for j in index[s]}
        for j in sorted(candidates):
            other = sets[j]
            jaccard = len(shingle_set & other) / len(shingle_set | other)
            if threshold <= jaccard and normalise(records[i].data["text"]) != normalise(records[j].data["text"]):
                found.append((_where(records[j]), _where(records[i]), round(jaccard, 3)))
        for s in prefix:
            index[s].append(i)
    return found


def topic_leaks(records: Sequence[Record]) -> dict[str, list[str]]:
    files_of: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if "topic" in record.data:
            files_of[record.data["topic"]].add(record.path)
    return {topic: sorted(files) for topic, files in sorted(files_of.items()) if len(files) > 1}


def pool_topic_leaks(pool: Sequence[Record], held_out: Sequence[Record]) -> dict[str, list[str]]:
    """Pool topics that are also topics of a held-out file: distilling on them would let dev and
    test measure memory of their developments."""
    held_out_files: dict[str, set[str]] = defaultdict(set)
    for record in held_out:
        if "topic" in record.data:
            held_out_files[record.data["topic"]].add(record.path)
    leaks: dict[str, set[str]] = defaultdict(set)
    for record in pool:
        topic = record.data["topic"]
        if topic in held_out_files:
            leaks[topic] |= held_out_files[topic] | {record.path}
    return {topic: sorted(files) for topic, files in sorted(leaks.items())}


def unlabelled_mentions(records: Sequence[Record], finder: MentionFinder) -> list[str]:
    """Countries the mention finder sees in a sentence that has no label for them: either a
    missing label or a false hit of the finder, worth a look either way."""
    out = []
    for record in records:
        seen = {m.country: m.text for m in finder.find(record.data["text"])}
        for country, surface in seen.items():
            if country not in record.data["labels"]:
                out.append(f"{_where(record)}: {surface!r} ({country}) has no label")
    return out


def check_targets(total: Stats) -> list[tuple[str, bool, str]]:
    d = total.as_dict()
    lo, hi = TARGETS["label_share"][0]
    results = [
        (TARGETS["sentences"][1], d["sentences"] >= TARGETS["sentences"][0], str(d["sentences"])),
        (TARGETS["pairs"][1], d["pairs"] >= TARGETS["pairs"][0], str(d["pairs"])),
        (TARGETS["topics"][1], len(d["topics"]) >= TARGETS["topics"][0], str(len(d["topics"]))),
        (TARGETS["countries"][1], len(d["countries"]) >= TARGETS["countries"][0], str(len(d["countries"]))),
    ]
    for label in STANCES:
        share = d["labels"].get(label, {"share": 0.0})["share"]
        results.append((f"{label}: {TARGETS['label_share'][1]}", lo <= share <= hi, f"{share:.1%}"))
    for key in ("multi_country", "mixed_stance"):
        results.append((TARGETS[key][1], d[key]["share"] >= TARGETS[key][0], f"{d[key]['share']:.1%}"))
    for form in FORMS:
        share = d["forms"][form]["share"]
        results.append((f"form {form}: {TARGETS['form_share'][1]}", share >= TARGETS["form_share"][0], f"{share:.1%}"))
    for case in HARD_CASES:
        results.append((f"case {case}: {TARGETS['hard_cases'][1]}", d["cases"][case] >= TARGETS["hard_cases"][0], str(d["cases"][case])))
    development = d["development"]["share"]
    results.append((TARGETS["development"][1], development >= TARGETS["development"][0], f"{development:.1%}"))
    for register in REGISTERS:
        share = d["registers"][register]["share"]
        results.append((f"register {register}: {TARGETS['register_share'][1]}", share >= TARGETS["register_share"][0], f"{share:.1%}"))
    return results


def held_out_targets(per_file: dict[str, Stats], held_out: Sequence[str]) -> list[tuple[str, bool, str]]:
    """Each held-out file (dev, test) is large and broad enough to measure generalisation."""
    results = []
    for path in held_out:
        stats = per_file[path]
        topics = len(stats.topics)
        results.append((f"{path}: {TARGETS['held_out_topics'][1]}", topics >= TARGETS["held_out_topics"][0], str(topics)))
        results.append((f"{path}: {TARGETS['held_out_pairs'][1]}", stats.pairs >= TARGETS["held_out_pairs"][0], str(stats.pairs)))
    return results


def pool_targets(pool: PoolStats) -> list[tuple[str, bool, str]]:
    return [
        (TARGETS["pool_sentences"][1], pool.sentences >= TARGETS["pool_sentences"][0], str(pool.sentences)),
        (TARGETS["pool_topics"][1], len(pool.topics) >= TARGETS["pool_topics"][0], str(len(pool.topics))),
    ]


def format_report(report: Report, show: int = 20) -> str:
    lines = []
    for path, stats in list(report.per_file.items()) + [("ALL", report.total)]:
        d = stats.as_dict()
        lines.append(f"== {path}: {d['sentences']} sentences, {d['pairs']} pairs, {len(d['topics'])} topics, {len(d['countries'])} countries")
        lines.append("   labels: " + ", ".join(f"{k} {v['n']} ({v['share']:.1%})" for k, v in d["labels"].items()))
        lines.append(f"   2+ countries: {d['multi_country']['share']:.1%} of sentences; different stances: {d['mixed_stance']['share']:.1%}")
        lines.append("   mention forms (share of pairs): " + ", ".join(f"{k} {v['share']:.1%}" for k, v in d["forms"].items()))
        lines.append("   hard cases: " + ", ".join(f"{k} {v}" for k, v in d["cases"].items()))
        lines.append(f"   development named: {d['development']['share']:.1%} of sentences; registers (of {d['with_register']:,} "
                     "that record one): " + ", ".join(f"{k} {v['share']:.1%}" for k, v in d["registers"].items()))
    if report.pool is not None:
        p = report.pool.as_dict()
        lines.append(f"== unlabelled pool: {p['sentences']:,} sentences, {len(p['topics'])} topics; registers: "
                     + ", ".join(f"{k} {v['share']:.1%}" for k, v in p["registers"].items()))
    sections = [
        ("invalid lines", [str(p) for p in report.problems]),
        ("duplicate sentences", [f"{a} = {b}" for a, b in report.duplicates]),
        ("near-duplicates (Jaccard >= 0.8)", [f"{a} ~ {b} ({j})" for a, b, j in report.near_duplicates]),
        ("topics in more than one file (or in the pool and a held-out file)", [f"{t}: {', '.join(f)}" for t, f in report.topic_leaks.items()]),
        ("mentions without a label (check them)", report.unlabelled_mentions),
    ]
    for title, items in sections:
        lines.append(f"-- {title}: {len(items)}")
        lines += [f"   {item}" for item in items[:show]] + ([f"   ... {len(items) - show} more"] if len(items) > show else [])
    if report.target_results:
        lines.append("-- corpus targets")
        lines += [f"   [{'ok' if ok else 'MISS'}] {name}: {value}" for name, ok, value in report.target_results]
    lines.append("OK" if report.ok else "FAILED")
    return "\n".join(lines)


def format_markdown(report: Report) -> str:
    """The datasheet's tables: sizes, labels, difficulty, mention forms and hard cases per file."""
    columns = list(report.per_file.items()) + [("all", report.total)]
    names = [Path(path).stem if path != "all" else "all" for path, _ in columns]
    stats = [s.as_dict() for _, s in columns]
    pct = lambda part: f"{part['n']:,} ({part['share']:.1%})"  # noqa: E731
    lines = ["| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    lines.append("| sentences | " + " | ".join(f"{d['sentences']:,}" for d in stats) + " |")
    lines.append("| pairs | " + " | ".join(f"{d['pairs']:,}" for d in stats) + " |")
    lines.append("| topics | " + " | ".join(str(len(d["topics"])) for d in stats) + " |")
    lines.append("| countries | " + " | ".join(str(len(d["countries"])) for d in stats) + " |")
    for label in STANCES:
        lines.append(f"| {label} | " + " | ".join(pct(d["labels"].get(label, {"n": 0, "share": 0.0})) for d in stats) + " |")
    lines.append("| sentences with 2+ countries | " + " | ".join(pct(d["multi_country"]) for d in stats) + " |")
    lines.append("| ... with different stances | " + " | ".join(pct(d["mixed_stance"]) for d in stats) + " |")
    for form in FORMS:
        lines.append(f"| form: {form} | " + " | ".join(pct(d["forms"][form]) for d in stats) + " |")
    for case in HARD_CASES:
        lines.append(f"| case: {case} | " + " | ".join(f"{d['cases'][case]:,}" for d in stats) + " |")
    lines.append("| development named | " + " | ".join(pct(d["development"]) for d in stats) + " |")
    lines.append("| sentences recording a register | " + " | ".join(f"{d['with_register']:,}" for d in stats) + " |")
    for register in REGISTERS:
        lines.append(f"| register: {register} | " + " | ".join(pct(d["registers"][register]) for d in stats) + " |")
    return "\n".join(lines)
