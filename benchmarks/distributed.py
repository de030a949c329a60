"""The same corpus on 1 and 2 local Dask workers: documents/s, speed-up, memory.

    .venv/bin/python benchmarks/distributed.py [--documents 2000] [--workers 1 2]

Writes a JSONL corpus of `--documents` short reports (our own template sentences: air
strikes, shelling, clashes, protests and arrests in towns of several countries, with
figures, sources and dates), then for each worker count starts a LocalCluster of that
many single-threaded worker processes, waits until every worker has loaded its models
(not timed: a cluster does that once), and times `frontlines.distributed.run` over the
corpus (partitions of `--partition-size`). Prints per run: wall-clock documents/s,
the speed-up over the first run, the CPU seconds the workers spent (documents per
CPU-second is what one dedicated core gives, whatever else the machine runs), and each
worker's resident memory after the run. The load average is printed beside: on a shared
machine the wall-clock speed-up is only meaningful when it is low.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

# this file's name is the package's: run as a script, its folder must not shadow it
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from distributed import Client, LocalCluster  # noqa: E402

from frontlines.distributed import run, warm_models  # noqa: E402

PLACES = {
    "Syria": ["Idlib", "Maarat al-Numan", "Saraqib", "Hama", "Aleppo", "Deir ez-Zor", "Daraa"],
    "Iraq": ["Mosul", "Tikrit", "Fallujah", "Kirkuk", "Ramadi"],
    "Ukraine": ["Kharkiv", "Bakhmut", "Avdiivka", "Kherson", "Zaporizhzhia"],
    "Sudan": ["El Fasher", "Omdurman", "Nyala", "Wad Madani"],
    "Mali": ["Gao", "Kidal", "Timbuktu", "Mopti"],
}
ACTS = [
    "{army} aircraft struck the town of {place} on {day}, killing {n} people, {source} said.",
    "{rebels} shelled residential areas of {place} on {day}, wounding {n}, according to {source}.",
    "Heavy clashes broke out between {army} and {rebels} near {place} on {day}.",
    "Hundreds of people protested peacefully in {place} on {day} against rising prices.",
    "Security forces arrested {n} opposition activists in {place} on {day}, {source} reported.",
    "A roadside bomb exploded near a military convoy outside {place} on {day}, killing {n} soldiers.",
    "{rebels} said they had captured {place} after {army} withdrew on {day}; {source} denied it.",
]
FILLER = [
    "Residents said the electricity had been cut for several days.",
    "The ministry did not respond to a request for comment.",
    "Aid groups warned that food stocks were running low in the area.",
    "The road between the two towns has been closed since last month.",
]
ARMIES = {"Syria": "Syrian army", "Iraq": "Iraqi army", "Ukraine": "Russian", "Sudan": "Sudanese army", "Mali": "Malian army"}  # fmt: skip
REBELS = {"Syria": "HTS fighters", "Iraq": "Islamic State militants", "Ukraine": "Ukrainian forces", "Sudan": "RSF fighters", "Mali": "JNIM militants"}  # fmt: skip
SOURCES = ["a local monitor", "the health ministry", "a military source", "witnesses", "the UN"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def corpus(path: Path, n: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    with path.open("w") as out:
        for i in range(n):
            country = rng.choice(list(PLACES))
            sentences = []
            for _ in range(rng.randint(2, 5)):
                sentences.append(
                    rng.choice(ACTS).format(
                        army=ARMIES[country],
                        rebels=REBELS[country],
                        place=rng.choice(PLACES[country]),
                        day=rng.choice(DAYS),
                        n=rng.randint(2, 40),
                        source=rng.choice(SOURCES),
                    )
                )
                if rng.random() < 0.5:
                    sentences.append(rng.choice(FILLER))
            doc = {
                "id": f"bench-{i}",
                "published": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "outlet": rng.choice(["Wire One", "Daily Two", "Radio Three"]),
                "text": " ".join(sentences),
            }
            out.write(json.dumps(doc) + "\n")


def measure(path: Path, workers: int, partition_size: int) -> dict[str, float]:
    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster, Client(cluster) as client:  # fmt: skip
        client.run(warm_models)  # every worker loads its models before the clock starts
        cpu_before = sum(client.run(time.process_time).values())
        began = time.perf_counter()
        summary = run(
            [str(path)],
            scheduler=cluster.scheduler_address,
            partition_size=partition_size,
        )
        wall = time.perf_counter() - began
        cpu = sum(client.run(time.process_time).values()) - cpu_before
        memory = [
            w["metrics"]["memory"] / 2**20 for w in client.scheduler_info()["workers"].values()
        ]
    return {
        "documents": summary.documents,
        "events": summary.events,
        "wall": wall,
        "rate": summary.documents / wall,
        "cpu": cpu,
        "per_cpu": summary.documents / cpu if cpu else 0.0,
        "memory_max": max(memory),
        "memory_mean": sum(memory) / len(memory),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--partition-size", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        corpus(path, args.documents)
        base: float | None = None
        for n in args.workers:
            load = os.getloadavg()[0]
            figures = measure(path, n, args.partition_size)
            base = base or figures["rate"]
            print(
                f"{n} worker(s): {figures['documents']:.0f} documents, {figures['events']:.0f} "
                f"events in {figures['wall']:.1f} s = {figures['rate']:.1f} docs/s "
                f"(x{figures['rate'] / base:.2f}); {figures['per_cpu']:.1f} docs per worker "
                f"CPU-second; worker memory {figures['memory_mean']:.0f} MiB mean, "
                f"{figures['memory_max']:.0f} MiB max; load average {load:.1f} at start, "
                f"{os.getloadavg()[0]:.1f} at end",
                flush=True,
            )


if __name__ == "__main__":
    main()
