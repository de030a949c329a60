"""The scorers of `frontlines eval`, on gold files, TSVs and actor patterns we write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontlines.cli import main
from frontlines.errors import InputError, UsageError
from frontlines.evaluate import (
    ActorMatcher,
    check_floors,
    load_actor_patterns,
    load_floors,
    load_gold,
    load_sentences,
    score_events,
    score_sentences,
)

# Two invented reports: a shelling of a town and a clash near another (coordinates on
# open land far apart), plus an optional background strike.
GOLD = [
    {
        "doc": "r1",
        "id": "r1#1",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "also_ok": ["Air/drone strike"],
        "date": "2031-05-04",
        "date_latest": "2031-05-04",
        "actors": ["NORTH_ARMY", "CIVILIANS"],
        "lat": 10.0,
        "lon": 20.0,
        "tolerance_km": 25,
        "fatalities": 4,
        "attributed_to": "the regional governor",
        "stance": "denied",
        "location": "Town A",
    },
    {
        "doc": "r1",
        "id": "r1#2",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "date": "2031-05-03",
        "date_latest": "2031-05-04",
        "actors": ["NORTH_ARMY", "RIVER_FRONT"],
        "lat": 11.0,
        "lon": 21.0,
        "tolerance_km": 25,
        "fatalities": None,
        "attributed_to": "outlet",
        "location": "Town B",
    },
    {
        "doc": "r2",
        "id": "r2#1",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "date": "2031-04-20",
        "date_latest": "2031-04-30",
        "actors": [],
        "lat": 30.0,
        "lon": 40.0,
        "tolerance_km": 50,
        "optional": True,
        "location": "Valley C",
    },
]


def _row(doc: str, **fields: object) -> dict[str, object]:
    return {"article_id": doc, **fields}


def _perfect_rows() -> dict[str, list[dict[str, object]]]:
    return {
        "r1": [
            _row(
                "r1",
                event_type="Explosions/Remote violence",
                sub_event_type="Air/drone strike",  # listed in also_ok
                event_date="2031-05-04",
                latitude=10.05,
                longitude=20.0,
                actor1="Northern Army",
                actor2="Civilians (Townland)",
                actor_keys=["NORTH_ARMY", "CIVILIANS"],
                fatalities=4,
                attributed_to="Governor of the region",
                certainty="denied",
            ),
            _row(
                "r1",
                event_type="Battles",
                sub_event_type="Armed clash",
                event_date="2031-05-03",
                latitude=11.0,
                longitude=21.1,
                actor1="Northern Army",
                actor2="River Front",
                actor_keys=["NORTH_ARMY", "RIVER_FRONT"],
                fatalities=0,
                attributed_to="outlet",
                certainty="reported",
            ),
        ],
        "r2": [
            _row(
                "r2",
                event_type="Explosions/Remote violence",
                sub_event_type="Air/drone strike",
                event_date="2031-04-25",
                latitude=30.1,
                longitude=40.0,
                actor1="Northern Army",
                actor_keys=["NORTH_ARMY"],
                fatalities=0,
            )
        ],
    }


@pytest.fixture
def gold(tmp_path: Path) -> dict:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(g) for g in GOLD) + "\n", encoding="utf-8")
    return load_gold(path)


def test_perfect_predictions_score_one_and_optional_gold_costs_nothing(gold):
    figures = score_events(_perfect_rows(), gold, ["r1", "r2"]).figures()
    assert figures["gold_events"] == 2 and figures["gold_optional"] == 1
    assert figures["matched"] == 2 and figures["false_alarms"] == 0
    assert figures["event_f1"] == 1.0 and figures["row_f1"] == 1.0
    for name in ("subtype", "date", "actor", "fatality", "attribution", "stance"):
        assert figures[f"{name}_accuracy"] == 1.0, name
    # only the gold with a named source (not "outlet"), a death toll or a denial counts
    assert figures["attribution_cases"] == 1
    assert figures["fatality_cases"] == 1
    assert figures["stance_cases"] == 1


def test_wrong_predictions_lower_the_figures(gold):
    rows = _perfect_rows()
    rows["r1"][0]["fatalities"] = 3
    rows["r1"][0]["certainty"] = "reported"
    figures = score_events(rows, gold, ["r1", "r2"]).figures()
    assert figures["event_f1"] == 1.0
    assert figures["row_f1"] == 0.5  # the strike's toll is wrong: a coder would not sign it
    assert figures["fatality_accuracy"] == 0.0 and figures["stance_accuracy"] == 0.0

    rows = _perfect_rows()
    rows["r1"][1]["latitude"] = 12.0  # about 110 km from the clash: no match
    figures = score_events(rows, gold, ["r1", "r2"]).figures()
    assert figures["matched"] == 1 and figures["false_alarms"] == 1 and figures["missed"] == 1
    assert figures["event_f1"] == 0.5

    rows = _perfect_rows()
    rows["r1"][1]["event_type"] = "Explosions/Remote violence"  # right place, wrong type
    assert score_events(rows, gold, ["r1", "r2"]).figures()["event_f1"] == 0.5


def test_best_match_first_prefers_the_right_sub_type(gold):
    rows = _perfect_rows()
    nearer_but_wrong = dict(rows["r1"][0], sub_event_type="Grenade", latitude=10.0, fatalities=0)
    rows["r1"].insert(0, nearer_but_wrong)
    scores = score_events(rows, gold, ["r1", "r2"])
    strike = next(p for p in scores.pairs if p.gold.id == "r1#1")
    assert strike.row["sub_event_type"] == "Air/drone strike"
    assert scores.figures()["false_alarms"] == 1


def test_actor_patterns_match_names_and_keys_fall_back(gold, tmp_path):
    path = tmp_path / "actors.json"
    path.write_text(json.dumps({"NORTH_ARMY": r"northern (army|troops)"}), encoding="utf-8")
    matcher = ActorMatcher(load_actor_patterns(path))
    rows = _perfect_rows()
    assert score_events(rows, gold, ["r1"], matcher).figures()["actor_accuracy"] == 1.0
    # the name no longer matches the pattern, whatever the key says
    rows["r1"][1]["actor1"] = "Government"
    figures = score_events(rows, gold, ["r1"], matcher).figures()
    assert figures["actor_accuracy"] == 0.75
    assert figures["row_f1"] == 0.5
    # a key without a pattern is our own actor key; an assoc actor's name counts too
    rows["r1"][1]["assoc_actor_1"] = "Northern Troops; Local Guard"
    rows["r1"][1]["actor_keys"] = ["NORTH_ARMY"]
    figures = score_events(rows, gold, ["r1"], matcher).figures()
    assert figures["actor_accuracy"] == 0.75  # RIVER_FRONT's key is gone


def test_generic_opposition_counts_half_for_a_named_group():
    matcher = ActorMatcher()
    assert matcher.share(["HTS"], {"actor_keys": ["OPPOSITION"]}) == 0.5
    assert matcher.share(["HTS"], {"actor_keys": ["HTS"]}) == 1.0
    assert matcher.share([], {"actor_keys": []}) is None


def test_bad_actor_patterns_name_the_key(tmp_path):
    path = tmp_path / "actors.json"
    path.write_text(json.dumps({"GOOD": "army", "BAD": "(unclosed"}), encoding="utf-8")
    with pytest.raises(InputError, match="BAD"):
        load_actor_patterns(path)


SENTENCES = [
    ("t1", "Gunmen fired on a bus near the market.", "Attack", ""),
    ("t2", "Troops and rebels fought for hours outside the town.", "Armed clash", ""),
    ("t3", "The striker scored twice in the final.", "NONE", ""),
    (
        "t4",
        "A drone hit a depot; artillery followed.",
        "Air/drone strike",
        "Shelling/artillery/missile attack",
    ),
    ("t5", "Police fired tear gas at marchers.", "Protest with intervention", ""),
]


def _write_tsv(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    lines = ["id\ttext\tsub_event_type\talso_ok\tcountry\turl"]
    lines += [f"{i}\t{text}\t{sub}\t{also}\tNowhere\t" for i, text, sub, also in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_sentence_scorer_perfect_then_wrong(tmp_path):
    rows = load_sentences(_write_tsv(tmp_path / "s.tsv", SENTENCES))
    perfect = {
        "sent-t1": ["Attack"],
        "sent-t2": ["Armed clash", "Air/drone strike"],
        "sent-t4": ["Shelling/artillery/missile attack"],  # also_ok
        "sent-t5": ["Protest with intervention"],
    }
    figures = score_sentences(rows, perfect).figures()
    assert figures["event_rows"] == 4 and figures["none_rows"] == 1
    assert figures["weighted_f1"] == 1.0 and figures["none_rate"] == 1.0
    assert figures["accuracy"] == 1.0 and figures["detection_rate"] == 1.0

    wrong = dict(perfect, **{"sent-t1": ["Armed clash"], "sent-t3": ["Armed clash"]})
    scores = score_sentences(rows, wrong)
    figures = scores.figures()
    assert figures["none_rate"] == 0.0 and figures["none_correct"] == 0
    assert figures["weighted_f1"] < 1.0
    stats = scores.per_class()
    assert stats["Attack"]["recall"] == 0.0
    # three first predictions of Armed clash (one a false alarm on the NONE row), one right
    assert stats["Armed clash"]["precision"] == pytest.approx(1 / 3)
    # weighted by support: Armed clash F1 0.5, the other two classes 1, Attack 0
    assert figures["weighted_f1"] == pytest.approx((0.5 + 1 + 1 + 0) / 4)

    missed = dict(perfect)
    del missed["sent-t5"]
    figures = score_sentences(rows, missed).figures()
    assert figures["detection_rate"] == 0.75 and figures["weighted_f1"] == 0.75


def test_a_later_event_counts_only_for_lenient_accuracy(tmp_path):
    rows = load_sentences(_write_tsv(tmp_path / "s.tsv", SENTENCES[:1]))
    figures = score_sentences(rows, {"sent-t1": ["Armed clash", "Attack"]}).figures()
    assert figures["accuracy"] == 0.0 and figures["lenient_accuracy"] == 1.0


def test_sentences_file_with_an_unknown_label_names_the_line(tmp_path):
    path = _write_tsv(tmp_path / "s.tsv", [*SENTENCES[:2], ("t9", "Text.", "Bombing", "")])
    with pytest.raises(InputError, match=r"s\.tsv:4.*'Bombing'"):
        load_sentences(path)


def test_floors_nested_by_set_reject_unknown_names(tmp_path):
    path = tmp_path / "floors.json"
    path.write_text(
        json.dumps({"dev": {"event_f1": 0.9}, "sentences": {"weighted_f1": 0.5}}),
        encoding="utf-8",
    )
    assert load_floors(path, "dev", "events") == {"event_f1": 0.9}
    assert load_floors(path, "sentences", "sentences") == {"weighted_f1": 0.5}
    with pytest.raises(UsageError, match="--floors-set"):
        load_floors(path, None, "events")
    with pytest.raises(UsageError, match="'world'"):
        load_floors(path, "world", "events")
    with pytest.raises(InputError, match="weighted_f1"):
        load_floors(path, "sentences", "events")  # not a figure of an event set
    path.write_text(json.dumps({"dev": {"event_f1": 0.9, "evnt_f1": 0.5}}), encoding="utf-8")
    with pytest.raises(InputError, match="'evnt_f1'"):
        load_floors(path, "dev", "events")
    path.write_text(json.dumps({"event_f1": 0.9}), encoding="utf-8")
    assert load_floors(path, None, "events") == {"event_f1": 0.9}


def test_check_floors_reports_low_and_unmeasured_figures():
    floors = {"event_f1": 0.5, "stance_accuracy": 1.0}
    assert check_floors({"event_f1": 0.6, "stance_accuracy": 1.0}, floors) == []
    messages = check_floors({"event_f1": 0.4, "stance_accuracy": None}, floors)
    assert len(messages) == 2 and "below its floor" in messages[0] and "no case" in messages[1]


# --------------------------------------------------- the whole command, against analyze


def _analyze_rows(runner: CliRunner, jsonl: Path, *extra: str) -> list[dict]:
    result = runner.invoke(main, ["analyze", str(jsonl), "--format", "jsonl", "--quiet", *extra])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_eval_sentences_scores_what_analyze_writes(tmp_path):
    """`eval --sentences` gives the figures of scoring `analyze`'s own output of the rows."""
    tsv = _write_tsv(tmp_path / "s.tsv", SENTENCES)
    runner = CliRunner()
    result = runner.invoke(main, ["eval", "--sentences", str(tsv), "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    rows = load_sentences(tsv)
    jsonl = tmp_path / "s.jsonl"
    jsonl.write_text(
        "\n".join(
            json.dumps({"id": r.doc, "text": r.text, "published": "2025-01-01"}) for r in rows
        ),
        encoding="utf-8",
    )
    predicted: dict[str, list[str]] = {}
    for e in _analyze_rows(runner, jsonl, "--published", "2025-01-01"):
        predicted.setdefault(e["article_id"], []).append(e["sub_event_type"])
    expected = score_sentences(rows, predicted)
    assert {k: v for k, v in got.items() if k != "per_class"} == expected.figures()
    assert got["per_class"] == expected.per_class()
    assert got["rows"] == 5 and got["none_rows"] == 1


def test_eval_events_scores_what_analyze_writes_and_gates(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "r1.txt").write_text(
        "URL: https://example.org/r1\nDATE: 2031-05-04\n\n"
        "Government troops shelled the town of Homs on Tuesday, killing four civilians, "
        "the provincial governor said.\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs.tsv"
    docs.write_text("doc\toutlet\tpublished\nr1\tThe Example\t2031-05-04\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    record = dict(GOLD[0], lat=34.72682, lon=36.72339, actors=["CIVILIANS"])
    gold.write_text(json.dumps(record) + "\n", encoding="utf-8")
    runner = CliRunner()
    args = ["eval", "--articles", str(reports), "--gold", str(gold), "--docs", str(docs)]
    result = runner.invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    jsonl = tmp_path / "r.jsonl"
    body = "Government troops shelled the town of Homs on Tuesday, killing four civilians, "
    body += "the provincial governor said."
    jsonl.write_text(json.dumps({"id": "r1", "text": body, "published": "2031-05-04"}))
    rows: dict[str, list[dict]] = {}
    for e in _analyze_rows(runner, jsonl):
        rows.setdefault(e["article_id"], []).append(e)
    assert got == score_events(rows, load_gold(gold), ["r1"]).figures()

    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"reports": {"predictions": 99}}), encoding="utf-8")
    result = runner.invoke(main, [*args, "--floors", str(floors), "--floors-set", "reports"])
    assert result.exit_code == 1 and "FLOOR: predictions" in result.output
    floors.write_text(json.dumps({"reports": {"predicton": 1}}), encoding="utf-8")
    result = runner.invoke(main, [*args, "--floors", str(floors), "--floors-set", "reports"])
    assert result.exit_code != 0 and "'predicton'" in result.output


def test_eval_needs_one_kind_of_set(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["eval", "--gold", str(tmp_path / "g.jsonl")])
    assert result.exit_code != 0 and "--sentences" in result.output
    tsv = _write_tsv(tmp_path / "s.tsv", SENTENCES[:1])
    result = runner.invoke(main, ["eval", "--sentences", str(tsv), "--articles", str(tmp_path)])
    assert result.exit_code != 0 and "on its own" in result.output
