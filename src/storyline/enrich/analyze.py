"""Everything one article says on its own: sentences, entities, quotes, dates.

A pure function of the article, with no store access, so it runs the same inline, in a
process pool, or on a Dask worker; the order of the steps is the data flow (quotes need
the entities to name their speakers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from storyline.enrich import nlp
from storyline.enrich.entities import find_entities
from storyline.enrich.quotes import find_quotes
from storyline.enrich.sentences import split_sentences
from storyline.enrich.timex import find_timerefs
from storyline.model import Analysis, Article, Block


@dataclass
class AnalysisInput:
    """The part of an article analysis reads: small enough to ship to a worker."""

    id: str
    text: str
    blocks: list[Block]
    published: str | None

    @classmethod
    def of(cls, article: Article) -> AnalysisInput:
        return cls(article.id, article.text, article.blocks, article.published)


def analyze_doc(item: AnalysisInput, doc: Doc) -> Analysis:
    mentions, entities = find_entities(doc, item.id, item.blocks)
    return Analysis(
        article=item.id,
        sentences=split_sentences(doc, item.id, item.blocks),
        mentions=mentions,
        entities=entities,
        quotes=find_quotes(doc, item.id, item.blocks, mentions, entities),
        timerefs=find_timerefs(doc, item.id, item.published),
    )


def analyze(items: Sequence[AnalysisInput], model: str | None = None) -> list[Analysis]:
    """Analyses for a batch of articles, spaCy batching across all of them."""
    docs = nlp.annotate([item.text for item in items], model=model)
    return [analyze_doc(item, doc) for item, doc in zip(items, docs, strict=True)]
