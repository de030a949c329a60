"""Corpora on a Dask cluster: `analyze|ingest --workers N` or `--scheduler URL`.

The driver lists the input as partitions (a range of lines of a JSONL file, a range of
rows of a Parquet file, a compressed JSONL file, or a group of small text/HTML files) and
submits one task per partition. A task reads its partition itself (the workers see the
same files, as on any Dask cluster with shared storage), runs the same pipeline as the
single process (`pipeline.analyze_articles`) with the models a worker loaded once, at
start (a worker plugin warms them), and either returns the results or writes Parquet
shards of documents, events, claims and evidence to `--output DIR`, one set per
partition, named by it. A partition is done when its marker (`DIR/_done/NAME.json`,
written last) exists: a rerun skips it, so an interrupted run resumes.
`ingest --from-shards DIR` loads the shards into the store in partition order,
consolidating as `ingest` does. Without `--workers`/`--scheduler` nothing here runs.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from frontlines.errors import InputError, UsageError
from frontlines.models import (
    AnalysisResult,
    Article,
    Claim,
    Event,
    Skip,
    claim_from_json,
    claim_to_json,
    event_from_json,
)

DEFAULT_PARTITION_SIZE = 500  # documents per task: big enough to amortise, small to balance
SHARD_TABLES = ("documents", "events", "claims", "evidence")
_TEXT_FILES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".rss", ".atom", ".xml"}
_JSONL = (".jsonl", ".ndjson")
_COMPRESSED = tuple(f"{s}{z}" for s in _JSONL for z in (".gz", ".zst"))


@dataclass(frozen=True)
class Partition:
    """One task's share of the input: `kind` says how its worker reads `paths`."""

    kind: str  # "jsonl" (lines start..end), "parquet" (rows start..end), "whole", "files"
    paths: tuple[str, ...]
    start: int = 0
    end: int = 0
    order: int = 0  # position in the input, the order results are stored in
    offset: int = 0  # "jsonl": the byte where line `start` begins

    @property
    def name(self) -> str:
        """Stable across runs over the same files: what a rerun recognises."""
        first = Path(self.paths[0])
        stem = re.sub(r"[^A-Za-z0-9_-]+", "_", first.name)[:40]
        ident = "|".join((self.kind, *self.paths, str(self.start), str(self.end)))
        sizes = "|".join(str(_size(p)) for p in self.paths)
        digest = hashlib.sha256(f"{ident}|{sizes}".encode()).hexdigest()[:10]
        return f"{stem}-{self.start:09d}-{digest}"

    @property
    def documents(self) -> int | None:
        if self.kind in ("jsonl", "parquet"):
            return self.end - self.start
        if self.kind == "files":
            return len(self.paths)
        return None  # a compressed file: known once read


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return -1


# ---------------------------------------------------------------- partitioning (driver)


def plan(inputs: Iterable[str], size: int = DEFAULT_PARTITION_SIZE) -> list[Partition]:
    """The partitions of the inputs, in input order."""
    if size < 1:
        raise UsageError("--partition-size: must be at least 1")
    out: list[Partition] = []
    loose: list[str] = []  # small text/HTML files, grouped `size` at a time

    def flush() -> None:
        while loose:
            group, loose[:] = loose[:size], loose[size:]
            out.append(Partition("files", tuple(group), 0, len(group), len(out)))

    for raw in inputs:
        if raw == "-" or re.match(r"^https?://", raw):
            raise UsageError(f"{raw}: stdin and URLs are read by one process; drop --workers")
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _known(p))
            if not files:
                raise InputError(raw, "folder holds no .txt, .html, .jsonl or .parquet files")
        elif path.is_file():
            files = [path]
        else:
            raise InputError(raw, "no such file or folder")
        for file in files:
            name = file.name.lower()
            if name.endswith(_COMPRESSED):
                flush()
                out.append(Partition("whole", (str(file.resolve()),), 0, 0, len(out)))
            elif name.endswith(".parquet"):
                flush()
                total = _parquet_rows(file)
                for start in range(0, total, size):
                    end = min(total, start + size)
                    out.append(Partition("parquet", (str(file.resolve()),), start, end, len(out)))
            elif name.endswith(_JSONL):
                flush()
                starts, total = _line_starts(file, size)
                for i, offset in enumerate(starts):
                    start, end = i * size, min(total, (i + 1) * size)
                    out.append(
                        Partition("jsonl", (str(file.resolve()),), start, end, len(out), offset)
                    )
            else:
                loose.append(str(file.resolve()))
    flush()
    return out


def _known(path: Path) -> bool:
    name = path.name.lower()
    return (
        path.suffix.lower() in _TEXT_FILES
        or name.endswith(_JSONL)
        or name.endswith(_COMPRESSED)
        or name.endswith(".parquet")
    )


def _line_starts(path: Path, size: int) -> tuple[list[int], int]:
    """The byte offset of every `size`-th line, and the number of lines: a worker seeks
    to its partition instead of reading the file up to it."""
    starts: list[int] = []
    position = lines = 0
    with path.open("rb") as stream:
        for line in stream:
            if lines % size == 0:
                starts.append(position)
            position += len(line)
            lines += 1
    return starts, lines


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception as exc:  # pyarrow raises several kinds for a file that is no Parquet
        raise InputError(str(path), f"not a Parquet file ({exc})") from exc


# ---------------------------------------------------------------- reading a partition (worker)


def read_partition(
    part: Partition,
    published: date | None = None,
    outlet: str | None = None,
    max_chars: int | None = None,
) -> Iterator[Article | Skip]:
    """The documents of a partition, through the readers `frontlines ingest` uses, with
    FILE:LINE (or FILE:ROW) origins that count from the start of the file."""
    from itertools import islice

    from frontlines.ingest import MAX_CHARS, parse_jsonl, read_file

    if part.kind == "files":
        for path in part.paths:
            try:
                yield from read_file(
                    Path(path), published=published, outlet=outlet, max_chars=max_chars or MAX_CHARS
                )
            except InputError as exc:
                yield Skip(path, exc.problem)
        return
    path = part.paths[0]
    if part.kind == "jsonl":
        with open(path, "rb") as stream:
            stream.seek(part.offset)
            data = b"".join(islice(stream, part.end - part.start))
        text = data.decode("utf-8-sig" if part.offset == 0 else "utf-8", errors="replace")
    elif part.kind == "parquet":
        text = _parquet_lines(part)
    else:
        with _open_compressed(path) as stream:
            text = stream.read()
    # leading blank lines keep parse_jsonl's line numbers those of the file
    yield from parse_jsonl("\n" * part.start + text, path, published=published, outlet=outlet)


def _parquet_lines(part: Partition) -> str:
    import pyarrow.parquet as pq

    table = pq.read_table(part.paths[0])
    missing = {"id", "text"} - set(table.column_names)
    if missing:
        raise InputError(part.paths[0], f"Parquet file lacks column(s) {sorted(missing)}")
    wanted = [
        c for c in ("id", "text", "published", "url", "outlet", "title") if c in table.column_names
    ]
    rows = table.slice(part.start, part.end - part.start).select(wanted).to_pylist()
    return "".join(json.dumps(row, default=_iso, ensure_ascii=False) + "\n" for row in rows)


def _iso(value: object) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _open_compressed(path: str) -> IO[str]:
    if path.lower().endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig")
    import zstandard

    raw = open(path, "rb")  # noqa: SIM115 - closed with the wrapper
    return io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8-sig")


# ---------------------------------------------------------------- running a partition (worker)


@dataclass
class PartitionResult:
    name: str
    order: int
    documents: int = 0
    events: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    results: list[AnalysisResult] = field(default_factory=list)  # when not written to shards
    worker: str = ""
    seconds: float = 0.0
    reused: bool = False  # its shards were there already (a resumed run)
    model_loads: int = 0  # times this worker process has loaded spaCy so far (should be 1)


def warm_models() -> None:
    """Load every model and lexicon the pipeline uses (spaCy, gazetteer, actor KB...),
    by analysing one sentence: a worker does this once, at start."""
    from frontlines.pipeline import analyze_text

    analyze_text("Government forces shelled the town of Idlib on Monday.", "2024-01-01")


def run_partition(part: Partition, output: str | None, published: date | None,
                  outlet: str | None, max_chars: int | None = None) -> PartitionResult:  # fmt: skip
    """One task: read, analyse and (with `output`) write the partition's shards."""
    from frontlines.ingest import MAX_CHARS
    from frontlines.nlp import get_nlp
    from frontlines.pipeline import analyze_articles

    began = time.perf_counter()
    result = PartitionResult(part.name, part.order, worker=_worker_name())
    if output and (Path(output) / "_done" / f"{part.name}.json").exists():
        done = json.loads((Path(output) / "_done" / f"{part.name}.json").read_text())
        result.documents, result.events = done["documents"], done["events"]
        result.skipped, result.reused = done["skipped"], True
        return result

    found: list[AnalysisResult] = []
    limit = max_chars or MAX_CHARS
    for item in analyze_articles(
        read_partition(part, published, outlet, limit), max_chars=limit, jobs=1
    ):
        if isinstance(item, Skip):
            result.skipped[item.reason] = result.skipped.get(item.reason, 0) + 1
        else:
            found.append(item)
    result.documents = len(found)
    result.events = sum(len(r.events) for r in found)
    if output:
        write_shards(Path(output), part, found, result)
    else:
        result.results = found
    result.seconds = time.perf_counter() - began
    result.model_loads = get_nlp.cache_info().misses
    return result


def _worker_name() -> str:
    try:
        return str(get_worker().address)
    except ValueError:  # not on a worker: the driver itself
        return "local"


# ---------------------------------------------------------------- shards


def write_shards(
    output: Path, part: Partition, found: list[AnalysisResult], result: PartitionResult
) -> None:
    """One Parquet file per table for the partition, each written to a temporary name and
    renamed; the marker last, so a partition is either done or redone."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from frontlines.consolidate import event_json

    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in SHARD_TABLES}
    for item in found:
        a = item.article
        rows["documents"].append(
            {
                "id": a.id,
                "text": a.text,
                "published": a.published.isoformat() if a.published else None,
                "url": a.url,
                "outlet": a.outlet,
                "title": a.title,
                "origin": a.origin,
                "content_hash": a.content_hash,
            }  # fmt: skip
        )
        for event in item.events:
            record = event.to_record()
            rows["events"].append(
                {
                    "event_id": event.event_id,
                    **{k: _flat(v) for k, v in record.items()},
                    "data": event_json(event),
                }
            )
            for ev in event.evidence:
                rows["evidence"].append(
                    {"event_id": event.event_id, "article_id": ev.article_id or event.article_id,
                     "start": ev.start, "end": ev.end, "text": ev.text, "trigger": ev.trigger}
                )  # fmt: skip
        for claim in item.claims:
            rows["claims"].append(
                {
                    "claim_id": claim.claim_id,
                    "article_id": claim.article_id,
                    "kind": claim.kind,
                    "stance": claim.stance,
                    "place": claim.place.name if claim.place else claim.place_text,
                    "attributed_to": claim.attributed_to,
                    "outlet": claim.outlet,
                    "date": claim.claim_date.isoformat() if claim.claim_date else None,
                    "data": claim_to_json(claim),
                }  # fmt: skip
            )
    for table in SHARD_TABLES:
        folder = output / table
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{part.name}.parquet"
        temporary = folder / f".{part.name}.parquet.tmp"
        pq.write_table(pa.Table.from_pylist(rows[table]), temporary)
        temporary.replace(target)
    done = output / "_done"
    done.mkdir(parents=True, exist_ok=True)
    marker = {
        "partition": part.name,
        "order": part.order,
        "paths": list(part.paths),
        "start": part.start,
        "end": part.end,
        "documents": result.documents,
        "events": result.events,
        "skipped": result.skipped,
    }
    (done / f".{part.name}.json.tmp").write_text(json.dumps(marker, indent=1))
    (done / f".{part.name}.json.tmp").replace(done / f"{part.name}.json")


def _flat(value: object) -> object:
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=_iso)
    return value


def read_shards(folder: Path) -> Iterator[AnalysisResult]:
    """The documents of finished partitions with their events and claims, in partition
    order (the order the run read them), for `ingest --from-shards`."""
    import pyarrow.parquet as pq

    done = folder / "_done"
    if not done.is_dir():
        raise InputError(str(folder), "no finished shards here (no _done folder)")
    markers = [json.loads(p.read_text()) for p in sorted(done.glob("*.json"))]
    markers.sort(key=lambda m: (m["order"], m["partition"]))
    for marker in markers:
        name = marker["partition"]
        tables = {}
        for table in ("documents", "events", "claims"):
            path = folder / table / f"{name}.parquet"
            if not path.exists():
                raise InputError(str(path), "shard missing (its partition's marker exists)")
            tables[table] = pq.read_table(path).to_pylist()
        events: dict[str, list[Event]] = {}
        for row in tables["events"]:
            event = event_from_json(row["data"])
            events.setdefault(event.article_id, []).append(event)
        claims: dict[str, list[Claim]] = {}
        for row in tables["claims"]:
            claim = claim_from_json(row["data"])
            claims.setdefault(claim.article_id, []).append(claim)
        for doc in tables["documents"]:
            article = Article(
                id=doc["id"],
                text=doc["text"],
                published=date.fromisoformat(doc["published"]) if doc["published"] else None,
                url=doc["url"],
                outlet=doc["outlet"],
                title=doc["title"],
                origin=doc["origin"] or "",
            )
            yield AnalysisResult(article, events.get(article.id, []), claims.get(article.id, []))


# ---------------------------------------------------------------- the cluster (driver)


class _WarmModels(WorkerPlugin):
    """Worker plugin: models loaded once per worker, when it starts, not per task."""

    name = "frontlines-warm-models"

    def setup(self, worker: Any) -> None:
        warm_models()


@dataclass
class RunSummary:
    partitions: int = 0
    reused: int = 0
    documents: int = 0
    events: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    workers: int = 0


def run(
    inputs: Iterable[str],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    output: Path | None = None,
    published: date | None = None,
    outlet: str | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    on_result: Callable[[PartitionResult], None] | None = None,
    progress: Callable[[str], None] | None = None,
    processes: bool = True,
    max_chars: int | None = None,
) -> RunSummary:
    """Analyse the inputs on a Dask cluster (a local one of `workers` processes, or the
    one at `scheduler`). Results reach `on_result` in partition order (a finished
    partition waits for those before it), so storing them gives the same store as one
    process reading the inputs in order."""
    if (workers is None) == (scheduler is None):
        raise UsageError("give one of --workers N or --scheduler URL")
    if workers is not None and workers < 1:
        raise UsageError("--workers: must be at least 1")
    parts = plan(inputs, partition_size)
    summary = RunSummary(partitions=len(parts))
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    cluster = None
    if workers is not None:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
    try:
        with Client(cluster or scheduler) as client:
            client.register_plugin(_WarmModels())
            summary.workers = len(client.scheduler_info()["workers"])
            futures = [
                client.submit(
                    run_partition,
                    p,
                    str(output) if output else None,
                    published,
                    outlet,
                    key=f"frontlines-{p.name}",
                    pure=False,
                )  # fmt: skip
                for p in parts
            ]
            waiting: dict[int, PartitionResult] = {}
            next_order = 0
            for finished, future in enumerate(as_completed(futures), start=1):
                result: PartitionResult = future.result()
                summary.documents += result.documents
                summary.events += result.events
                summary.reused += result.reused
                for reason, n in result.skipped.items():
                    summary.skipped[reason] = summary.skipped.get(reason, 0) + n
                if progress:
                    progress(_progress_line(finished, len(parts), summary, began))
                waiting[result.order] = result
                while next_order in waiting:
                    ready = waiting.pop(next_order)
                    if on_result:
                        on_result(ready)
                    next_order += 1
                future.release()
    finally:
        if cluster is not None:
            cluster.close()
    summary.seconds = time.perf_counter() - began
    return summary


def _progress_line(done: int, total: int, summary: RunSummary, began: float) -> str:
    elapsed = max(time.perf_counter() - began, 1e-9)
    rate = summary.documents / elapsed
    eta = elapsed / done * (total - done) if done else 0.0
    return (
        f"partitions {done}/{total}, {summary.documents} documents, "
        f"{rate:.1f} docs/s, ETA {eta:.0f} s"
    )
