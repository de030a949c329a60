"""Throughput of `analyze` beside bare spaCy on the same texts, in the same run.

    .venv/bin/python benchmarks/throughput.py [--documents 2000]

Texts are the bundled example reports, repeated with small variations (a running
number in the text) so that no cache can answer twice. Prints documents/s and
words/s for both and the ratio; the target (issue 2/3) is a ratio of at least 0.5.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from frontlines.ingest import iter_articles
from frontlines.models import Article
from frontlines.nlp import get_nlp
from frontlines.pipeline import analyze_articles

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def corpus(n: int) -> list[Article]:
    seeds = [a for a in iter_articles([str(EXAMPLES)]) if isinstance(a, Article)]
    out = []
    for i in range(n):
        seed = seeds[i % len(seeds)]
        text = seed.text + f"\nReport number {i} was filed by a correspondent."
        out.append(
            Article(id=f"bench-{i}", text=text, published=seed.published or date(2024, 12, 1))
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument(
        "--classifier-sentences",
        type=int,
        default=1000,
        help="sentences for the event classifier's own figure (0 skips it)",
    )
    args = parser.parse_args()
    articles = corpus(args.documents)
    words = sum(len(a.text.split()) for a in articles)
    nlp = get_nlp()
    # warm up both paths (model load, gazetteer build) outside the timings
    list(analyze_articles(articles[:20], check_lang=False))

    started = time.perf_counter()
    for _ in nlp.pipe((a.text for a in articles), batch_size=64):
        pass
    bare = time.perf_counter() - started

    started = time.perf_counter()
    events = 0
    for result in analyze_articles(articles):
        events += len(getattr(result, "events", []))
    full = time.perf_counter() - started

    n = len(articles)
    print(f"documents: {n}, words: {words}, events found: {events}")
    print(
        f"bare spaCy (nlp.pipe, same model, same texts): {n / bare:8.1f} docs/s {words / bare:10.0f} words/s"
    )
    print(
        f"frontlines analyze (incl. language check):   {n / full:8.1f} docs/s {words / full:10.0f} words/s"
    )
    print(f"ratio analyze / bare spaCy: {bare / full:.2f}")
    if args.classifier_sentences:
        classifier_throughput(articles, args.classifier_sentences)


def classifier_throughput(articles: list[Article], limit: int) -> None:
    """The event classifier alone (embedding + head), over the reports' sentences."""
    from frontlines.classify import get_classifier

    nlp = get_nlp()
    sentences: list[str] = []
    for doc in nlp.pipe((a.text for a in articles), batch_size=64):
        sentences.extend(s.text for s in doc.sents if s.text.strip())
        if len(sentences) >= limit:
            break
    sentences = sentences[:limit]
    classifier = get_classifier()
    classifier.predict(sentences[:32])  # model load outside the timing
    started = time.perf_counter()
    classifier.predict(sentences)
    took = time.perf_counter() - started
    print(
        f"event classifier (MiniLM int8 ONNX + linear head): {len(sentences) / took:8.1f} sentences/s"
        f" ({len(sentences)} sentences)"
    )


if __name__ == "__main__":
    main()
