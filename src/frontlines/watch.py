"""`frontlines watch FEED_URL... --every 15m`: poll feeds, ingest what is new.

Each poll of a feed is one conditional GET (the ETag and Last-Modified it sent last time,
kept in the store): an unchanged feed answers 304 and costs nothing more. A changed one is
parsed from the bytes fetched; each item not fetched before (by its id or link, per feed,
in the store) has its page fetched, through the same fenced fetcher and limits as any URL
(`ingest.read_url` over fetch.py), analysed and stored as `ingest` does, then marked
fetched. An item whose page cannot be fetched is stored from the feed's own text and
marked too: it is never fetched twice. A feed that fails waits twice as long each time
(up to a day), and is polled at the normal pace again after a success. One log line per
poll.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from frontlines.errors import FrontlinesError, InputError, UsageError
from frontlines.models import AnalysisResult, Article, Skip
from frontlines.store import Store

MAX_BACKOFF_S = 86_400.0


def parse_interval(text: str) -> float:
    """'15m', '30s', '1h', '1.5h', '900' (seconds) as seconds."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if not found:
        raise UsageError(f"--every: not an interval (like 15m, 30s, 1h): {text!r}")
    unit = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[found.group(2)]
    return float(found.group(1)) * unit


def backoff(every: float, failures: int) -> float:
    """Seconds until the next poll of a feed that failed `failures` times in a row."""
    if failures <= 0:
        return every
    return min(max(every, 1.0) * 2.0**failures, MAX_BACKOFF_S)


@dataclass
class PollResult:
    feed: str
    status: str  # "200", "304" or "error: ..."
    items: int = 0
    new: int = 0
    stored: int = 0
    events: int = 0
    failed_pages: int = 0
    next_in: float = 0.0

    def line(self) -> str:
        if self.status == "304":
            body = "not modified"
        elif self.status.startswith("error"):
            body = self.status
        else:
            body = (
                f"{self.items} items, {self.new} new, {self.stored} stored "
                f"({self.events} events)"
                + (
                    f", {self.failed_pages} pages unreachable (feed text kept)"
                    if self.failed_pages
                    else ""
                )
            )
        return f"watch: {self.feed}: {body}; next poll in {self.next_in:.0f} s"


def poll(store: Store, feed: str, every: float, *, allow_private: bool = False) -> PollResult:
    """One poll of one feed: conditional GET, new items' pages, analysis, storage."""
    from frontlines.fetch import fetch
    from frontlines.ingest import parse_feed

    state = store.feed_state(feed)
    try:
        got = fetch(
            feed,
            allow_private=allow_private,
            etag=state["etag"],
            last_modified=state["last_modified"],
        )
        if got.status == 304:
            result = PollResult(feed, "304", next_in=every)
            store.save_feed_state(feed, etag=got.etag or state["etag"],
                                  last_modified=got.last_modified or state["last_modified"],
                                  failures=0, status="304")  # fmt: skip
            return result
        entries = list(parse_feed(got.body, feed))
    except FrontlinesError as exc:
        failures = int(state["failures"]) + 1
        wait = backoff(every, failures)
        store.save_feed_state(feed, etag=state["etag"], last_modified=state["last_modified"],
                              failures=failures, status=f"error: {exc}")  # fmt: skip
        return PollResult(feed, f"error: {exc} (failure {failures})", next_in=wait)
    result = PollResult(feed, str(got.status), items=len(entries), next_in=every)
    fresh = [e for e in entries if isinstance(e, Article)]
    fresh = [e for e in fresh if not store.feed_item_seen(feed, item_key(e))]
    result.new = len(fresh)
    pages = [_page_of(entry, allow_private, result) for entry in fresh]
    _store(store, feed, fresh, pages, result)
    store.save_feed_state(feed, etag=got.etag, last_modified=got.last_modified, failures=0,
                          status=str(got.status))  # fmt: skip
    return result


def item_key(entry: Article) -> str:
    return entry.id or entry.url or entry.content_hash


def _page_of(entry: Article, allow_private: bool, result: PollResult) -> Article:
    """The item's page as an Article (its feed id, date and outlet kept); the feed's own
    text when the page cannot be fetched or holds no article."""
    from frontlines.ingest import read_url

    if not entry.url:
        return entry
    try:
        found = [
            a for a in read_url(entry.url, allow_private=allow_private) if isinstance(a, Article)
        ]
    except InputError:
        found = []
    if not found:
        result.failed_pages += 1
        return entry
    page = found[0]
    return replace(
        page,
        id=entry.id,
        published=page.published or entry.published,
        outlet=page.outlet or entry.outlet,
        title=page.title or entry.title,
        url=entry.url,
        origin=entry.url,
    )


def _store(
    store: Store, feed: str, entries: list[Article], pages: list[Article], result: PollResult
) -> None:
    from frontlines.pipeline import analyze_articles

    keys = {page.id: item_key(entry) for entry, page in zip(entries, pages, strict=True)}
    for analysed in analyze_articles(pages):
        if isinstance(analysed, Skip):
            continue
        assert isinstance(analysed, AnalysisResult)
        outcome = store.ingest(analysed.article, analysed.events, analysed.claims)
        result.stored += outcome.status != "unchanged"
        result.events += outcome.events
    # skipped items (not English, no text) are fetched once too
    for page in pages:
        store.mark_feed_item(feed, keys[page.id], page.id)


def watch(
    feeds: Iterable[str],
    db_path: str,
    every: float,
    *,
    polls: int | None = None,
    allow_private: bool = False,
    log: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Poll every feed each `every` seconds (later after failures) until interrupted, or
    `polls` rounds."""
    urls = list(dict.fromkeys(feeds))
    if not urls:
        raise UsageError("watch: give at least one FEED_URL")
    for url in urls:
        if not re.match(r"^https?://", url):
            raise InputError(url, "a feed to watch is an http(s) URL")
    due = dict.fromkeys(urls, clock())
    rounds = 0
    while polls is None or rounds < polls:
        wait = min(due.values()) - clock()
        if wait > 0:
            sleep(wait)
        for url in urls:
            if due[url] <= clock():
                with Store(db_path) as store:
                    result = poll(store, url, every, allow_private=allow_private)
                log(result.line())
                due[url] = clock() + result.next_in
        rounds += 1
