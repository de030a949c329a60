"""The whole path for a stream of articles: language check, parse, places, events.

Stages are called in one direction: ingest -> nlp -> places -> extract. Only
model objects cross between them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any

from frontlines.actors import get_actor_kb
from frontlines.errors import SkippedInput
from frontlines.extract import (
    ExtractConfig,
    Trace,
    extract_events,
    sentence_triggers,
    worth_classifying,
)
from frontlines.gazetteer import get_gazetteer
from frontlines.ingest import MAX_CHARS, check_language, parse_date, text_problem
from frontlines.models import AnalysisResult, Article, Event, PlaceMention, Skip, content_hash
from frontlines.nlp import Sentence, sentences_of
from frontlines.outlets import name_sources, with_outlet
from frontlines.places import entities_of, find_place_mentions


def report_country(places: list[PlaceMention], text: str) -> str:
    """The country a report is about: where its places are (towns count more than
    regions, cities more than hamlets), with the home countries of the armed groups it
    names breaking ties; else whose forces it names."""
    votes: Counter[str] = Counter()
    for mention in places:
        if mention.place and mention.place.country_code:
            # in quarter votes: a town 8, a region 4, a city of 100,000+ 2 more
            weight = 8 if mention.geo_precision < 3 else 4
            if mention.place.population >= 100_000:
                weight += 2
            votes[mention.place.country_code] += weight
    if votes:
        kb = get_actor_kb()
        for found in kb.find(text):
            if found.actor.country and found.actor.inter in (2, 3, 4):
                votes[found.actor.country] += 1
        return votes.most_common(1)[0][0]
    adjectives = get_actor_kb().country_votes(text)
    if not adjectives:
        # "the Nigerian military said": any demonym the gazetteer knows
        gazetteer = get_gazetteer()
        for word in re.findall(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b", text):
            code = gazetteer.demonym(word)
            if code:
                adjectives[code] = adjectives.get(code, 0) + 1
    if adjectives:
        return max(adjectives.items(), key=lambda kv: kv[1])[0]
    return ""


def analyze_articles(
    articles: Iterable[Article | Skip],
    config: ExtractConfig | None = None,
    *,
    check_lang: bool = True,
    batch_size: int = 32,
    max_chars: int = MAX_CHARS,
) -> Iterator[AnalysisResult | Skip]:
    """Analyse each article on its own, with its own publication date, in input order.

    Articles longer than `max_chars`, and (with `check_lang`) texts that are not English
    or not language at all (NUL or control characters, mojibake, hardly any letters),
    are Skips with the reason."""
    iterator = iter(articles)
    while True:
        chunk = list(islice(iterator, batch_size))
        if not chunk:
            return
        ready: list[Article] = []
        order: list[Article | Skip] = []
        for item in chunk:
            if isinstance(item, Article):
                problem = (
                    f"longer than --max-chars {max_chars:,} ({len(item.text):,} chars)"
                    if len(item.text) > max_chars
                    else (text_problem(item.text) if check_lang else None)
                )
                if problem:
                    item = Skip(item.origin or item.id, problem)
            if isinstance(item, Article) and check_lang:
                try:
                    check_language(item)
                except SkippedInput as exc:
                    item = Skip(exc.origin, exc.problem)
            if isinstance(item, Article):
                ready.append(item)
            order.append(item)
        parsed = list(sentences_of(a.text for a in ready))
        # in input order (`ready` keeps it): two articles with one id are still two
        readings = zip(parsed, *classify_chunk(parsed, config), strict=True)
        for item in order:
            if isinstance(item, Skip):
                yield item
                continue
            sentences, triggers, verdicts = next(readings)
            yield analyze_parsed(item, sentences, config, triggers=triggers, verdicts=verdicts)


def classify_chunk(
    parsed: list[list[Sentence]], config: ExtractConfig | None = None
) -> tuple[list[list[Any]], list[list[Any]]]:
    """Each article's trigger words and the classifier's verdicts on the sentences it
    reads (`worth_classifying`), the sentences of all the articles embedded in one batch:
    batches of similar lengths cost less per sentence than one batch per article, and a
    sentence's verdict does not depend on the batch it is in."""
    config = config or ExtractConfig()
    triggers = [sentence_triggers(sentences) for sentences in parsed]
    verdicts: list[list[Any]] = [[None] * len(sentences) for sentences in parsed]
    if not config.classifier:
        return triggers, verdicts
    wanted = [
        (a, i)
        for a, (sentences, found) in enumerate(zip(parsed, triggers, strict=True))
        for i in worth_classifying(sentences, found)
    ]
    if wanted:
        from frontlines.classify import get_classifier

        predictions = get_classifier().predict([parsed[a][i].text for a, i in wanted])
        for (a, i), prediction in zip(wanted, predictions, strict=True):
            verdicts[a][i] = prediction
    return triggers, verdicts


def analyze_parsed(
    article: Article,
    sentences: list[Sentence],
    config: ExtractConfig | None = None,
    traces: list[Trace] | None = None,
    *,
    triggers: list[list[Any]] | None = None,
    verdicts: list[Any] | None = None,
) -> AnalysisResult:
    """One parsed article's events and claims (`triggers` and `verdicts`: as
    `classify_chunk` gives them, else computed here)."""
    article = with_outlet(article)  # the outlet its URL names, before claims quote it
    places = find_place_mentions(article.text, entities=entities_of(sentences))
    country = report_country(places, article.text)
    found = extract_events(
        article, sentences, places, country, config, traces, triggers=triggers, verdicts=verdicts
    )
    events = name_sources(article, found)
    from frontlines.claims import extract_claims  # claims.py imports extract: keep it lazy

    claims = extract_claims(article, sentences, places, country, events)
    return AnalysisResult(article=article, events=events, claims=claims)


def analyze_text(
    text: str,
    published: date | str | None = None,
    *,
    outlet: str | None = None,
    doc_id: str | None = None,
    config: ExtractConfig | None = None,
) -> list[Event]:
    """Analyse one report given as a string; `published` resolves its relative dates."""
    article = Article(
        id=doc_id or content_hash(text),
        text=text,
        published=parse_date(published, "published"),
        outlet=outlet,
        origin="<text>",
    )
    (sentences,) = list(sentences_of([text]))
    return analyze_parsed(article, sentences, config).events
