"""`frontlines explain`: each sentence with what the extractor found in it, and why."""

from __future__ import annotations

from collections.abc import Iterator

from frontlines.extract import Trace
from frontlines.figures import read_figures
from frontlines.models import Article
from frontlines.nlp import sentences_of
from frontlines.pipeline import analyze_parsed


def explain_articles(articles: list[Article]) -> Iterator[str]:
    for article, sentences in zip(articles, sentences_of(a.text for a in articles), strict=True):
        traces: list[Trace] = []
        result = analyze_parsed(article, sentences, traces=traces)
        published = article.published.isoformat() if article.published else "unknown"
        yield f"# {article.id} (published {published}, {len(result.events)} events)"
        for trace in traces:
            yield from _explain_sentence(trace)
        yield ""
        yield "events after aggregation (one per act, place and day):"
        for event in result.events:
            where = event.place.name if event.place else event.location_text
            actors = ", ".join(a.key for a in event.actors) or "-"
            yield (
                f"  {event.event_date} {event.sub_event_type} @ {where} [{actors}] "
                f"dead={event.fatalities} by={event.attributed_to} ({event.certainty})"
            )


def _explain_sentence(trace: Trace) -> Iterator[str]:
    s = trace.sentence
    yield ""
    yield f"[{s.start}-{s.end}] {' '.join(s.text.split())}"
    if s.heading:
        yield "  skipped  the whole line: a heading of a longer report (it only retells the body)"
    if trace.verdict is not None:
        label, score = trace.verdict
        yield f"  class    {label} (classifier, probability {score:.2f})"
    for words, sub, rule in trace.triggers:
        yield f"  trigger  {words!r} -> {sub} ({rule})"
    for words, why in trace.skipped:
        yield f"  skipped  {words!r}: {why}"
    for words, rule in trace.decisions:
        yield f"  kept     {words!r}: {rule}"
    for words, key, framing in trace.actors:
        extra = f", framing label {framing!r}" if framing else ""
        yield f"  actor    {words!r} -> {key} (actors.yaml{extra})"
    for words, place, precision in trace.places:
        yield f"  place    {words!r} -> {place} (gazetteer, geo_precision {precision})"
    for words, day, precision in trace.dates:
        yield f"  date     {words!r} -> {day} (date cue, time_precision {precision})"
    for figure in read_figures(s.text, s.span):
        kind = "a running toll, no act's figure" if figure.running else "an act's dead"
        yield f"  dead     {figure.words!r} -> {figure.value} (figures:{figure.rule}; {kind})"
    if trace.source:
        yield f"  source   {trace.source} (reporting verb / 'according to')"
    if trace.certainty and trace.certainty != "reported":
        yield f"  certainty {trace.certainty} (cue words)"
    for words, rules in trace.fields:
        named = "; ".join(f"{name}: {rule}" for name, rule in rules.items())
        yield f"  fields   {words!r}: {named}"
    for event in trace.events:
        where = event.place.name if event.place else event.location_text
        yield (
            f"  => event {event.event_type} / {event.sub_event_type} @ {where} "
            f"on {event.event_date} dead={event.fatalities}"
        )
