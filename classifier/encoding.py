"""How the encoder is told which target a pair is about.

`pair`:    [CLS] sentence [SEP] target name [SEP]
`markers`: the same, with every mention of the target in the sentence wrapped in << >>, so the
           encoder sees *where* the target is, not just its name (a sentence often holds several
           countries with different stances).
`shared`:  [CLS] sentence [SEP] [SEP], encoded once for every country the sentence mentions;
           each country is read off the states of its own mention tokens (needs the `target`
           head). A sentence with n countries costs one forward pass instead of n, and no
           tokens are spent on markers or names.
Pairs without spans (benchmarks without offsets, a country the caller named but the text does
not mention) fall back to the plain pair under every encoding.

The development, when the model reads it and the pair names one, goes into the second segment
(after the target's name where there is one): it depends on the sentence only, so a sentence is
still encoded once for all its countries.
"""

from __future__ import annotations

from dataclasses import dataclass

from classifier.errors import ConfigError
from classifier.pairs import Span, StancePair

MARK_OPEN, MARK_CLOSE = "<<", ">>"
ENCODINGS = ("pair", "markers", "shared")
# Encodings whose input depends on the sentence only, so pairs of one sentence share a forward pass.
SHARED_ENCODINGS = ("shared",)


@dataclass(frozen=True)
class EncodedText:
    sentence: str
    target: str
    windowed: bool
    spans: tuple[Span, ...] = ()  # the target's mentions in `sentence` (after marking and windowing)


def marked_with_spans(text: str, spans: tuple[Span, ...]) -> tuple[str, tuple[Span, ...]]:
    """`text` with every span wrapped in markers, and where the spans' text now stands."""
    out, moved, cursor, length = [], [], 0, 0
    for start, end in sorted(spans):
        if start < cursor:  # overlapping spans: keep the first
            continue
        before = text[cursor:start] + f"{MARK_OPEN} "
        length += len(before)
        moved.append((length, length + end - start))
        out += [before, text[start:end], f" {MARK_CLOSE}"]
        length += end - start + len(MARK_CLOSE) + 1
        cursor = end
    out.append(text[cursor:])
    return "".join(out), tuple(moved)


def window_around(text: str, spans: tuple[Span, ...], max_chars: int) -> tuple[str, tuple[Span, ...]]:
    """Cut `text` to `max_chars` characters centred on the first span, shifting the spans."""
    if len(text) <= max_chars:
        return text, spans
    centre = (spans[0][0] + spans[0][1]) // 2 if spans else 0
    start = max(0, min(centre - max_chars // 2, len(text) - max_chars))
    end = start + max_chars
    kept = tuple((s - start, e - start) for s, e in spans if s >= start and e <= end)
    return text[start:end], kept


DEVELOPMENT_SEPARATOR = " | "


def encode_pair(pair: StancePair, encoding: str, max_chars: int, with_development: bool = False) -> EncodedText:
    """The two text segments fed to the encoder for one pair."""
    if encoding not in ENCODINGS:
        raise ConfigError(f"target_encoding must be one of {ENCODINGS}, but it was: {encoding!r}")
    text, spans = window_around(pair.text, pair.spans, max_chars)
    windowed = len(text) < len(pair.text)
    if encoding == "markers" and spans:
        text, spans = marked_with_spans(text, spans)
    # Without spans there are no mention tokens to read, so the name has to be in the input.
    target = "" if encoding in SHARED_ENCODINGS and spans else pair.target
    if with_development and pair.development:
        target = DEVELOPMENT_SEPARATOR.join(part for part in (target, pair.development.strip()) if part)
    return EncodedText(sentence=text, target=target, windowed=windowed, spans=spans)
