"""What comparison reads off an article's parse, read once while the parse exists.

Enrichment parses every article; comparison needs the parse again for its claim units
(clause splits, figures, negation, locative places) and its framing findings, and an
event is compared again each time an article joins it.  Both are properties of the
article alone, so enrichment reads them and the store keeps them: comparing never parses.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc

from storyline.compare.claims import read_units
from storyline.compare.framing import frame_article
from storyline.model import Analysis, Article


def read_for_comparison(article: Article, analysis: Analysis, doc: Doc) -> Analysis:
    """The analysis with its claim unit readings and framing findings."""
    return replace(
        analysis, units=read_units(article.text, analysis, doc), framing=frame_article(article, analysis, doc)
    )
