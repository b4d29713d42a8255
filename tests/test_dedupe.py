"""Exact and near-duplicate articles point at their original."""

from __future__ import annotations

import json
from pathlib import Path

from storyline.ingest import dedupe
from storyline.ingest.clean import clean_text
from storyline.ingest.meta import MetaIndex
from storyline.ingest.stage import ingest
from storyline.report.export import to_dict

WIRE = """Dam talks collapse as upstream state refuses inspection
By Wire Staff
Negotiators from the two river states ended three days of talks on Thursday without agreement on the disputed dam.
The upstream government refused to let international engineers inspect the reservoir walls, delegates said.
Downstream officials warned that farmers would lose a second harvest if water releases were not restored by June.
"We came to talk about water, and we were offered excuses," the downstream delegation's chief negotiator said.
Both sides said they were willing to meet again, but no date has been set for a new round of talks.
The dispute began two years ago when the reservoir started filling during the dry season.
"""


def syndicated_copy(text: str) -> str:
    lines = text.splitlines()
    lines[0] = "Upstream state blocks dam inspection, talks end in failure"
    lines[1] = "Reporting by Wire Staff; published by the Harbour Gazette"
    return "\n".join(lines[:-1]) + "\n"  # the last sentence trimmed by the republisher


def test_syndicated_copy_with_new_headline_is_a_duplicate(store, tmp_path):
    (tmp_path / "wire.txt").write_text(WIRE)
    (tmp_path / "copy.txt").write_text(syndicated_copy(WIRE))
    meta = tmp_path / "m.jsonl"
    meta.write_text(
        json.dumps({"path": "wire.txt", "id": "wire", "source": "Wire", "published": "2026-05-07"})
        + "\n"
        + json.dumps(
            {"path": "copy.txt", "id": "copy", "source": "Harbour Gazette", "published": "2026-05-08"}
        )
    )
    report = ingest(store, [], MetaIndex.load(meta))
    assert report.duplicates == {"copy": "wire"}
    by_id = {a["id"]: a for a in to_dict(store)["articles"]}
    assert by_id["copy"]["duplicate_of"] == "wire"
    assert by_id["wire"]["duplicate_of"] is None


def test_exact_copy_from_another_outlet_is_a_duplicate(store, tmp_path):
    (tmp_path / "a.txt").write_text(WIRE)
    (tmp_path / "b.txt").write_text(WIRE)
    meta = tmp_path / "m.jsonl"
    meta.write_text(
        json.dumps({"path": "a.txt", "id": "a", "source": "Wire"})
        + "\n"
        + json.dumps({"path": "b.txt", "id": "b", "source": "Other Paper"})
    )
    report = ingest(store, [], MetaIndex.load(meta))
    assert report.duplicates == {"b": "a"}


def test_duplicate_found_across_runs(store, tmp_path):
    (tmp_path / "a.txt").write_text(WIRE)
    ingest(store, [str(tmp_path / "a.txt")])
    (tmp_path / "b.txt").write_text(syndicated_copy(WIRE))
    report = ingest(store, [str(tmp_path / "b.txt")])
    assert len(report.duplicates) == 1


def test_same_event_different_words_is_not_a_duplicate(seeds: Path):
    texts = [clean_text(p.read_text()) for p in sorted(seeds.glob("*.txt"))]
    sigs = [dedupe.signature(dedupe.body_text(c.text, c.blocks)) for c in texts]
    for i in range(len(sigs)):
        for j in range(i + 1, len(sigs)):
            assert sigs[i].jaccard(sigs[j]) < 0.2


def test_signature_roundtrip():
    mh = dedupe.signature(WIRE)
    assert dedupe.from_bytes(dedupe.to_bytes(mh)).jaccard(mh) == 1.0


def test_content_hash_ignores_case_and_spacing():
    assert dedupe.content_hash("The  Talks\nended.") == dedupe.content_hash("the talks ended")


def test_copy_ingested_before_its_original_is_still_the_copy(store, tmp_path):
    """Regression: the demo's folder order put the republished copy before the wire story."""
    (tmp_path / "a-copy.txt").write_text(syndicated_copy(WIRE))
    (tmp_path / "b-wire.txt").write_text(WIRE)
    meta = tmp_path / "m.jsonl"
    meta.write_text(
        json.dumps(
            {"path": "a-copy.txt", "id": "copy", "source": "Harbour Gazette", "published": "2026-05-08"}
        )
        + "\n"
        + json.dumps({"path": "b-wire.txt", "id": "wire", "source": "Wire", "published": "2026-05-07"})
    )
    report = ingest(store, [str(tmp_path)], MetaIndex.load(meta))
    assert report.duplicates == {"copy": "wire"}
    by_id = {a["id"]: a for a in to_dict(store)["articles"]}
    assert by_id["copy"]["duplicate_of"] == "wire"
    assert by_id["wire"]["duplicate_of"] is None


def test_original_arriving_in_a_later_run_demotes_the_stored_copy(store, tmp_path):
    (tmp_path / "copy.txt").write_text(syndicated_copy(WIRE))
    (tmp_path / "wire.txt").write_text(WIRE)
    (tmp_path / "m1.jsonl").write_text(
        json.dumps({"path": "copy.txt", "id": "copy", "published": "2026-05-08"})
    )
    (tmp_path / "m2.jsonl").write_text(
        json.dumps({"path": "wire.txt", "id": "wire", "published": "2026-05-07"})
    )
    first = ingest(store, [], MetaIndex.load(tmp_path / "m1.jsonl"))
    assert first.ingested == ["copy"]
    ingest(store, [], MetaIndex.load(tmp_path / "m2.jsonl"))
    by_id = {a["id"]: a for a in to_dict(store)["articles"]}
    assert by_id["copy"]["duplicate_of"] == "wire"
    assert by_id["wire"]["duplicate_of"] is None
