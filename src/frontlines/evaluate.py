"""Score predicted events against gold annotations (the protocol of BRIEF.md).

Each report is analysed on its own with its publication date. A prediction
matches a gold event of the same report when the ACLED event_type is equal and
the predicted point lies within the gold tolerance_km; each gold event matches
at most one prediction, best first (same sub-type, then nearest). Optional gold
events are neither hits nor misses, and predictions matched to them are not
false alarms.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from frontlines.errors import InputError
from frontlines.gazetteer import haversine_km
from frontlines.models import Article, Event

OPPOSITION_FAMILY = {"HTS", "SNA"}


@dataclass(frozen=True)
class GoldEvent:
    doc: str
    id: str
    event_type: str
    sub_event_type: str
    also_ok: tuple[str, ...]
    date: dt.date
    date_latest: dt.date
    actors: tuple[str, ...]
    lat: float
    lon: float
    tolerance_km: float
    fatalities: int | None
    attributed_to: str
    stance: str
    optional: bool
    location: str = ""

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> GoldEvent:
        return cls(
            doc=record["doc"],
            id=record["id"],
            event_type=record["event_type"],
            sub_event_type=record["sub_event_type"],
            also_ok=tuple(record.get("also_ok") or ()),
            date=date.fromisoformat(record["date"]),
            date_latest=date.fromisoformat(record.get("date_latest") or record["date"]),
            actors=tuple(record.get("actors") or ()),
            lat=float(record["lat"]),
            lon=float(record["lon"]),
            tolerance_km=float(record.get("tolerance_km") or 25),
            fatalities=record.get("fatalities"),
            attributed_to=record.get("attributed_to") or "",
            stance=record.get("stance") or "asserted",
            optional=bool(record.get("optional")),
            location=record.get("location") or "",
        )


@dataclass(frozen=True)
class DocInfo:
    doc: str
    outlet: str
    published: date | None


@dataclass
class Pair:
    gold: GoldEvent
    event: Event
    distance_km: float


@dataclass
class Scores:
    documents: int = 0
    predictions: int = 0
    gold_required: int = 0
    gold_optional: int = 0
    matched_required: int = 0
    matched_optional: int = 0
    signed_rows: int = 0
    pairs: list[Pair] = field(default_factory=list)
    missed: list[GoldEvent] = field(default_factory=list)
    false_alarms: list[Event] = field(default_factory=list)

    @staticmethod
    def _f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    def figures(self) -> dict[str, float | int]:
        denominator = self.predictions - self.matched_optional
        ep = self.matched_required / denominator if denominator else 0.0
        er = self.matched_required / self.gold_required if self.gold_required else 0.0
        rp = self.signed_rows / denominator if denominator else 0.0
        rr = self.signed_rows / self.gold_required if self.gold_required else 0.0
        pairs = self.pairs
        with_fat = [p for p in pairs if p.gold.fatalities is not None]
        figures: dict[str, float | int] = {
            "documents": self.documents,
            "predictions": self.predictions,
            "gold_events": self.gold_required,
            "gold_optional": self.gold_optional,
            "matched": self.matched_required,
            "event_precision": ep,
            "event_recall": er,
            "event_f1": self._f1(ep, er),
            "row_precision": rp,
            "row_recall": rr,
            "row_f1": self._f1(rp, rr),
            "subtype_accuracy": _mean([subtype_ok(p) for p in pairs]),
            "date_accuracy": _mean([date_ok(p) for p in pairs]),
            "actor_accuracy": _mean([actor_share(p) for p in pairs]),
            "fatality_accuracy": _mean([fatalities_ok(p) for p in with_fat]),
            "attribution_accuracy": _mean([attribution_ok(p) for p in pairs]),
            "stance_accuracy": _mean([stance_ok(p) for p in pairs]),
            "denied_gold": sum(1 for p in pairs if p.gold.stance == "denied"),
            "denied_scored_denied": sum(
                1 for p in pairs if p.gold.stance == "denied" and p.event.certainty == "denied"
            ),
        }
        return figures


def _mean(values: list[float] | list[bool]) -> float:
    return sum(float(v) for v in values) / len(values) if values else 0.0


# ------------------------------------------------------------------ per-pair checks


def subtype_ok(pair: Pair) -> bool:
    return pair.event.sub_event_type in (pair.gold.sub_event_type, *pair.gold.also_ok)


def date_ok(pair: Pair) -> bool:
    d = pair.event.event_date
    return d is not None and pair.gold.date <= d <= pair.gold.date_latest


def actor_share(pair: Pair) -> float:
    gold = pair.gold.actors
    if not gold:
        return 1.0
    predicted = {a.key for a in pair.event.actors}
    score = 0.0
    for key in gold:
        if key in predicted:
            score += 1
        elif key in OPPOSITION_FAMILY and "OPPOSITION" in predicted:
            score += 0.5
    return score / len(gold)


def fatalities_ok(pair: Pair) -> bool:
    if pair.gold.fatalities is None:
        return True
    return pair.event.fatalities == pair.gold.fatalities


_STOP = {"the", "a", "an", "of", "for", "and", "in", "on", "s", "reports", "report", "media"}


def _tokens(text: str) -> set[str]:
    text = text.lower().replace("defense", "defence")
    return {t for t in re.findall(r"[a-z0-9]+", text) if t not in _STOP}


def attribution_ok(pair: Pair) -> bool:
    return names_source(pair.event.attributed_to, pair.gold.attributed_to)


def names_source(predicted: str, gold: str) -> bool:
    """Whether the predicted attribution names the gold source."""
    from frontlines.extract import _known_source, get_lexicon

    lex = get_lexicon()
    pred_canon = _known_source(lex, predicted) or predicted
    for part in re.split(r";", gold):
        part = re.sub(r"\(.*?\)", "", part).strip()
        if not part:
            continue
        if part.lower() == "outlet" or predicted.lower() == "outlet":
            if part.lower() == predicted.lower():
                return True
            continue
        gold_canon = _known_source(lex, part) or part
        if pred_canon.lower() == gold_canon.lower():
            return True
        gt, pt = _tokens(gold_canon), _tokens(pred_canon)
        # "an army commander of the government troops" names "Syrian army commander"
        if gt and pt and (gt <= pt or pt <= gt or len(gt & pt) >= 2):
            return True
    return False


def stance_ok(pair: Pair) -> bool:
    return (pair.event.certainty == "denied") == (pair.gold.stance == "denied")


def row_signed(pair: Pair) -> bool:
    """A row a coder would sign: sub-type, date, 3/4 of actors, and the dead where given."""
    return subtype_ok(pair) and date_ok(pair) and actor_share(pair) >= 0.75 and fatalities_ok(pair)


# ------------------------------------------------------------------ matching


def match_document(events: list[Event], gold: list[GoldEvent], scores: Scores) -> None:
    candidates: list[tuple[int, float, int, int]] = []
    for ei, event in enumerate(events):
        if event.place is None:
            continue
        for gi, g in enumerate(gold):
            if g.event_type != event.event_type:
                continue
            distance = haversine_km(event.place.latitude, event.place.longitude, g.lat, g.lon)
            if distance <= g.tolerance_km:
                same_sub = event.sub_event_type == g.sub_event_type
                candidates.append((0 if same_sub else 1, distance, gi, ei))
    candidates.sort()
    used_gold: set[int] = set()
    used_events: set[int] = set()
    for _, distance, gi, ei in candidates:
        if gi in used_gold or ei in used_events:
            continue
        used_gold.add(gi)
        used_events.add(ei)
        g = gold[gi]
        if g.optional:
            scores.matched_optional += 1
            continue
        pair = Pair(g, events[ei], distance)
        scores.matched_required += 1
        scores.pairs.append(pair)
        if row_signed(pair):
            scores.signed_rows += 1
    scores.predictions += len(events)
    scores.gold_required += sum(1 for g in gold if not g.optional)
    scores.gold_optional += sum(1 for g in gold if g.optional)
    scores.missed.extend(g for i, g in enumerate(gold) if i not in used_gold and not g.optional)
    scores.false_alarms.extend(e for i, e in enumerate(events) if i not in used_events)


def load_gold(path: Path) -> dict[str, list[GoldEvent]]:
    by_doc: dict[str, list[GoldEvent]] = {}
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(path), f"cannot read gold file: {exc.strerror}") from exc
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            g = GoldEvent.from_json(json.loads(line))
        except (json.JSONDecodeError, KeyError, ValueError) as exc:
            raise InputError(f"{path}:{lineno}", f"not a gold event ({exc})") from exc
        by_doc.setdefault(g.doc, []).append(g)
    return by_doc


def load_docs(path: Path) -> dict[str, DocInfo]:
    try:
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except OSError as exc:
        raise InputError(str(path), f"cannot read docs file: {exc.strerror}") from exc
    docs = {}
    for row in rows:
        if not row.get("doc"):
            continue
        published = row.get("published") or ""
        docs[row["doc"]] = DocInfo(
            row["doc"],
            row.get("outlet") or "",
            date.fromisoformat(published[:10]) if published else None,
        )
    return docs


def evaluate(
    articles_dir: Path,
    gold_path: Path,
    docs_path: Path | None = None,
    analyze: Callable[[list[Article]], list[list[Event]]] | None = None,
) -> Scores:
    """Analyse every report in `articles_dir` and score it against the gold file."""
    from frontlines.ingest import parse_text
    from frontlines.pipeline import analyze_articles

    gold = load_gold(gold_path)
    docs = load_docs(docs_path) if docs_path else {}
    files = sorted(p for p in articles_dir.glob("*.txt") if p.is_file())
    if not files:
        raise InputError(str(articles_dir), "no .txt reports to evaluate")
    articles = []
    for file in files:
        info = docs.get(file.stem)
        text = file.read_text("utf-8")
        article = parse_text(
            text,
            str(file),
            published=info.published if info else None,
            outlet=info.outlet if info else None,
            doc_id=file.stem,
        )
        if info and info.published:  # the scorer's date is the report's, over a DATE: line
            article = replace(article, published=info.published)
        articles.append(article)
    if analyze is None:
        results = [
            r.events for r in analyze_articles(articles, check_lang=False) if hasattr(r, "events")
        ]
    else:
        results = analyze(articles)
    scores = Scores()
    for article, events in zip(articles, results, strict=True):
        scores.documents += 1
        match_document(events, gold.get(article.id, []), scores)
    return scores


def format_figures(figures: dict[str, float | int]) -> str:
    lines = []
    for key, value in figures.items():
        lines.append(f"{key:24s} {value:.3f}" if isinstance(value, float) else f"{key:24s} {value}")
    return "\n".join(lines)


def check_floors(figures: dict[str, float | int], floors: dict[str, float]) -> list[str]:
    """The figures that fell below their floor, as messages."""
    return [
        f"{name} {figures.get(name, 0.0):.3f} is below its floor {floor:.3f}"
        for name, floor in floors.items()
        if float(figures.get(name, 0.0)) + 1e-9 < floor
    ]
