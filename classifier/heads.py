"""A classification head that reads the target's own tokens, not only [CLS].

With several countries in a sentence, [CLS] has to summarise the sentence *for* the asked-about
country from the markers alone. This head also mean-pools the encoder's states over the
target's mention tokens (the "entity start / entity pooling" idea from relation extraction) and
classifies [CLS] and that pooled vector together. Pairs without spans fall back to [CLS] twice.
"""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from transformers import AutoModel
from transformers.modeling_outputs import SequenceClassifierOutput

from classifier.checkpoint_files import HEAD_FILE

HEADS = ("cls", "target")


class TargetPooledClassifier(torch.nn.Module):
    def __init__(self, encoder, num_labels: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.config = encoder.config
        hidden = encoder.config.hidden_size
        self.dropout = torch.nn.Dropout(getattr(encoder.config, "hidden_dropout_prob", 0.1))
        self.classifier = torch.nn.Linear(2 * hidden, num_labels)

    def forward(self, input_ids, attention_mask, target_mask, token_type_ids=None, pair_rows=None) -> SequenceClassifierOutput:
        """One row of logits per target mask. `pair_rows[i]` is the input row pair i reads, so
        several targets can share one encoded sentence; None means one input row per pair."""
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state
        if pair_rows is not None:
            states = states.index_select(0, pair_rows)
        cls = states[:, 0]
        weights = target_mask.unsqueeze(-1).to(states.dtype)
        count = weights.sum(dim=1)
        pooled = (states * weights).sum(dim=1) / count.clamp(min=1)
        pooled = torch.where(count > 0, pooled, cls)
        return SequenceClassifierOutput(logits=self.classifier(self.dropout(torch.cat([cls, pooled], dim=-1))))

    @property
    def device(self) -> torch.device:
        # What Hugging Face code (pipelines among it) asks of a model before moving inputs.
        return self.encoder.device

    @classmethod
    def from_base(cls, base_path: str | Path, labels: list[str]) -> TargetPooledClassifier:
        encoder = AutoModel.from_pretrained(str(base_path), add_pooling_layer=False)
        encoder.config.id2label = dict(enumerate(labels))
        encoder.config.label2id = {label: i for i, label in enumerate(labels)}
        return cls(encoder, len(labels))

    @classmethod
    def from_pretrained(cls, directory: str | Path) -> TargetPooledClassifier:
        encoder = AutoModel.from_pretrained(str(directory), add_pooling_layer=False)
        model = cls(encoder, len(encoder.config.id2label))
        model.classifier.load_state_dict(load_file(str(Path(directory) / HEAD_FILE)))
        return model

    def save_pretrained(self, directory: str | Path, **kwargs) -> None:
        self.encoder.save_pretrained(str(directory), **kwargs)
        save_file({k: v.contiguous() for k, v in self.classifier.state_dict().items()}, str(Path(directory) / HEAD_FILE))


def target_token_mask(offsets, sequence_ids, spans) -> list[int]:
    """1 for the first segment's tokens that lie inside one of `spans` (character offsets)."""
    return [
        int(seq == 0 and end > start and any(s <= start and end <= e for s, e in spans))
        for (start, end), seq in zip(offsets, sequence_ids)
    ]
