"""End-to-end throughput: `storyline run` vs a bare spaCy pass on the same texts, same run.

    python bench/throughput.py [--sizes 220 2000 20000] [--processes 2] [--bare-sample 2000]

Texts are WikiRef220's real articles.  Larger sets replay them: replay k of article i is
the first half of article i's words (cut between sentences) joined to as many words from
the end of another article, of the same topic while the topic has partners left, with its
own id and a publication date shifted by k days.  Plain copies would be caught as
duplicates and never analysed, which would flatter us; recombined halves are real text of
the usual length, and a replay ingest would take for a near-duplicate of one already
written takes the next partner, so every article of the set is analysed.

"ours" is the CLI as a user runs it (`storyline run FOLDER --meta meta.jsonl --db …`,
fresh SQLite store, model loading included).  "bare spaCy" is `nlp.pipe` with the same
model and every component, `n_process` as given: the floor for any spaCy-based pipeline.
Peak RSS is sampled over the whole process tree (workers included) every 0.2 s; after the
table, each run's peak is split into its main process and largest worker, and given per
quarter of the run, so memory that grows with the corpus shows.
`--bare-sample N` times the bare pass on the corpus's first N files only and states its
rate: every replay has the usual length, so the rate holds for the whole set, and a 20k
row does not spend an extra forty minutes re-measuring the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import psutil
from datasketch import MinHash

from storyline.config import shared_dir
from storyline.ingest.clean import clean_text
from storyline.ingest.dedupe import NearDuplicateIndex, body_signature

BARE_SPACY = textwrap.dedent(
    """
    import sys, pathlib
    from storyline.enrich.nlp import load
    files = sorted(pathlib.Path(sys.argv[1]).glob("*.txt"))[: int(sys.argv[3])]
    nlp = load()
    texts = (f.read_text() for f in files)
    n = sum(1 for _ in nlp.pipe(texts, batch_size=32, n_process=int(sys.argv[2])))
    print(n)
    """
)


def wikiref() -> tuple[Path, dict[str, str]] | None:
    """WikiRef220's folder and topic labels, or None (said on stderr) without ../shared."""
    shared = shared_dir()
    if shared is None:
        print("../shared is not here: nothing to measure", file=sys.stderr)
        return None
    source = shared / "bench" / "wikiref220"
    return source, json.loads((source / "labels.json").read_text())


def wikiref_texts(limit: int | None = None) -> list[str]:
    """The first `limit` WikiRef220 articles' texts, in file-name order ([] without ../shared)."""
    found = wikiref()
    if found is None:
        return []
    source, labels = found
    return [(source / "articles" / name).read_text(errors="replace") for name in sorted(labels)[:limit]]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'])")


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def build_corpus(source: Path, labels: dict[str, str], size: int, folder: Path) -> int:
    """Write `size` articles and their meta.jsonl; return the total word count.

    A replay ingest would store as a near-duplicate of one already written (its MinHash
    over the cleaned body, as ingest computes it) takes the next partner instead, so every
    article of the set is analysed, as the row claims."""
    names = sorted(labels)
    by_topic: dict[str, list[str]] = {}
    for name in names:
        by_topic.setdefault(labels[name], []).append(name)
    texts = {name: paragraphs((source / name).read_text(errors="replace")) for name in names}
    partners = {name: replay_partners(names, by_topic[labels[name]], name) for name in names}
    cursor = dict.fromkeys(names, 0)
    seen = NearDuplicateIndex()
    start = date(2026, 1, 1)
    meta, words = [], 0
    for n in range(size):
        k, i = divmod(n, len(names))
        name = names[i]
        if k == 0:
            text = "\n".join(texts[name])
            mh = _ingest_signature(text)
        while k:
            partner = partners[name][cursor[name] % len(partners[name])]
            cursor[name] += 1
            text = _recombine(texts[name], texts[partner])
            mh = _ingest_signature(text)
            if seen.match(mh) is None or cursor[name] % len(partners[name]) == 0:
                break
        seen.add(f"{n}", mh)
        file = folder / f"r{k:03d}-{name}"
        file.write_text(text)
        words += len(text.split())
        published = (start + timedelta(days=(n % len(names)) // 4 + k)).isoformat()
        meta.append(
            {"path": file.name, "id": f"r{k}-{name}", "source": f"Outlet {n % 7}", "published": published}
        )
    (folder / "meta.jsonl").write_text("\n".join(json.dumps(m) for m in meta) + "\n")
    return words


def _ingest_signature(text: str) -> MinHash:
    cleaned = clean_text(text)
    return body_signature(cleaned.text, cleaned.blocks)


def _recombine(own: list[str], other: list[str]) -> str:
    """The first half of `own` by words, then as many words from the end of `other`
    (cut between sentences, never its first paragraph): a replay is as long as the
    article it starts from, and two replays share at most that first half.  Halves of
    unequal length made a short article's replays mostly their partner's text, so
    replays of two short articles with one partner were near-duplicates."""
    own_sentences = _sentences(own)
    half = sum(len(s.split()) for _, s in own_sentences) / 2
    head = _take(own_sentences, half)
    tail = _take(_sentences(other[1:] or other)[::-1], half)[::-1]
    return "\n".join(_join(head) + _join(tail))


def _sentences(paragraphs: list[str]) -> list[tuple[int, str]]:
    return [(i, s) for i, p in enumerate(paragraphs) for s in _SENTENCE_END.split(p) if s.strip()]


def _take(sentences: list[tuple[int, str]], words: float) -> list[tuple[int, str]]:
    """Sentences in the given order until about `words` words (at least one)."""
    kept: list[tuple[int, str]] = []
    count = 0
    for i, s in sentences:
        if kept and count + len(s.split()) / 2 > words:
            break
        kept.append((i, s))
        count += len(s.split())
    return kept


def _join(sentences: list[tuple[int, str]]) -> list[str]:
    """Sentences back into their paragraphs."""
    out: list[str] = []
    last = None
    for i, s in sentences:
        if i == last:
            out[-1] += " " + s
        else:
            out.append(s)
        last = i
    return out


def replay_partners(names: list[str], topic: list[str], name: str) -> list[str]:
    """Whose second half replays of `name` take, in turn: the rest of its topic in cyclic
    order, then every other article.  Each replay up to the 219th of an article is a text
    of its own; cycling within the topic alone repeated a 37-article topic's replays from
    the 37th on (a 20,000 set held 8,358 distinct texts)."""
    i = topic.index(name)
    own_topic = [topic[(i + o) % len(topic)] for o in range(1, len(topic))]
    g = names.index(name)
    in_topic = set(topic)
    rest = [names[(g + o) % len(names)] for o in range(1, len(names))]
    return own_topic + [n for n in rest if n not in in_topic]


@dataclass
class Measured:
    seconds: float
    peak_mb: float  # the whole process tree, summed
    out: str
    main_mb: float = 0.0  # the command's own process
    worker_mb: float = 0.0  # its largest child
    quarters: list[float] = field(default_factory=list)  # tree peak in each quarter of the run

    def memory_note(self) -> str:
        trend = " / ".join(f"{q:.0f}" for q in self.quarters)
        return (
            f"main process {self.main_mb:.0f} MB, largest worker {self.worker_mb:.0f} MB; "
            f"tree peak per quarter of the run {trend} MB"
        )


def run_measured(cmd: list[str], env: dict[str, str]) -> Measured:
    """Time and memory of one command: peak RSS of the tree, of the command's own process
    and of its largest child, and the tree's peak in each quarter of the run (memory that
    grows with the corpus shows as rising quarters)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, float, float, float]] = []  # (time, tree, main, largest child)
    done = threading.Event()

    def sample() -> None:
        parent = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                children = [p.memory_info().rss for p in parent.children(recursive=True) if p.is_running()]
                own = parent.memory_info().rss
                samples.append(
                    (
                        time.perf_counter() - started,
                        (own + sum(children)) / 1e6,
                        own / 1e6,
                        max(children, default=0) / 1e6,
                    )
                )
            except psutil.Error:
                pass
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{err[-3000:]}")
    seconds = time.perf_counter() - started
    quarters = [
        max((s[1] for s in samples if q * seconds / 4 <= s[0] < (q + 1) * seconds / 4), default=0.0)
        for q in range(4)
    ]
    return Measured(
        seconds,
        max((s[1] for s in samples), default=0.0),
        out,
        max((s[2] for s in samples), default=0.0),
        max((s[3] for s in samples), default=0.0),
        quarters,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[220, 2000])
    parser.add_argument("--processes", type=int, default=2, help="n_process for bare spaCy")
    parser.add_argument("--skip-bare", action="store_true")
    parser.add_argument("--bare-sample", type=int, default=0, help="bare pass on the first N files only")
    args = parser.parse_args()
    found = wikiref()
    if found is None:
        return 1
    source, labels = found
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "HF_HUB_OFFLINE": "1"}
    print(f"# {' '.join(['python', *sys.argv])}  (cpus: {os.cpu_count()})")
    print("| articles | words | system | seconds | articles/s | words/s | peak RSS MB | ours/bare |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    notes: list[str] = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "corpus"
            folder.mkdir()
            words = build_corpus(source / "articles", labels, size, folder)
            db = f"sqlite:///{tmp}/bench.db"
            ours_cmd = [
                sys.executable,
                "-m",
                "storyline.cli",
                "run",
                str(folder),
                "--meta",
                str(folder / "meta.jsonl"),
                "--db",
                db,
                "--quiet",
            ]
            ours = run_measured(ours_cmd, env)
            rows = [("storyline run", ours, size)]
            if not args.skip_bare:
                bare = min(size, args.bare_sample or size)
                bare_cmd = [sys.executable, "-c", BARE_SPACY, str(folder), str(args.processes), str(bare)]
                label = f"bare spaCy, {args.processes} processes" + (
                    f" (first {bare})" if bare < size else ""
                )
                rows.append((label, run_measured(bare_cmd, env), bare))
            rates = [(n / m.seconds, m.seconds, m.peak_mb, n) for _, m, n in rows]
            notes.append(f"- {size} articles, storyline run: {ours.memory_note()}")
            for (label, _, _), (rate, seconds, rss, n) in zip(rows, rates, strict=True):
                ratio = f"{rate / rates[1][0]:.2f}" if len(rows) > 1 and label == "storyline run" else ""
                print(
                    f"| {n} | {words * n // size} | {label} | {seconds:.1f} | {rate:.2f} "
                    f"| {words * rate / size:.0f} | {rss:.0f} | {ratio} |",
                    flush=True,
                )
    print("\n".join(["", "Peak RSS of `storyline run`:", *notes]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
