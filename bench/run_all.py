"""Every benchmark behind BENCHMARKS.md, one after another, each in its own process.

    python bench/run_all.py [--quick] [--only NAME ...] [--list]

Each script prints its table and the command that reproduces it; this runner keeps each
one's output in bench/out/results/NAME.txt and prints a summary of what ran and how long
it took.  A script that fails is reported and the rest still run (exit status 1 at the
end).  `--quick` runs the shorter configurations (minutes, not hours): fewer throughput
sizes, clustering growth to 10k.  The benchmark data is read from ../shared/bench.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "out" / "results"

# name → (arguments for the full run, arguments for --quick); in BENCHMARKS.md's order.
BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    "extraction": ([], []),
    "ingest_throughput": ([], ["--repeat", "1"]),
    "tempeval": (["--split", "train"], ["--split", "train"]),
    "polnear": (["--split", "dev"], ["--split", "dev"]),
    "ecbplus": (["--split", "dev", "--orders", "8"], ["--split", "dev"]),
    "wikiref": ([], []),
    "cluster_scale": (["--sizes", "1000", "10000", "100000"], ["--sizes", "1000", "10000"]),
    "basil": (["--split", "report"], ["--split", "report", "--no-cluster"]),
    "throughput": (["--sizes", "220", "2000", "20000", "--bare-sample", "2000"], ["--sizes", "220"]),
    "stages": (["--articles", "220"], ["--articles", "220"]),
    "spacy_components": ([], ["--articles", "20"]),
    "embed_speed": ([], ["--sentences", "500"]),
    "incremental": (
        ["--articles", "1000", "--batches", "1", "60"],
        ["--articles", "220", "--batches", "1", "14"],
    ),
    "pg_vs_sqlite": (["--corpus", "demo"], ["--corpus", "demo", "--repeat", "1"]),
    "dask_workers": (["--articles", "100"], ["--articles", "30"]),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the shorter configurations")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run just these")
    parser.add_argument("--list", action="store_true", help="print the commands and stop")
    args = parser.parse_args(argv)
    names = args.only or list(BENCHMARKS)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE.parent / "src"), os.environ.get("PYTHONPATH")])),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    failed, summary = [], []
    for name in names:
        script = HERE / f"{name}.py"
        extra = BENCHMARKS[name][1 if args.quick else 0]
        command = [sys.executable, str(script), *extra]
        printable = " ".join(["python", f"bench/{name}.py", *extra])
        if args.list:
            print(printable)
            continue
        if not script.exists():
            print(f"== {name}: bench/{name}.py is missing", file=sys.stderr)
            failed.append(name)
            continue
        print(f"== {printable}", flush=True)
        started = time.perf_counter()
        with open(RESULTS / f"{name}.txt", "w") as out:
            done = subprocess.run(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            out.write(done.stdout)
        print(done.stdout, flush=True)
        seconds = time.perf_counter() - started
        summary.append((name, done.returncode, seconds))
        if done.returncode != 0:
            failed.append(name)
    if not args.list:
        print("\nbenchmark            status   seconds")
        for name, code, seconds in summary:
            print(f"{name:<20} {'ok' if code == 0 else f'exit {code}':<8} {seconds:8.0f}")
        print(f"outputs in {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
