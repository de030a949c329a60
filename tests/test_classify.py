"""The learned event classifier and its training command, on sentences written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontlines import train as training
from frontlines.classify import (
    HEAD_PATH,
    NONE_LABEL,
    ClassPrediction,
    EventClassifier,
    LinearHead,
    get_classifier,
    get_encoder,
)
from frontlines.cli import main
from frontlines.errors import ClassifierError, InputError

# (sentence, the sub-type a coder would give it): written for this test, not from any corpus.
CLEAR_CASES = [
    (
        "Fighter jets bombed a rebel camp in the hills on Friday, killing at least nine fighters.",
        "Air/drone strike",
    ),
    (
        "Thousands of nurses marched quietly through the capital on Monday to demand back pay.",
        "Peaceful protest",
    ),
    (
        "Armed men seized a village elder and two of his sons from their farm overnight and took "
        "them into the forest, relatives said.",
        "Abduction/forced disappearance",
    ),
    (
        "A suicide bomber detonated his explosive vest at the gate of a crowded mosque.",
        "Suicide bomb",
    ),
    (
        "Riot police fired tear gas and water cannon to break up students rallying outside "
        "parliament.",
        "Protest with intervention",
    ),
    (
        "Air defence units shot down two drones heading for the airport overnight, the ministry "
        "said.",
        "Disrupted weapons use",
    ),
    (
        "A roadside bomb tore through a minibus on the market road, killing four passengers.",
        "Remote explosive/landmine/IED",
    ),
    ("The home side stormed to a 3-0 win in the cup final on Saturday evening.", NONE_LABEL),
    ("Heavy rain set off floods that swept away dozens of houses along the river.", NONE_LABEL),
]


def test_shipped_classifier_labels_clear_sentences() -> None:
    predictions = get_classifier().predict([text for text, _ in CLEAR_CASES])
    got = [p.label for p in predictions]
    assert got == [label for _, label in CLEAR_CASES]
    for prediction, (_, label) in zip(predictions, CLEAR_CASES, strict=True):
        assert prediction.is_event == (label != NONE_LABEL)
        assert prediction.score == max(prediction.scores.values())
        assert sum(prediction.scores.values()) == pytest.approx(1.0, abs=1e-4)
        assert len(prediction.scores) == 26  # the 25 ACLED sub-types and NONE


def test_predict_is_batched_in_input_order_and_cached() -> None:
    classifier = get_classifier()
    assert get_classifier() is classifier
    texts = [text for text, _ in CLEAR_CASES]
    one_by_one = [classifier.predict([t])[0] for t in texts]
    batched = classifier.predict(list(reversed(texts)), batch_size=3)[::-1]
    for a, b in zip(one_by_one, batched, strict=True):
        assert a.label == b.label
        assert a.score == pytest.approx(b.score, abs=1e-4)
    assert classifier.predict([]) == []
    [empty] = classifier.predict([""])
    assert isinstance(empty, ClassPrediction)


def test_prediction_is_frozen() -> None:
    prediction = ClassPrediction(label="Attack", score=0.9, scores={"Attack": 0.9})
    assert prediction.is_event
    assert not ClassPrediction(label=NONE_LABEL, score=0.8).is_event
    with pytest.raises(AttributeError):
        prediction.label = "NONE"  # type: ignore[misc]


def test_training_a_subset_is_deterministic_and_sensible(tmp_path: Path) -> None:
    encoder = get_encoder()
    lines: list[str] = []
    first = training.train(
        output=tmp_path / "a.npz", per_class=20, encoder=encoder, echo=lines.append
    )
    second = training.train(
        output=tmp_path / "b.npz", per_class=20, encoder=encoder, echo=lambda _: None
    )
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert first.digest == second.digest
    assert first.report is not None and 0.0 <= first.report.weighted_f1 <= 1.0
    report = "\n".join(lines)
    assert "weighted F1" in report and "NONE accuracy" in report
    assert "Air/drone strike" in report  # per-class rows

    head = LinearHead.load(tmp_path / "a.npz")
    assert head.meta["per_class"] == 20
    classifier = EventClassifier(encoder, head)
    sensible = [
        ("Warplanes struck a weapons depot outside the city before dawn.", "Air/drone strike"),
        ("A suicide bomber blew himself up at a police checkpoint.", "Suicide bomb"),
        (
            "Gunmen kidnapped three aid workers on the road north of the town.",
            "Abduction/forced disappearance",
        ),
        ("The striker scored twice as the visitors won the derby.", NONE_LABEL),
    ]
    got = [p.label for p in classifier.predict([t for t, _ in sensible])]
    assert got == [label for _, label in sensible]


def test_held_out_split_is_stratified_and_seeded() -> None:
    labels = ["A"] * 10 + ["B"] * 5 + ["C"]
    train_idx, test_idx = training.stratified_split(labels, 0.2, seed=7)
    again = training.stratified_split(labels, 0.2, seed=7)
    assert list(train_idx) == list(again[0]) and list(test_idx) == list(again[1])
    held = [labels[i] for i in test_idx]
    assert held.count("A") == 2 and held.count("B") == 1 and "C" not in held
    assert sorted([*train_idx, *test_idx]) == list(range(len(labels)))


def test_head_round_trips_and_missing_weights_are_one_error(tmp_path: Path) -> None:
    head = LinearHead.load(HEAD_PATH)
    head.save(tmp_path / "copy.npz")
    again = LinearHead.load(tmp_path / "copy.npz")
    assert again.labels == head.labels and again.digest() == head.digest()
    assert (tmp_path / "copy.npz").read_bytes() == HEAD_PATH.read_bytes()
    with pytest.raises(ClassifierError, match="no classifier weights"):
        LinearHead.load(tmp_path / "absent.npz")
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    with pytest.raises(ClassifierError, match="unreadable"):
        LinearHead.load(tmp_path / "broken.npz")


def test_bad_training_rows_name_file_and_line(tmp_path: Path) -> None:
    good = {
        "id": "t-1",
        "text": "Soldiers and insurgents traded fire for hours.",
        "label": "Armed clash",
    }
    bad = {"id": "t-2", "text": "Something happened.", "label": "Skirmish"}
    path = tmp_path / "mine.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"mine\.jsonl:2: label 'Skirmish'"):
        training.load_examples(tmp_path)
    with pytest.raises(InputError, match="no training files"):
        training.load_examples(tmp_path / "empty")


def test_train_command(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "head.npz"
    result = runner.invoke(
        main, ["train", "--output", str(out), "--per-class", "4", "--test-share", "0.25"]
    )
    assert result.exit_code == 0, result.output
    assert "weighted F1" in result.output and out.is_file()
    assert LinearHead.load(out).meta["per_class"] == 4

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.jsonl").write_text("{not json\n", encoding="utf-8")
    result = runner.invoke(main, ["train", "--data", str(tmp_path / "data"), "-o", str(out)])
    assert result.exit_code != 0
    assert "x.jsonl:1: not JSON" in result.output
