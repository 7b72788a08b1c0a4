"""Fine-tuning: a thin `train(config, output_dir)` over a plain PyTorch loop.

Fixed seeds; the whole encoder and a fresh head are trained; dev macro-F1 is measured after every
epoch and the best epoch's weights are the ones saved; training stops early when dev stops
improving.
"""

from __future__ import annotations

import hashlib
import json
import platform
import random
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from tqdm.auto import tqdm

from classifier.base_model import resolve_base
from classifier.checkpoint_files import META_FILE, RUN_CONFIG_FILE, CheckpointError, sha256_file
from classifier.config import RunConfig
from classifier.errors import ConfigError
from classifier.model import StanceClassifier
from classifier.pairs import StancePair
from classifier.precision import autocast
from classifier.precision import resolve as resolve_precision
from training.calibration import expected_calibration_error, fit_temperature, negative_log_likelihood
from training.data import LabelSpace, load_pairs
from training.distill import load_soft_pairs
from training.metrics import compute_metrics
from training.versions import new_version, timestamp

Progress = Callable[[dict[str, Any]], None]


class GoldAndSoftLoss:
    """Cross-entropy over a batch of gold and soft-labelled pairs: a gold pair's loss weighted by
    its label's class weight, a soft pair's (cross-entropy against the teacher's probabilities) by
    `soft_weight`, averaged over the summed weights. With gold pairs only it is exactly
    torch's weighted CrossEntropyLoss.

    At a distillation temperature T > 1 (Hinton et al., 2015) a soft pair compares the teacher's
    probabilities softened to p^(1/T) (the teacher's logits divided by T) with softmax(logits / T),
    scaled by T^2 so that its gradients keep their size; T = 1 is the plain cross-entropy."""

    def __init__(self, class_weight: torch.Tensor | None, soft_weight: float = 1.0, temperature: float = 1.0) -> None:
        self.class_weight = class_weight
        self.soft_weight = soft_weight
        self.temperature = temperature

    def __call__(self, logits, gold_rows, gold_labels, soft_rows=None, soft_targets=None) -> torch.Tensor:
        log_probs = torch.log_softmax(logits, dim=-1)
        gold_nll = -log_probs[gold_rows].gather(1, gold_labels.unsqueeze(1)).squeeze(1)
        gold_w = self.class_weight[gold_labels] if self.class_weight is not None else torch.ones_like(gold_nll)
        total, weight = (gold_w * gold_nll).sum(), gold_w.sum()
        if soft_rows is not None and len(soft_rows):
            t = self.temperature
            if t == 1.0:
                soft_ce = -(soft_targets * log_probs[soft_rows]).sum(dim=-1)
            else:
                softened = soft_targets.clamp(min=1e-12) ** (1.0 / t)
                softened = softened / softened.sum(dim=-1, keepdim=True)
                soft_ce = -(softened * torch.log_softmax(logits[soft_rows] / t, dim=-1)).sum(dim=-1) * t * t
            total = total + self.soft_weight * soft_ce.sum()
            weight = weight + self.soft_weight * len(soft_rows)
        return total / weight.clamp(min=1e-12)


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def fingerprint(config: RunConfig) -> str:
    """What a checkpoint was built from: the config and the content of its data files."""
    # The retrain and inference sections decide what happens to a checkpoint after training, not
    # how it is trained: leaving them out keeps checkpoints built before they existed current.
    # The data enter by their hashes, not their paths: the same files reached from another
    # directory (paths in a config are absolute once loaded) build the same checkpoint.
    dumped = config.model_dump(mode="json", exclude={"retrain": True, "inference": True, "data": {"train", "dev", "soft"}})
    if dumped["training"].get("soft_temperature") == 1.0:  # the default: checkpoints from before the key stay current
        del dumped["training"]["soft_temperature"]
    payload = {"config": dumped, "data": data_hashes(config)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def data_hashes(config: RunConfig) -> dict[str, Any]:
    hashes: dict[str, Any] = {
        split: sha256_file(path) for split, path in (("train", config.data.train), ("dev", config.data.dev)) if path
    }
    if config.data.soft:  # absent without soft labels, so checkpoints from before them stay current
        hashes["soft"] = [sha256_file(path) for path in config.data.soft]
    return hashes


def is_current(output_dir: str | Path, config: RunConfig) -> bool:
    """True when `output_dir` holds a valid checkpoint built from exactly this config and data."""
    try:
        meta = json.loads((Path(output_dir) / META_FILE).read_text(encoding="utf-8"))
        StanceClassifier.from_pretrained(output_dir)
    except (OSError, ValueError, CheckpointError):
        return False
    return meta.get("fingerprint") == fingerprint(config)


def class_weights(pairs: list[StancePair], labels: list[str]) -> torch.Tensor:
    """Inverse label frequency, normalised so a balanced set gets weight 1 everywhere."""
    counts = np.array([sum(p.label == label for p in pairs) for label in labels], dtype=np.float64)
    weights = len(pairs) / (len(labels) * np.maximum(counts, 1))
    return torch.tensor(weights, dtype=torch.float32)


def train(config: RunConfig, output_dir: str | Path, progress: Progress | None = None, quiet: bool = False) -> Path:
    if not config.data.train or not config.data.dev:
        raise ConfigError("data.train and data.dev must both be set (in the config or with --train/--dev)")
    t = config.training
    started = time.perf_counter()
    set_seed(t.seed)
    if t.num_threads:
        torch.set_num_threads(t.num_threads)

    base = resolve_base(config.model)
    space = LabelSpace(tuple(config.labels), config.data.label_map)
    train_pairs = load_pairs(config.data.train, space)
    dev_pairs = load_pairs(config.data.dev, space)
    if t.max_train_samples:
        train_pairs = train_pairs[: t.max_train_samples]
    soft_pairs, soft_targets = load_soft_pairs(config.data.soft, config.labels) if config.data.soft else ([], [])

    classifier = StanceClassifier.from_base(
        base.path, config.labels, config.model.target_encoding, config.model.max_length, config.model.head,
        development_input=config.model.development_input,
    )
    model = classifier.model
    label_ids = {label: i for i, label in enumerate(config.labels)}
    loss_fn = GoldAndSoftLoss(class_weights(train_pairs, config.labels) if t.class_weighted else None, t.soft_weight, t.soft_temperature)
    # Gold pairs first, then soft ones: index i < len(train_pairs) is gold. A gold pair's target
    # is its label's index; a soft pair's, the teacher's probabilities.
    gold_count = len(train_pairs)
    train_pairs = train_pairs + soft_pairs
    soft_tensor = torch.tensor(soft_targets, dtype=torch.float32).reshape(-1, len(config.labels))
    optimizer = torch.optim.AdamW(
        _parameter_groups(model, t.weight_decay), lr=t.learning_rate
    )
    sentence_groups = _groups(train_pairs, by_sentence=classifier.shares_sentences)
    batch_units = len(sentence_groups) if t.batch_unit == "sentences" else len(train_pairs)
    steps_per_epoch = (batch_units + t.batch_size - 1) // t.batch_size
    scheduler = _linear_warmup(optimizer, int(t.warmup_ratio * steps_per_epoch * t.epochs), steps_per_epoch * t.epochs)

    # Dev is scored as the checkpoint will be served (inference.precision on this CPU), so the
    # epoch is chosen and the temperature fitted on the model users get; at bf16 it is also
    # about 3x faster than scoring the fp32 training weights (a minute per dev pass for mpnet).
    serving_precision = resolve_precision(config.inference.precision)
    history: list[dict[str, Any]] = []
    best_f1, best_state, best_epoch, stale = -1.0, None, 0, 0
    best_dev_logits: tuple[torch.Tensor, list[bool]] = (torch.empty(0), [])
    generator = torch.Generator().manual_seed(t.seed)
    for epoch in range(1, t.epochs + 1):
        model.train()
        batches = epoch_batches(
            train_pairs, sentence_groups, t.batch_size, generator, t.group_by_length, by_group=t.batch_unit == "sentences"
        )
        epoch_pairs = (
            without_development(train_pairs, sentence_groups, t.development_dropout, generator)
            if config.model.development_input else train_pairs
        )
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch}/{t.epochs}", disable=quiet, leave=False)
        total_loss = 0.0
        for step in bar:
            batch = batches[step]
            batch_pairs = [epoch_pairs[i] for i in batch]
            inputs, _ = classifier.tokenize(batch_pairs)
            gold = [k for k, i in enumerate(batch) if i < gold_count]
            soft = [k for k, i in enumerate(batch) if i >= gold_count]
            target = torch.tensor([label_ids[batch_pairs[k].label] for k in gold], dtype=torch.long)
            soft_target = soft_tensor[[batch[k] - gold_count for k in soft]]
            with autocast(t.precision):
                logits = model(**inputs).logits
            loss = loss_fn(logits.float(), torch.tensor(gold, dtype=torch.long), target,
                           torch.tensor(soft, dtype=torch.long), soft_target)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            total_loss += loss.item()
            bar.set_postfix(loss=f"{total_loss / (step + 1):.4f}", dev_f1=f"{max(best_f1, 0):.4f}")
            if progress:
                progress({"epoch": epoch, "step": step + 1, "steps": steps_per_epoch, "loss": loss.item()})
        model.eval()
        dev_logits, dev_windowed = classifier.at_precision(serving_precision).pair_logits(dev_pairs)
        dev_metrics = _metrics(classifier, dev_pairs, dev_logits, dev_windowed)
        history.append({"epoch": epoch, "train_loss": total_loss / max(steps_per_epoch, 1), "dev": dev_metrics})
        if progress:
            progress({"epoch": epoch, "dev_macro_f1": dev_metrics["macro_f1"]})
        if not quiet:
            print(f"epoch {epoch}: train loss {history[-1]['train_loss']:.4f}, dev macro-F1 {dev_metrics['macro_f1']:.4f}")
        if dev_metrics["macro_f1"] > best_f1:
            best_f1, best_epoch, stale = dev_metrics["macro_f1"], epoch, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            best_dev_logits = (dev_logits, dev_windowed)
        else:
            stale += 1
            if stale >= t.early_stopping_patience:
                break

    model.load_state_dict(best_state)
    model.eval()
    if t.calibrate:
        # Fitted on the kept epoch's dev logits, at the precision the checkpoint serves at.
        classifier.meta["calibration"] = calibrate_on(classifier, dev_pairs, *best_dev_logits) | {
            "precision": serving_precision}
        classifier.temperature = classifier.meta["calibration"]["temperature"]
    if config.model.development_input:
        # Users need not name a development: how the kept model does when none is given.
        history[best_epoch - 1]["dev_without_development"] = evaluate_pairs(
            classifier.at_precision(serving_precision), strip_development(dev_pairs))
    classifier.meta.update(
        _describe(config, base, train_pairs[:gold_count], dev_pairs, history, best_epoch, soft_pairs)
    )
    # Wall time of the whole run (loading, epochs, dev scoring, calibration), on this machine.
    classifier.meta["metrics"]["training_seconds"] = round(time.perf_counter() - started, 1)
    return classifier.save_pretrained(output_dir, extra_files={RUN_CONFIG_FILE: config.to_yaml()})


def calibrate_on(
    classifier: StanceClassifier, pairs: list[StancePair],
    logits: torch.Tensor | None = None, windowed: list[bool] | None = None,
) -> dict[str, Any]:
    """Temperature scaling fitted on held-out pairs (dev), with ECE and NLL before and after;
    `logits` (and `windowed`) are the classifier's on `pairs` where they are already scored."""
    if logits is None:
        logits, windowed = classifier.pair_logits(pairs)
    gold = [classifier.labels.index(p.label) for p in pairs]
    temperature = fit_temperature(logits.numpy(), gold)

    def measured(at: float) -> dict[str, float]:
        predictions = classifier.predictions_from_logits(logits, windowed, at)
        correct = [p.stance == pair.label for p, pair in zip(predictions, pairs)]
        ece = expected_calibration_error([max(p.scores.values()) for p in predictions], correct)
        return {"ece": round(ece, 6), "nll": round(negative_log_likelihood(logits.numpy(), gold, at), 6)}

    return {"method": "temperature", "temperature": round(temperature, 6), "fitted_on": "dev", "pairs": len(pairs),
            "before": measured(1.0), "after": measured(temperature)}


def strip_development(pairs: list[StancePair]) -> list[StancePair]:
    return [replace(p, development=None) for p in pairs]


def without_development(
    pairs: list[StancePair], groups: list[list[int]], share: float, generator: torch.Generator
) -> list[StancePair]:
    """The pairs with the development withheld from a random `share` of the sentences (all the
    pairs of a sentence alike, so they still share one encoder input)."""
    if share <= 0:
        return pairs
    dropped = torch.rand(len(groups), generator=generator) < share
    out = list(pairs)
    for group, drop in zip(groups, dropped.tolist()):
        if drop:
            for i in group:
                out[i] = replace(out[i], development=None)
    return out


def _groups(pairs: list[StancePair], by_sentence: bool) -> list[list[int]]:
    """Indices that travel together into a batch: a sentence's pairs when they share a forward
    pass (so they do share it), else each pair alone."""
    if not by_sentence:
        return [[i] for i in range(len(pairs))]
    groups: dict[str, list[int]] = {}
    for i, pair in enumerate(pairs):
        groups.setdefault(pair.text, []).append(i)
    return list(groups.values())


LENGTH_WINDOW_BATCHES = 50


def epoch_batches(
    pairs: list[StancePair], groups: list[list[int]], batch_size: int, generator: torch.Generator, group_by_length: bool,
    by_group: bool = False,
) -> list[list[int]]:
    """One epoch's batches of pair indices: groups (a sentence's pairs) in random order, each kept
    together, cut into batches of `batch_size` pairs, or of `batch_size` whole groups with
    `by_group`. With `group_by_length`, each window of 50 batches' worth of groups is sorted by
    length before cutting and the batches are shuffled after, so padding is small and the order
    still random."""
    order = torch.randperm(len(groups), generator=generator).tolist()
    if group_by_length:
        window = batch_size * LENGTH_WINDOW_BATCHES
        length = lambda g: (len(pairs[groups[g][0]].text), pairs[groups[g][0]].text)
        order = [g for start in range(0, len(order), window) for g in sorted(order[start : start + window], key=length)]
    if by_group:
        batches = [[i for g in order[start : start + batch_size] for i in groups[g]] for start in range(0, len(order), batch_size)]
    else:
        flat = [i for g in order for i in groups[g]]
        batches = [flat[start : start + batch_size] for start in range(0, len(flat), batch_size)]
    if group_by_length:
        batches = [batches[b] for b in torch.randperm(len(batches), generator=generator).tolist()]
    return batches


def evaluate_pairs(classifier: StanceClassifier, pairs: list[StancePair]) -> dict[str, Any]:
    return _metrics(classifier, pairs, *classifier.pair_logits(pairs))


def _metrics(classifier: StanceClassifier, pairs: list[StancePair], logits: torch.Tensor, windowed: list[bool]) -> dict[str, Any]:
    predictions = classifier.predictions_from_logits(logits, windowed)
    return compute_metrics([p.label for p in pairs], [p.stance for p in predictions], classifier.labels)


def _parameter_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    # Biases and LayerNorm weights are not decayed (the BERT recipe).
    decay, no_decay = [], []
    for name, param in model.named_parameters():
        (no_decay if name.endswith("bias") or "LayerNorm" in name else decay).append(param)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def _linear_warmup(optimizer, warmup_steps: int, total_steps: int):
    def factor(step: int) -> float:
        if step < warmup_steps:
            return (step + 1) / max(1, warmup_steps)
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup_steps))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def _describe(config, base, train_pairs, dev_pairs, history, best_epoch, soft_pairs=()) -> dict[str, Any]:
    import datasets
    import sklearn
    import transformers

    return {
        "version": new_version(),
        "created_at": timestamp(),
        "base_model": {"name": base.name, "path": str(base.path), "sha256": base.sha256},
        "training_config": config.model_dump(mode="json"),
        "fingerprint": fingerprint(config),
        "data": {
            split: {"path": str(path), "sha256": sha256_file(path), "pairs": len(pairs)}
            for split, path, pairs in (("train", config.data.train, train_pairs), ("dev", config.data.dev, dev_pairs))
        } | ({"soft": {"paths": list(config.data.soft), "sha256": [sha256_file(p) for p in config.data.soft],
                       "pairs": len(soft_pairs)}} if config.data.soft else {}),
        "metrics": {
            "best_epoch": best_epoch, "dev": history[best_epoch - 1]["dev"], "epochs": history,
            **({"dev_without_development": history[best_epoch - 1]["dev_without_development"]}
               if "dev_without_development" in history[best_epoch - 1] else {}),
        },
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "datasets": datasets.__version__,
            "scikit-learn": sklearn.__version__,
        },
    }
