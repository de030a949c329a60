"""The learned event classifier and its training command, on sentences written for these tests."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from frontlines import distill
from frontlines import train as training
from frontlines.classify import (
    HEAD_PATH,
    NONE_LABEL,
    STATIC_HEAD_PATH,
    STATIC_PATH,
    ClassPrediction,
    EventClassifier,
    LinearHead,
    StaticEncoder,
    certainty,
    get_classifier,
    get_encoder,
    get_static_encoder,
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

    assert (tmp_path / "static_a.npz").read_bytes() == (tmp_path / "static_b.npz").read_bytes()
    assert first.static_digest == second.static_digest
    assert first.static_report is not None and 0.0 <= first.static_report.weighted_f1 <= 1.0
    assert "static head:" in report and "defer below 0.95" in report

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
    static_head = LinearHead.load(tmp_path / "static_head.npz")
    assert static_head.meta["defer_below"] == training.DEFAULT_DEFER_BELOW
    result = runner.invoke(
        main,
        ["train", "-o", str(out), "--per-class", "4", "--test-share", "0"]
        + ["--defer-below", "0.8", "--defer-below-in-context", "0.6"],
    )
    assert result.exit_code == 0, result.output
    static_head = LinearHead.load(tmp_path / "static_head.npz")
    assert (static_head.meta["defer_below"], static_head.meta["defer_below_in_context"]) == (
        0.8,
        0.6,
    )
    result = runner.invoke(main, ["train", "-o", str(out), "--defer-below", "1.5"])
    assert result.exit_code != 0 and "--defer-below" in result.output

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.jsonl").write_text("{not json\n", encoding="utf-8")
    result = runner.invoke(main, ["train", "--data", str(tmp_path / "data"), "-o", str(out)])
    assert result.exit_code != 0
    assert "x.jsonl:1: not JSON" in result.output


# ------------------------------------------------------------------ the cascade


def test_static_encoder_is_deterministic_unit_length_and_batch_free() -> None:
    static = get_static_encoder()
    texts = [text for text, _ in CLEAR_CASES]
    rows = static.encode(texts)
    assert rows.shape == (len(texts), static.dim) and rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(rows, StaticEncoder().encode(texts))  # loaded afresh: same rows
    one_by_one = np.vstack([static.encode([t]) for t in reversed(texts)])[::-1]
    assert np.array_equal(rows, one_by_one)
    # special tokens are left out: nothing to read is a zero row, not [CLS]'s
    assert not static.encode(["", "[CLS] [SEP]"]).any()
    # near sentences are nearer than far ones
    a, b, c = static.encode(
        [
            "Gunmen shot dead five villagers.",
            "Armed men killed five people in a village.",
            "The central bank raised interest rates.",
        ]
    )
    assert float(a @ b) > float(a @ c)


def test_shipped_static_rows_are_the_whole_vocabulary_in_int8() -> None:
    static = get_static_encoder()
    assert static.matrix.shape == (static.tokenizer.get_vocab_size(), distill.DEFAULT_DIMS)
    assert static.meta["tokens"] == static.matrix.shape[0]
    with np.load(STATIC_PATH) as data:
        assert data["rows"].dtype == np.int8
    assert STATIC_PATH.stat().st_size < 10_000_000
    head = LinearHead.load(STATIC_HEAD_PATH)
    assert head.meta["encoder"] == static.id
    assert 0.0 < head.meta["defer_below_in_context"] <= head.meta["defer_below"] <= 1.0


def test_distilling_is_deterministic(tmp_path: Path) -> None:
    encoder = get_encoder()
    lines: list[str] = []
    for name in ("a.npz", "b.npz"):
        distill.distill(
            tmp_path / name, dims=8, encoder=encoder, vocabulary_size=600, echo=lines.append
        )
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    with np.load(tmp_path / "a.npz") as data:
        assert data["rows"].shape == (600, 8) and data["rows"].dtype == np.int8
        assert data["scale"].shape == (600,)
    assert "600 tokens x 8 dims" in lines[-1]
    with pytest.raises(ValueError, match="dims"):
        distill.distill(tmp_path / "c.npz", dims=1000, encoder=encoder, vocabulary_size=600)
    # SIF: frequent (early) tokens weigh less, rare ones nearly 1
    weights = distill.sif_weights(30522)
    assert np.all(np.diff(weights) > 0) and weights[0] < 0.1 and weights[-1] > 0.99
    rows = np.array([[0.5, -1.0], [0.0, 0.0]], dtype=np.float32)
    quantised, scale = distill.quantise(rows)
    assert np.allclose(quantised * scale[:, None], rows, atol=1e-2) and scale[1] == 1.0


def _with_thresholds(head: LinearHead, short: float, in_context: float) -> LinearHead:
    meta = {**head.meta, "defer_below": short, "defer_below_in_context": in_context}
    return replace(head, meta=meta)


def test_cascade_defers_to_minilm_where_the_static_head_is_unsure() -> None:
    encoder, static = get_encoder(), get_static_encoder()
    head, static_head = LinearHead.load(HEAD_PATH), LinearHead.load(STATIC_HEAD_PATH)
    texts = [text for text, _ in CLEAR_CASES]
    minilm = EventClassifier(encoder, head).probabilities(texts)
    alone = static_head.probabilities(static.encode(texts), texts)

    # never sure: MiniLM reads every passage
    everything = EventClassifier(encoder, head, static, _with_thresholds(static_head, 1.01, 1.01))
    assert np.allclose(everything.probabilities(texts), minilm)
    assert (everything.read, everything.deferred) == (len(texts), len(texts))
    # always sure: MiniLM reads none
    nothing = EventClassifier(encoder, head, static, _with_thresholds(static_head, 0.0, 0.0))
    assert np.allclose(nothing.probabilities(texts), alone)
    assert (nothing.read, nothing.deferred) == (len(texts), 0)
    # in between: exactly the passages whose top static probability is below the threshold
    threshold = float(np.median(alone.max(axis=1)))
    mixed = EventClassifier(encoder, head, static, _with_thresholds(static_head, threshold, 0.0))
    got = mixed.probabilities(texts)
    unsure = alone.max(axis=1) < threshold
    assert 0 < unsure.sum() < len(texts) and mixed.deferred == unsure.sum()
    assert np.allclose(got[unsure], minilm[unsure]) and np.allclose(got[~unsure], alone[~unsure])
    # a sentence of a long report is judged by the in-context threshold
    in_context = [i % 2 == 0 for i in range(len(texts))]
    flagged = EventClassifier(encoder, head, static, _with_thresholds(static_head, 1.01, 0.0))
    got = flagged.probabilities(texts, in_context=in_context)
    for i, flag in enumerate(in_context):
        assert np.allclose(got[i], alone[i] if flag else minilm[i])
    with pytest.raises(ValueError, match="one flag per passage"):
        flagged.probabilities(texts, in_context=[True])
    # the shipped cascade reads the clear cases as MiniLM does
    shipped = get_classifier()
    assert shipped.static is not None
    assert [p.label for p in shipped.predict(texts, in_context=True)] == [
        label for _, label in CLEAR_CASES
    ]


def test_each_head_refuses_another_encoder() -> None:
    encoder, static = get_encoder(), get_static_encoder()
    head, static_head = LinearHead.load(HEAD_PATH), LinearHead.load(STATIC_HEAD_PATH)
    with pytest.raises(ClassifierError, match="fitted on encoder"):
        EventClassifier(encoder, static_head)  # the static head as MiniLM's
    with pytest.raises(ClassifierError, match="fitted on encoder"):
        EventClassifier(encoder, head, static, head)  # MiniLM's head as the static one
    other = replace(static_head, meta={**static_head.meta, "encoder": static.id[:-4] + "0000"})
    with pytest.raises(ClassifierError, match="retrain"):
        EventClassifier(encoder, head, static, other)  # re-distilled rows: another digest
    with pytest.raises(ClassifierError, match="needs its encoder"):
        EventClassifier(encoder, head, None, static_head)


def test_in_context_certainty_is_of_no_event_or_an_event_type() -> None:
    labels = ("Armed clash", "Attack", "Abduction/forced disappearance", NONE_LABEL)
    # split between two sub-types of one event type (Battles / Violence against civilians)
    rows = np.array(
        [[0.05, 0.45, 0.45, 0.05], [0.45, 0.45, 0.0, 0.1], [0.1, 0.1, 0.1, 0.7]],
        dtype=np.float32,
    )
    alone = certainty(rows, labels, np.array([False, False, False]))
    assert np.allclose(alone, [0.45, 0.45, 0.7])
    in_context = certainty(rows, labels, np.array([True, True, True]))
    assert np.allclose(in_context, [0.9, 0.45, 0.7])  # one type sure; two types unsure
    assert np.allclose(certainty(rows, labels, np.array([True, False, False])), [0.9, 0.45, 0.7])
