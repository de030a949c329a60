"""Training the event classifier's head (`frontlines train`, issue 9 item 2).

Reads the team's own training passages (`data/training/*.jsonl`, format in
docs/ or the team's TRAINING_DATA notes: `text`, `label` = an ACLED sub-type or "NONE"),
embeds them with the classifier's sentence encoder, holds out a stratified share with a
fixed seed and reports per-class precision/recall/F1, weighted F1 and NONE accuracy on it,
then fits the head on every passage and writes it. Same files, same seed: same bytes out,
so the shipped `data/classifier/head.npz` is exactly what this produces.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from frontlines.classify import (
    ENCODER_ID,
    HEAD_PATH,
    NONE_LABEL,
    LexicalFeatures,
    LinearHead,
    SentenceEncoder,
    StaticEncoder,
    certainty,
    get_encoder,
    get_static_encoder,
)
from frontlines.errors import InputError
from frontlines.models import SUB_TO_TYPE

TRAINING_DIR = Path(__file__).resolve().parent / "data" / "training"
LABELS: tuple[str, ...] = (*SUB_TO_TYPE, NONE_LABEL)
# Inverse regularisation strength of the logistic regression, chosen on the held-out
# split of our own training data (see README, "The event classifier").
DEFAULT_C = 30.0
# Weight of the TF-IDF block beside the unit-length embedding (None: embedding only); the
# words add what a mean-pooled embedding blurs (negations, "shot down", "suicide").
DEFAULT_LEXICAL_SCALE: float | None = 2.0
# The same for the static head (its embedding is coarser: it leans on the words more).
DEFAULT_STATIC_C = 30.0
DEFAULT_SEED = 20241201
DEFAULT_TEST_SHARE = 0.2
# The cascade (see classify.EventClassifier): the static head's verdict stands where its
# top probability reaches these; below, MiniLM reads the passage. A short input's
# sentences (at most extract.SHORT_INPUT) decide more on the verdict alone (the act's
# sub-type, an act no trigger names), so they are deferred more. Chosen on the held-out
# split of our own training data (README, "The event classifier").
DEFAULT_DEFER_BELOW = 0.95
DEFAULT_DEFER_BELOW_IN_CONTEXT = 0.7


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    origin: str  # file:line, for error messages


@dataclass
class ClassFigures:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class HeldOutReport:
    train_size: int
    test_size: int
    per_class: list[ClassFigures] = field(default_factory=list)
    weighted_f1: float = 0.0
    accuracy: float = 0.0
    none_accuracy: float = 0.0  # share of held-out NONE passages predicted NONE
    event_recall: float = 0.0  # share of held-out event passages predicted as some event

    def lines(self) -> list[str]:
        out = [
            f"held-out split: {self.test_size} passages (trained on {self.train_size})",
            f"{'label':40} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}",
        ]
        for c in self.per_class:
            out.append(
                f"{c.label:40} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.support:5d}"
            )
        out.append(f"weighted F1 {self.weighted_f1:.3f}   accuracy {self.accuracy:.3f}")
        out.append(
            f"NONE accuracy {self.none_accuracy:.3f}   events found (any sub-type) "
            f"{self.event_recall:.3f}"
        )
        return out


@dataclass
class TrainResult:
    output: Path
    examples: int
    label_counts: dict[str, int]
    report: HeldOutReport | None
    digest: str
    static_output: Path
    static_report: HeldOutReport | None
    static_digest: str


def load_examples(directory: Path = TRAINING_DIR) -> list[Example]:
    """Every passage of `directory`/*.jsonl, files in name order, lines in file order."""
    files = sorted(directory.glob("*.jsonl"))
    if not files:
        raise InputError(str(directory), "no training files (*.jsonl)")
    examples: list[Example] = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                origin = f"{path}:{number}"
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(origin, f"not JSON ({exc.msg})") from exc
                if not isinstance(row, dict):
                    raise InputError(origin, "not a JSON object")
                text, label = row.get("text"), row.get("label")
                if not isinstance(text, str) or not text.strip():
                    raise InputError(origin, "no text")
                if label not in LABELS:
                    raise InputError(origin, f"label {label!r} is no ACLED sub-type nor NONE")
                examples.append(Example(text=text.strip(), label=label, origin=origin))
    return examples


def files_digest(directory: Path = TRAINING_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.jsonl")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def subset(examples: Sequence[Example], per_class: int) -> list[Example]:
    """The first `per_class` passages of each label (in file order): a small, stable set."""
    taken: Counter[str] = Counter()
    out = []
    for ex in examples:
        if taken[ex.label] < per_class:
            taken[ex.label] += 1
            out.append(ex)
    return out


def stratified_split(
    labels: Sequence[str], test_share: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test): each label's passages shuffled with `seed`, `test_share` held
    out (at least one where a label has two or more passages, none where it has one)."""
    rng = np.random.default_rng(seed)
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    train: list[int] = []
    test: list[int] = []
    for label in sorted(by_label):
        idx = np.array(by_label[label])
        rng.shuffle(idx)
        n_test = int(round(len(idx) * test_share))
        n_test = min(max(n_test, 1), len(idx) - 1) if len(idx) >= 2 else 0
        test.extend(int(i) for i in idx[:n_test])
        train.extend(int(i) for i in idx[n_test:])
    return np.array(sorted(train), dtype=np.int64), np.array(sorted(test), dtype=np.int64)


def lexical_matrix(lexical: LexicalFeatures, texts: Sequence[str]) -> Any:
    """The lexical features of `texts` as a scipy CSR matrix (what the classifier computes)."""
    from scipy.sparse import csr_matrix

    rows = lexical.sparse_rows(texts)
    indptr = np.cumsum([0, *(len(cols) for cols, _ in rows)])
    indices = np.concatenate([cols for cols, _ in rows]) if rows else np.zeros(0, np.int64)
    data = np.concatenate([values for _, values in rows]) if rows else np.zeros(0, np.float32)
    return csr_matrix((data, indices, indptr), shape=(len(texts), len(lexical.vocabulary)))


def fit_head(
    embeddings: np.ndarray,
    texts: Sequence[str],
    labels: Sequence[str],
    c: float = DEFAULT_C,
    lexical_scale: float | None = DEFAULT_LEXICAL_SCALE,
    meta: dict | None = None,
) -> LinearHead:
    """Multinomial logistic regression (lbfgs, deterministic) over the labels present, on the
    embeddings beside TF-IDF features whose vocabulary is fitted on these texts only."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    present = tuple(label for label in LABELS if label in set(labels))
    if len(present) < 2:
        raise InputError("training data", "needs passages of at least two labels")
    index = {label: i for i, label in enumerate(present)}
    y = np.array([index[label] for label in labels])
    lexical = None
    features: Any = embeddings.astype(np.float64)
    if lexical_scale:
        lexical = LexicalFeatures.fit(texts, scale=lexical_scale)
        features = hstack([csr_matrix(features), lexical_matrix(lexical, texts)]).tocsr()
    model = LogisticRegression(C=c, max_iter=3000, tol=1e-4)
    model.fit(features, y)
    weights = model.coef_.astype(np.float32)
    bias = model.intercept_.astype(np.float32)
    return LinearHead(
        labels=present, weights=weights, bias=bias, lexical=lexical, meta=dict(meta or {})
    )


def held_out_report(
    head: LinearHead,
    embeddings: np.ndarray,
    texts: Sequence[str],
    gold: Sequence[str],
    train_size: int,
) -> HeldOutReport:
    probs = head.probabilities(embeddings, texts)
    return report_of(head.labels, probs, gold, train_size)


def report_of(
    labels: Sequence[str], probs: np.ndarray, gold: Sequence[str], train_size: int
) -> HeldOutReport:
    """Per-class and overall figures of the verdicts `probs` (rows over `labels`)."""
    predicted = [labels[int(i)] for i in probs.argmax(axis=1)]
    report = HeldOutReport(train_size=train_size, test_size=len(gold))
    total = len(gold)
    weighted = 0.0
    for label in LABELS:
        support = sum(g == label for g in gold)
        n_pred = sum(p == label for p in predicted)
        hits = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        if not support and not n_pred:
            continue
        precision = hits / n_pred if n_pred else 0.0
        recall = hits / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report.per_class.append(ClassFigures(label, precision, recall, f1, support))
        weighted += f1 * support
    report.weighted_f1 = weighted / total if total else 0.0
    report.accuracy = (
        sum(g == p for g, p in zip(gold, predicted, strict=True)) / total if total else 0.0
    )
    nones = [p for g, p in zip(gold, predicted, strict=True) if g == NONE_LABEL]
    events = [p for g, p in zip(gold, predicted, strict=True) if g != NONE_LABEL]
    report.none_accuracy = sum(p == NONE_LABEL for p in nones) / len(nones) if nones else 0.0
    report.event_recall = sum(p != NONE_LABEL for p in events) / len(events) if events else 0.0
    return report


def static_head_path(output: Path) -> Path:
    """Where the static head goes beside the MiniLM head written to `output`
    (`head.npz` -> `static_head.npz`)."""
    return output.with_name(f"static_{output.name}")


def cascade(
    labels: Sequence[str],
    static_probs: np.ndarray,
    encoder_probs: np.ndarray,
    threshold: float,
    in_context: bool = False,
) -> tuple[np.ndarray, float]:
    """The cascade's verdicts (the static head's where it is sure enough by `threshold`,
    `classify.certainty`: as for short inputs, or as for a long report's sentences; else
    the encoder head's) and the share of passages deferred."""
    context = np.full(len(static_probs), in_context, dtype=bool)
    unsure = certainty(static_probs, labels, context) < threshold
    return np.where(unsure[:, None], encoder_probs, static_probs), float(unsure.mean())


def event_type_accuracy(labels: Sequence[str], probs: np.ndarray, gold: Sequence[str]) -> float:
    """Share of passages whose verdict has the gold event type (or no event): all that a
    verdict decides in a long report, where the rules' sub-type stands."""
    kind = [SUB_TO_TYPE.get(labels[int(i)], NONE_LABEL) for i in probs.argmax(axis=1)]
    hits = sum(k == SUB_TO_TYPE.get(g, NONE_LABEL) for k, g in zip(kind, gold, strict=True))
    return hits / len(gold) if gold else 0.0


def train(
    training_dir: Path = TRAINING_DIR,
    output: Path = HEAD_PATH,
    *,
    seed: int = DEFAULT_SEED,
    test_share: float = DEFAULT_TEST_SHARE,
    per_class: int | None = None,
    c: float = DEFAULT_C,
    static_c: float = DEFAULT_STATIC_C,
    lexical_scale: float | None = DEFAULT_LEXICAL_SCALE,
    defer_below: float = DEFAULT_DEFER_BELOW,
    defer_below_in_context: float = DEFAULT_DEFER_BELOW_IN_CONTEXT,
    encoder: SentenceEncoder | None = None,
    static: StaticEncoder | None = None,
    echo: Callable[[str], None] = print,
) -> TrainResult:
    """Report on a held-out split, then fit on all passages and write the two heads: the
    MiniLM head to `output`, the static head (with the cascade's thresholds) beside it."""
    if not 0.0 <= test_share < 1.0:
        raise InputError("--test-share", f"must be in [0, 1), not {test_share}")
    for name, value in (
        ("--defer-below", defer_below),
        ("--defer-below-in-context", defer_below_in_context),
    ):
        if not 0.0 <= value <= 1.0:
            raise InputError(name, f"must be in [0, 1], not {value}")
    examples = load_examples(training_dir)
    if per_class is not None:
        examples = subset(examples, per_class)
    labels = [ex.label for ex in examples]
    counts = Counter(labels)
    echo(
        f"training passages: {len(examples)} from {training_dir} "
        f"({len(counts)} labels; fewest: {min(counts.values())})"
    )
    missing = [label for label in LABELS if label not in counts]
    if missing:
        echo(f"labels without passages (never predicted): {', '.join(missing)}")
    encoder = encoder or get_encoder()
    static = static or get_static_encoder()
    texts = [ex.text for ex in examples]
    embeddings = encoder.encode(texts)
    static_embeddings = static.encode(texts)

    report = static_report = None
    if test_share > 0:
        train_idx, test_idx = stratified_split(labels, test_share, seed)
        train_texts = [texts[i] for i in train_idx]
        train_labels = [labels[i] for i in train_idx]
        test_texts = [texts[i] for i in test_idx]
        gold = [labels[i] for i in test_idx]
        head = fit_head(
            embeddings[train_idx], train_texts, train_labels, c=c, lexical_scale=lexical_scale
        )
        static_head = fit_head(
            static_embeddings[train_idx],
            train_texts,
            train_labels,
            c=static_c,
            lexical_scale=lexical_scale,
        )
        probs = head.probabilities(embeddings[test_idx], test_texts)
        static_probs = static_head.probabilities(static_embeddings[test_idx], test_texts)
        report = report_of(head.labels, probs, gold, len(train_idx))
        static_report = report_of(static_head.labels, static_probs, gold, len(train_idx))
        echo("MiniLM head:")
        for line in report.lines():
            echo(line)
        echo("static head:")
        for line in static_report.lines()[2:]:
            echo(line)
        echo(
            "cascade (static head, MiniLM where it is unsure: below the threshold; a short "
            "input by its top label, a long report's sentence by no event or event type):"
        )
        echo(
            f"  MiniLM alone: event type accuracy "
            f"{event_type_accuracy(head.labels, probs, gold):.3f}"
        )
        shown = sorted({0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, defer_below, defer_below_in_context})
        for threshold in shown:
            mixed, share = cascade(head.labels, static_probs, probs, threshold)
            figures = report_of(head.labels, mixed, gold, len(train_idx))
            by_type, type_share = cascade(
                head.labels, static_probs, probs, threshold, in_context=True
            )
            names = [
                name
                for name, value in (
                    ("--defer-below", defer_below),
                    ("--defer-below-in-context", defer_below_in_context),
                )
                if value == threshold
            ]
            echo(
                f"  defer below {threshold:.2f}: short input: MiniLM reads {share:6.1%}, "
                f"weighted F1 {figures.weighted_f1:.3f}, NONE accuracy "
                f"{figures.none_accuracy:.3f}; in context: MiniLM reads {type_share:6.1%}, "
                f"event type accuracy {event_type_accuracy(head.labels, by_type, gold):.3f}"
                + (f"   ({', '.join(names)})" if names else "")
            )

    meta = {
        "encoder": ENCODER_ID,
        "c": c,
        "lexical_scale": lexical_scale,
        "passages": len(examples),
        "label_counts": dict(sorted(counts.items())),
        "training_digest": files_digest(training_dir),
        "per_class": per_class,
    }
    final = fit_head(embeddings, texts, labels, c=c, lexical_scale=lexical_scale, meta=meta)
    static_meta = {
        **meta,
        "encoder": static.id,
        "c": static_c,
        "defer_below": defer_below,
        "defer_below_in_context": defer_below_in_context,
    }
    final_static = fit_head(
        static_embeddings, texts, labels, c=static_c, lexical_scale=lexical_scale, meta=static_meta
    )
    final.save(output)
    echo(f"wrote {output} ({output.stat().st_size} bytes, head {final.digest()})")
    static_output = static_head_path(output)
    final_static.save(static_output)
    echo(
        f"wrote {static_output} ({static_output.stat().st_size} bytes, static head "
        f"{final_static.digest()}; defers below {defer_below}, in context below "
        f"{defer_below_in_context})"
    )
    return TrainResult(
        output=output,
        examples=len(examples),
        label_counts=dict(counts),
        report=report,
        digest=final.digest(),
        static_output=static_output,
        static_report=static_report,
        static_digest=final_static.digest(),
    )
