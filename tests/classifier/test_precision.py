import pytest

from classifier import precision


def test_auto_runs_bf16_where_the_cpu_has_the_instructions(monkeypatch):
    monkeypatch.setattr(precision, "cpu_has_bf16", lambda: True)
    assert precision.resolve("auto") == "bf16"


def test_auto_falls_back_to_fp32_where_the_cpu_lacks_them(monkeypatch):
    monkeypatch.setattr(precision, "cpu_has_bf16", lambda: False)
    assert precision.resolve("auto") == "fp32"


def test_an_unknown_precision_is_refused():
    with pytest.raises(ValueError, match="precision must be one of"):
        precision.resolve("fp8")


def test_only_int8_changes_the_model_object(tiny_classifier):
    model = tiny_classifier.model
    assert precision.prepare_for_inference(model, "fp32") is model
    assert precision.prepare_for_inference(model, "int8") is not model
