"""Build the unlabelled pool, data/unlabelled/<writer>.jsonl, from the pool writers' text files.
Run from the repository root:

    python3 data/writing/build_pool.py [--check] [--pool data/writing/pool] [--out data/unlabelled]

Each writer writes one plain-text file per topic, data/writing/pool/<writer>/<topic>.txt, one
sentence a line as `<register>|<development, or = for the topic's main development>|<sentence>`
(data/WRITING_BRIEF.md). Plain text, because the pool is 20,000 sentences and JSON escaping by
hand is where writers make mistakes. This script turns those lines into JSON Lines with ids in
file order, `{"id", "topic", "development", "register", "text"}`.

It refuses (and writes nothing) on a file of a topic that is not the writer's in
data/writing/topics-pool.tsv, an unknown register, an empty sentence, a long line outside 45-80 words, a headline over 20 words
or a development that is not
a 2-14 word phrase; it reports every such line as file:line. `--check` only reports, with each
writer's counts. Near-duplicates and topic leaks are `stance data check`'s job.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

REGISTERS = ("wire", "analysis", "briefing", "state_media", "statement", "headline", "long", "nested_quote")


def parse_line(line: str, main_development: str) -> tuple[dict | None, str | None]:
    """One pool line as (row without id, None), or (None, the reason it is refused)."""
    parts = line.split("|", 2)
    if len(parts) != 3:
        return None, "expected <register>|<development or =>|<sentence>"
    register, development, text = (part.strip() for part in parts)
    if register not in REGISTERS:
        return None, f"register {register!r} is not one of {', '.join(REGISTERS)}"
    if not text:
        return None, "empty sentence"
    words = len(text.split())
    if register == "long" and not 45 <= words <= 80:
        return None, f"a long sentence has 45-80 words, this one {words}"
    if register == "headline" and words > 20:
        return None, f"a headline has at most 20 words, this one {words}"
    development = main_development if development == "=" else development
    if not 2 <= len(development.split()) <= 14:
        return None, f"development {development!r} is not a 2-14 word phrase"
    return {"development": development, "register": register, "text": text}, None


def build(pool_dir: Path, topics_file: Path) -> tuple[dict[str, list[dict]], list[str]]:
    """Every writer's rows, in file order, and the problems found (file:line reason)."""
    with open(topics_file, encoding="utf-8") as fh:
        plan = {(row["writer"], row["topic"]): row["main development"] for row in csv.DictReader(fh, delimiter="\t")}
    rows: dict[str, list[dict]] = {}
    serials: Counter = Counter()
    problems: list[str] = []
    for path in sorted(pool_dir.glob("*/*.txt")):
        writer, topic = path.parent.name, path.stem
        if (writer, topic) not in plan:
            problems.append(f"{path}: topic {topic!r} is not {writer}'s in {topics_file}")
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row, reason = parse_line(line, plan[(writer, topic)])
            if reason:
                problems.append(f"{path}:{number}: {reason}")
                continue
            serials[writer, topic] += 1
            row_id = f"{writer}-{topic}-{serials[writer, topic]:05d}"
            rows.setdefault(writer, []).append({"id": row_id, "topic": topic, **row})
    return rows, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", default="data/writing/pool", help="folder of <writer>/<topic>.txt files")
    parser.add_argument("--topics", default="data/writing/topics-pool.tsv", help="each pool writer's topics")
    parser.add_argument("--out", default="data/unlabelled", help="folder for <writer>.jsonl")
    parser.add_argument("--check", action="store_true", help="report problems and counts, write nothing")
    args = parser.parse_args()

    rows, problems = build(Path(args.pool), Path(args.topics))
    for problem in problems:
        print("ERROR", problem)
    for writer, mine in sorted(rows.items()):
        topics = Counter(r["topic"] for r in mine)
        registers = Counter(r["register"] for r in mine)
        shares = ", ".join(f"{k} {100 * registers[k] / len(mine):.0f}%" for k in REGISTERS)
        print(f"{writer}: {len(mine)} sentences, {len(topics)} topics; {shares}")
    if problems:
        sys.exit(f"{len(problems)} problems; nothing written")
    if args.check:
        return
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for writer, mine in rows.items():
        target = out / f"{writer}.jsonl"
        tmp = target.with_suffix(".jsonl.tmp")
        tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in mine), encoding="utf-8")
        tmp.replace(target)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
