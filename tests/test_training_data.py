"""Checks on the hand-written training corpus for the event classifier.

Every file in src/frontlines/data/training/ is read, so corpora written by several
people are validated together (format and conventions: the team's TRAINING_DATA.md).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from frontlines.models import SUB_TO_TYPE

TRAINING_DIR = Path(__file__).resolve().parents[1] / "src" / "frontlines" / "data" / "training"
STYLES = {
    "wire",
    "state_media",
    "monitor",
    "ngo",
    "local",
    "headline",
    "acled_note",
    "social_summary",
}
LABELS = set(SUB_TO_TYPE) | {"NONE"}
FIELDS = {"id", "text", "label", "country", "style"}
# Every class, in all files together, has at least this many rows.
MIN_ROWS_PER_CLASS = 100
MIN_COUNTRIES = 40


def _rows() -> list[tuple[str, int, dict[str, str]]]:
    rows = []
    for path in sorted(TRAINING_DIR.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                rows.append((path.name, number, json.loads(line)))
    return rows


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return [row for _, _, row in _rows()]


def test_training_files_exist() -> None:
    assert sorted(TRAINING_DIR.glob("*.jsonl")), f"no .jsonl files in {TRAINING_DIR}"


def test_every_line_is_a_complete_record() -> None:
    for path in sorted(TRAINING_DIR.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name}:{number}"
            assert line.strip(), f"{where}: blank line"
            row = json.loads(line)
            assert isinstance(row, dict), where
            assert set(row) >= FIELDS, f"{where}: missing {FIELDS - set(row)}"
            for key in FIELDS:
                assert isinstance(row[key], str) and row[key].strip(), f"{where}: empty {key}"
            assert row["text"] == row["text"].strip(), f"{where}: untrimmed text"
            assert 15 <= len(row["text"]) <= 700, f"{where}: text length {len(row['text'])}"


def test_labels_are_exact_taxonomy_strings(rows: list[dict[str, str]]) -> None:
    unknown = {row["label"] for row in rows} - LABELS
    assert not unknown, f"labels outside the taxonomy: {sorted(unknown)}"


def test_styles_are_known(rows: list[dict[str, str]]) -> None:
    unknown = {row["style"] for row in rows} - STYLES
    assert not unknown, f"unknown styles: {sorted(unknown)}"


def test_ids_are_unique(rows: list[dict[str, str]]) -> None:
    repeated = [key for key, n in Counter(row["id"] for row in rows).items() if n > 1]
    assert not repeated, f"repeated ids: {repeated[:10]}"


def test_ids_carry_their_file_prefix() -> None:
    for name, number, row in _rows():
        prefix = name.removesuffix(".jsonl").removeprefix("events_")
        assert row["id"].startswith(prefix + "-"), f"{name}:{number}: id {row['id']}"


def test_no_duplicate_texts(rows: list[dict[str, str]]) -> None:
    def norm(text: str) -> str:
        return " ".join(text.lower().split()).rstrip(".")

    repeated = [t for t, n in Counter(norm(row["text"]) for row in rows).items() if n > 1]
    assert not repeated, f"repeated texts: {repeated[:5]}"


def test_every_class_present_has_enough_rows(rows: list[dict[str, str]]) -> None:
    counts = Counter(row["label"] for row in rows)
    thin = {label: n for label, n in counts.items() if n < MIN_ROWS_PER_CLASS}
    assert not thin, f"classes under {MIN_ROWS_PER_CLASS} rows: {thin}"
    assert counts["NONE"] >= MIN_ROWS_PER_CLASS


def test_all_classes_covered_once_both_halves_exist(rows: list[dict[str, str]]) -> None:
    if not all((TRAINING_DIR / f"events_{half}.jsonl").exists() for half in "ab"):
        pytest.skip("the second half of the corpus is not written yet")
    missing = LABELS - {row["label"] for row in rows}
    assert not missing, f"classes without rows: {sorted(missing)}"


def test_many_countries(rows: list[dict[str, str]]) -> None:
    countries = {row["country"] for row in rows}
    assert len(countries) >= MIN_COUNTRIES, f"only {len(countries)} countries"


def test_no_class_is_one_style_or_one_ending(rows: list[dict[str, str]]) -> None:
    # Shortcuts a classifier could learn instead of the act: a class written in one style
    # only, or one whose passages all end the same way.
    by_label: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_label.setdefault(row["label"], []).append(row)
    for label, group in by_label.items():
        styles = Counter(row["style"] for row in group)
        assert len(styles) >= 3, f"{label}: styles {dict(styles)}"
        unstopped = sum(not row["text"].endswith((".", '"', "”", "'")) for row in group)
        assert unstopped < len(group), f"{label}: no passage ends with a full stop"
        assert unstopped > 0, f"{label}: no headline-like passage without a full stop"
