"""Golden: comparing the real seeds 000 and 001 (one video call on 2026-01-27, told by two
outlets in different words and framing), and keeping 003 (a look-alike call two years
earlier, with Shoigu) apart.  The expectations were written by reading the articles.

Also the fictional demo corpus: its framed pair (Zelgrad Daily vs Northgate Herald), its
matching quotes and its contradictions, read from `demo/truth.json`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from conftest import SEED_META, scratch_store

from storyline.compare.quotes import match_quotes
from storyline.compare.stage import compare_event
from storyline.enrich.analyze import AnalysisInput, analyze
from storyline.ingest.clean import clean_text
from storyline.model import Analysis, Article, Claim, Comparison, Quote

pytestmark = pytest.mark.slow

EVENT_DATE = "2026-01-27"  # the call: "on Tuesday" in both, published 2026-01-28


def seed_article(seeds: Path, prefix: str) -> Article:
    path = next(seeds.glob(f"{prefix}_*.txt"))
    article_id, source, published = SEED_META[prefix]
    cleaned = clean_text(path.read_text())
    return Article(article_id, cleaned.text, source=source, published=published, blocks=cleaned.blocks)


@cache
def seed_case(seeds: Path) -> tuple[dict[str, Article], dict[str, Analysis], Comparison]:
    articles = {p: seed_article(seeds, p) for p in ("000", "001", "003")}
    analyses = dict(zip(articles, analyze([AnalysisInput.of(a) for a in articles.values()]), strict=True))
    pair = [articles["000"], articles["001"]]
    comparison = compare_event("e1", pair, [analyses["000"], analyses["001"]], EVENT_DATE)
    return articles, analyses, comparison


@pytest.fixture(scope="module")
def case(seeds: Path):
    return seed_case(seeds)


def claim_at(comparison: Comparison, article: Article, words: str) -> Claim:
    """The claim one of whose sources in `article` holds `words`."""
    at = article.text.index(words)
    for claim in comparison.claims:
        if any(s.article == article.id and s.start <= at < s.end for s in claim.sources):
            return claim
    raise AssertionError(f"no claim of {article.id} holds {words!r}")


def outlets_of(claim: Claim) -> set[str]:
    return {s.article for s in claim.sources}


def quote_with(analysis: Analysis, words: str) -> list[Quote]:
    words = words.strip(' ,.;:"“”')
    found = [q for q in analysis.quotes if words in q.text]
    assert found, f"enrichment found no quote with {words!r} in {analysis.article}"
    return found


def matched(comparison: Comparison, a: list[Quote], b: list[Quote]) -> bool:
    ids_a, ids_b = {q.id for q in a}, {q.id for q in b}
    return any({m.a, m.b} & ids_a and {m.a, m.b} & ids_b for m in comparison.quote_matches)


# --- quotes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("in_001", "in_000"),
    [
        ("enrich the substance of cooperation", "enrich the content of cooperation"),
        ("strengthen strategic coordination", "enhance strategic coordination"),
        (
            "inject positive energy into global security",
            "jointly inject positive energy into global security and stability",
        ),
        (
            "further strengthen our bilateral strategic partnership",
            "I am confident that today’s talks will serve",
        ),
    ],
)
def test_same_statement_matches_across_outlets(case, in_001: str, in_000: str):
    _, analyses, comparison = case
    assert matched(comparison, quote_with(analyses["001"], in_001), quote_with(analyses["000"], in_000))


@pytest.mark.parametrize(
    "in_000",
    ["We will continue to build a solid foundation", "This year marks an important milestone"],
)
def test_statements_only_one_outlet_quotes_match_nothing(case, in_000: str):
    _, analyses, comparison = case
    ids = {q.id for q in quote_with(analyses["000"], in_000)}
    assert not [m for m in comparison.quote_matches if {m.a, m.b} & ids]


def test_different_people_never_match(case):
    """Belousov's words are never matched to Dong's, however alike."""
    _, analyses, comparison = case
    speaker = {q.id: q.speaker_name for a in analyses.values() for q in a.quotes}
    for m in comparison.quote_matches:
        names = {speaker[m.a], speaker[m.b]}
        assert not ({"Andrey Belousov", "Dong Jun"} <= names or {"Belousov", "Dong Jun"} <= names), m


def test_look_alike_call_with_shoigu_matches_nothing(case):
    articles, analyses, _ = case
    quotes = analyses["000"].quotes + analyses["003"].quotes
    outlets = {a.id: a.source for a in articles.values()}
    by_article = {a.article: a for a in analyses.values()}
    from storyline.compare.stage import default_embed

    assert match_quotes(quotes, by_article, outlets, default_embed) == []


# --- claims ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "words", "context"),
    [
        ("000", "US military aggression led to the abduction of President Nicolas Maduro", False),
        ("000", "bilateral trade reached approximately $220 billion last year", True),
        ("000", "marking 30 years of strategic coordination and 25 years since the signing", True),
        ("001", "Russia and Ukraine held talks on a US-brokered peace plan", False),
        ("001", "Western governments have previously accused China", False),
        ("001", "did not mention the Ukraine conflict in its readout", False),
    ],
)
def test_claims_only_one_outlet_carries(case, prefix: str, words: str, context: bool):
    articles, _, comparison = case
    claim = claim_at(comparison, articles[prefix], words)
    assert claim.status == "single"
    assert outlets_of(claim) == {articles[prefix].id}
    assert claim.context is context


@pytest.mark.parametrize(
    "words_000",
    [
        "held a scheduled video conference on Tuesday",  # the call itself
        "Belousov stressed that recent developments in Venezuela and Iran",  # Belousov on Venezuela, Iran
        "improve mechanisms for military exchange",  # Dong on exchange mechanisms
    ],
)
def test_claims_both_outlets_carry(case, words_000: str):
    articles, _, comparison = case
    claim = claim_at(comparison, articles["000"], words_000)
    assert claim.status == "shared"
    assert outlets_of(claim) == {"seed-000", "seed-001"}
    assert not claim.context


def test_claims_are_cited_with_offsets_into_the_text(case):
    articles, _, comparison = case
    by_id = {a.id: a for a in articles.values()}
    for n, claim in enumerate(comparison.claims, start=1):
        assert claim.id == f"e1:c{n}"
        first = claim.sources[0]
        assert by_id[first.article].text[first.start : first.end] == claim.text


def test_no_omissions_between_two_outlets(case):
    """With two outlets every multi-outlet claim is carried by both: nothing is omitted."""
    _, _, comparison = case
    assert comparison.omissions == {"seed-000": [], "seed-001": []}


# --- framing and sourcing --------------------------------------------------------------------


def own_voice(comparison: Comparison, article: Article) -> list[tuple[int, int]]:
    return [
        (f.start, f.end)
        for f in comparison.framing
        if f.article == article.id and f.kind == "loaded-own-voice"
    ]


def overlaps(spans: list[tuple[int, int]], article: Article, words: str) -> bool:
    at = article.text.index(words)
    return any(s < at + len(words) and at < e for s, e in spans)


@pytest.mark.parametrize(
    "words", ["US military aggression led to the abduction", "Israel-US-supported terror riots"]
)
def test_own_voice_framing_in_000(case, words: str):
    articles, _, comparison = case
    assert overlaps(own_voice(comparison, articles["000"]), articles["000"], words)


@pytest.mark.parametrize(
    "words",
    [
        "what they view as Washington’s destabilizing influence",
        "what both Moscow and Beijing view as Washington’s disruptive policies",
        "what both Moscow and Beijing see as US interference",
    ],
)
def test_attributed_wording_in_000_is_not_own_voice(case, words: str):
    articles, _, comparison = case
    assert not overlaps(own_voice(comparison, articles["000"]), articles["000"], words)
    attributed = [(f.start, f.end) for f in comparison.framing if f.kind == "attributed"]
    assert overlaps(attributed, articles["000"], words)


def test_no_own_voice_framing_in_001(case):
    articles, _, comparison = case
    assert own_voice(comparison, articles["001"]) == []
    accusations = [f.text for f in comparison.framing if f.article == "seed-001" and f.kind == "attributed"]
    assert any("accused China of enabling" in t for t in accusations)


def test_sourcing_profiles(case):
    _, _, comparison = case
    assert comparison.sourcing["seed-000"].get("named_person", 0) >= 6
    assert comparison.sourcing["seed-001"].get("analysts") == 1
    assert comparison.sourcing["seed-001"].get("organisation", 0) >= 2


# --- the demo corpus -----------------------------------------------------------------------------

DEMO = Path(__file__).resolve().parents[1] / "src" / "storyline" / "demo"


@cache
def demo_world() -> tuple[dict, dict[str, Article]]:
    from storyline.ingest.meta import MetaIndex
    from storyline.ingest.stage import ingest
    from storyline.store import articles as repo

    with scratch_store() as store:
        corpus = DEMO / "corpus"
        ingest(store, [str(corpus)], MetaIndex.load(str(corpus / "meta.jsonl")))
        with store.read() as conn:
            stored = list(repo.iter_all(conn))
    truth = json.loads((DEMO / "truth.json").read_text())
    by_key = {a.id: a for a in stored} | {a.url: a for a in stored if a.url}
    return truth, {key: by_key[key] for key in truth["articles"] if key in by_key}


@cache
def demo_event(key: str) -> tuple[dict[str, Article], dict[str, Analysis], Comparison]:
    truth, articles = demo_world()
    members = {k: a for k, a in articles.items() if truth["articles"][k]["event"] == key}
    analyses = dict(zip(members, analyze([AnalysisInput.of(a) for a in members.values()]), strict=True))
    date = truth["events"][key]["date"]
    comparison = compare_event(key, list(members.values()), list(analyses.values()), date)
    return members, {a.id: analyses[k] for k, a in members.items()}, comparison


def demo_items(section: str, kind: str | None = None) -> list[dict]:
    truth, _ = demo_world()
    items = truth[section] if kind is None else truth[section][kind]
    return items


def event_of(article_key: str) -> str:
    truth, _ = demo_world()
    return truth["articles"][article_key]["event"]


@pytest.mark.parametrize("index", range(3))
def test_demo_own_voice_framing(index: int):
    item = demo_items("framing", "own_voice")[index]
    members, _, comparison = demo_event(event_of(item["article"]))
    article = members[item["article"]]
    assert overlaps(own_voice(comparison, article), article, item["contains"])


@pytest.mark.parametrize("index", range(4))
def test_demo_attributed_wording_is_not_own_voice(index: int):
    item = demo_items("framing", "attributed")[index]
    members, _, comparison = demo_event(event_of(item["article"]))
    article = members[item["article"]]
    assert not overlaps(own_voice(comparison, article), article, item["contains"])


def test_demo_neutral_outlet_attributes_the_contested_wording():
    members, _, comparison = demo_event("karsavin_rehnberg_call")
    herald = members["demo-13"]
    attributed = [(f.start, f.end) for f in comparison.framing if f.kind == "attributed"]
    assert overlaps(attributed, herald, "what officials in Zelgrad call")
    assert overlaps(attributed, herald, "Zelgrad called the detention unlawful")
    assert own_voice(comparison, herald) == []


@pytest.mark.parametrize("index", range(5))
def test_demo_matching_quotes(index: int):
    item = demo_items("matching_quotes")[index]
    members, analyses, comparison = demo_event(event_of(item["a"]["article"]))
    a = quote_with(analyses[members[item["a"]["article"]].id], item["a"]["contains"])
    b = quote_with(analyses[members[item["b"]["article"]].id], item["b"]["contains"])
    assert matched(comparison, a, b)


def test_demo_quotes_of_other_people_do_not_match():
    _, analyses, comparison = demo_event("karsavin_rehnberg_call")
    speaker = {q.id: q.speaker_name or "" for a in analyses.values() for q in a.quotes}
    for m in comparison.quote_matches:
        names = {
            speaker[m.a].split()[-1:][0] if speaker[m.a] else "",
            speaker[m.b].split()[-1:][0] if speaker[m.b] else "",
        }
        assert names != {"Karsavin", "Rehnberg"}, m


def contradiction_params() -> list:
    params = []
    for item in json.loads((DEMO / "truth.json").read_text())["contradictions"]:
        hard = "Velmoran ships" in item["what"]  # needs arithmetic: four frigates + a supply vessel
        marks = (
            [pytest.mark.xfail(reason="part-whole arithmetic is not attempted", strict=False)] if hard else []
        )
        params.append(pytest.param(item, marks=marks, id=item["what"][:40]))
    return params


@pytest.mark.parametrize("item", contradiction_params())
def test_demo_contradictions(item: dict):
    members, _, comparison = demo_event(item["event"])
    a, b = members[item["a"]["article"]], members[item["b"]["article"]]
    claim = claim_at(comparison, a, item["a"]["contains"])
    assert claim.status == "contradicted"
    assert claim is claim_at(comparison, b, item["b"]["contains"])


def test_demo_syndicated_copy_is_not_a_second_outlet():
    members, _, comparison = demo_event("northern_current_exercise")
    copies = {a.id for a in members.values() if a.duplicate_of}
    assert copies
    assert not any(s.article in copies for c in comparison.claims for s in c.sources)


# --- the stage over a store ------------------------------------------------------------------


def test_compare_pending_writes_replaces_and_skips(store, seed_meta: Path, seeds: Path):
    import sqlalchemy as sa

    from storyline.compare.stage import compare_pending
    from storyline.enrich.stage import enrich_pending
    from storyline.ingest.meta import MetaIndex
    from storyline.ingest.stage import ingest
    from storyline.report.export import to_dict
    from storyline.store import schema as t

    files = [str(next(seeds.glob(f"{p}_*.txt"))) for p in ("000", "001", "003")]
    ingest(store, files, MetaIndex.load(str(seed_meta)))
    enrich_pending(store)
    now = t.utcnow()
    with store.atomic() as conn:
        for event, members in (("e1", ["seed-000", "seed-001"]), ("e2", ["seed-003"])):
            conn.execute(
                t.events.insert(),
                [{"id": event, "title": event, "date": EVENT_DATE, "participants": [], "updated_at": now}],
            )
            conn.execute(t.event_articles.insert(), [{"article": a, "event": event} for a in members])

    report = compare_pending(store)
    assert (report.compared, report.skipped, report.skipped_events) == (1, 1, ["e2"])
    assert report.claims > 0 and report.quote_matches > 0 and report.framing > 0
    exported = to_dict(store)["comparisons"]
    assert [c["event"] for c in exported] == ["e1"]
    assert {m["score"] > 0 for m in exported[0]["quote_matches"]} == {True}
    assert exported[0]["claims"][0]["id"] == "e1:c1"
    assert set(exported[0]["sourcing"]) == {"seed-000", "seed-001"}

    assert compare_pending(store).compared == 0  # nothing changed
    with store.atomic() as conn:  # changed, but not what comparison reads: kept as stored
        conn.execute(t.events.update().where(t.events.c.id == "e1").values(updated_at=t.utcnow()))
    kept = compare_pending(store)
    assert (kept.compared, kept.unchanged) == (0, 1)
    with store.atomic() as conn:  # a comparison stored before input digests were kept
        conn.execute(t.comparisons.update().values(inputs=None))
        conn.execute(t.events.update().where(t.events.c.id == "e1").values(updated_at=t.utcnow()))
    again = compare_pending(store)
    assert again.compared == 1
    with store.read() as conn:
        claims = conn.execute(sa.select(sa.func.count()).select_from(t.claims)).scalar_one()
    assert claims == report.claims  # replaced, not added


def test_demo_background_claims_are_context():
    """Treaties, trade figures, earlier meetings: at least 90% of truth.json's background
    items land in a claim marked context (a floor that may only rise)."""
    hits = []
    for item in demo_items("context"):
        members, _, comparison = demo_event(event_of(item["article"]))
        hits.append(claim_at(comparison, members[item["article"]], item["contains"]).context)
    assert sum(hits) >= 0.9 * len(hits), hits
