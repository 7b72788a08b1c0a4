import re
import shutil

import pytest

from classifier.errors import CheckpointError, ConfigError, UnknownCountryError
from classifier.document import CountryStance, SentenceAnalysis, summarise
from classifier.labels import polarity
from classifier.model import StanceClassifier
from classifier.pairs import StancePair


def test_pair_predictions_are_labels_with_probabilities(tiny_classifier):
    [prediction] = tiny_classifier.predict_pairs([StancePair("Chile signed the pact.", "Chile", ((0, 5),))])
    assert prediction.stance in tiny_classifier.labels
    assert sum(prediction.scores.values()) == pytest.approx(1.0, abs=1e-4)
    assert prediction.polarity == pytest.approx(prediction.scores["supportive"] - prediction.scores["concerned"], abs=1e-5)


def test_predictions_keep_the_input_order_whatever_the_batching(tiny_classifier):
    pairs = [StancePair("Peru agreed" + " at length" * n + ".", "Peru") for n in (9, 0, 4, 1)]
    one_by_one = [v for p in pairs for v in tiny_classifier.predict_pairs([p])[0].scores.values()]
    batched = [v for p in tiny_classifier.predict_pairs(pairs, batch_size=3) for v in p.scores.values()]
    # The tiny model's scores differ between these inputs by ~1e-5: a tolerance below that
    # catches a shuffled order; padding inside a batch moves them by less.
    assert batched == pytest.approx(one_by_one, abs=3e-6)


def test_a_document_gives_sentences_countries_and_offsets(tiny_classifier):
    text = "Japan welcomed the accord. Beijing and the U.S. said nothing."
    analysis = tiny_classifier.predict(text)
    assert [[c.country for c in s.countries] for s in analysis.sentences] == [["Japan"], ["China", "United States"]]
    for sentence in analysis.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        for country in sentence.countries:
            assert all(text[m.start : m.end] == m.text for m in country.mentions)


def test_the_summary_counts_each_scored_sentence_under_its_predicted_stance(tiny_classifier):
    analysis = tiny_classifier.predict("Japan objected. Japan later agreed. Peru was silent.")
    stances = [c.stance for s in analysis.sentences for c in s.countries if c.country == "Japan"]
    summary = analysis.summary["Japan"]
    assert summary.sentences == 2 and summary.counts == {label: stances.count(label) for label in tiny_classifier.labels}


def stance(country, label, p, index):
    scores = {"supportive": 0.0, "concerned": 0.0, "silent": 0.0, label: p}
    rest = [other for other in scores if other != label]
    scores[rest[0]] = scores[rest[1]] = round((1 - p) / 2, 6)
    return SentenceAnalysis(index, f"sentence {index}", 0, 10, [CountryStance(country, label, scores, polarity(scores), [])])


def test_the_summary_picks_the_most_frequent_stance_and_its_strongest_sentence():
    sentences = [stance("Japan", "concerned", 0.7, 0), stance("Japan", "supportive", 0.95, 1), stance("Japan", "concerned", 0.9, 2)]
    summary = summarise(sentences, ["supportive", "concerned", "silent"])["Japan"]
    assert summary.dominant_stance == "concerned" and summary.counts == {"supportive": 1, "concerned": 2, "silent": 0}
    assert summary.evidence.sentence == 2 and summary.evidence.stance == "concerned"
    assert summary.mean_polarity == round(sum(s.countries[0].polarity for s in sentences) / 3, 6)


def test_a_tie_in_counts_goes_to_the_stance_with_more_probability_mass():
    sentences = [stance("Japan", "concerned", 0.6, 0), stance("Japan", "supportive", 0.9, 1)]
    assert summarise(sentences, ["supportive", "concerned", "silent"])["Japan"].dominant_stance == "supportive"


def test_given_countries_are_scored_exactly_and_resolved_from_aliases(tiny_classifier):
    analysis = tiny_classifier.predict("Kurt Campbell said Beijing is worried.", countries=["the U.S."])
    assert [c.country for c in analysis.sentences[0].countries] == ["United States"]


def test_an_unknown_given_country_is_refused_by_name(tiny_classifier):
    with pytest.raises(UnknownCountryError, match=re.escape("unknown countries: 'Narnia'")):
        tiny_classifier.predict("Peru agreed.", countries=["Peru", "Narnia"])


def test_a_reloaded_checkpoint_predicts_the_same(tiny_checkpoint, tmp_path):
    original = StanceClassifier.from_pretrained(tiny_checkpoint, precision="fp32")
    copy = original.save_pretrained(tmp_path / "copy")
    pair = [StancePair("Ghana backed the plan.", "Ghana")]
    assert StanceClassifier.from_pretrained(copy, precision="fp32").predict_pairs(pair)[0].scores == pytest.approx(
        original.predict_pairs(pair)[0].scores, abs=1e-6
    )


def test_a_checkpoint_missing_a_file_is_refused_naming_it(tiny_checkpoint, tmp_path):
    broken = shutil.copytree(tiny_checkpoint, tmp_path / "broken")
    (broken / "tokenizer.json").unlink()
    with pytest.raises(CheckpointError, match=re.escape(f"checkpoint {broken}: tokenizer.json is missing")):
        StanceClassifier.from_pretrained(broken)


def test_a_truncated_weights_file_is_refused_naming_it(tiny_checkpoint, tmp_path):
    broken = shutil.copytree(tiny_checkpoint, tmp_path / "broken")
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(CheckpointError, match=re.escape(f"checkpoint {broken}: model.safetensors does not match the hash recorded in stance.json")):
        StanceClassifier.from_pretrained(broken)


def test_a_directory_that_is_not_a_checkpoint_is_refused(tmp_path):
    with pytest.raises(CheckpointError, match="stance.json is missing"):
        StanceClassifier.from_pretrained(tmp_path)


def test_the_countries_of_one_sentence_share_one_encoder_row(tiny_shared_classifier):
    text = "Japan welcomed it and China objected."
    batch, _ = tiny_shared_classifier.tokenize([StancePair(text, "Japan", ((0, 5),)), StancePair(text, "China", ((22, 27),))])
    assert batch["input_ids"].shape[0] == 1 and batch["pair_rows"].tolist() == [0, 0]
    assert batch["target_mask"].sum(dim=1).tolist() == [1, 1]


def test_shared_predictions_do_not_depend_on_the_other_pairs_in_the_pass(tiny_shared_classifier):
    text = "Japan welcomed it and China objected."
    pairs = [StancePair(text, "Japan", ((0, 5),)), StancePair(text, "China", ((22, 27),)), StancePair("Peru agreed.", "Peru", ((0, 4),))]
    together = [p.scores for p in tiny_shared_classifier.predict_pairs(pairs)]
    alone = [tiny_shared_classifier.predict_pairs([p])[0].scores for p in pairs]
    assert [list(s.values()) for s in together] == [pytest.approx(list(s.values()), abs=1e-5) for s in alone]


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_a_checkpoint_can_be_loaded_at_another_precision(tiny_checkpoint, precision):
    classifier = StanceClassifier.from_pretrained(tiny_checkpoint, precision=precision)
    assert classifier.precision == precision
    assert classifier.predict_pairs([StancePair("Chile signed the pact.", "Chile", ((0, 5),))])[0].stance in classifier.labels


def test_a_checkpoint_runs_at_the_precision_its_config_names(tiny_checkpoint, tmp_path):
    import json

    copy = shutil.copytree(tiny_checkpoint, tmp_path / "ckpt")
    meta = json.loads((copy / "stance.json").read_text())
    meta["training_config"]["inference"] = {"precision": "int8"}
    (copy / "stance.json").write_text(json.dumps(meta))
    assert StanceClassifier.from_pretrained(copy).precision == "int8"


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_a_classifier_loaded_below_fp32_cannot_be_saved(tiny_checkpoint, tmp_path, precision):
    with pytest.raises(CheckpointError, match=precision):
        StanceClassifier.from_pretrained(tiny_checkpoint, precision=precision).save_pretrained(tmp_path / "out")


def test_a_model_trained_with_the_development_reads_it_and_an_older_one_ignores_it(tiny_classifier):
    plain = StancePair("Seoul objected.", "South Korea", ((0, 5),))
    named = StancePair("Seoul objected.", "South Korea", ((0, 5),), development="the defence pact")
    ids = lambda: [tiny_classifier.tokenize([p])[0]["input_ids"].tolist() for p in (plain, named)]
    assert tiny_classifier.reads_development and ids()[0] != ids()[1]
    tiny_classifier.reads_development = False
    try:
        assert ids()[0] == ids()[1]
    finally:
        tiny_classifier.reads_development = True
