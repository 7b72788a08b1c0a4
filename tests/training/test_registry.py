import json
import re

import pytest
from tests_support import add_version

from stance_cli import main
from training.registry import CURRENT_FILE, HISTORY_FILE, NothingToRollBack, Registry, RegistryError

V1, V2, V3 = "20260101T000000000001Z", "20260102T000000000002Z", "20260103T000000000003Z"


@pytest.fixture
def registry(tmp_path, tiny_checkpoint):
    directory = tmp_path / "checkpoints"
    directory.mkdir()
    for version in (V1, V2, V3):
        add_version(directory, tiny_checkpoint, version)
    return Registry(directory)


def test_without_current_the_configured_checkpoint_is_served(registry):
    assert registry.current() is None and registry.serving_dir("checkpoints/default").as_posix() == "checkpoints/default"


def test_promote_points_current_at_the_version(registry):
    assert registry.promote(V1) is None
    assert (registry.directory / CURRENT_FILE).read_text() == f"{V1}\n"
    assert registry.current() == V1 and registry.serving_dir("unused") == registry.directory / V1


def test_every_promotion_is_appended_to_the_history(registry):
    registry.promote(V1)
    assert registry.promote(V2, forced=True, job="j") == V1
    entries = [json.loads(line) for line in (registry.directory / HISTORY_FILE).read_text().splitlines()]
    assert [(e["event"], e["version"], e["previous"]) for e in entries] == [("promote", V1, None), ("promote", V2, V1)]
    assert entries[1]["forced"] is True and entries[1]["job"] == "j" and entries[1]["at"]


def test_the_pointer_is_replaced_without_leaving_temporary_files(registry):
    registry.promote(V1)
    registry.promote(V2)
    assert sorted(p.name for p in registry.directory.iterdir() if p.is_file()) == [".registry.lock", CURRENT_FILE, HISTORY_FILE]


def test_the_pointer_signature_changes_with_every_move(registry):
    signatures = [registry.pointer_signature()]
    for move in (lambda: registry.promote(V1), lambda: registry.promote(V2), registry.rollback, registry.rollback):
        move()
        signatures.append(registry.pointer_signature())
    assert signatures[0] is None and signatures[-1] is None and len(set(signatures[1:4])) == 3


def test_rollback_returns_to_the_previous_version(registry):
    registry.promote(V1)
    registry.promote(V2)
    assert registry.rollback() == (V1, V2) and registry.current() == V1


def test_rolling_back_twice_goes_back_two_versions(registry):
    for version in (V1, V2, V3):
        registry.promote(version)
    registry.rollback()
    assert registry.rollback() == (V1, V2) and registry.current() == V1


def test_rolling_back_the_first_promotion_serves_the_configured_checkpoint_again(registry):
    registry.promote(V1)
    assert registry.rollback() == (None, V1)
    assert not (registry.directory / CURRENT_FILE).exists() and registry.current() is None


def test_with_nothing_promoted_there_is_nothing_to_roll_back(registry):
    with pytest.raises(NothingToRollBack, match=re.escape("nothing to roll back: no version has been promoted")):
        registry.rollback()


@pytest.mark.parametrize("name", ["../default", "20260101T000000000001Z/..", "default", ""])
def test_a_name_that_is_not_a_version_is_refused(registry, name):
    with pytest.raises(RegistryError, match=re.escape(f"{name!r} is not a version name (expected e.g. 20260102T030405123456Z)")):
        registry.version_dir(name)


def test_a_current_that_names_no_checkpoint_is_an_error(registry):
    (registry.directory / CURRENT_FILE).write_text("20990101T000000000000Z\n")
    with pytest.raises(RegistryError, match=re.escape("names 20990101T000000000000Z, which is not a checkpoint in")):
        registry.current()


def test_versions_are_listed_newest_first_with_their_status(registry):
    registry.record_decision(V3, {"promoted": False, "reasons": ["worse"]})
    registry.promote(V1)
    registry.promote(V2)
    registry.rollback()
    listed = registry.describe()
    assert [(v["version"], v["status"]) for v in listed] == [(V3, "rejected"), (V2, "promoted"), (V1, "current")]
    assert listed[0]["decision"] == {"promoted": False, "reasons": ["worse"]} and listed[2]["dev_macro_f1"] is not None


def test_a_version_without_a_verdict_is_a_candidate(registry):
    assert {v["status"] for v in registry.describe()} == {"candidate"}


def test_a_checkpoint_is_adopted_under_its_own_version(registry, tiny_checkpoint):
    import shutil

    incoming = registry.directory / ".incoming-job"
    shutil.copytree(tiny_checkpoint, incoming)
    version = registry.adopt(incoming)
    assert version == json.loads((tiny_checkpoint / "stance.json").read_text())["version"]
    assert version in registry.versions() and not incoming.exists()


def test_stance_rollback_says_what_is_served_now(registry, monkeypatch, capsys):
    monkeypatch.setenv("STANCE_CHECKPOINTS_DIR", str(registry.directory))
    registry.promote(V1)
    registry.promote(V2)
    assert main(["rollback"]) == 0
    assert f"rolled back from {V2}; now serving {V1}" in capsys.readouterr().out and registry.current() == V1


def test_stance_rollback_with_nothing_promoted_fails_saying_so(registry, monkeypatch, capsys):
    monkeypatch.setenv("STANCE_CHECKPOINTS_DIR", str(registry.directory))
    assert main(["rollback"]) == 1
    assert "error: nothing to roll back: no version has been promoted" in capsys.readouterr().err
