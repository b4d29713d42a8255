"""Helpers for the quote tests: parse a text and find its entities.

Entity finding (`storyline.enrich.entities.find_entities`) is written in parallel; until
it is importable, `entities_for` falls back to grouping spaCy's own entities, which is all
the quote tests need: mentions of one name share a key, and the key's name is the fullest
form ("Dong Jun" for "Dong").
"""

from __future__ import annotations

from spacy.tokens import Doc

from storyline.enrich.nlp import annotate
from storyline.enrich.quotes import find_quotes
from storyline.model import Block, LocalEntity, Mention, Quote

NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}


def parse(text: str) -> Doc:
    return next(annotate([text]))


def body_blocks(text: str) -> list[Block]:
    blocks, offset = [], 0
    for line in text.split("\n"):
        blocks.append(Block(offset, offset + len(line), "body"))
        offset += len(line) + 1
    return blocks


def entities_for(doc: Doc, article_id: str, blocks: list[Block]) -> tuple[list[Mention], list[LocalEntity]]:
    """The real entity finder when it exists, else spaCy's entities grouped by name."""
    try:
        from storyline.enrich.entities import find_entities
    except ImportError:
        return fallback_entities(doc, article_id)
    return find_entities(doc, article_id, blocks)


def fallback_entities(doc: Doc, article_id: str) -> tuple[list[Mention], list[LocalEntity]]:
    mentions: list[Mention] = []
    entities: list[LocalEntity] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        words = _words(ent.text)
        if not words:
            continue
        entity = _same(entities, words, ent.label_)
        if entity is None:
            entity = LocalEntity(len(entities), " ".join(words), ent.label_)
            entities.append(entity)
        elif len(words) > len(entity.name.split()):
            entity.name = " ".join(words)
        entity.surface_forms.append(ent.text)
        mentions.append(Mention(article_id, ent.start_char, ent.end_char, ent.text, ent.label_, entity.key))
    return mentions, entities


def _words(text: str) -> list[str]:
    words = text.replace("’s", "").replace("'s", "").split()
    return words[1:] if words and words[0].lower() == "the" else words


def _same(entities: list[LocalEntity], words: list[str], label: str) -> LocalEntity | None:
    """An earlier entity with the same words, or (for names) one whose words contain these."""
    mine = set(words)
    for e in reversed(entities):
        theirs = set(e.name.split())
        if theirs == mine:
            return e
        if "PERSON" in (label, e.label) and (mine < theirs or theirs < mine):
            return e
    return None


def quotes_of(text: str, article_id: str = "a", blocks: list[Block] | None = None) -> list[Quote]:
    """Parse, find entities, find quotes: the whole stage on one text."""
    doc = parse(text)
    blocks = blocks if blocks is not None else body_blocks(text)
    mentions, entities = entities_for(doc, article_id, blocks)
    return find_quotes(doc, article_id, blocks, mentions, entities)
