"""Corpora on Dask: partitions analysed on a real dask.distributed LocalCluster give the
same events and the same store as one process; shards are resumable; Parquet and
compressed JSONL are read. Reports are our own sentences.

The cluster of most tests runs its two workers as threads of this process (fast, the
same scheduler and wire protocol); one test starts two worker processes, as
`--workers 2` does, and checks each loaded its models once."""

import gzip
import json
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from click.testing import CliRunner
from distributed import LocalCluster

from frontlines.cli import main
from frontlines.distributed import Partition, plan, read_partition, run
from frontlines.models import Article

PLACES = ["Idlib", "Hama", "Aleppo", "Homs", "Latakia", "Raqqa", "Deir ez-Zor", "Daraa"]
DOCS = [
    {
        "id": f"doc-{i}",
        "published": f"2024-12-{i + 2:02d}",
        "outlet": "Test Wire" if i % 2 else "Daily Tester",
        "text": (
            f"Government aircraft bombed the city of {place} on Monday, killing {i + 3} "
            f"civilians, a local monitor said. Rebels shelled army positions near {place}."
        ),
    }
    for i, place in enumerate(PLACES)
] + [{"id": "not-english", "text": "Ceci est un texte en français sur la météo de demain."}]


@pytest.fixture(scope="module")
def scheduler():
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in DOCS))
    return path


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def store_rows(db: Path) -> tuple[list, list, int]:
    with sqlite3.connect(db) as conn:
        docs = conn.execute("SELECT id, content_hash FROM documents ORDER BY id").fetchall()
        events = conn.execute("SELECT event_id, data FROM events ORDER BY event_id").fetchall()
        clusters = conn.execute("SELECT count(*) FROM consolidated").fetchone()[0]
    return docs, events, clusters


def test_partitions_cover_the_input_with_file_line_origins(corpus: Path) -> None:
    parts = plan([str(corpus)], size=4)
    assert [(p.start, p.end) for p in parts] == [(0, 4), (4, 8), (8, 9)]
    items = [i for p in parts for i in read_partition(p)]
    assert [i.id for i in items if isinstance(i, Article)] == [d["id"] for d in DOCS]
    assert items[5].origin == f"{corpus.resolve()}:6"
    # names are stable across runs over the same file, and differ between partitions
    assert [p.name for p in plan([str(corpus)], size=4)] == [p.name for p in parts]
    assert len({p.name for p in parts}) == 3


def test_analyze_on_the_cluster_gives_the_events_of_one_process(
    corpus: Path, scheduler: str
) -> None:
    runner = CliRunner()
    alone = runner.invoke(main, ["analyze", str(corpus), "--quiet"])
    assert alone.exit_code == 0, alone.output
    spread = runner.invoke(
        main, ["analyze", str(corpus), "--scheduler", scheduler, "--partition-size", "3"]
    )
    assert spread.exit_code == 0, spread.output
    assert lines(spread.stdout) == lines(alone.stdout) and lines(alone.stdout)
    assert "partitions 3/3" in spread.stderr and "docs/s" in spread.stderr
    assert "skipped 1" in spread.stderr  # the French document, counted


def test_ingest_on_the_cluster_writes_resumable_shards_and_the_same_store(
    corpus: Path, scheduler: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    alone_db, spread_db, shards = tmp_path / "alone.db", tmp_path / "spread.db", tmp_path / "out"
    result = runner.invoke(main, ["ingest", str(corpus), "--db", str(alone_db), "--quiet"])
    assert result.exit_code == 0, result.output
    args = ["ingest", str(corpus), "--db", str(spread_db), "--scheduler", scheduler]
    args += ["--output", str(shards), "--partition-size", "3"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert store_rows(spread_db) == store_rows(alone_db)
    for table in ("documents", "events", "claims", "evidence"):
        assert len(list((shards / table).glob("*.parquet"))) == 3
    events = pq.read_table(next((shards / "events").glob("*.parquet")))
    assert {"event_id", "event_date", "sub_event_type", "latitude", "data"} <= set(
        events.column_names
    )
    # a rerun finds every partition done and changes nothing
    again = runner.invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "(3 already done)" in again.stderr and "8 unchanged" in again.stderr
    # an interrupted run (one partition's marker missing) redoes only that partition
    marker = sorted((shards / "_done").glob("*.json"))[1]
    marker.unlink()
    resumed = runner.invoke(main, args)
    assert "(2 already done)" in resumed.stderr and marker.exists()
    # the shards alone rebuild the same store
    rebuilt = tmp_path / "rebuilt.db"
    loaded = runner.invoke(main, ["ingest", "--from-shards", str(shards), "--db", str(rebuilt)])
    assert loaded.exit_code == 0, loaded.output
    assert store_rows(rebuilt) == store_rows(alone_db)


def test_parquet_and_compressed_jsonl_are_read(tmp_path: Path, scheduler: str) -> None:
    docs = [d for d in DOCS if "outlet" in d][:4]
    folder = tmp_path / "archive"
    folder.mkdir()
    table = pa.table(
        {
            "id": [d["id"] for d in docs[:2]],
            "text": [d["text"] for d in docs[:2]],
            "published": pa.array(
                [pa.scalar(d["published"]).cast(pa.date32()).as_py() for d in docs[:2]]
            ),
        }
    )
    pq.write_table(table, folder / "a.parquet")
    (folder / "b.jsonl.gz").write_bytes(gzip.compress(json.dumps(docs[2]).encode() + b"\n"))
    zst = zstandard.ZstdCompressor().compress(json.dumps(docs[3]).encode() + b"\n")
    (folder / "c.jsonl.zst").write_bytes(zst)
    parts = plan([str(folder)], size=1)
    assert [p.kind for p in parts] == ["parquet", "parquet", "whole", "whole"]
    got = [i for p in parts for i in read_partition(p)]
    assert [(a.id, a.published and a.published.isoformat()) for a in got] == [
        (d["id"], d["published"]) for d in docs
    ]
    result = CliRunner().invoke(main, ["analyze", str(folder), "--scheduler", scheduler])
    assert result.exit_code == 0, result.output
    assert {e["article_id"] for e in lines(result.stdout)} == {d["id"] for d in docs}


def test_bad_uses_fail_in_one_line(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    cases = [
        (["analyze", "-", "--workers", "2"], "stdin and URLs"),
        (["ingest", str(corpus), "--output", str(tmp_path / "o")], "only with --workers"),
        (["ingest", "--from-shards", str(tmp_path)], "no finished shards"),
        (["analyze", str(corpus), "--workers", "0"], "at least 1"),
        (["ingest", "--db", str(tmp_path / "x.db")], "give INPUTS"),
    ]
    for args, message in cases:
        result = runner.invoke(main, args)
        assert result.exit_code != 0 and message in result.stderr, (args, result.output)
        assert "Traceback" not in result.output


def test_worker_processes_load_their_models_once(corpus: Path) -> None:
    """Two worker processes (as --workers 2): every task on a worker finds the models
    that worker loaded at start, however many tasks it runs."""
    seen: list = []
    summary = run([str(corpus)], workers=2, partition_size=2, on_result=seen.append, processes=True)
    assert summary.partitions == 5 and summary.documents == 8 and summary.workers == 2
    assert [r.order for r in seen] == [0, 1, 2, 3, 4]  # stored in input order
    assert all(r.worker.startswith("tcp://") for r in seen)
    assert {r.model_loads for r in seen} == {1}


def test_partition_names_change_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(DOCS[0]) + "\n")
    (before,) = plan([str(path)])
    path.write_text(json.dumps(DOCS[1]) + "\n" + json.dumps(DOCS[2]) + "\n")
    (after,) = plan([str(path)])
    assert isinstance(before, Partition) and before.name != after.name
