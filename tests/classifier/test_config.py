import re

import pytest

from classifier.config import PINNED_BASE_SHA256, RunConfig


def test_defaults_pin_the_packaged_base_and_three_labels():
    config = RunConfig()
    assert config.model.base is None and config.model.base_sha256 == PINNED_BASE_SHA256
    assert config.labels == ["supportive", "concerned", "silent"]


def test_dotted_overrides_are_parsed_as_yaml(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("training:\n  epochs: 6\n")
    config = RunConfig.from_yaml(path, {"training.epochs": "3", "data.train": "x.jsonl"})
    assert config.training.epochs == 3 and config.data.train == "x.jsonl"


def test_an_invalid_value_is_quoted_with_its_key(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("training:\n  epochs: 0\n")
    with pytest.raises(ValueError, match=re.escape("training.epochs: Input should be greater than or equal to 1 (got 0)")):
        RunConfig.from_yaml(path)


def test_an_unknown_key_is_refused():
    with pytest.raises(ValueError, match="training.epoch"):
        RunConfig.from_dict({"training": {"epoch": 3}})


def test_fewer_than_two_labels_are_refused():
    with pytest.raises(ValueError, match=re.escape("labels must be at least two distinct names, but it was: ['x']")):
        RunConfig.from_dict({"labels": ["x"]})


def test_the_shipped_default_config_is_valid():
    config = RunConfig.from_yaml("configs/default.yaml")
    assert config.data.train == "data/train.jsonl" and config.data.dev == "data/dev.jsonl"


def test_the_shared_encoding_needs_the_target_head():
    with pytest.raises(ValueError, match="needs head 'target'"):
        RunConfig.from_dict({"model": {"target_encoding": "shared", "head": "cls"}})
