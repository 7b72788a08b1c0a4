"""Merge the wave-2 writing into the corpus: how data/{train,dev,test}.jsonl were built from the
writers' files. Run from the repository root:

    python3 data/writing/merge.py [--annotations data/writing/wave1-annotations.jsonl] [--wave2 data/writing/wave2]

- wave-1 lines keep their split, their place and every field; each gains the `development` the
  annotator named for it (data/writing/wave1-annotations.jsonl). Their register was not recorded
  when they were written, and is left out (the register shares are those of wave 2).
- wave-2 lines (data/writing/wave2/h*.jsonl) go to the split of their topic
  (data/writing/topics-wave2.tsv), with `source: written/<writer>`, after the wave-1 lines.
- corrections (data/writing/corrections-wave2.jsonl, one per line: `{"id", "country", "label",
  "mention": {surface: form}, "cases"?, "why"}`) are applied to the wave-2 lines after they are
  read: a country the writer left out is added (or a label changed) with its mention and cases.
  They come from checking the merged corpus (`stance data check` lists countries the mention
  finder sees without a label) and from the blind review; `why` says the reason for each.
It refuses a correction of an id that no wave-2 line has, a topic that has no split, an id seen
twice, or a wave-1 line without a development.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

SPLITS = ("train", "dev", "test")
FIELD_ORDER = ("id", "topic", "development", "register", "source", "text", "labels", "mentions", "cases")


def ordered(row: dict) -> dict:
    return {k: row[k] for k in FIELD_ORDER if k in row} | {k: v for k, v in row.items() if k not in FIELD_ORDER}


def with_development(row: dict, development: str) -> dict:
    """The wave-1 line with `development` after its topic, every other field as it was."""
    out = {}
    for key, value in row.items():
        if key != "development":
            out[key] = value
        if key == "topic":
            out["development"] = development
    return out


def apply_correction(row: dict, fix: dict) -> None:
    """The line with `fix`'s country labelled, its mention and cases recorded."""
    row["labels"][fix["country"]] = fix["label"]
    row.setdefault("mentions", {}).setdefault(fix["country"], {}).update(fix["mention"])
    if fix.get("cases"):
        row.setdefault("cases", {})[fix["country"]] = fix["cases"]
    elif fix["country"] in row.get("cases", {}):
        del row["cases"][fix["country"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", default="data/writing/wave1-annotations.jsonl")
    parser.add_argument("--wave2", default="data/writing/wave2")
    parser.add_argument("--topics", default="data/writing/topics-wave2.tsv")
    parser.add_argument("--data", default="data")
    parser.add_argument("--corrections", default="data/writing/corrections-wave2.jsonl")
    args = parser.parse_args()

    developments = {}
    for line in Path(args.annotations).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            developments[row["id"]] = row["development"]
    with open(args.topics, encoding="utf-8") as fh:
        split_of = {row["topic"]: row["split"] for row in csv.DictReader(fh, delimiter="\t")}

    corrections: dict[str, list[dict]] = {}
    if Path(args.corrections).exists():
        for line in Path(args.corrections).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                corrections.setdefault(row["id"], []).append(row)
    data = Path(args.data)
    wave2_files = sorted(Path(args.wave2).glob("h*.jsonl"))
    wave2_writers = {path.stem for path in wave2_files}
    out: dict[str, list[dict]] = {}
    seen: set[str] = set()
    for split in SPLITS:
        rows = []
        for line in (data / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["id"] not in developments and row.get("source", "").removeprefix("written/") in wave2_writers:
                continue  # a wave-2 line from an earlier merge: merged again below
            if row["id"] not in developments:
                raise SystemExit(f"wave-1 line {row['id']} has no development in {args.annotations}")
            rows.append(with_development(row, developments[row["id"]]))
            seen.add(row["id"])
        out[split] = rows
    for path in wave2_files:
        writer = path.stem
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row["topic"] not in split_of:
                raise SystemExit(f"{path}:{number}: topic {row['topic']!r} has no split in {args.topics}")
            if row["id"] in seen:
                raise SystemExit(f"{path}:{number}: id {row['id']} seen twice")
            seen.add(row["id"])
            row["source"] = f"written/{writer}"
            for fix in corrections.pop(row["id"], []):
                apply_correction(row, fix)
            out[split_of[row["topic"]]].append(ordered(row))
    if corrections:
        raise SystemExit(f"{args.corrections}: corrections of ids no wave-2 line has: {', '.join(sorted(corrections))}")
    for split, rows in out.items():
        (data / f"{split}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{split}: {len(rows)} lines")


if __name__ == "__main__":
    main()
