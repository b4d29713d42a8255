"""Sentences of an annotated article, labelled with the kind of block they sit in.

spaCy's sentences are trimmed of surrounding whitespace, and a fragment holding only
punctuation or a closing quote (the parser sometimes splits `."` off) joins the sentence
before it, so every Sentence is a span a reader would call a sentence.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from spacy.tokens import Doc, Span

from storyline.model import Block, BlockKind, Sentence


def block_kind_at(blocks: list[Block], offset: int) -> BlockKind:
    starts = [b.start for b in blocks]
    i = bisect.bisect_right(starts, offset) - 1
    return blocks[i].kind if 0 <= i < len(blocks) else "body"


def split_sentences(
    doc: Doc, article_id: str, blocks: list[Block], sents: Sequence[Span] | None = None
) -> list[Sentence]:
    """`sents` may pass `doc.sents` already listed: walking them costs a pass over the tokens."""
    spans: list[list[int]] = []
    text = doc.text
    for sent in doc.sents if sents is None else sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        fragment = text[start:end]
        same_line = spans and "\n" not in text[spans[-1][1] : start]
        if same_line and not any(ch.isalnum() for ch in fragment):
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [Sentence(article_id, i, s, e, block_kind_at(blocks, s)) for i, (s, e) in enumerate(spans)]
