"""The cascade's static encoder, distilled from our own MiniLM (`python -m frontlines.distill`).

model2vec's method, without PyTorch: every token of the WordPiece vocabulary
(`data/classifier/tokenizer.json`) is embedded alone through the int8 ONNX MiniLM session,
as `[CLS] token [SEP]`, mean-pooled and L2-normalised as `SentenceEncoder.encode` does; the
rows are centred and reduced by PCA (numpy SVD, each component's sign fixed so that its
largest coordinate is positive) to `--dims` dimensions, then weighted by the token's
rank as SIF does (weight = a / (a + p), p the Zipf probability of the rank, a = 1e-3),
and stored int8-quantised with one float32 scale per row in `data/classifier/static.npz`.
Same model, same vocabulary: same bytes. A passage's static embedding is the mean of its
tokens' rows (`classify.StaticEncoder`); `frontlines train` fits the static head on it.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from frontlines.classify import ENCODER_ID, STATIC_PATH, SentenceEncoder, get_encoder, write_npz

DEFAULT_DIMS = 256
SIF_COEFFICIENT = 1e-3
CLS_ID, SEP_ID = 101, 102


def token_embeddings(
    encoder: SentenceEncoder, vocabulary_size: int, batch_size: int = 256
) -> np.ndarray:
    """(tokens, 384): each token id embedded alone as [CLS] id [SEP], mean-pooled over
    the three positions and L2-normalised, as the sentence encoder pools a passage."""
    out = np.zeros((vocabulary_size, encoder.dim), dtype=np.float32)
    for start in range(0, vocabulary_size, batch_size):
        ids = np.arange(start, min(start + batch_size, vocabulary_size), dtype=np.int64)
        batch = np.stack([np.full_like(ids, CLS_ID), ids, np.full_like(ids, SEP_ID)], axis=1)
        feed = {"input_ids": batch, "attention_mask": np.ones_like(batch)}
        if "token_type_ids" in encoder.input_names:
            feed["token_type_ids"] = np.zeros_like(batch)
        pooled = encoder.session.run(None, feed)[0].mean(axis=1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        out[start : start + len(ids)] = pooled / np.maximum(norms, 1e-12)
    return out


def pca(rows: np.ndarray, dims: int) -> np.ndarray:
    """`rows` centred and projected on their first `dims` principal components (float64
    SVD; each component's sign fixed so that its largest coordinate is positive)."""
    centred = rows.astype(np.float64) - rows.astype(np.float64).mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    components = components[:dims]
    largest = np.abs(components).argmax(axis=1)
    signs = np.sign(components[np.arange(len(components)), largest])
    components *= signs[:, None]
    return centred @ components.T


def sif_weights(vocabulary_size: int, coefficient: float = SIF_COEFFICIENT) -> np.ndarray:
    """Per token id: a / (a + p), p the Zipf probability of the id's rank (the vocabulary's
    order stands for frequency, as in model2vec)."""
    inverse_rank = 1.0 / np.arange(1, vocabulary_size + 1, dtype=np.float64)
    probability = inverse_rank / inverse_rank.sum()
    return coefficient / (coefficient + probability)


def quantise(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and one float32 scale each: row ~= int8 row * scale."""
    peak = np.abs(rows).max(axis=1)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    quantised = np.clip(np.rint(rows / scale[:, None]), -127, 127).astype(np.int8)
    return quantised, scale


def distill(
    output: Path = STATIC_PATH,
    *,
    dims: int = DEFAULT_DIMS,
    encoder: SentenceEncoder | None = None,
    vocabulary_size: int | None = None,
    echo: Callable[[str], None] = print,
) -> Path:
    """Write the static embeddings of the vocabulary (its first `vocabulary_size` ids, for
    a quick run; the classifier needs every one) to `output`."""
    encoder = encoder or get_encoder()
    size = encoder.tokenizer.get_vocab_size()
    if vocabulary_size is not None:
        size = min(size, vocabulary_size)
    if not 0 < dims <= min(encoder.dim, size):
        raise ValueError(f"dims must be in 1..{min(encoder.dim, size)}, not {dims}")
    echo(f"embedding {size} tokens through the encoder ...")
    rows = pca(token_embeddings(encoder, size), dims) * sif_weights(size)[:, None]
    quantised, scale = quantise(rows)
    meta = {
        "encoder": ENCODER_ID,
        "method": "[CLS] token [SEP], mean-pooled; PCA; SIF by rank; int8 per row",
        "dims": dims,
        "sif_coefficient": SIF_COEFFICIENT,
        "tokens": size,
    }
    write_npz(
        output,
        {
            "rows": quantised,
            "scale": scale,
            "meta": np.array(json.dumps(meta, sort_keys=True)),
        },
    )
    echo(f"wrote {output} ({output.stat().st_size} bytes, {size} tokens x {dims} dims)")
    return output


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m frontlines.distill", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--output", type=Path, default=STATIC_PATH, help="where to write (default: shipped)"
    )
    parser.add_argument(
        "--dims", type=int, default=DEFAULT_DIMS, help=f"PCA dimensions (default {DEFAULT_DIMS})"
    )
    args = parser.parse_args(argv)
    distill(args.output, dims=args.dims)


if __name__ == "__main__":
    main()
