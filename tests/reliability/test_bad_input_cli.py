"""Malformed files given to `stance data check`, `stance labels add` and `stance train`: a
clear message naming the file and the line, a non-zero exit, and nothing written (no checkpoint
directory, the label store unchanged)."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests_support import FUZZ, JAPAN, make_world

from stance_cli import main
from training.data import LabelSpace

GOOD = [json.dumps(JAPAN), json.dumps({"text": "China warned against the accord.", "labels": {"China": "concerned"}})]
# Each kind of damage, as the bytes of one line.
BAD = {
    "invalid JSON": b"{this is not json}",
    "not an object": b"[1, 2, 3]",
    "wrong type": json.dumps({"text": 5, "labels": {"Peru": "silent"}}).encode(),
    "labels not an object": json.dumps({"text": "Peru agreed.", "labels": ["Peru", "silent"]}).encode(),
    "unknown label": json.dumps({"text": "Peru agreed.", "labels": {"Peru": "meh"}}).encode(),
    "unknown country": json.dumps({"text": "Narnia agreed.", "labels": {"Narnia": "silent"}}).encode(),
    "span out of range": json.dumps({"text": "Peru agreed.", "target": "Peru", "label": "silent", "span": [50, 60]}).encode(),
    "invalid UTF-8": b'{"text": "caf\xe9 in Peru", "labels": {"Peru": "silent"}}',
    "lone surrogate": b'{"text": "\\ud800 Peru agreed.", "labels": {"Peru": "silent"}}',
    "empty text": json.dumps({"text": "  ", "labels": {"Peru": "silent"}}).encode(),
    "text too long": json.dumps({"text": "Peru agreed. " * 500, "labels": {"Peru": "silent"}}).encode(),
}
HALF_WRITTEN = GOOD[1][: len(GOOD[1]) // 2].encode()  # a crash mid-write: no closing brace, no newline


@pytest.fixture(scope="module")
def cli_world(tiny_checkpoint, tiny_config, tiny_data, tmp_path_factory, reliability_record):
    """A state directory with one stored label, the environment the commands read, and a tally
    of the files tried."""
    world = make_world(tmp_path_factory.mktemp("cli"), tiny_checkpoint, tiny_config, tiny_data)
    world.labels.add([JAPAN], LabelSpace(tuple(tiny_config.labels)), source="api")
    world.tally = Counter()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STANCE_STATE_DIR", world.settings.state_dir)
        patch.setenv("STANCE_RETRAIN_CONFIG", str(world.config))
        yield world
    for command in sorted(k for k in world.tally if isinstance(k, str)):
        reliability_record.add("bad_input", surface="CLI", kind=f"stance {command} on malformed files",
                               cases=world.tally[command], failures=world.tally[FAILED, command])


def run(world, command: str, path, capsys) -> tuple[int, str]:
    args = {
        "data check": ["data", "check", str(path)],
        "labels add": ["labels", "add", str(path)],
        "train": ["train", "--config", str(world.config), "--train", str(path), "--output", str(world.root / "never-written")],
    }[command]
    code = main(args)
    out = capsys.readouterr()
    world.tally[command] += 1
    return code, out.out + out.err


def assert_refused_naming(world, command: str, code: int, output: str, path, line: int) -> None:
    named = re.search(rf"{re.escape(str(path))}:{line}: \S", output)
    untouched = not (world.root / "never-written").exists() and world.labels.examples() == [JAPAN]
    world.tally[FAILED, command] += not (code != 0 and named and untouched)
    assert code != 0 and named, output[-1000:]
    assert untouched


COMMANDS = ["data check", "labels add", "train"]
FAILED = "failed"  # (FAILED, command) in the tally counts the files a command did not refuse as it should


@FUZZ
@given(command=st.sampled_from(COMMANDS), damage=st.sampled_from(sorted(BAD)),
       before=st.lists(st.sampled_from(GOOD), max_size=3), after=st.lists(st.sampled_from(GOOD), max_size=3))
def test_a_file_with_one_bad_line_anywhere_is_refused_naming_file_and_line_and_nothing_is_written(cli_world, tmp_path_factory, capsys, command, damage, before, after):
    path = tmp_path_factory.mktemp("bad") / "data.jsonl"
    path.write_bytes(b"".join(line.encode() + b"\n" for line in before) + BAD[damage] + b"\n" + b"".join(line.encode() + b"\n" for line in after))
    code, output = run(cli_world, command, path, capsys)
    assert_refused_naming(cli_world, command, code, output, path, len(before) + 1)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_half_written_last_line_is_refused_naming_its_line(cli_world, tmp_path, capsys, command):
    path = tmp_path / "data.jsonl"
    path.write_bytes("".join(line + "\n" for line in GOOD).encode() + HALF_WRITTEN)
    code, output = run(cli_world, command, path, capsys)
    assert_refused_naming(cli_world, command, code, output, path, 3)
    assert "invalid JSON" in output


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("content", [b"", b"\n\n  \n"], ids=["empty", "blank lines"])
def test_an_empty_file_is_refused_as_having_no_labelled_lines(cli_world, tmp_path, capsys, command, content):
    path = tmp_path / "data.jsonl"
    path.write_bytes(content)
    code, output = run(cli_world, command, path, capsys)
    assert_refused_naming(cli_world, command, code, output, path, 0)
    assert "no labelled lines" in output
