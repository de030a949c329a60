"""Toponym resolution and recognition on LGL and TR-News.

    .venv/bin/python benchmarks/geocoding.py                 # both sets, default index
    .venv/bin/python benchmarks/geocoding.py --gazetteer PATH.sqlite  # e.g. with allCountries
    .venv/bin/python benchmarks/geocoding.py FILE.xml ...    # any set in the same format

Given the gold spans: Acc@161 (share of gold toponyms resolved within 161 km), exact
GeoNames id accuracy (an unanswered toponym is a miss for both), median and mean error
in km over the answered ones, and toponyms resolved per second: on the first pass (each
name looked up in the index) and on a second one (names cached, as in a long run).
Without them (`frontlines places` on the bare text, spaCy entities included):
recognition precision, recall and F1 (a found span matches a gold `<toponym>` it
overlaps; every `<toponym>` is gold, gaztag or not), and end-to-end Acc@161 (share of
gold toponyms with a gaztag that a found span overlaps and places within 161 km).
The corpora are third-party news: they are read from ../shared/eval, never copied.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from frontlines.gazetteer import get_gazetteer, haversine_km
from frontlines.places import find_place_mentions, resolve_spans, text_entities

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
DEFAULT_SETS = [EVAL / "LGL" / "lgl.xml", EVAL / "TR-News" / "TR-News.xml"]


@dataclass
class Gold:
    start: int
    end: int
    phrase: str
    geonameid: int | None
    lat: float | None
    lon: float | None


def read_set(path: Path) -> Iterator[tuple[str, str, list[Gold]]]:
    """(article id, text, gold toponyms) for each article of a geoparsing XML file."""
    root = ET.parse(path).getroot()
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        golds = []
        for top in art.iter("toponym"):
            tag = top.find("gaztag")
            gid = lat = lon = None
            if tag is not None:
                gid = int(tag.get("geonameid") or 0) or None
                lat_text, lon_text = tag.findtext("lat"), tag.findtext("lon")
                lat = float(lat_text) if lat_text else None
                lon = float(lon_text) if lon_text else None
            golds.append(
                Gold(
                    int(top.findtext("start") or 0),
                    int(top.findtext("end") or 0),
                    top.findtext("phrase") or "",
                    gid,
                    lat,
                    lon,
                )
            )
        yield art.get("docid") or "", text, [_realign(text, g) for g in golds]


def _realign(text: str, gold: Gold) -> Gold:
    """Some articles' offsets are a character or two off (a lost carriage return or
    a character outside the BMP upstream); the phrase is authoritative, so the span
    is moved to the nearest occurrence of it."""
    if not gold.phrase or text[gold.start : gold.end] == gold.phrase:
        return gold
    best = None
    for delta in range(1, 40):
        for start in (gold.start - delta, gold.start + delta):
            if start >= 0 and text[start : start + len(gold.phrase)] == gold.phrase:
                best = start
                break
        if best is not None:
            break
    if best is None:
        return gold
    return Gold(best, best + len(gold.phrase), gold.phrase, gold.geonameid, gold.lat, gold.lon)


def score(path: Path, show_errors: int = 0) -> dict[str, float]:
    articles = list(read_set(path))
    scored = hits = exact = 0
    errors: list[float] = []
    misses: list[tuple[float, str, str]] = []
    n_spans = 0
    started = time.perf_counter()
    for _doc_id, text, golds in articles:
        spans = [(g.start, g.end) for g in golds]
        n_spans += len(spans)
        resolved = resolve_spans(text, spans)
        for g, m in zip(golds, resolved, strict=True):
            if g.lat is None or g.lon is None:
                continue  # no gaztag: not scored
            scored += 1
            p = m.place
            if p is None:
                misses.append((float("inf"), g.phrase, "unanswered"))
                continue
            km = haversine_km(p.latitude, p.longitude, g.lat, g.lon)
            errors.append(km)
            hits += km <= 161
            exact += p.geonameid == g.geonameid
            if km > 161:
                misses.append((km, g.phrase, f"{p.name}, {p.admin1}, {p.country_code}"))
    elapsed = time.perf_counter() - started
    # Again, now that the names are cached: how a long run goes, past its first articles.
    started = time.perf_counter()
    for _doc_id, text, golds in articles:
        resolve_spans(text, [(g.start, g.end) for g in golds])
    elapsed_warm = time.perf_counter() - started
    if show_errors:
        for km, phrase, got in sorted(misses, key=lambda x: x[1])[:show_errors]:
            print(f"  {km:8.0f} km  {phrase!r} -> {got}", file=sys.stderr)
    found = recognition(articles, show_errors)
    return found | {
        "toponyms": scored,
        "acc161": hits / scored if scored else 0.0,
        "exact_id": exact / scored if scored else 0.0,
        "median_km": statistics.median(errors) if errors else float("nan"),
        "mean_km": statistics.fmean(errors) if errors else float("nan"),
        "toponyms_per_s": n_spans / elapsed if elapsed else 0.0,
        "toponyms_per_s_warm": n_spans / elapsed_warm if elapsed_warm else 0.0,
    }


def recognition(
    articles: list[tuple[str, str, list[Gold]]], show_errors: int = 0
) -> dict[str, float]:
    """Toponyms found without the gold spans: recognition P/R/F1 and end-to-end Acc@161."""
    texts = [text for _, text, _ in articles]
    entities = text_entities(texts)
    predicted = true_pred = gold_total = gold_found = placed = placed_ok = 0
    false_alarms: list[str] = []
    missed: list[str] = []
    for (_doc_id, text, golds), ents in zip(articles, entities, strict=True):
        mentions = find_place_mentions(text, entities=ents, all_toponyms=True)
        predicted += len(mentions)
        for m in mentions:
            if any(m.start < g.end and g.start < m.end for g in golds):
                true_pred += 1
            else:
                false_alarms.append(m.text)
        for g in golds:
            gold_total += 1
            hits = [m for m in mentions if m.start < g.end and g.start < m.end]
            gold_found += bool(hits)
            if not hits:
                missed.append(g.phrase)
            if g.lat is None or g.lon is None:
                continue
            placed += 1
            p = hits[0].place if hits else None
            if p is not None and haversine_km(p.latitude, p.longitude, g.lat, g.lon) <= 161:
                placed_ok += 1
    if show_errors:
        from collections import Counter

        print("  false alarms:", Counter(false_alarms).most_common(show_errors), file=sys.stderr)
        print("  missed:", Counter(missed).most_common(show_errors), file=sys.stderr)
    precision = true_pred / predicted if predicted else 0.0
    recall = gold_found / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "recognition_precision": precision,
        "recognition_recall": recall,
        "recognition_f1": f1,
        "end_to_end_acc161": placed_ok / placed if placed else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="*", type=Path, help="geoparsing XML files")
    parser.add_argument("--gazetteer", type=Path, help="a gazetteer index (default: the cache)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--errors", type=int, default=0, help="list up to N misses on stderr")
    args = parser.parse_args(argv)
    sets = args.sets or [p for p in DEFAULT_SETS if p.exists()]
    if not sets:
        print("no evaluation sets found (expected ../shared/eval)", file=sys.stderr)
        return 2
    gaz = get_gazetteer(args.gazetteer)
    if args.gazetteer:
        # resolve_spans uses the shared default index: point it at this one.
        import frontlines.gazetteer as gazetteer_module

        gazetteer_module._SHARED[gazetteer_module.default_path()] = gaz
    gaz.candidates("Paris")  # warm-up: open the index before timing
    results = {}
    for path in sets:
        results[path.name] = score(path, args.errors)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"given the gold spans (load average {load:.1f} on {os.cpu_count()} cores):")
    print(
        f"{'set':<16}{'toponyms':>9}{'Acc@161':>9}{'exact id':>10}{'median km':>11}{'mean km':>9}"
        f"{'top/s':>8}{'warm':>7}"
    )
    for name, r in results.items():
        print(
            f"{name:<16}{r['toponyms']:>9}{r['acc161']:>9.3f}{r['exact_id']:>10.3f}"
            f"{r['median_km']:>11.1f}{r['mean_km']:>9.0f}{r['toponyms_per_s']:>8.0f}"
            f"{r['toponyms_per_s_warm']:>7.0f}"
        )
    print(
        "(top/s: the first pass, names looked up in the index; warm: a second pass, names cached)"
    )
    print("without them (found, then placed):")
    print(f"{'set':<16}{'precision':>10}{'recall':>8}{'F1':>7}{'end-to-end Acc@161':>20}")
    for name, r in results.items():
        print(
            f"{name:<16}{r['recognition_precision']:>10.3f}{r['recognition_recall']:>8.3f}"
            f"{r['recognition_f1']:>7.3f}{r['end_to_end_acc161']:>20.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
