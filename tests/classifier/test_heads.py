import pytest

from classifier.errors import CheckpointError
from classifier.encoding import encode_pair, marked_with_spans
from classifier.model import StanceClassifier
from classifier.pairs import StancePair


def test_marked_spans_point_at_the_mention_text():
    text, spans = marked_with_spans("Seoul and Tokyo agreed.", ((0, 5), (10, 15)))
    assert [text[s:e] for s, e in spans] == ["Seoul", "Tokyo"]


def test_encoded_spans_survive_windowing_and_marking():
    text = "x " * 300 + "Chile agreed."
    start = text.index("Chile")
    encoded = encode_pair(StancePair(text, "Chile", ((start, start + 5),)), "markers", max_chars=120)
    assert [encoded.sentence[s:e] for s, e in encoded.spans] == ["Chile"]


@pytest.fixture(scope="module")
def target_head_classifier(tiny_base):
    return StanceClassifier.from_base(tiny_base, ["supportive", "concerned", "silent"], "markers", 64, head="target")


def test_the_target_mask_covers_only_the_mention_tokens(target_head_classifier):
    batch, _ = target_head_classifier.tokenize([StancePair("Beijing and Tokyo signed.", "China", ((0, 7),))])
    tokens = target_head_classifier.tokenizer.convert_ids_to_tokens(batch["input_ids"][0])
    assert [t for t, m in zip(tokens, batch["target_mask"][0].tolist()) if m] == ["beijing"]


def test_a_target_head_checkpoint_reloads_with_the_same_predictions(target_head_classifier, tmp_path):
    target_head_classifier.meta.update(version="test")
    path = target_head_classifier.save_pretrained(tmp_path / "ckpt")
    pairs = [StancePair("Beijing objected.", "China", ((0, 7),)), StancePair("Peru agreed.", "Peru")]
    reloaded = StanceClassifier.from_pretrained(path)
    assert reloaded.head == "target"
    for a, b in zip(reloaded.predict_pairs(pairs), target_head_classifier.predict_pairs(pairs)):
        assert a.scores == pytest.approx(b.scores, abs=1e-6)


def test_a_target_head_checkpoint_without_its_head_file_is_refused(target_head_classifier, tmp_path):
    path = target_head_classifier.save_pretrained(tmp_path / "ckpt")
    (path / "head.safetensors").unlink()
    with pytest.raises(CheckpointError, match="head.safetensors is missing"):
        StanceClassifier.from_pretrained(path)


def test_training_with_the_target_head_saves_a_loadable_checkpoint(tiny_config, tmp_path):
    from training.train import train

    config = tiny_config.model_copy(update={"model": tiny_config.model.model_copy(update={"head": "target"})})
    path = train(config, tmp_path / "ckpt", quiet=True)
    assert StanceClassifier.from_pretrained(path).head == "target"
