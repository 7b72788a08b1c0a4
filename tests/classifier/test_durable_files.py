import os
import stat

from classifier.durable_files import write_atomically


def test_an_atomically_written_file_holds_the_text(tmp_path):
    path = write_atomically(tmp_path / "out.jsonl", "a\nb\n")
    assert path.read_text(encoding="utf-8") == "a\nb\n"


def test_an_atomically_written_file_gets_the_mode_a_plain_open_would(tmp_path):
    mask = os.umask(0o022)
    try:
        path = write_atomically(tmp_path / "out.jsonl", "x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
