import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from classifier.errors import ConfigError
from tests_support import write_retrain_config

from stance_cli import main
from training.retrain_job import main as retrain_job_main
from classifier.config import RetrainConfig, RunConfig
from training.data import LabelSpace
from training.jobs import Jobs, JobSpec
from training.label_store import LabelStore
from training.registry import CURRENT_FILE, HISTORY_FILE, Registry
from training.retrain import decide, run_job, write_training_file
from training.train import is_current

SPACE = LabelSpace(("supportive", "concerned", "silent"))
STORED = {"text": "Canada welcomed the accord at once.", "labels": {"Canada": "supportive"}}
# A candidate would have to gain more than the whole F1 range: every candidate is rejected.
IMPOSSIBLE_MARGINS = {"max_macro_f1_drop": -1.5, "max_label_f1_drop": -1.5}


def metrics(macro_f1, **label_f1):
    return {"macro_f1": macro_f1, "per_label": {label: {"f1": f1} for label, f1 in label_f1.items()}}


# -- the retrain section of the run config --------------------------------------------------------
def test_a_config_without_a_retrain_section_gets_the_defaults():
    data = Path(__file__).resolve().parents[2] / "data"
    assert RunConfig.from_yaml("configs/default.yaml").retrain == RetrainConfig(
        label_repeats=1, max_macro_f1_drop=0.005, max_label_f1_drop=0.02,
        eval_files=[str(data / "dev.jsonl"), str(data / "test.jsonl")],
    )


def test_the_retrain_section_does_not_make_a_checkpoint_stale(tiny_checkpoint, tiny_config):
    assert is_current(tiny_checkpoint, tiny_config.model_copy(update={"retrain": RetrainConfig(label_repeats=5)}))


# -- the promotion test ---------------------------------------------------------------------------
def test_a_candidate_within_the_margins_is_promoted():
    decision = decide(metrics(0.797, a=0.79), metrics(0.80, a=0.80), RetrainConfig())
    assert decision.promote and decision.reasons == []


def test_a_macro_f1_drop_beyond_the_margin_rejects_the_candidate_saying_why():
    decision = decide(metrics(0.79, a=0.80), metrics(0.80, a=0.80), RetrainConfig())
    assert not decision.promote and decision.reasons == [
        "macro-F1 on the evaluation set went from 0.8000 to 0.7900 (-0.0100); the least allowed change is -0.0050"
    ]


def test_one_labels_f1_dropping_beyond_its_margin_rejects_the_candidate():
    decision = decide(metrics(0.80, a=0.95, b=0.70), metrics(0.80, a=0.85, b=0.75), RetrainConfig())
    assert decision.reasons == [
        "F1 of 'b' on the evaluation set went from 0.7500 to 0.7000 (-0.0500); the least allowed change is -0.0200"
    ]


def test_a_negative_margin_demands_an_improvement():
    decision = decide(metrics(0.81, a=0.9), metrics(0.80, a=0.9), RetrainConfig(max_macro_f1_drop=-0.02))
    assert not decision.promote and "the least allowed change is +0.0200" in decision.reasons[0]


# -- the training file ----------------------------------------------------------------------------
@pytest.fixture
def store(tmp_path):
    return LabelStore.in_state_dir(tmp_path / "state")


def test_stored_examples_are_added_label_repeats_times(tiny_config, tiny_data, store, tmp_path):
    store.add([STORED], SPACE, source="api")
    config = tiny_config.model_copy(update={"retrain": RetrainConfig(label_repeats=3, eval_files=[str(tiny_data["dev"])])})
    lines = [json.loads(line) for line in write_training_file(config, store, tmp_path).read_text().splitlines()]
    shipped = [json.loads(line) for line in tiny_data["train"].read_text().splitlines()]
    assert lines == shipped + [STORED] * 3


def test_stored_examples_whose_sentence_is_in_the_evaluation_files_are_left_out(tiny_config, tiny_data, store, tmp_path):
    dev_sentence = json.loads(tiny_data["dev"].read_text().splitlines()[0])
    store.add([STORED, {**dev_sentence, "labels": {"Italy": "silent"}}], SPACE, source="api")
    config = tiny_config.model_copy(update={"retrain": RetrainConfig(eval_files=[str(tiny_data["dev"])])})
    lines = write_training_file(config, store, tmp_path).read_text().splitlines()
    assert json.loads(lines[-1]) == STORED and dev_sentence["text"] not in "".join(lines)


def test_a_stored_sentence_differing_from_an_evaluation_sentence_only_in_punctuation_is_left_out(
    tiny_config, tiny_data, store, tmp_path
):
    dev_sentence = json.loads(tiny_data["dev"].read_text().splitlines()[0])
    variant = "“" + dev_sentence["text"].rstrip(".").replace(",", " ;").upper().lower() + "!”"
    store.add([STORED, {**dev_sentence, "text": variant, "labels": {"Italy": "silent"}}], SPACE, source="api")
    config = tiny_config.model_copy(update={"retrain": RetrainConfig(eval_files=[str(tiny_data["dev"])])})
    lines = [json.loads(line) for line in write_training_file(config, store, tmp_path).read_text().splitlines()]
    assert lines[-1] == STORED and all(line["text"] != variant for line in lines)


# -- a job from start to end ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(tiny_checkpoint, tiny_config, tiny_data, tmp_path_factory):
    """State, checkpoints and the environment the `stance` commands read, labels stored."""
    root = tmp_path_factory.mktemp("retrain")
    env = {
        "STANCE_STATE_DIR": str(root / "state"),
        "STANCE_CHECKPOINTS_DIR": str(root / "checkpoints"),
        "STANCE_CHECKPOINT": str(tiny_checkpoint),
    }
    LabelStore.in_state_dir(root / "state").add([STORED], SPACE, source="api")
    config = write_retrain_config(root / "retrain.yaml", tiny_config, tiny_data["dev"], **IMPOSSIBLE_MARGINS)
    return SimpleNamespace(root=root, env=env, config=config, registry=Registry(root / "checkpoints"), jobs=Jobs(root / "state"))


def retrain(world, *args):
    """`stance retrain` in the foreground: its exit code and the job it ran (the newest)."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in world.env.items():
            patch.setenv(key, value)
        code = main(["retrain", "--config", str(world.config), *args])
    return code, world.jobs.get(max(p.name for p in world.jobs.directory.iterdir()))


@pytest.fixture(scope="module")
def rejected(world):
    return retrain(world)


@pytest.fixture(scope="module")
def forced(world, rejected):
    return retrain(world, "--force")


def test_a_candidate_that_fails_the_test_is_kept_but_not_served(world, rejected):
    code, job = rejected
    record = job.record()
    assert code == 1 and record["state"] == "rejected"
    assert not (world.registry.directory / CURRENT_FILE).exists()
    assert world.registry.serving_dir(world.env["STANCE_CHECKPOINT"]) == Path(world.env["STANCE_CHECKPOINT"])  # after a restart too
    assert [(v["version"], v["status"]) for v in world.registry.describe()] == [(record["version"], "rejected")]


def test_the_job_says_why_it_rejected_the_candidate(rejected):
    decision = rejected[1].record()["decision"]
    assert decision["promoted"] is False and decision["forced"] is False
    assert decision["reasons"][0].startswith("macro-F1 on the evaluation set went from")
    assert decision["reasons"][0].endswith("the least allowed change is +1.5000")


def test_the_comparison_is_written_to_the_job_and_to_the_version(world, rejected):
    job = rejected[1]
    in_job = json.loads((job.dir / "comparison.json").read_text())
    in_version = json.loads((world.registry.version_dir(job.record()["version"]) / "comparison.json").read_text())
    assert in_job == in_version and in_job["comparison"]["n"] == 3
    assert {"macro_f1", "per_label"} <= set(in_job["candidate"]) and in_job["serving"]["version"] == in_job["comparison"]["b"]["name"].split()[-1]


def test_the_job_trains_on_the_shipped_file_plus_the_stored_labels(rejected, tiny_data):
    job = rejected[1]
    assert [json.loads(line) for line in (job.dir / "labels.jsonl").read_text().splitlines()] == [STORED]
    assert (job.dir / "train.jsonl").read_text() == tiny_data["train"].read_text() + json.dumps(STORED) + "\n"


def test_the_job_reports_its_progress_and_keeps_a_log(rejected):
    job = rejected[1]
    progress = job.progress()
    assert progress["phase"] == "done" and progress["epoch"] == 1 and progress["step"] == progress["steps"]
    assert 0 <= progress["dev_macro_f1"] <= 1
    assert any("kept" in line and "did not promote" in line for line in job.log_tail())


def test_force_promotes_a_failing_candidate_and_logs_that_it_was_forced(world, forced):
    code, job = forced
    record = job.record()
    assert code == 0 and record["state"] == "succeeded" and record["decision"]["forced"] is True
    assert world.registry.current() == record["version"]
    last = json.loads((world.registry.directory / HISTORY_FILE).read_text().splitlines()[-1])
    assert last["forced"] is True and last["job"] == job.id
    assert any("although it fails the promotion test (forced)" in line for line in job.log_tail())


def test_a_job_that_fails_is_recorded_as_failed_and_changes_nothing(world, forced, tmp_path):
    current = world.registry.current()
    spec = JobSpec(config=str(tmp_path / "missing.yaml"), state_dir=str(world.root / "state"),
                   checkpoints_dir=str(world.registry.directory), fallback_checkpoint=world.env["STANCE_CHECKPOINT"])
    job = world.jobs.create(spec)
    with pytest.raises(ConfigError, match="cannot read config"):
        run_job(job, world.jobs)
    assert job.record()["state"] == "failed" and job.record()["error"].startswith("cannot read config")
    assert world.registry.current() == current and LabelStore.in_state_dir(world.root / "state").count() == 1


def test_a_job_cannot_start_while_another_runs(world, capsys):
    spec = JobSpec(config=str(world.config), state_dir=str(world.root / "state"),
                   checkpoints_dir=str(world.registry.directory), fallback_checkpoint=world.env["STANCE_CHECKPOINT"])
    holder = world.jobs.create(spec)
    with world.jobs.running(holder):
        waiting = world.jobs.create(spec)
        assert retrain_job_main([str(waiting.dir)]) == 1
    assert re.search(rf"a retraining job is already running \({holder.id}\)", capsys.readouterr().err)
    assert waiting.record()["state"] == "failed"
