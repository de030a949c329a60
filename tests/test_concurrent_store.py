"""Several real processes writing one store at once (tests/store_writer.py), on SQLite and
on PostgreSQL: no document is lost or stored twice, and the shared parts (the clusters
that consolidate reports of one act, the disputes between claims) come out as if the
documents had been stored one after another."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from frontlines.store import Store

from .conftest import REPO

WRITERS = 4
ACTS = 30  # 60 documents; every writer sends all of them, each in its own order


def test_processes_writing_one_store_at_once_lose_and_duplicate_nothing(
    store_location: str, tmp_path: Path
) -> None:
    Store(store_location).close()  # created once; the race is on the writes
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                str(REPO / "tests" / "store_writer.py"),
                store_location,
                str(seed),
                str(go),
                str(ACTS),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for seed in range(WRITERS)
    ]
    go.touch()
    results = [w.communicate(timeout=300) for w in writers]
    assert [w.returncode for w in writers] == [0] * WRITERS, [err for _, err in results]
    statuses = [json.loads(out) for out, _ in results]
    # each document stored by exactly one writer; the others found it there
    assert sum(s.get("stored", 0) for s in statuses) == 2 * ACTS
    assert all(s.get("stored", 0) + s.get("unchanged", 0) == 2 * ACTS for s in statuses)
    assert not any(s.get("updated") for s in statuses)
    with Store(store_location) as store:
        assert store.counts() == {"documents": 2 * ACTS, "events": 2 * ACTS, "evidence": 2 * ACTS}
        # the two tellings of every act are one consolidated event, whoever stored them
        merged = list(store.consolidated_events())
        assert len(merged) == store.cluster_count() == ACTS
        assert all(len(e.member_ids) == 2 and e.fatalities == int(e.place.name.split()[-1])
                   for e in merged if e.place)  # fmt: skip
        members = store.db.execute("SELECT count(*), count(DISTINCT event_id) FROM cluster_members")
        assert tuple(members.fetchone()) == (2 * ACTS, 2 * ACTS)
        # one dispute per act (asserted by one outlet, denied by the other), two sides each
        disputes = store.contradictions()
        assert len(disputes) == ACTS
        assert all(sorted(len(side.claims) for side in d.sides) == [1, 1] for d in disputes)
        assert len(store.claims()) == 2 * ACTS
