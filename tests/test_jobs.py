"""Worker processes (`analyze --jobs N`, `analyze_articles(jobs=N)`): the same events,
skips and claims in the same order as one process."""

from __future__ import annotations

import json
import multiprocessing
import os
from datetime import date

import pytest
from click.testing import CliRunner

from frontlines.cli import main
from frontlines.errors import UsageError
from frontlines.ingest import iter_articles
from frontlines.models import AnalysisResult, Article, Skip
from frontlines.pipeline import MAX_DEFAULT_JOBS, analyze_articles, default_jobs

from .conftest import EXAMPLES, SEED_LIKE

# Our own short reports, one act each, in several countries.
REPORTS = [
    "Police fired tear gas at hundreds of protesters in Nairobi on Tuesday, witnesses said.",
    "Gunmen killed four villagers in an attack on a village in Zamfara state on Sunday.",
    "Russian drones struck an energy facility near Kharkiv overnight, the governor said.",
    "Government troops clashed with rebels near Goma on Friday, a military spokesman said.",
    "A roadside bomb hit an army patrol outside Gao on Monday, killing two soldiers.",
    "Security forces arrested twelve opposition activists in Dhaka on Wednesday.",
]


def _picture(results: list[AnalysisResult | Skip]) -> list[object]:
    out: list[object] = []
    for result in results:
        if isinstance(result, Skip):
            out.append(("skip", result.origin, result.reason))
        else:
            out.append(
                (
                    result.article.id,
                    [json.dumps(e.to_record(), default=str, sort_keys=True) for e in result.events],
                    [repr(c) for c in result.claims],
                )
            )
    return out


def test_workers_give_the_same_results_in_the_same_order() -> None:
    articles: list[Article | Skip] = [
        a for a in iter_articles([str(EXAMPLES)]) if isinstance(a, Article)
    ]
    articles += [
        Article(id=f"own-{i}", text=text, published=date(2024, 6, 1 + i))
        for i, text in enumerate(REPORTS)
    ]
    # a document that is not English, and one id twice with different texts
    articles.insert(
        3, Article(id="de", text="Die Regierung hat am Montag neue Steuern beschlossen.")
    )
    articles.append(Article(id="own-0", text=SEED_LIKE, published=date(2024, 12, 4)))
    alone = list(analyze_articles(articles, batch_size=3))
    in_workers = list(analyze_articles(articles, batch_size=3, jobs=2))
    assert _picture(in_workers) == _picture(alone)
    assert isinstance(alone[3], Skip)
    assert sum(1 for r in alone if isinstance(r, AnalysisResult) and r.events) >= 8
    # the two "own-0" documents keep their own texts' events
    twins = [r for r in alone if isinstance(r, AnalysisResult) and r.article.id == "own-0"]
    assert len(twins) == 2 and twins[0].events != twins[1].events


def test_analyze_jobs_writes_what_one_process_writes(tmp_path) -> None:
    # more documents than one chunk (32), so that the workers do run
    lines = [
        json.dumps({"id": f"d{i}", "text": REPORTS[i % len(REPORTS)], "published": "2024-06-03"})
        for i in range(40)
    ]
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    one = runner.invoke(main, ["analyze", str(path), "--quiet", "--jobs", "1"])
    two = runner.invoke(main, ["analyze", str(path), "--quiet", "--jobs", "2"])
    default = runner.invoke(main, ["analyze", str(path), "--quiet"])
    assert one.exit_code == 0 and two.exit_code == 0, (one.output, two.output)
    assert two.stdout == one.stdout
    assert default.exit_code == 0 and default.stdout == one.stdout
    assert len({json.loads(line)["article_id"] for line in two.stdout.splitlines()}) >= 30


def test_jobs_with_a_dask_cluster_is_a_usage_error(tmp_path) -> None:
    path = tmp_path / "one.txt"
    path.write_text(REPORTS[0], encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(path), "--jobs", "2", "--workers", "1"])
    assert result.exit_code != 0
    assert "--jobs" in result.output and len(result.output.strip().splitlines()) == 1


def test_default_jobs_is_the_usable_cores_or_what_the_environment_asks(monkeypatch) -> None:
    monkeypatch.delenv("FRONTLINES_JOBS", raising=False)
    cores = len(os.sched_getaffinity(0))
    assert default_jobs() == max(1, min(cores, MAX_DEFAULT_JOBS))
    monkeypatch.setenv("FRONTLINES_JOBS", "3")
    assert default_jobs() == 3
    monkeypatch.setenv("FRONTLINES_JOBS", "two")
    with pytest.raises(UsageError, match="FRONTLINES_JOBS"):
        default_jobs()


def _jobs_in_a_daemon(queue) -> None:  # type: ignore[no-untyped-def]
    queue.put(default_jobs())


def test_a_daemonic_worker_analyses_in_its_own_process(monkeypatch) -> None:
    # a pool's or a cluster's worker may not start processes: its default is one
    monkeypatch.setenv("FRONTLINES_JOBS", "4")
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    worker = context.Process(target=_jobs_in_a_daemon, args=(queue,), daemon=True)
    worker.start()
    worker.join(60)
    assert queue.get(timeout=5) == 1
