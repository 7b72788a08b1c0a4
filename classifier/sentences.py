"""A small, dependency-free sentence splitter for news prose that keeps offsets.

The splitter works in two passes:

1. Lines are grouped into *blocks*. A blank line, a bullet marker at the start
   of a line, or a plain line break ends a block, so headings, datelines and
   bullet items become sentences of their own even without final punctuation.
   The one exception is a line that starts with a lowercase letter: that is a
   hard-wrapped continuation of the line before it, so it joins that block.
2. Inside a block, a sentence ends at ``.``, ``?``, ``!`` or an ellipsis,
   together with any closing quotes or brackets after it, when whitespace
   follows. Whether that candidate really is a boundary depends on the word
   before it and the word after it (see ``_is_boundary``).

Every returned ``Sentence`` satisfies ``source[start:end] == text``; the text is
stripped of surrounding whitespace, and spans without a letter or digit (a lone
bullet, a ``***`` rule) are dropped, so no sentence is ever empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text == source[start:end]``."""

    text: str
    start: int
    end: int


# Titles and connectives that precede something and, in news prose, do not end
# a sentence: never split after them ("Gen. Smith", "Russia vs. Ukraine").
_NEVER_FINAL = frozenset(
    "Mr. Mrs. Ms. Dr. Gen. Lt. Col. Maj. Capt. Sgt. Adm. Cmdr. Sen. Rep. Gov. "
    "Prof. Rev. Hon. Pres. Amb. Mt. Ft. vs. v. e.g. i.e. cf. approx.".split()
)

# Abbreviations that usually sit mid-sentence but can also end one ("signed in
# Dec.", "Martin Luther King Jr."). Dotted acronyms (U.S., U.N., a.m.) and
# single-letter initials (F., J.) are treated the same way, by shape.
_MAYBE_FINAL = frozenset(
    "No. Nos. St. Jr. Sr. Inc. Ltd. Co. Corp. Bros. etc. "
    "Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec.".split()
)
_ACRONYM = re.compile(r"(?:[A-Za-z]\.){2,}")
_INITIAL = re.compile(r"[A-Z]\.")

# After a "maybe final" abbreviation we split only when the next word is one
# that typically opens a sentence. "the U.S. The treaty" splits; "the U.S.
# Senate", "Dec. 5" and "John F. Kennedy" do not. Capitalised proper nouns are
# the common case after an abbreviation, so guessing "no split" for any other
# word is the safer default.
_SENTENCE_STARTERS = frozenset(
    "The A An This That These Those There Its It He She They We I You His Her "
    "Their Our My But And Yet So Still However Meanwhile Moreover Furthermore "
    "Instead Also In On At As After Before While When Since If Although Though "
    "Despite For Some Many Most Both Such Other Officials Analysts Experts".split()
)

_TERMINATOR = re.compile(r"(?:\.\.\.|…|[.?!])+[\"'”’»)\]]*(?=\s|$)")
_OPENERS = "\"'“‘«(["
_CLOSERS = "\"'”’»)]"
_BULLET = re.compile(r"[ \t]*(?:[•▪◦‣·*\-–—]|\d{1,3}[.)])[ \t]+")
_LINE = re.compile(r"[^\n]*\n?")


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with character offsets into ``text``."""
    sentences = []
    for block_start, block_end in _blocks(text):
        start = block_start
        for match in _TERMINATOR.finditer(text, block_start, block_end):
            if _is_boundary(text, start, match, block_end):
                sentences.extend(_span(text, start, match.end()))
                start = match.end()
        sentences.extend(_span(text, start, block_end))
    return sentences


def _blocks(text: str) -> list[tuple[int, int]]:
    """Group lines into (start, end) blocks, as described in the module docstring."""
    blocks: list[list[int]] = []
    open_block = False  # whether the next line may continue the last block
    for line in _LINE.finditer(text):
        start, end = line.span()
        content = line.group().strip()
        if not content:  # a blank line (or the empty match at the very end)
            open_block = False
            continue
        bullet = _BULLET.match(text, start, end)
        if bullet:
            # A bullet starts a new item; the marker is not part of the sentence.
            blocks.append([bullet.end(), end])
        elif open_block and content[0].islower():
            blocks[-1][1] = end  # a hard-wrapped continuation line
        else:
            blocks.append([start, end])
        open_block = True
    return [(start, end) for start, end in blocks]


def _is_boundary(text: str, start: int, match: re.Match[str], block_end: int) -> bool:
    """Decide whether ``match`` ends the sentence that began at ``start``."""
    rest = text[match.end():block_end].lstrip()
    if not rest:
        return True  # the end of a block ends its last sentence anyway
    opened = rest[0] in _OPENERS
    next_text = rest.lstrip(_OPENERS)
    # News sentences do not start in lowercase: 'he said.', '"Why?" she asked'
    # and '... and then' all continue the same sentence.
    if next_text[:1].islower():
        return False

    if match.group().rstrip(_CLOSERS) != ".":
        return True  # ?, ! and ellipses before a non-lowercase word
    # The word the full stop belongs to: "(U.S." -> "U.S.".
    word = text[start:match.start() + 1].split()[-1].lstrip(_OPENERS)
    if word in _NEVER_FINAL:
        return False
    if word in _MAYBE_FINAL or _ACRONYM.fullmatch(word) or _INITIAL.fullmatch(word):
        # A closing quote right after the abbreviation ('the U.S."') or an
        # opening quote before the next word means the sentence is over.
        closed = match.group()[-1] in _CLOSERS
        return closed or opened or _starts_sentence(next_text)
    return True


def _starts_sentence(text: str) -> bool:
    """Whether ``text`` begins with a common sentence-initial word (not an initial)."""
    match = re.match(r"[A-Za-z]+", text)
    if not match or text[match.end():match.end() + 1] == ".":
        return False  # "J. R. R. Tolkien": a single letter plus "." is an initial
    return match.group() in _SENTENCE_STARTERS


def _span(text: str, start: int, end: int) -> list[Sentence]:
    """The stripped sentence in ``text[start:end]``, or nothing if it has no word."""
    chunk = text[start:end]
    stripped = chunk.strip()
    if not any(char.isalnum() for char in stripped):
        return []
    start += len(chunk) - len(chunk.lstrip())
    return [Sentence(stripped, start, start + len(stripped))]
