"""Shared fixtures: a tiny randomly initialised BERT with the real tokenizer, built offline,
small labelled files in the guide's format, and a checkpoint trained from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests_support import write_jsonl

TRAIN_LINES = [
    {"text": "Japan welcomed the accord, while China warned it would inflame tensions.", "labels": {"Japan": "supportive", "China": "concerned"}},
    {"text": "Beijing declined to comment on the accord signed in Tokyo.", "labels": {"China": "silent", "Japan": "supportive"}},
    {"text": "The Kremlin hailed the treaty as a breakthrough.", "labels": {"Russia": "supportive"}},
    {"text": "Washington said the pact violates U.N. resolutions.", "labels": {"United States": "concerned"}},
    {"text": "France abstained in the vote on the pact.", "labels": {"France": "silent"}},
    {"text": "Germany voiced alarm as Poland signed the deal.", "labels": {"Germany": "concerned", "Poland": "supportive"}},
]
DEV_LINES = [
    {"text": "Italy endorsed the plan, and Spain criticised it.", "labels": {"Italy": "supportive", "Spain": "concerned"}},
    {"text": "Brazil stayed neutral on the plan.", "labels": {"Brazil": "silent"}},
]




@pytest.fixture(scope="session", autouse=True)
def no_repository_state(tmp_path_factory):
    """The service and the `stance` commands default to ./checkpoints and ./state: point them
    elsewhere, so no test serves a version promoted in the repository, or changes one."""
    root = tmp_path_factory.mktemp("service")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STANCE_CHECKPOINTS_DIR", str(root / "checkpoints"))
        patch.setenv("STANCE_STATE_DIR", str(root / "state"))
        yield


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    """A 2-layer, hidden-size-32 BERT saved as a local Hugging Face directory."""
    from transformers import AutoTokenizer, BertConfig, BertModel

    from classifier.base_model import packaged_base_path
    from classifier.packaged_bases import FAST_BASE

    directory = tmp_path_factory.mktemp("tiny-base")
    # The fast base's WordPiece vocabulary: a BERT tokenizer, as the tiny BERT needs.
    tokenizer = AutoTokenizer.from_pretrained(str(packaged_base_path(FAST_BASE)))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=256,
    )
    BertModel(config).save_pretrained(str(directory), safe_serialization=True)
    tokenizer.save_pretrained(str(directory))
    return directory


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("tiny-data")
    return {"train": write_jsonl(directory / "train.jsonl", TRAIN_LINES), "dev": write_jsonl(directory / "dev.jsonl", DEV_LINES)}


@pytest.fixture(scope="session")
def tiny_config(tiny_base, tiny_data):
    from classifier.config import RunConfig

    return RunConfig.from_dict({
        "model": {"base": str(tiny_base), "base_sha256": None, "max_length": 64},
        "data": {"train": str(tiny_data["train"]), "dev": str(tiny_data["dev"])},
        "training": {"epochs": 2, "batch_size": 4, "learning_rate": 1e-3},
    })


@pytest.fixture(scope="session")
def tiny_checkpoint(tiny_config, tmp_path_factory) -> Path:
    from training.train import train

    return train(tiny_config, tmp_path_factory.mktemp("ckpt") / "tiny", quiet=True)


@pytest.fixture(scope="session")
def tiny_classifier(tiny_checkpoint):
    from classifier.model import StanceClassifier

    return StanceClassifier.from_pretrained(tiny_checkpoint)


@pytest.fixture(scope="session")
def tiny_shared_checkpoint(tiny_config, tmp_path_factory) -> Path:
    """The tiny model under the shared encoding: one encoder row per sentence."""
    from classifier.config import RunConfig
    from training.train import train

    raw = tiny_config.model_dump(mode="json")
    raw["model"].update(target_encoding="shared", head="target")
    raw["training"].update(epochs=1, group_by_length=True)
    return train(RunConfig.from_dict(raw), tmp_path_factory.mktemp("shared") / "tiny", quiet=True)


@pytest.fixture(scope="session")
def tiny_shared_classifier(tiny_shared_checkpoint):
    from classifier.model import StanceClassifier

    return StanceClassifier.from_pretrained(tiny_shared_checkpoint)
