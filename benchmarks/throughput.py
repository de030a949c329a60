"""Throughput of `analyze` beside bare spaCy on the same texts, in the same run.

    .venv/bin/python benchmarks/throughput.py [--documents 2000] [--articles PATH...]
        [--rounds 3] [--jobs N] [--classifier-sentences 1000]

Texts are the bundled example reports (or the reports of `--articles`: a folder, a JSONL
file, anything `analyze` reads), repeated with a running number written into every
sentence, so that no cache keyed by a sentence's text can answer twice. Each round times
bare spaCy (`nlp.pipe` over the whole texts in one process, same model), then `analyze`
in one process (`--jobs 1`: language check, parse, places, rules, the event classifier)
on the same texts, then `analyze` as it runs by default (worker processes on every usable
core, `pipeline.default_jobs`; `--jobs N` to choose) on other new texts. It prints
documents/s and the ratios to bare spaCy in wall-clock time, and for the one-process run
also in CPU time of this process (on a machine shared with other jobs the CPU-time ratio
moves less). Every round has new texts (nothing one leaves in a cache helps the next).
The target (issue 9) is a ratio of at least 0.5 with the classifier on. Last, the event
classifier alone, one process: sentences/s of the cascade (static head, MiniLM where it
is unsure) with the share of sentences MiniLM still read, and of MiniLM alone on the
same sentences.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from datetime import date
from pathlib import Path

from frontlines.ingest import iter_articles
from frontlines.models import Article
from frontlines.nlp import get_nlp
from frontlines.pipeline import analyze_articles, default_jobs

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
_SENTENCE_END = re.compile(r"(?<=\w)([.!?])(?=\s|$)")


def corpus(n: int, inputs: list[str] | None = None, first: int = 0) -> list[Article]:
    """`n` documents from the seed reports, each sentence marked with the document's number
    (from `first`) and the sentence's (so every sentence of the corpus is a new text)."""
    seeds = [a for a in iter_articles(inputs or [str(EXAMPLES)]) if isinstance(a, Article)]
    if not seeds:
        raise SystemExit(f"no reports in {inputs}")
    out = []
    for i in range(first, first + n):
        seed = seeds[i % len(seeds)]
        parts = _SENTENCE_END.split(seed.text)  # text, end mark, text, end mark, ..., text
        text = "".join(
            part if k % 2 == 0 else f" (ref. {i}-{k // 2}){part}" for k, part in enumerate(parts)
        )
        text += f"\nReport number {i} was filed by a correspondent."
        out.append(
            Article(id=f"bench-{i}", text=text, published=seed.published or date(2024, 12, 1))
        )
    return out


def timed(work: object) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) that calling `work` took."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--articles", nargs="+", help="seed reports (default: examples/)")
    parser.add_argument("--rounds", type=int, default=1, help="bare/analyze pairs to time")
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        help="worker processes of the default analyze run (default: what analyze chooses)",
    )
    parser.add_argument(
        "--classifier-sentences",
        type=int,
        default=1000,
        help="sentences for the event classifier's own figure (0 skips it)",
    )
    args = parser.parse_args()
    n = args.documents
    jobs = args.jobs or default_jobs()
    articles = corpus(n, args.articles)
    words = sum(len(a.text.split()) for a in articles)
    nlp = get_nlp()
    # warm up both paths (model load, gazetteer build) outside the timings
    list(analyze_articles(corpus(20, args.articles, first=10**8), check_lang=False, jobs=1))
    events = 0

    def bare() -> None:
        for _ in nlp.pipe((a.text for a in articles), batch_size=64):
            pass

    def full(jobs: int) -> None:
        nonlocal events
        events = sum(len(getattr(r, "events", [])) for r in analyze_articles(articles, jobs=jobs))

    print(
        f"documents: {n}, words: {words}, analyze's default: {jobs} process(es) on"
        f" {_cores()} core(s), load average {_load()}"
    )
    ratios: list[float] = []
    one_ratios: list[float] = []
    cpu_ratios: list[float] = []
    for round_ in range(1, args.rounds + 1):
        # new texts each time, so that nothing a run leaves in a cache helps the next
        articles = corpus(n, args.articles, first=3 * round_ * n)
        bare_wall, bare_cpu = timed(bare)
        one_wall, one_cpu = timed(lambda: full(1))
        one_ratios.append(bare_wall / one_wall)
        cpu_ratios.append(bare_cpu / one_cpu)
        # other new texts: the workers are forked from this process, caches and all
        articles = corpus(n, args.articles, first=(3 * round_ + 1) * n)
        full_wall, _ = timed(lambda: full(jobs))
        ratios.append(bare_wall / full_wall)
        print(
            f"round {round_}: bare spaCy {n / bare_wall:7.1f} docs/s ({words / bare_wall:6.0f}"
            f" words/s), frontlines analyze {n / full_wall:7.1f} docs/s ({words / full_wall:6.0f}"
            f" words/s), ratio {ratios[-1]:.2f}; in one process {n / one_wall:.1f} docs/s,"
            f" ratio {one_ratios[-1]:.2f}, CPU time {n / bare_cpu:.1f} vs {n / one_cpu:.1f}"
            f" docs/s, ratio {cpu_ratios[-1]:.2f}; load {_load()}",
            flush=True,
        )
    print(f"events found (last run): {events}")
    print(f"ratio analyze / bare spaCy (wall, {jobs} process(es)): {_spread(ratios)}")
    print(f"ratio analyze --jobs 1 / bare spaCy (wall): {_spread(one_ratios)}")
    print(f"ratio analyze --jobs 1 / bare spaCy (CPU):  {_spread(cpu_ratios)}")
    if args.classifier_sentences:
        classifier_throughput(articles, args.classifier_sentences)


def _spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return (
        f"median {statistics.median(values):.2f}, range {min(values):.2f}-{max(values):.2f}"
        f" over {len(values)} rounds"
    )


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _load() -> str:
    return "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def classifier_throughput(articles: list[Article], limit: int) -> None:
    """The event classifier alone (the cascade: static encoder and head, MiniLM and its head
    where the first is unsure), over the reports' sentences, each judged as a sentence of
    a long report or of a short input as `analyze` judges it; then MiniLM alone on them."""
    from frontlines.classify import EventClassifier, get_classifier
    from frontlines.extract import SHORT_INPUT

    nlp = get_nlp()
    sentences: list[str] = []
    in_context: list[bool] = []
    for doc in nlp.pipe((a.text for a in articles), batch_size=64):
        texts = [s.text for s in doc.sents if s.text.strip()]
        sentences.extend(texts)
        in_context.extend([len(texts) > SHORT_INPUT] * len(texts))
        if len(sentences) >= limit:
            break
    sentences, in_context = sentences[:limit], in_context[:limit]
    classifier = get_classifier()
    minilm = EventClassifier(classifier.encoder, classifier.head)
    for model in (classifier, minilm):
        model.predict(sentences[:32])  # model load outside the timing
        model.read = model.deferred = 0
    started = time.perf_counter()
    classifier.predict(sentences, in_context=in_context)
    took = time.perf_counter() - started
    started = time.perf_counter()
    minilm.predict(sentences)
    took_minilm = time.perf_counter() - started
    share = classifier.deferred / max(classifier.read, 1)
    print(
        f"event classifier, cascade (static head, then MiniLM int8 ONNX + linear head where "
        f"unsure): {len(sentences) / took:8.1f} sentences/s ({len(sentences)} sentences, "
        f"{sum(in_context)} of long reports); MiniLM read {share:.1%} of them"
    )
    print(
        f"event classifier, MiniLM alone on the same sentences: "
        f"{len(sentences) / took_minilm:8.1f} sentences/s"
    )


if __name__ == "__main__":
    main()
