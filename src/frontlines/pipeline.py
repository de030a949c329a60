"""The whole path for a stream of articles: language check, parse, places, events.

Stages are called in one direction: ingest -> nlp -> places -> extract. Only
model objects cross between them.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import chain, islice
from typing import Any

from frontlines.actors import ActorMention, get_actor_kb
from frontlines.errors import SkippedInput, UsageError
from frontlines.extract import (
    SHORT_INPUT,
    ExtractConfig,
    Trace,
    extract_events,
    sentence_triggers,
    worth_classifying,
)
from frontlines.facts import country_as_agent, home_forces, read_facts
from frontlines.gazetteer import get_gazetteer, reopen_gazetteers
from frontlines.ingest import MAX_CHARS, check_language, parse_date, text_problem
from frontlines.lexicon import get_lexicon
from frontlines.models import AnalysisResult, Article, Event, PlaceMention, Skip, content_hash
from frontlines.nlp import Sentence, sentences_of
from frontlines.outlets import name_sources, with_outlet
from frontlines.places import entities_of, find_place_mentions


def report_country(
    places: list[PlaceMention], text: str, named: list[ActorMention] | None = None
) -> str:
    """The country a report is about: where its places are (towns count more than
    regions, cities more than hamlets), with the home countries of the armed groups it
    names breaking ties; else whose forces it names. `named`: the actors of the text
    (`ActorKB.find`), found here unless given."""
    votes: Counter[str] = Counter()
    named = get_actor_kb().find(text, report=True) if named is None else named
    for mention in places:
        if any(a.start <= mention.start and mention.end <= a.end for a in named):
            continue  # "Al-Shabaab", "Somali forces": an actor's name, not where it is
        if country_as_agent(text, mention.start, mention):
            continue  # "talks mediated by Angola"
        if mention.place and mention.place.country_code:
            # in quarter votes: a town 8, a region 4, a city of 100,000+ 2 more
            weight = 8 if mention.geo_precision < 3 else 4
            if mention.place.population >= 100_000:
                weight += 2
            votes[mention.place.country_code] += weight
    if votes:
        for found in named:
            if found.actor.country and found.actor.inter in (2, 3, 4):
                votes[found.actor.country] += 1
        return votes.most_common(1)[0][0]
    adjectives = get_actor_kb().country_votes(text)
    if adjectives:
        # An armed group fights at home, while a state's adjective often names who
        # reports or strikes from abroad ("Houthi forces fired ..., the US military said")
        for found in named:
            if found.actor.country and found.actor.inter in (2, 3, 4):
                adjectives[found.actor.country] = adjectives.get(found.actor.country, 0) + 2
    if not adjectives:
        # "the Nigerian military said": any demonym the gazetteer knows
        gazetteer = get_gazetteer()
        for word in re.findall(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b", text):
            code = gazetteer.demonym(word)
            if code:
                adjectives[code] = adjectives.get(code, 0) + 1
    if adjectives:
        return max(adjectives.items(), key=lambda kv: kv[1])[0]
    # "Al-Shabaab fighters took control of Mahaday": no place known, but the only armed
    # group named has one home country
    homes = {f.actor.country for f in named if f.actor.inter in (2, 3, 4) and f.actor.country}
    if not homes:
        # "Hong Kong police arrest activists": a police force acts at home
        homes = {
            f.actor.country for f in named if f.actor.country and f.actor.affiliation == "police"
        }
    return homes.pop() if len(homes) == 1 else ""


def analyze_articles(
    articles: Iterable[Article | Skip],
    config: ExtractConfig | None = None,
    *,
    check_lang: bool = True,
    batch_size: int = 32,
    max_chars: int = MAX_CHARS,
    jobs: int | None = None,
) -> Iterator[AnalysisResult | Skip]:
    """Analyse each article on its own, with its own publication date, in input order.

    Articles longer than `max_chars`, and (with `check_lang`) texts that are not English
    or not language at all (NUL or control characters, mojibake, hardly any letters),
    are Skips with the reason. With `jobs` > 1, chunks of `batch_size` articles are
    analysed by that many worker processes (see `analyze_in_workers`); the results are
    the same, in the same order. `jobs=None` is `default_jobs()`: every core this
    process may use (at most `MAX_DEFAULT_JOBS`), which only an input of more than one
    chunk puts to work."""
    iterator = iter(articles)
    chunks = iter(lambda: list(islice(iterator, batch_size)), [])
    if jobs is None:
        jobs = default_jobs()
    if jobs > 1:
        yield from analyze_in_workers(chunks, jobs, config, check_lang, max_chars)
        return
    for chunk in chunks:
        yield from analyze_chunk(chunk, config, check_lang, max_chars)


# Beyond this many processes a default run gains little on one machine (the models are
# shared until written to, but each worker's parse and encoder state is its own memory).
MAX_DEFAULT_JOBS = 4


def default_jobs() -> int:
    """Worker processes when none are asked for: `FRONTLINES_JOBS` if set, else the cores
    this process may run on, at most MAX_DEFAULT_JOBS; 1 inside a daemonic process (a
    pool's or a cluster's worker), which may not start processes of its own."""
    if multiprocessing.current_process().daemon:
        return 1
    asked = os.environ.get("FRONTLINES_JOBS", "").strip()
    if asked:
        if not asked.isdigit() or int(asked) < 1:
            raise UsageError(f"FRONTLINES_JOBS: {asked!r} is not a number of processes (1 or more)")
        return int(asked)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_JOBS))


def analyze_chunk(
    chunk: list[Article | Skip],
    config: ExtractConfig | None = None,
    check_lang: bool = True,
    max_chars: int = MAX_CHARS,
) -> list[AnalysisResult | Skip]:
    """One chunk of `analyze_articles`: checked, parsed in one stream, classified in one
    batch, then each article analysed on its own."""
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
    out: list[AnalysisResult | Skip] = []
    for item in order:
        if isinstance(item, Skip):
            out.append(item)
            continue
        sentences, triggers, verdicts = next(readings)
        out.append(analyze_parsed(item, sentences, config, triggers=triggers, verdicts=verdicts))
    return out


def analyze_in_workers(
    chunks: Iterator[list[Article | Skip]],
    jobs: int,
    config: ExtractConfig | None = None,
    check_lang: bool = True,
    max_chars: int = MAX_CHARS,
) -> Iterator[AnalysisResult | Skip]:
    """`analyze_chunk` over `chunks` in `jobs` worker processes, results in input order.

    The models (spaCy, the classifier, the gazetteer, the actor file, the language
    model) are loaded here first and the workers forked after, so they share them and
    start at once (where the platform cannot fork, each worker loads its own). At most
    two chunks per worker are in flight, so memory stays bounded on any input. An input
    of one chunk is analysed here, without workers."""
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None:
        yield from analyze_chunk(first, config, check_lang, max_chars)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if context.get_start_method() == "fork":
        warm_models(config)
    with context.Pool(jobs, initializer=_worker_started) as pool:
        pending: deque[Any] = deque()
        for chunk in chain([first, second], chunks):
            pending.append(pool.apply_async(analyze_chunk, (chunk, config, check_lang, max_chars)))
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def warm_models(config: ExtractConfig | None = None) -> None:
    """Load everything `analyze_chunk` uses, by analysing one short report."""
    text = "Government forces shelled the town of Idlib on Monday, killing three civilians."
    analyze_chunk([Article(id="warm-up", text=text, published=date(2024, 1, 1))], config)


def _worker_started() -> None:
    """In a new worker: Ctrl-C is the parent's to handle; SQLite connections are not
    shared across a fork, so the gazetteer opens its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    reopen_gazetteers()


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

        predictions = get_classifier().predict(
            [parsed[a][i].text for a, i in wanted],
            in_context=[len(parsed[a]) > SHORT_INPUT for a, _ in wanted],
        )
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
    named = get_actor_kb().find(article.text, report=True)
    # "Al-Shabaab", "Ansar Dine": an armed group's own name is no toponym
    group_names = [(m.start, m.end) for m in named if m.actor.inter in (2, 3, 4)]
    places = find_place_mentions(
        article.text, entities=entities_of(sentences), not_places=group_names
    )
    country = report_country(places, article.text, named)
    # the sentences' facts (sources, certainty, actors, figures), read once for both the
    # events and the claims
    facts = read_facts(get_lexicon(), sentences, country, home_forces(places, country))
    found = extract_events(
        article,
        sentences,
        places,
        country,
        config,
        traces,
        triggers=triggers,
        verdicts=verdicts,
        facts=facts,
    )
    events = name_sources(article, found)
    from frontlines.claims import extract_claims  # claims.py imports extract: keep it lazy

    claims = extract_claims(article, sentences, places, country, events, facts=facts)
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
