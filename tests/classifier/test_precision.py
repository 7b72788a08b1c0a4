import pytest
import torch

from classifier.errors import ConfigError
from classifier import precision


def test_auto_runs_bf16_where_the_cpu_has_the_instructions(monkeypatch):
    monkeypatch.setattr(precision, "cpu_has_bf16", lambda: True)
    assert precision.resolve("auto") == "bf16"


def test_auto_falls_back_to_fp32_where_the_cpu_lacks_them(monkeypatch):
    monkeypatch.setattr(precision, "cpu_has_bf16", lambda: False)
    assert precision.resolve("auto") == "fp32"


def test_an_unknown_precision_is_refused():
    with pytest.raises(ConfigError, match="precision must be one of"):
        precision.resolve("fp8")


def test_fp32_leaves_the_model_as_it_is(tiny_classifier):
    model = tiny_classifier.model
    assert precision.prepare_for_inference(model, "fp32") is model


def test_int8_quantises_a_copy_of_the_model(tiny_classifier):
    assert precision.prepare_for_inference(tiny_classifier.model, "int8") is not tiny_classifier.model


def test_bf16_casts_the_weights(tiny_checkpoint):
    from classifier.model import StanceClassifier

    model = StanceClassifier.from_pretrained(tiny_checkpoint, precision="fp32").model
    assert {p.dtype for p in precision.prepare_for_inference(model, "bf16").parameters()} == {torch.bfloat16}


def test_a_copy_at_bf16_leaves_the_original_weights_in_fp32(tiny_checkpoint):
    from classifier.model import StanceClassifier

    original = StanceClassifier.from_pretrained(tiny_checkpoint, precision="fp32")
    copy = original.at_precision("bf16")
    assert {p.dtype for p in copy.model.parameters()} == {torch.bfloat16}
    assert {p.dtype for p in original.model.parameters()} == {torch.float32}


def test_a_classifier_at_its_own_precision_is_itself(tiny_checkpoint):
    from classifier.model import StanceClassifier

    original = StanceClassifier.from_pretrained(tiny_checkpoint, precision="fp32")
    assert original.at_precision("fp32") is original
