"""Nothing silent: undated documents are a counted warning, analyze writes to a file, a
busy port and an unknown floor are one-line errors, text output never shows an empty
name, the progress line shows no speed it has not measured."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from click.testing import CliRunner

from frontlines.cli import Progress, main

from .conftest import EXAMPLES

UNDATED = (
    "Government forces shelled the town of Ariha in Idlib province, killing three "
    "civilians, the White Helmets said.\n"
)
DENIAL = (
    "DATE: 2024-12-05\n\n"
    "The Syrian army withdrew from Hama on Thursday, the monitor said.\n"
    "The Defence Ministry denied that the army had withdrawn from Hama.\n"
)


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_a_document_without_a_date_is_a_counted_warning(tmp_path: Path) -> None:
    (tmp_path / "undated.txt").write_text(UNDATED, encoding="utf-8")
    result = run("analyze", str(tmp_path / "undated.txt"))
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events and all(e["event_date"] is None for e in events)
    assert all(e["date_precision"].startswith("undated: the report has no publication date")
               for e in events)  # fmt: skip
    assert "warning: 1 document has no publication date (undated)" in result.stderr
    assert f"{len(events)} of their events are undated" in result.stderr
    dated = run("analyze", str(tmp_path / "undated.txt"), "--published", "2024-12-06")
    assert "warning" not in dated.stderr
    precisions = {json.loads(x)["date_precision"] for x in dated.stdout.splitlines()}
    assert precisions and precisions <= {"day", "week", "month"}


def test_analyze_writes_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    result = run("analyze", str(EXAMPLES / "2024-11-30_aleppo.txt"), "--format", "csv", "-o", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    lines = out.read_text("utf-8").splitlines()
    assert lines[0].startswith("event_id_cnty,event_date,year,") and len(lines) > 1
    assert f"written to {out}" in result.stderr
    bad = run("analyze", str(EXAMPLES / "2024-11-30_aleppo.txt"), "-o", str(tmp_path / "no" / "x"))
    assert bad.exit_code != 0 and "no such folder" in bad.stderr
    assert "documents" not in bad.stderr  # refused before any work


def test_floors_naming_an_unknown_figure_is_refused_by_name(tmp_path: Path) -> None:
    articles = tmp_path / "dev"
    articles.mkdir()
    (articles / "a.txt").write_text("DATE: 2024-12-06\n\n" + UNDATED, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("", encoding="utf-8")
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"event_f1": 0.0, "row_fl": 0.5}), encoding="utf-8")
    result = run("eval", "--articles", str(articles), "--gold", str(gold), "--floors", str(floors))
    assert result.exit_code != 0 and len(result.stderr.strip().splitlines()) == 1
    assert "unknown figure 'row_fl'" in result.stderr and "below its floor" not in result.stderr


def test_a_busy_port_is_a_one_line_error(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert run("ingest", str(EXAMPLES / "2024-11-30_aleppo.txt"), "--db", str(db)).exit_code == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--db", str(db), "--port", str(port))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"frontlines: error: 127.0.0.1:{port}: already in use (another server is "
                     "listening there; try --port 0)"]  # fmt: skip
    assert "Errno" not in result.stderr


def test_claims_text_never_prints_an_empty_name(tmp_path: Path) -> None:
    (tmp_path / "hama.txt").write_text(DENIAL, encoding="utf-8")
    db = tmp_path / "c.db"
    assert run("ingest", str(tmp_path / "hama.txt"), "--db", str(db)).exit_code == 0
    text = run("claims", "--db", str(db), "--format", "text").stdout
    assert text.strip()
    assert "no outlet" not in text and "; )" not in text and "/ ," not in text
    assert " / ," not in text and not any(line.rstrip().endswith("/") for line in text.splitlines())
    assert "document hama" in text  # no outlet known: the document says where it is from


def test_progress_shows_no_speed_before_it_is_measured(capsys: object) -> None:
    progress = Progress(total=10, label="analyze")
    progress.step()  # the first document pays for loading models
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "measuring speed" in err and "ETA" not in err and "docs/s" not in err
