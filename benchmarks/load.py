"""Load on the read API: GET /api/events at concurrency 20 over a 10k-event store.

    .venv/bin/python benchmarks/load.py [--events 10000] [--requests 2000] [--concurrency 20]
        [--path /api/events] [--time-budget 10] [--db FILE]

Builds (or reuses, with --db) a store of synthetic report-level events, the same as
benchmarks/consolidation.py makes, starts a real `frontlines serve` process on it and
sends the requests from a pool of client threads, each with its own keep-alive
connection. Prints the latency p50/p95/max, the answers by status (503: over the server's
time budget, with Retry-After) and the requests per second. The default path asks for
the consolidated level, the API's default.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from consolidation import OUTLETS, synthetic_events  # noqa: E402

from frontlines.models import Article  # noqa: E402
from frontlines.store import Store  # noqa: E402


def build(db: Path, n: int, per_article: int = 5) -> None:
    events, _ = synthetic_events(n)
    with Store(db) as store:
        for i in range(0, n, per_article):
            article_id = f"art-{i}"
            chunk = [replace(e, article_id=article_id) for e in events[i : i + per_article]]
            store.ingest(
                Article(
                    id=article_id,
                    text=f"Synthetic article {i}.",
                    published=chunk[0].event_date,
                    outlet=OUTLETS[(i // per_article) % len(OUTLETS)],
                ),
                chunk,
            )


def serve(db: Path, time_budget: float) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "frontlines.cli", "serve", "--db", str(db), "--port", "0"]
    cmd += ["--time-budget", str(time_budget)]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if " at http://" in line:
            return proc, line.split(" at ")[1].split()[0].rstrip("/")
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--path", default="/api/events")
    parser.add_argument("--time-budget", type=float, default=10.0)
    parser.add_argument("--db", type=Path, help="Reuse (or build once into) this store.")
    args = parser.parse_args()

    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "load.db"
        if not db.exists():
            began = time.perf_counter()
            build(db, args.events)
            print(f"built {args.events} events in {time.perf_counter() - began:.0f} s", flush=True)
        proc, base = serve(db, args.time_budget)
        local = threading.local()
        try:

            def one(_: int) -> tuple[float, int]:
                client = getattr(local, "client", None)
                if client is None:
                    client = local.client = httpx.Client(base_url=base, timeout=600)
                began = time.perf_counter()
                status = client.get(args.path).status_code
                return time.perf_counter() - began, status

            one(0)  # the first read catches up and warms caches: not counted
            began = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                results = list(pool.map(one, range(args.requests)))
            wall = time.perf_counter() - began
        finally:
            proc.terminate()
            proc.wait()
    times = sorted(t for t, _ in results)
    statuses = Counter(s for _, s in results)
    ok = sorted(t for t, s in results if s == 200)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"{args.requests} x GET {args.path} at concurrency {args.concurrency}, "
        f"{args.events} events (cpu cores: {os.cpu_count()}): "
        f"p50 {statistics.median(times):.3f} s, p95 {p95:.3f} s, max {times[-1]:.3f} s; "
        f"{args.requests / wall:.1f} requests/s; statuses {dict(sorted(statuses.items()))}"
        + (f"; 200s p50 {statistics.median(ok):.3f} s" if ok else "")
    )


if __name__ == "__main__":
    main()
