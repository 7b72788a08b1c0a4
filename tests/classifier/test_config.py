from pathlib import Path
import re

import pytest

from classifier.errors import ConfigError
from classifier.config import PINNED_BASE_SHA256, RunConfig
from classifier.packaged_bases import PACKAGED_BASES


def test_defaults_pin_the_packaged_base_and_three_labels():
    config = RunConfig()
    assert config.model.base == "all-mpnet-base-v2" and config.model.base_sha256 is None
    assert PACKAGED_BASES[config.model.base].weights_sha256 == PINNED_BASE_SHA256
    assert config.labels == ["supportive", "concerned", "silent"]


def test_dotted_overrides_are_parsed_as_yaml(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("training:\n  epochs: 6\n")
    config = RunConfig.from_yaml(path, {"training.epochs": "3", "data.train": "x.jsonl"})
    assert config.training.epochs == 3 and config.data.train == "x.jsonl"


def test_an_invalid_value_is_quoted_with_its_key(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("training:\n  epochs: 0\n")
    with pytest.raises(ConfigError, match=re.escape("training.epochs: Input should be greater than or equal to 1 (got 0)")):
        RunConfig.from_yaml(path)


def test_an_unknown_key_is_refused():
    with pytest.raises(ConfigError, match="training.epoch"):
        RunConfig.from_dict({"training": {"epoch": 3}})


def test_fewer_than_two_labels_are_refused():
    with pytest.raises(ConfigError, match=re.escape("labels must be the three stances ['supportive', 'concerned', 'silent'] in some order, but it was: ['x']")):
        RunConfig.from_dict({"labels": ["x"]})


def test_the_shipped_default_config_is_valid():
    config = RunConfig.from_yaml(DEFAULT_YAML)
    data = DEFAULT_YAML.parents[1] / "data"
    assert config.data.train == str(data / "train.jsonl") and config.data.dev == str(data / "dev.jsonl")


def test_the_shared_encoding_needs_the_target_head():
    with pytest.raises(ConfigError, match="needs head 'target'"):
        RunConfig.from_dict({"model": {"target_encoding": "shared", "head": "cls"}})


DEFAULT_YAML = Path(__file__).resolve().parents[2] / "configs" / "default.yaml"


def test_the_shipped_default_yaml_holds_the_package_defaults_plus_the_data_paths():
    shipped = RunConfig.from_yaml(DEFAULT_YAML).model_dump()
    defaults = RunConfig().model_dump()
    for dumped in (shipped, defaults):
        dumped["data"].pop("train"), dumped["data"].pop("dev"), dumped["retrain"].pop("eval_files")
    assert shipped == defaults


def test_relative_paths_in_a_config_file_are_read_from_its_directory(tmp_path):
    (tmp_path / "configs").mkdir()
    path = tmp_path / "configs" / "run.yaml"
    path.write_text("data:\n  train: ../data/train.jsonl\nretrain:\n  eval_files: [../data/dev.jsonl]\n")
    config = RunConfig.from_yaml(path)
    assert config.data.train == str(tmp_path / "data" / "train.jsonl")
    assert config.retrain.eval_files == [str(tmp_path / "data" / "dev.jsonl")]


def test_a_path_given_as_an_override_is_left_as_given(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("data:\n  train: a.jsonl\n")
    assert RunConfig.from_yaml(path, {"data.train": "b.jsonl"}).data.train == "b.jsonl"


def test_the_default_config_builds_the_default_model():
    model = RunConfig().model
    assert (model.target_encoding, model.head) == ("shared", "target")


def test_a_null_base_means_the_default_packaged_base():
    assert RunConfig.model_validate({"model": {"base": None}}).model.base == "all-mpnet-base-v2"


def test_a_packaged_base_name_is_not_read_as_a_path(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("model:\n  base: all-minilm-l6-v2\n")
    assert RunConfig.from_yaml(path).model.base == "all-minilm-l6-v2"


@pytest.mark.parametrize("name", ["teacher", "student"])
def test_the_shipped_distillation_configs_are_valid_and_name_their_bases(name):
    config = RunConfig.from_yaml(DEFAULT_YAML.parent / f"{name}.yaml")
    assert config.model.base == {"teacher": "all-mpnet-base-v2", "student": "all-minilm-l6-v2"}[name]
    assert bool(config.data.soft) == (name == "student")


def test_soft_label_paths_in_a_config_file_are_read_from_its_directory(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("data:\n  soft: [soft/a.jsonl]\n")
    assert RunConfig.from_yaml(path).data.soft == [str(tmp_path / "soft" / "a.jsonl")]
