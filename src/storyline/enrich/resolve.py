"""Cross-article entity resolution: each article's local entities become global entities.

Incremental and store-backed: every global entity is filed in `entity_keys` under folded
keys (see `names`), so a batch processed today finds the entities of last week's batches
with three queries, and a name is compared only with the names in its blocks, never with
all known entities.  Block keys carry the name, so comparing needs no entity rows; rows are
read only for the entities the batch links to.  Keys, per family (person, org, place,
group, event):

    person=andrei belousov    the folded full name (every full spelling seen)
    person~belousov           a short form the person is known by (surname, or the word an
                              article used alone: "Dong" for Dong Jun)
    person^ablsvv|andrei belousov   first letter, the surname's shape and last letter,
                              then the name: the block of names an initial or a variant
                              could match
    person%<abu bakr20|abu bakr al baghdadi   the first (%<) or last (%>) characters and
                              the length of a long name, then the name: the blocks of
                              near-identical spellings
    org=russia defense ministry, org~defense ministry   an institution, and its bare name

Decisions, in this order (no library does transliteration-aware entity resolution for news
offline, so the rules are ours):
1. a folded full name already filed → that entity (Andrey/Andrei Belousov meet here);
2. a surname alone → the one full-named person known by it, only if exactly one;
3. a full name another known name could be (an initial, a patronymic left out, a
   near-identical spelling above FUZZY_PERSON_RATIO) → that person, only if exactly one;
4. a bare institution name ("Defence Ministry") → the one country's institution of that name;
5. otherwise a new entity whose id is a slug of its key ("person:andrei-belousov");
6. a person stored under a lone surname joins the full-named person once exactly one
   person is known by that surname.
Roles never decide anything: two defence ministers of Russia stay two people.

Within a batch, full names are decided before surnames and articles in publication order,
so the result does not depend on the order of the list passed in.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel
from sqlalchemy.engine import Connection

from storyline.enrich import names
from storyline.model import Analysis, Article, Entity, LocalEntity, Mention
from storyline.store import entities as store
from storyline.store.entities import EntityRow

__all__ = ["FUZZY_PERSON_RATIO", "all_entities", "forget_articles", "load_entity", "resolve_and_store"]

FAMILY = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place",
          "NORP": "group", "EVENT": "event"}  # fmt: skip
# Normalised Indel similarity of two folded full names at or above which they are one
# person, when word count and the first and last letter of every word agree.  Calibrated on
# the person names spaCy finds in ../shared/bench (ecbplus train, wikiref220, polnear
# train, basil: 5,552 folded full names, 29,893 pairs within surname blocks): between 0.95
# and 0.97 sit as many different people (Ivana/Ivanka Trump 0.957, David Johnston/Johnson
# 0.963) as misspellings (Vicente/Vincente Fox 0.957); above 0.97 only a misspelling
# (al-Baghdadi/al-Baghadi 0.974).  Systematic variants are folded before this is reached.
FUZZY_PERSON_RATIO = 0.97
# Indel similarity 0.97 allows no edit between names shorter than 17 characters together
# with their partner (34 in all), and one edit up to 33 each: so only names of 16+
# characters are blocked for it, by their first and last 8 (one of them is intact).
_FUZZY_MIN_CHARS = int(1 / (1 - FUZZY_PERSON_RATIO) / 2)
_FUZZY_AFFIX = _FUZZY_MIN_CHARS // 2


@dataclass
class _Local:
    """One article's entity on its way to a global id."""

    article: str
    order: int
    entity: LocalEntity
    mentions: list[Mention]
    family: str
    key: str
    tokens: list[str] = field(default_factory=list)


def resolve_and_store(conn: Connection, analyses: list[Analysis], articles: dict[str, Article]) -> None:
    """Link every LocalEntity of the batch to a global entity and store the result.

    `articles` are the batch's stored articles by id; they order the batch by publication.
    Fills `LocalEntity.entity` and `Mention.entity` in place.  Reprocessing an article
    replaces what was stored for it.
    """
    ordered = sorted(analyses, key=lambda a: (_published(articles.get(a.article)), a.article))
    store.forget_articles(conn, [a.article for a in ordered])
    batch = [local for n, analysis in enumerate(ordered) for local in _locals(analysis, n)]
    index = _Index(conn, batch)
    for local in sorted(batch, key=_decision_order):
        index.resolve(local)
    index.absorb_surnames(batch)
    index.load_rows()
    index.settle_ids()
    _write(conn, index, batch)


def forget_articles(conn: Connection, article_ids: list[str]) -> None:
    """Take back what was stored for these articles (their mentions, roles, local entities
    and their share of entity mention counts).  `resolve_and_store` does this for the
    articles it is given; call it yourself before deleting an article's rows any other way,
    or the counts of its entities stay too high."""
    store.forget_articles(conn, article_ids)


def load_entity(conn: Connection, entity_id: str) -> Entity:
    """One global entity with its aliases and roles (raises NotFound)."""
    return store.load_entity(conn, entity_id)


def all_entities(conn: Connection) -> list[Entity]:
    """Every global entity with aliases and roles, for the export."""
    return store.all_entities(conn)


def _published(article: Article | None) -> str:
    return (article.published or "") if article else ""


def _locals(analysis: Analysis, order: int) -> list[_Local]:
    """The article's entities with their family, folded key and mentions."""
    by_local: dict[int, list[Mention]] = {}
    for mention in analysis.mentions:
        by_local.setdefault(mention.local, []).append(mention)
    out = []
    for entity in analysis.entities:
        family = FAMILY.get(entity.label, entity.label.lower())
        key = names.name_key(entity.name, entity.label)
        if key:
            tokens = key.split() if family == "person" else []
            mentions = by_local.get(entity.key, [])
            out.append(_Local(analysis.article, order, entity, mentions, family, key, tokens))
    return out


def _decision_order(local: _Local) -> tuple[int, int, int]:
    """Full names first, bare institution names and lone surnames last."""
    if local.family == "person":
        tier = 0 if len(local.tokens) > 1 else 3
    elif local.family == "org" and names.org_parts(local.entity.name)[0] is None:
        tier = 2
    else:
        tier = 1
    return tier, local.order, local.entity.key


# --- keys ------------------------------------------------------------------------------------------
def _full_keys(local: _Local) -> set[str]:
    """Exact keys: the folded name, and every other full spelling the article used."""
    keys = {f"{local.family}={local.key}"}
    if local.family == "person":
        keys |= {f"person={' '.join(t)}" for t in _full_forms(local)}
    return keys


def _full_forms(local: _Local) -> list[list[str]]:
    """The folded multi-word names of a person in the article ("Vladimir V. Putin" too)."""
    forms = {names.person_key(f) for f in [local.entity.name, *local.entity.surface_forms]}
    return [k.split() for k in sorted(forms) if len(k.split()) > 1]


def _short_keys(local: _Local) -> set[str]:
    """Keys that only tell one holder from many: a surname, a bare institution name."""
    if local.family == "person" and len(local.tokens) > 1:
        shorts = {names.person_key(f) for f in local.entity.surface_forms}
        return {f"person~{s}" for s in shorts | {local.tokens[-1]} if s and " " not in s}
    if local.family == "org":
        country, rest = names.org_parts(local.entity.name)
        return {f"org~{rest}"} if country is not None and rest else set()
    return set()


def _compat_block(tokens: list[str]) -> str:
    """Every name `names.same_person_tokens` accepts shares the first letter and the
    surname's shape and last letter."""
    last = tokens[-1]
    return f"person^{tokens[0][0]}{names.skeleton(last)}{last[-1]}|"


def _fuzzy_blocks(tokens: list[str], lengths: list[int]) -> set[str]:
    """A name near-identical at FUZZY_PERSON_RATIO is one edit away, at least
    _FUZZY_MIN_CHARS long, and shares its first or its last _FUZZY_AFFIX characters."""
    key = " ".join(tokens)
    if len(key) < _FUZZY_MIN_CHARS:
        return set()
    ends = (f"<{key[:_FUZZY_AFFIX]}", f">{key[-_FUZZY_AFFIX:]}")
    return {f"person%{end}{n}|" for end in ends for n in lengths if n >= _FUZZY_MIN_CHARS}


def _filed_blocks(local: _Local) -> set[str]:
    """Block keys with the name appended, for every full spelling of a person."""
    out = set()
    for tokens in _full_forms(local):
        name = " ".join(tokens)
        out |= {block + name for block in {_compat_block(tokens)} | _fuzzy_blocks(tokens, [len(name)])}
    return out


def _probed_blocks(tokens: list[str]) -> set[str]:
    n = len(" ".join(tokens))
    return {_compat_block(tokens)} | _fuzzy_blocks(tokens, [n - 1, n, n + 1])


# --- decisions ---------------------------------------------------------------------------------------
class _Index:
    """The batch's view of the store: keys → entity ids, blocks of names, and what is new."""

    def __init__(self, conn: Connection, batch: list[_Local]) -> None:
        self.conn = conn
        exact = {k for local in batch for k in _full_keys(local)}
        exact |= {f"person={local.tokens[-1]}" for local in batch if len(local.tokens) > 1}
        short = {k for local in batch for k in _short_keys(local)}
        short |= {f"person~{local.tokens[0]}" for local in batch if len(local.tokens) == 1}
        short |= {f"org~{names.org_parts(local.entity.name)[1]}" for local in batch if local.family == "org"}
        self.keys = store.lookup_keys(conn, exact) | store.lookup_few(conn, short)
        blocks = {b for local in batch if len(local.tokens) > 1 for b in _probed_blocks(local.tokens)}
        self.blocks: dict[str, list[tuple[list[str], str]]] = {}
        for key, entity_id in store.lookup_prefixes(conn, blocks):
            block, _, name = key.partition("|")
            self.blocks.setdefault(block + "|", []).append((name.split(), entity_id))
        self.rows: dict[str, EntityRow] = {}
        self.filed: set[tuple[str, str]] = set()
        self.links: list[tuple[_Local, str]] = []
        self.fresh_keys: dict[str, str] = {}  # new entity id → the key it was named after
        self.absorbed: dict[str, str] = {}  # stored surname-only entity → full-named one
        self.renamed: dict[str, str] = {}
        self.votes: dict[str, Counter[str]] = {}  # names the batch's articles give each entity
        self.recount: set[str] = set()  # entities whose name the stored counts must decide

    def resolve(self, local: _Local) -> None:
        """Give the local entity a global id, created if nothing known fits.

        A short form linked to a full name ("Belousov", "Defence Ministry") is not filed
        under its own key there: when it is ambiguous later, it must not land on this one.
        """
        short = self._short_form(local)
        entity_id = short or self._decide(local) or self._create(local)
        if short is None:
            self._file(local, entity_id)
        local.entity.entity = entity_id
        self.links.append((local, entity_id))

    def _short_form(self, local: _Local) -> str | None:
        if local.family == "person" and len(local.tokens) == 1:
            return self._only(f"person~{local.tokens[0]}")
        if local.family == "org" and not self._exact(local):
            country, rest = names.org_parts(local.entity.name)
            return self._only(f"org~{rest}") if country is None else None
        return None

    def _only(self, key: str) -> str | None:
        ids = self.keys.get(key, set())
        return next(iter(ids)) if len(ids) == 1 else None

    def _decide(self, local: _Local) -> str | None:
        if local.family == "person" and len(local.tokens) > 1:
            return self._exact(local) or self._similar_person(local)
        return self._exact(local)

    def _exact(self, local: _Local) -> str | None:
        ids = set().union(*(self.keys.get(k, set()) for k in _full_keys(local)))
        return min(ids) if ids else None

    def _similar_person(self, local: _Local) -> str | None:
        """The one known person this full name could also be (see module docstring, 3)."""
        scores: dict[str, float] = {}
        for block in _probed_blocks(local.tokens):
            for other, entity_id in self.blocks.get(block, ()):
                if score := _person_score(local.tokens, other):
                    scores[entity_id] = max(score, scores.get(entity_id, 0.0))
        if not scores:
            return None
        best = max(scores.values())
        winners = sorted(e for e, s in scores.items() if s == best)
        return winners[0] if len(winners) == 1 else None

    def _create(self, local: _Local) -> str:
        entity_id = f"{local.family}:{names.slug(local.key)}"
        if entity_id in self.rows:
            entity_id = _hashed(entity_id, local.key)
        self.rows[entity_id] = EntityRow(entity_id, local.entity.name, local.entity.label, new=True)
        self.fresh_keys[entity_id] = local.key
        return entity_id

    def _file(self, local: _Local, entity_id: str) -> None:
        """File the entity under the local entity's keys, for this batch and the store."""
        for key in _full_keys(local) | _short_keys(local):
            self.keys.setdefault(key, set()).add(entity_id)
            self.filed.add((key, entity_id))
        for key in _filed_blocks(local):
            block, _, name = key.partition("|")
            self.blocks.setdefault(block + "|", []).append((name.split(), entity_id))
            self.filed.add((key, entity_id))

    def absorb_surnames(self, batch: list[_Local]) -> None:
        """A person stored under a lone surname (an earlier article never gave the full
        name) joins the full-named person once exactly one is known by that surname."""
        for local in batch:
            if local.family != "person" or len(local.tokens) < 2:
                continue
            surname = local.tokens[-1]
            holder = self._only(f"person~{surname}")
            orphans = self.keys.pop(f"person={surname}", set()) - {holder}
            for orphan in orphans if holder else ():
                if orphan not in self.fresh_keys:
                    self.absorbed[orphan] = holder
                    self.recount.add(holder)

    def load_rows(self) -> None:
        """Read the stored entities the batch links to, then add the batch's spellings,
        mentions and name votes to every linked entity."""
        wanted = {e for _, e in self.links} | set(self.absorbed) | set(self.absorbed.values())
        self.rows |= store.get_rows(self.conn, wanted - set(self.rows))
        for local, entity_id in self.links:
            target = self.absorbed.get(entity_id, entity_id)
            _add_spellings(self.rows[target], local)
            self.votes.setdefault(target, Counter())[local.entity.name] += 1
        for orphan, target in self.absorbed.items():
            old, row = self.rows.pop(orphan), self.rows[target]
            row.aliases += [a for a in old.aliases if a not in row.aliases]
            row.mentions += old.mentions
            row.changed = True

    def final_id(self, entity_id: str) -> str:
        """The id an entity ends the batch with, after absorption and renaming."""
        entity_id = self.absorbed.get(entity_id, entity_id)
        return self.renamed.get(entity_id, entity_id)

    def settle_ids(self) -> None:
        """A new id that an unrelated stored entity already has gets a hash suffix."""
        for old in sorted(store.existing_ids(self.conn, self.fresh_keys)):
            new = self.renamed[old] = _hashed(old, self.fresh_keys[old])
            row = self.rows.pop(old)
            row.id = new
            self.rows[new] = row
        if self.renamed:
            self.votes = {self.final_id(e): v for e, v in self.votes.items()}


def _add_spellings(row: EntityRow, local: _Local) -> None:
    for alias in [local.entity.name, *local.entity.surface_forms]:
        if alias not in row.aliases:
            row.aliases.append(alias)
    row.mentions += len(local.mentions)
    row.changed = True


def _person_score(tokens: list[str], other: list[str]) -> float:
    """2 for a name the same person could carry, the similarity for a near-identical
    spelling at or above FUZZY_PERSON_RATIO, else 0."""
    if names.same_person_tokens(tokens, other):
        return 2.0
    if not _near_identical(tokens, other):
        return 0.0
    similarity = Indel.normalized_similarity(" ".join(tokens), " ".join(other))
    return similarity if similarity >= FUZZY_PERSON_RATIO else 0.0


def _near_identical(a: list[str], b: list[str]) -> bool:
    """Same number of words, each with the same first and last letter: spelling slips and
    transliteration differences sit inside words, gender and case endings at their ends."""
    if len(a) != len(b):
        return False
    return all(x[0] == y[0] and x[-1] == y[-1] for x, y in zip(a, b, strict=True))


def _hashed(entity_id: str, key: str) -> str:
    return f"{entity_id}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"


# --- writing -------------------------------------------------------------------------------------------
def _write(conn: Connection, index: _Index, batch: list[_Local]) -> None:
    """Names settled, then entities (rows point at them), merges, keys, the batch's rows."""
    for local in batch:
        local.entity.entity = index.final_id(local.entity.entity or "")
        for mention in local.mentions:
            mention.entity = local.entity.entity
    _choose_names(conn, index)
    store.save_entities(conn, [r for r in index.rows.values() if r.new or r.changed])
    for orphan, target in index.absorbed.items():
        store.merge_entity(conn, orphan, index.final_id(target))
    store.add_keys(conn, {(k, index.final_id(e)) for k, e in index.filed})
    store.add_article_rows(conn, *_article_rows(batch))


def _article_rows(batch: list[_Local]) -> tuple[list[dict], list[dict], list[dict]]:
    local_rows, mention_rows, role_rows = [], [], []
    for local in batch:
        e, eid = local.entity, local.entity.entity
        first = min((m.start for m in local.mentions), default=0)
        local_rows.append({"article": local.article, "local": e.key, "name": e.name, "label": e.label,
                           "entity": eid, "mentions": len(local.mentions), "first_start": first})  # fmt: skip
        mention_rows += [_mention_row(m, eid) for m in local.mentions]
        role_rows += [{"entity": eid, "title": r.title, "org": r.org, "article": r.article} for r in e.roles]
    return local_rows, mention_rows, role_rows


def _mention_row(m: Mention, entity_id: str | None) -> dict:
    return {"article": m.article, "start": m.start, "end": m.end, "text": m.text, "label": m.label,
            "local": m.local, "entity": entity_id}  # fmt: skip


def _choose_names(conn: Connection, index: _Index) -> None:
    """An entity spelled two ways takes the fullest form, then the one most articles use.

    A new entity's articles are all in the batch.  A stored one is recounted from the
    store only when the batch could change its name, so a much-named entity costs nothing.
    """
    votes: dict[str, Counter[str]] = {}
    for entity_id, counter in index.votes.items():
        votes.setdefault(index.final_id(entity_id), Counter()).update(counter)
    recount = {index.final_id(e) for e in index.recount}
    for entity_id, counter in votes.items():
        row = index.rows[entity_id]
        if row.new and entity_id not in recount:
            _rename(row, _best_name(counter))
        elif _best_name(counter + Counter({row.name: 1})) != row.name:
            recount.add(entity_id)
    stored = store.name_counts(conn, recount | set(index.absorbed))
    for entity_id in recount:
        counter = stored.get(entity_id, Counter()) + votes.get(entity_id, Counter())
        for orphan in (o for o, t in index.absorbed.items() if index.final_id(t) == entity_id):
            counter += stored.get(orphan, Counter())
        _rename(index.rows[entity_id], _best_name(counter))


def _best_name(counts: Counter[str]) -> str:
    return max(counts, key=lambda n: _name_rank(n, counts[n]))


def _rename(row: EntityRow, name: str) -> None:
    if name != row.name:
        row.name, row.changed = name, True


def _name_rank(name: str, count: int) -> tuple[int, int, int, str]:
    words = name.split()
    return len(words), count, sum(w[:1].isupper() for w in words), name
