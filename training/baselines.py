"""Baselines trained and scored on the same train/test files as the fine-tuned model, so its
score has something to be measured against:

- `majority`: always the most frequent training label (the floor any model must clear);
- `tfidf_logreg`: TF-IDF of the sentence, with the target's mentions replaced by a placeholder so
  the model can tell which country is asked about, plus a one-hot target, and logistic regression;
- `encoder_logreg`: the frozen base encoder's mean-pooled embedding of the (sentence, target)
  input, the target's mentions marked, and logistic regression (what fine-tuning adds over the
  base alone).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import torch
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from classifier.pairs import StancePair
from training.metrics import compute_metrics

TARGET_PLACEHOLDER = "xxtarget"  # one token for TF-IDF's default pattern, unlikely in news prose
ENCODER_BATCH_SIZE = 64

# Turns pairs into the tokenised encoder input (the sentence with the target marked, and its name).
Tokenize = Callable[[Sequence[StancePair]], Mapping[str, torch.Tensor]]


def majority_predictions(train: Sequence[StancePair], test: Sequence[StancePair]) -> list[str]:
    model = DummyClassifier(strategy="most_frequent").fit(np.zeros((len(train), 1)), _labels_of(train))
    return list(model.predict(np.zeros((len(test), 1))))


def tfidf_predictions(train: Sequence[StancePair], test: Sequence[StancePair]) -> list[str]:
    model = Pipeline([("features", _tfidf_features()), ("classifier", _logistic_regression())])
    model.fit(_tfidf_inputs(train), _labels_of(train))
    return list(model.predict(_tfidf_inputs(test)))


def encoder_predictions(
    train: Sequence[StancePair], test: Sequence[StancePair], encoder_path: str | Path, tokenize: Tokenize
) -> list[str]:
    from transformers import AutoModel

    encoder = AutoModel.from_pretrained(str(encoder_path)).eval()
    model = make_pipeline(StandardScaler(), _logistic_regression())
    model.fit(mean_pooled_embeddings(encoder, tokenize, train), _labels_of(train))
    return list(model.predict(mean_pooled_embeddings(encoder, tokenize, test)))


def run_baselines(
    train: Sequence[StancePair],
    test: Sequence[StancePair],
    labels: Sequence[str],
    encoder_path: str | Path,
    tokenize: Tokenize,
) -> dict[str, dict[str, Any]]:
    """Each baseline's description and `compute_metrics` on the test pairs."""
    predictors = {
        "majority": ("most frequent training label", majority_predictions),
        "tfidf_logreg": ("TF-IDF word 1-2 + char 2-5 grams, target masked, one-hot target; logistic regression", tfidf_predictions),
        "encoder_logreg": (
            "frozen base encoder, mean-pooled (sentence, target) embedding; logistic regression",
            lambda tr, te: encoder_predictions(tr, te, encoder_path, tokenize),
        ),
    }
    gold = _labels_of(test)
    return {
        name: {"description": description, **compute_metrics(gold, predict(train, test), labels)}
        for name, (description, predict) in predictors.items()
    }


def against_fine_tuned(baselines: Mapping[str, Mapping[str, Any]], fine_tuned: Mapping[str, Any]) -> dict[str, Any]:
    """Which baseline is best by macro-F1, and by how many points the fine-tuned model beats it."""
    best = max(baselines, key=lambda name: baselines[name]["macro_f1"])
    return {
        "fine_tuned": {key: fine_tuned[key] for key in ("macro_f1", "f_avg", "accuracy")},
        "best_baseline": best,
        "margin_macro_f1_points": 100 * (fine_tuned["macro_f1"] - baselines[best]["macro_f1"]),
    }


def mask_target(pair: StancePair) -> str:
    """The sentence with the target's mentions replaced by the placeholder: otherwise a bag of
    words cannot tell which of a sentence's countries a pair asks about."""
    text = pair.text
    for start, end in sorted(pair.spans, reverse=True):  # right to left keeps earlier offsets valid
        text = f"{text[:start]}{TARGET_PLACEHOLDER}{text[end:]}"
    return text


def mean_pooled_embeddings(encoder, tokenize: Tokenize, pairs: Sequence[StancePair], batch_size: int = ENCODER_BATCH_SIZE) -> np.ndarray:
    """One vector per pair: the last hidden states averaged over real (non-padding) tokens."""
    # Batches of similar length waste less compute on padding; rows go back in input order.
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i].text))
    out = np.zeros((len(pairs), encoder.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = tokenize([pairs[i] for i in idx])
            hidden = encoder(**batch).last_hidden_state.float()
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            out[idx] = ((hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)).numpy()
    return out


def _tfidf_features() -> ColumnTransformer:
    # Column 0: the masked sentence (1-d, as the vectorisers expect); column 1: the target.
    return ColumnTransformer([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), 0),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True), 0),
        ("target", OneHotEncoder(handle_unknown="ignore"), [1]),
    ])


def _tfidf_inputs(pairs: Sequence[StancePair]) -> np.ndarray:
    return np.array([[mask_target(p), p.target] for p in pairs], dtype=object)


def _logistic_regression() -> LogisticRegression:
    # Balanced class weights, as the fine-tuned model's loss is by default (training.class_weighted):
    # macro-F1 rewards the rare labels, and the comparison should not be won by the loss alone.
    return LogisticRegression(max_iter=2000, class_weight="balanced")


def _labels_of(pairs: Sequence[StancePair]) -> list[str]:
    return [p.label for p in pairs]
