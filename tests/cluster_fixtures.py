"""Small synthetic articles with enrichment, for the clustering tests.

Each article is built as `enrich/stage.py` would leave it: sentences, entity mentions
with global ids, time expressions resolved to values, and an embedding.  Vectors are
made from a per-happening prototype plus a little seeded noise, so "same happening in
other words" and "look-alike" are controlled by the test, not by a model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from storyline.enrich.embed import EMBEDDING_DIM, MODEL_NAME
from storyline.model import Analysis, Article, Block, LocalEntity, Mention, Sentence, TimeRef
from storyline.store import events as repo
from storyline.store.db import Store


@dataclass
class Spec:
    """One synthetic article: lines of text, named entities to find in it, dates."""

    id: str
    lines: list[str]
    published: str | None
    topic: str  # vector prototype
    entities: list[tuple[str, str, str]] = field(default_factory=list)  # (surface, label, entity id)
    dates: list[tuple[str, str, str]] = field(default_factory=list)  # (surface, value, granularity)
    title: str | None = None
    duplicate_of: str | None = None
    noise: float = 0.08


def prototype(topic: str) -> np.ndarray:
    seed = int(hashlib.sha1(topic.encode()).hexdigest()[:8], 16)
    v = np.random.default_rng(seed).normal(size=EMBEDDING_DIM)
    return v / np.linalg.norm(v)


def vector(spec: Spec) -> np.ndarray:
    seed = int(hashlib.sha1(spec.id.encode()).hexdigest()[:8], 16)
    noise = np.random.default_rng(seed).normal(size=EMBEDDING_DIM)
    v = prototype(spec.topic) + spec.noise * noise / np.linalg.norm(noise) * np.sqrt(1.0)
    return (v / np.linalg.norm(v)).astype(np.float32)


def mix(a: str, b: str, weight: float) -> np.ndarray:
    v = (1 - weight) * prototype(a) + weight * prototype(b)
    return v / np.linalg.norm(v)


def build(spec: Spec) -> tuple[Article, Analysis]:
    text = "\n".join(spec.lines)
    blocks, sentences, offset = [], [], 0
    for i, line in enumerate(spec.lines):
        kind = "headline" if i == 0 and not line.endswith(".") else "body"
        blocks.append(Block(offset, offset + len(line), kind))
        sentences.append(Sentence(spec.id, i, offset, offset + len(line), kind))
        offset += len(line) + 1
    article = Article(
        id=spec.id, text=text, title=spec.title, published=spec.published, blocks=blocks,
        duplicate_of=spec.duplicate_of,
    )  # fmt: skip
    analysis = Analysis(article=spec.id, sentences=sentences)
    locals_: dict[str, int] = {}
    for surface, label, entity in spec.entities:
        key = locals_.setdefault(entity, len(locals_))
        if all(e.key != key for e in analysis.entities):
            analysis.entities.append(LocalEntity(key, surface, label, entity=entity))
        start = text.find(surface)
        while start >= 0:
            analysis.mentions.append(
                Mention(spec.id, start, start + len(surface), surface, label, key, entity)
            )
            start = text.find(surface, start + 1)
    for i, (surface, value, granularity) in enumerate(spec.dates):
        start = text.find(surface)
        assert start >= 0, surface
        analysis.timerefs.append(
            TimeRef(f"{spec.id}-t{i}", spec.id, surface, value, start, start + len(surface), granularity)  # type: ignore[arg-type]
        )
    analysis.mentions.sort(key=lambda m: m.start)
    return article, analysis


def seed(store: Store, specs: list[Spec], vectors: dict[str, np.ndarray] | None = None) -> None:
    """Store the articles as enriched, with their vectors (`vector` unless given)."""
    built = [build(s) for s in specs]
    with store.atomic() as conn:
        repo.seed_enriched(
            conn,
            [a for a, _ in built],
            {a.id: an for a, an in built},
            {s.id: (vectors or {}).get(s.id, vector(s)) for s in specs},
            MODEL_NAME,
        )


BELOUSOV = ("Andrey Belousov", "PERSON", "ent-belousov")
DONG = ("Dong Jun", "PERSON", "ent-dong")
SHOIGU = ("Sergei Shoigu", "PERSON", "ent-shoigu")
ZHANG = ("Zhang Youxia", "PERSON", "ent-zhang")
RUSSIA = ("Russia", "GPE", "ent-russia")
CHINA = ("China", "GPE", "ent-china")


def call_corpus() -> list[Spec]:
    """The seeds' traps in miniature: one call told two ways, the same minister's call
    with the previous counterpart two years earlier, and a meeting with someone else."""
    return [
        Spec(
            "a1",
            [
                "Russian and Chinese defence ministers held a video call.",
                "Andrey Belousov and Dong Jun spoke on Tuesday about Russia and China.",
                "The two sides signed a treaty in 2001 that still guides them.",
            ],
            "2026-01-28",
            "ministers-call",
            [BELOUSOV, DONG, RUSSIA, CHINA],
            [("Tuesday", "2026-01-27", "day"), ("2001", "2001", "year")],
        ),
        Spec(
            "a2",
            [
                "China and Russia agree closer military ties in video call",
                "Dong Jun told Andrey Belousov on Tuesday that China and Russia must coordinate.",
                "Officials described the call as friendly.",
            ],
            "2026-01-28",
            "ministers-call",
            [DONG, BELOUSOV, CHINA, RUSSIA],
            [("Tuesday", "2026-01-27", "day")],
        ),
        Spec(
            "a3",
            [
                "Dong Jun holds video call with Sergei Shoigu.",
                "China's Dong Jun and Russia's Sergei Shoigu spoke on Wednesday.",
            ],
            "2024-02-01",
            "ministers-call",
            [DONG, SHOIGU, CHINA, RUSSIA],
            [("Wednesday", "2024-01-31", "day")],
        ),
        Spec(
            "a4",
            [
                "Andrey Belousov met Zhang Youxia for military talks in Beijing.",
                "Russia and China held talks on Tuesday, Belousov said.",
            ],
            "2024-10-15",
            "ministers-call",
            [BELOUSOV, ZHANG, RUSSIA, CHINA, ("Beijing", "GPE", "ent-beijing")],
            [("Tuesday", "2024-10-15", "day")],
            noise=0.6,  # same subject, told differently
        ),
    ]


def many_events(n_events: int = 8, per_event: int = 4) -> list[Spec]:
    """Several happenings with a few reports each, dated a few days apart, some look-alikes
    (same topic vector, other people and another week)."""
    specs: list[Spec] = []
    for e in range(n_events):
        person = (f"Person {e}", "PERSON", f"ent-p{e}")
        other = (f"Official {e}", "PERSON", f"ent-o{e}")
        day = date(2025, 3, 1) + timedelta(days=7 * e)
        for k in range(per_event):
            specs.append(
                Spec(
                    f"n{e:02d}-{k}",
                    [
                        f"Person {e} and Official {e} held talks.",
                        f"Person {e} met Official {e} on {day:%B} {day.day} in report {k}.",
                    ],
                    (day + timedelta(days=k % 2)).isoformat(),
                    f"topic-{e // 2}",
                    [person, other],
                    [(f"{day:%B} {day.day}", day.isoformat(), "day")],
                    noise=0.3,
                )
            )
    return specs


def _capture(i: int, ship: str) -> Spec:
    return Spec(
        f"{ship.lower()}-{i}",
        [
            f"Navy warship {ship} captures pirates in the Gulf of Aden.",
            f"The crew of {ship} seized rifles, report {i} says.",
        ],
        None,
        ship,
        [(ship, "PERSON", f"ent-{ship.lower()}"), ("Gulf of Aden", "LOC", "ent-aden")],
    )


def bridged_captures(per_ship: int = 5) -> tuple[list[Spec], dict[str, np.ndarray]]:
    """Two look-alike captures at sea, undated, and a report of one that recalls the other
    (ECB+ dev topic 35's bridging report, in miniature), with their vectors: each
    capture's reports close to each other, the two captures about 0.8 apart."""
    bridge = Spec(
        "bridge",
        ["Navy warship Mysore captures pirates in the Gulf of Aden, weeks after Sukanya did.",
         "The crews of Mysore and Sukanya seized rifles."],
        None,
        "Mysore",
        [("Mysore", "PERSON", "ent-mysore"), ("Sukanya", "PERSON", "ent-sukanya"), ("Gulf of Aden", "LOC", "ent-aden")],
    )  # fmt: skip
    specs = [bridge] + [_capture(i, ship) for i in range(per_ship) for ship in ("Mysore", "Sukanya")]
    vectors = {"bridge": mix("Mysore", "Sukanya", 0.5)}
    for spec in specs[1:]:
        vectors[spec.id] = mix("capture", spec.topic, 0.6) + 0.04 * vector(spec)
    return specs, {k: (v / np.linalg.norm(v)).astype(np.float32) for k, v in vectors.items()}
