"""Everything one article says on its own: sentences, entities, quotes, dates.

A pure function of the article, with no store access, so it runs the same inline, in a
process pool, or on a Dask worker; the order of the steps is the data flow (quotes need
the entities to name their speakers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from storyline.compare.reading import read_for_comparison
from storyline.enrich import embed, nlp
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
    title: str | None = None

    @classmethod
    def of(cls, article: Article) -> AnalysisInput:
        return cls(article.id, article.text, article.blocks, article.published, article.title)

    def as_article(self) -> Article:
        return Article(
            id=self.id, text=self.text, title=self.title, published=self.published, blocks=self.blocks
        )


def analyze_doc(item: AnalysisInput, doc: Doc) -> Analysis:
    """The article's analysis, with what comparison reads off the parse (claim units,
    framing): the parse is here now and would cost more than the reading to redo later."""
    mentions, entities = find_entities(doc, item.id, item.blocks)
    sents = list(doc.sents)  # listed once: each walk of `doc.sents` is a pass over the tokens
    analysis = Analysis(
        article=item.id,
        sentences=split_sentences(doc, item.id, item.blocks, sents),
        mentions=mentions,
        entities=entities,
        quotes=find_quotes(doc, item.id, item.blocks, mentions, entities, sents),
        timerefs=find_timerefs(doc, item.id, item.published),
    )
    return read_for_comparison(item.as_article(), analysis, doc)


def analyze(items: Sequence[AnalysisInput], model: str | None = None) -> list[Analysis]:
    """Analyses for a batch of articles, spaCy batching across all of them."""
    docs = nlp.annotate([item.text for item in items], model=model)
    return [analyze_doc(item, doc) for item, doc in zip(items, docs, strict=True)]


def analyze_and_embed(items: Sequence[AnalysisInput], model: str | None = None) -> list[Analysis]:
    """Analyses with their article embeddings: all of an article's own cost in one call, so
    a worker process does both and the parent only resolves entities and writes."""
    analyses = analyze(items, model)
    if analyses:
        texts = [
            embed.article_text_for_embedding(item.as_article(), a.sentences)
            for item, a in zip(items, analyses, strict=True)
        ]
        for analysis, vector in zip(analyses, embed.embed(texts), strict=True):
            analysis.embedding = vector
    return analyses
