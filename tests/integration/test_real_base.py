"""Fine-tune the real base model for a few steps on a slice of the shipped data, then use the
result the way users do: reload it, predict, serve a request."""

import itertools

import pytest
from fastapi.testclient import TestClient

from classifier.config import PINNED_BASE_SHA256, RunConfig
from classifier.model import StanceClassifier
from serving.app import create_app
from serving.settings import Settings
from training.train import train

pytestmark = pytest.mark.integration


def head(path, n, out):
    with open(path, encoding="utf-8") as src:
        out.write_text("".join(itertools.islice(src, n)), encoding="utf-8")
    return str(out)


@pytest.fixture(scope="module")
def real_checkpoint(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("real")
    config = RunConfig.from_yaml(
        "configs/default.yaml",
        {
            "data.train": head("data/train.jsonl", 40, tmp / "train.jsonl"),
            "data.dev": head("data/dev.jsonl", 20, tmp / "dev.jsonl"),
            "training.epochs": "1",
            "training.batch_size": "16",
        },
    )
    return train(config, tmp / "checkpoint", quiet=True)


def test_the_fine_tuned_real_base_reloads_and_predicts(real_checkpoint):
    classifier = StanceClassifier.from_pretrained(real_checkpoint)
    analysis = classifier.predict("Seoul condemned the treaty, while the Kremlin hailed it as a breakthrough.")
    assert [c.country for c in analysis.sentences[0].countries] == ["South Korea", "Russia"]
    assert classifier.meta["base_model"]["sha256"] == PINNED_BASE_SHA256


def test_the_fine_tuned_real_base_serves_a_request(real_checkpoint):
    with TestClient(create_app(Settings(checkpoint=str(real_checkpoint)))) as client:
        response = client.post("/v1/stance", json={"text": "Beijing declined to comment on the pact."})
    assert response.status_code == 200 and list(response.json()["summary"]) == ["China"]
