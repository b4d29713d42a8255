"""`storyline process --engine dask` on a LocalCluster of two worker processes.

The cluster is started once for the module and reached by its scheduler address, as a
multi-machine deployment is.  Partitions are made small so a handful of demo articles
spread over several tasks that finish in any order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline import api
from storyline import distributed as dist
from storyline.cli import app
from storyline.store import articles as article_repo
from storyline.store import comparisons as comparison_repo
from storyline.store import events as event_repo
from storyline.store.db import Store

dask_distributed = pytest.importorskip("dask.distributed")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dask")]

# Two calls by the same minister months apart with different counterparts (two events),
# and a joint exercise reported twice plus a syndicated copy (one event, one duplicate).
SUBSET = ("demo-01", "demo-02", "demo-03", "demo-05", "demo-06", "demo-11", "demo-12", "demo-13")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a LocalCluster of two worker processes, shared by the module."""
    with dist.dask_client(workers=2) as client:
        yield client.scheduler.address


def demo_subset(folder: Path, ids: tuple[str, ...] = SUBSET) -> Path:
    """A meta.jsonl naming some of the demo corpus's articles by absolute path."""
    corpus = api.demo_corpus()
    lines = []
    for line in (corpus / "meta.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record.get("id") in ids:
            record["path"] = str(corpus / record["path"])
            lines.append(json.dumps(record))
    meta = folder / "subset.jsonl"
    meta.write_text("\n".join(lines) + "\n")
    return meta


def ingested(store: Store, meta: Path) -> Store:
    report = api.ingest([], meta=str(meta), store=store)
    assert report.ok
    return store


def events_of(store: Store) -> list[tuple]:
    with store.read() as conn:
        found = event_repo.all_events(conn)
    return sorted((e.date, e.title, tuple(sorted(e.articles)), e.storyline is not None) for e in found)


def claims_of(store: Store) -> list[tuple]:
    exported = api.export_dict(store=store)
    return sorted((c["text"], c["status"]) for cmp in exported["comparisons"] for c in cmp["claims"])


def kept_of(store: Store) -> dict[str, bytes]:
    """Every article's kept unit vectors (compare.vectors), as stored."""
    with store.read() as conn:
        ids = [a.id for a in article_repo.iter_all(conn)]
        return comparison_repo.kept_vectors(conn, ids, "all-MiniLM-L6-v2")


def test_dask_run_gives_the_single_process_events(scheduler, make_store, tmp_path, monkeypatch) -> None:
    meta = demo_subset(tmp_path)
    local = ingested(make_store(), meta)
    api.process(store=local, engine="local")
    expected = events_of(local)
    assert len(expected) == 3, expected

    monkeypatch.setattr(dist, "PARTITION_ARTICLES", 2)
    remote = ingested(make_store(), meta)
    report = api.process(store=remote, engine="dask", scheduler=scheduler, workers=2)

    assert report.ok, report.failures
    assert (report.partitions, report.workers) == (4, 2)
    assert report.enrich.enriched == len(SUBSET) - 1  # the syndicated copy is passed over
    assert events_of(remote) == expected
    assert claims_of(remote) == claims_of(local)
    assert kept_of(remote).keys() == kept_of(local).keys() != set()  # workers' vectors are kept too

    def model_loads() -> tuple[int, int]:
        from storyline.enrich import embed, nlp

        return nlp.load.cache_info().misses, embed.load_model.cache_info().misses

    with dask_distributed.Client(scheduler) as client:
        loads = client.run(model_loads)
    assert sorted(loads.values()) == [(1, 1), (1, 1)], "each worker loads its models once, not per task"


def test_a_failing_partition_is_reported_and_the_others_stored(
    scheduler, db_url, tmp_path, monkeypatch
) -> None:
    def break_on(article_id: str) -> None:
        import storyline.distributed as d

        original = d.analyze_articles

        def failing(articles, pool, model):
            if any(a.id == article_id for a in articles):
                raise RuntimeError(f"injected failure on {article_id}")
            return original(articles, pool, model)

        failing.original = original
        d.analyze_articles = failing

    def repair() -> None:
        import storyline.distributed as d

        d.analyze_articles = getattr(d.analyze_articles, "original", d.analyze_articles)

    monkeypatch.setattr(dist, "PARTITION_ARTICLES", 2)
    meta = demo_subset(tmp_path, ("demo-01", "demo-02", "demo-03", "demo-11", "demo-12", "demo-13"))
    store = ingested(Store(db_url), meta)
    runner = CliRunner()
    command = ["process", "--engine", "dask", "--scheduler", scheduler, "--db", db_url, "--quiet"]
    with dask_distributed.Client(scheduler) as client:
        client.run(break_on, "demo-03")
        try:
            broken = runner.invoke(app, command, catch_exceptions=False)
        finally:
            client.run(repair)

    assert broken.exit_code == 1, broken.output
    assert "analysed 4 articles" in broken.output
    assert "failed: analysis of demo-03, demo-11: RuntimeError: injected failure on demo-03" in broken.output
    with store.read() as conn:
        assert article_repo.pending(conn, "enriched_at") == ["demo-03", "demo-11"]
        assert article_repo.pending(conn, "clustered_at") == ["demo-03", "demo-11"]

    rerun = runner.invoke(app, command, catch_exceptions=False)
    assert rerun.exit_code == 0, rerun.output
    assert "analysed 2 articles" in rerun.output
    with store.read() as conn:
        assert article_repo.pending(conn, "clustered_at") == []
    assert {e.articles.__len__() for e in api.events(store=store)} == {3}
