"""Score the extractor on gold annotations: the protocols of BRIEF.md.

Three kinds of set are measured, each analysed exactly as a user's `frontlines analyze`
run over a JSONL would analyse it, and scored from the event rows that run writes:

- **Event sets** (a folder of reports, gold events, a TSV of publication dates): each
  report is analysed on its own with its publication date (its `URL:` and `DATE:` header
  lines dropped). A prediction matches a gold event of the same report when the ACLED
  event_type is equal and the predicted point lies within the gold tolerance_km; each
  gold event matches at most one prediction, best first (sub-type right, then nearest).
  Optional gold events are neither hits nor misses, and predictions matched to them are
  not false alarms. A gold actor key is found by its regular expression over the
  predicted actor names where an actor-patterns file gives one, else by our actor key.
- **Claims** of the same reports (`--claims`): recall of gold control and withdrawal claims.
- **Sentence sets** (TSV of passages): each row a document published 2025-01-01; its
  first event's sub-type is scored (`also_ok` accepted), `NONE` rows must yield no event.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from frontlines.actors import OPPOSITION_FAMILY
from frontlines.errors import InputError, UsageError
from frontlines.gazetteer import haversine_km
from frontlines.models import TAXONOMY, AnalysisResult, Article, Claim, Skip

__all__ = [
    "OPPOSITION_FAMILY",
    "haversine_km",
    "evaluate",
    "evaluate_sentences",
    "score_claims",
]

Record = dict[str, Any]
Figures = dict[str, float | int | None]
Analyzer = Callable[[list[Article | Skip]], list[AnalysisResult | Skip]]

SUBTYPES: tuple[str, ...] = tuple(sub for subs in TAXONOMY.values() for sub in subs)
NO_EVENT = "NONE"
NO_PREDICTION = "(none)"
SENTENCES_PUBLISHED = date(2025, 1, 1)

# "Syrian rebels" and "Syrian Democratic Forces" are not the Syrian state.
_NOT_THE_STATE = {"SYR_GOV": ("OPPOSITION", "democratic|kurdish")}

# Words of a gold source that name no one in particular.
_SOURCE_STOP = ("the", "and", "syrian", "sources", "source")


# ------------------------------------------------------------------ inputs


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

    def subtype_ok(self, predicted: object) -> bool:
        return predicted in (self.sub_event_type, *self.also_ok)


@dataclass(frozen=True)
class DocInfo:
    doc: str
    outlet: str
    published: date | None


def _read_lines(path: Path, what: str) -> list[str]:
    try:
        return path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(path), f"cannot read {what}: {exc.strerror}") from exc


def load_gold(path: Path) -> dict[str, list[GoldEvent]]:
    by_doc: dict[str, list[GoldEvent]] = {}
    for lineno, line in enumerate(_read_lines(path, "gold file"), start=1):
        if not line.strip():
            continue
        try:
            g = GoldEvent.from_json(json.loads(line))
        except (json.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
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
    for lineno, row in enumerate(rows, start=2):
        if not row.get("doc"):
            continue
        published = row.get("published") or ""
        try:
            day = date.fromisoformat(published[:10]) if published else None
        except ValueError as exc:
            raise InputError(f"{path}:{lineno}", f"not a date (YYYY-MM-DD): {published!r}") from exc
        docs[row["doc"]] = DocInfo(row["doc"], row.get("outlet") or "", day)
    return docs


def load_actor_patterns(path: Path) -> dict[str, re.Pattern[str]]:
    """`{"KEY": "regex"}`: a gold key is found when a predicted actor name matches."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise InputError(str(path), f"cannot read actor patterns: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise InputError(str(path), 'actor patterns must be a JSON object {"KEY": "regex"}')
    patterns = {}
    for key, pattern in data.items():
        if not isinstance(pattern, str):
            raise InputError(str(path), f"actor key {key!r}: the pattern must be a string")
        try:
            patterns[key] = re.compile(pattern, re.I)
        except re.error as exc:
            raise InputError(str(path), f"actor key {key!r}: bad regex ({exc})") from exc
    return patterns


_HEADER_LINE = ("URL:", "DATE:")
_HEADER_DATE = re.compile(r"^DATE:\s*(\d{4}-\d{2}-\d{2})", re.M)


def report_body(text: str) -> str:
    """A stored report without its `URL:` and `DATE:` lines, as the scorer feeds it."""
    return "\n".join(
        line for line in text.splitlines() if not line.startswith(_HEADER_LINE)
    ).strip()


# ------------------------------------------------------------------ analysis


def _jsonl_articles(records: list[Record], origin: str, published: date | None) -> list[Any]:
    """Articles exactly as `frontlines analyze FILE.jsonl` reads these records."""
    from frontlines.ingest import parse_jsonl

    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    return list(parse_jsonl(text, origin, published=published))


def _default_analyzer(items: list[Article | Skip]) -> list[AnalysisResult | Skip]:
    from frontlines.pipeline import analyze_articles

    return list(analyze_articles(items))


def _analyse(
    items: list[Article | Skip], analyze: Analyzer | None
) -> tuple[dict[str, list[Record]], dict[str, list[Claim]]]:
    """Event rows (as `analyze --format jsonl` writes them) and claims, by article id."""
    results = (analyze or _default_analyzer)(items)
    rows: dict[str, list[Record]] = defaultdict(list)
    claims: dict[str, list[Claim]] = {}
    for result in results:
        if not isinstance(result, AnalysisResult):
            continue
        claims[result.article.id] = list(result.claims)
        for event in result.events:
            row = json.loads(json.dumps(event.to_record(), ensure_ascii=False, default=str))
            rows[str(row.get("article_id"))].append(row)
    return dict(rows), claims


# ------------------------------------------------------------------ event sets


def _number(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def actor_names(row: Record) -> list[str]:
    """The actor names of an event row: actor1, actor2 and the associated actors."""
    names: list[str] = []
    for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
        value = row.get(column)
        if isinstance(value, list):
            names += [str(x) for x in value]
        elif value:
            names += str(value).split(";")
    return [n.strip() for n in names if n and n.strip()]


@dataclass
class ActorMatcher:
    """Finds gold actor keys among a predicted row's actors: by the key's pattern over
    the actor names where one is given, else by our own actor keys."""

    patterns: Mapping[str, re.Pattern[str]] = field(default_factory=dict)

    def found(self, key: str, row: Record) -> bool:
        pattern = self.patterns.get(key)
        if pattern is None:
            return key in (row.get("actor_keys") or [])
        names = actor_names(row)
        if key in _NOT_THE_STATE and _NOT_THE_STATE[key][0] in self.patterns:
            other, extra = _NOT_THE_STATE[key]
            opposed = re.compile(self.patterns[other].pattern + "|" + extra, re.I)
            return any(pattern.search(n) and not opposed.search(n) for n in names)
        return any(pattern.search(n) for n in names)

    def share(self, gold_keys: Iterable[str], row: Record) -> float | None:
        """Share of the gold keys found (HTS or SNA as the generic opposition counts
        half); None when the gold names no actor."""
        keys = list(gold_keys)
        if not keys:
            return None
        score = 0.0
        for key in keys:
            if self.found(key, row):
                score += 1
            elif key in OPPOSITION_FAMILY and self.found("OPPOSITION", row):
                score += 0.5
        return score / len(keys)


def date_ok(gold: GoldEvent, row: Record) -> bool:
    return (
        gold.date.isoformat() <= str(row.get("event_date", ""))[:10] <= gold.date_latest.isoformat()
    )


def fatalities_ok(gold: GoldEvent, row: Record) -> bool:
    return gold.fatalities is None or _number(row.get("fatalities")) == gold.fatalities


def attribution_ok(gold_source: str, row: Record) -> bool:
    """Whether the predicted `attributed_to` names a word of the gold source."""
    got = row.get("attributed_to") or ""
    got = " ".join(got) if isinstance(got, list) else str(got)
    words = [w for w in re.findall(r"[a-z]{3,}", gold_source.lower()) if w not in _SOURCE_STOP]
    if not words:
        return bool(got)
    return any(w in got.lower() for w in words)


@dataclass
class Pair:
    gold: GoldEvent
    row: Record
    distance_km: float
    actor_share: float | None
    signed: bool


@dataclass
class EventScores:
    documents: int = 0
    predictions: int = 0
    gold_required: int = 0
    gold_optional: int = 0
    matched_optional: int = 0
    pairs: list[Pair] = field(default_factory=list)
    missed: list[GoldEvent] = field(default_factory=list)
    false_alarms: list[Record] = field(default_factory=list)
    claims: ClaimScores | None = None

    @property
    def matched(self) -> int:
        return len(self.pairs)

    @property
    def signed_rows(self) -> int:
        return sum(p.signed for p in self.pairs)

    def figures(self) -> Figures:
        tp, fp, fn = self.matched, len(self.false_alarms), len(self.missed)
        ep, er = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        rp, rr = _ratio(self.signed_rows, tp + fp), _ratio(self.signed_rows, tp + fn)
        pairs = self.pairs
        actors = [p.actor_share for p in pairs if p.actor_share is not None]
        fatal = [fatalities_ok(p.gold, p.row) for p in pairs if p.gold.fatalities is not None]
        sourced = [
            attribution_ok(p.gold.attributed_to, p.row)
            for p in pairs
            if p.gold.attributed_to and p.gold.attributed_to != "outlet"
        ]
        denied = [
            str(p.row.get("certainty", "")).lower() == "denied"
            for p in pairs
            if p.gold.stance == "denied"
        ]
        figures: Figures = {
            "documents": self.documents,
            "predictions": self.predictions,
            "gold_events": self.gold_required,
            "gold_optional": self.gold_optional,
            "matched": tp,
            "false_alarms": fp,
            "missed": fn,
            "event_precision": ep,
            "event_recall": er,
            "event_f1": _f1(ep, er),
            "signed_rows": self.signed_rows,
            "row_precision": rp,
            "row_recall": rr,
            "row_f1": _f1(rp, rr),
            "subtype_accuracy": _mean(
                [p.gold.subtype_ok(p.row.get("sub_event_type")) for p in pairs]
            ),
            "date_accuracy": _mean([date_ok(p.gold, p.row) for p in pairs]),
            "actor_accuracy": _mean(actors),
            "actor_cases": len(actors),
            "fatality_accuracy": _mean(fatal),
            "fatality_cases": len(fatal),
            "attribution_accuracy": _mean(sourced),
            "attribution_cases": len(sourced),
            "stance_accuracy": _mean(denied),
            "stance_cases": len(denied),
        }
        if self.claims is not None:
            figures.update(self.claims.figures())
        return figures


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _mean(values: list[float] | list[bool]) -> float | None:
    """The mean, or None (no case to measure) for an empty list."""
    return sum(float(v) for v in values) / len(values) if values else None


def match_document(
    rows: list[Record], gold: list[GoldEvent], scores: EventScores, actors: ActorMatcher
) -> None:
    """Match one report's predicted rows to its gold events and count them."""
    candidates: list[tuple[int, float, int, int]] = []
    for gi, g in enumerate(gold):
        for pi, row in enumerate(rows):
            lat, lon = _number(row.get("latitude")), _number(row.get("longitude"))
            if lat is None or lon is None or row.get("event_type") != g.event_type:
                continue
            distance = _km(lat, lon, g.lat, g.lon)
            if distance > g.tolerance_km:
                continue
            candidates.append(
                (0 if g.subtype_ok(row.get("sub_event_type")) else 1, distance, gi, pi)
            )
    candidates.sort()
    gold_to_row: dict[int, tuple[int, float]] = {}
    used_rows: set[int] = set()
    for _, distance, gi, pi in candidates:
        if gi in gold_to_row or pi in used_rows:
            continue
        gold_to_row[gi] = (pi, distance)
        used_rows.add(pi)
    for gi, g in enumerate(gold):
        if g.optional:
            scores.gold_optional += 1
            scores.matched_optional += gi in gold_to_row
            continue
        scores.gold_required += 1
        if gi not in gold_to_row:
            scores.missed.append(g)
            continue
        pi, distance = gold_to_row[gi]
        row = rows[pi]
        share = actors.share(g.actors, row)
        signed = (
            g.subtype_ok(row.get("sub_event_type"))
            and date_ok(g, row)
            and (share is None or share >= 0.75)
            and fatalities_ok(g, row)
        )
        scores.pairs.append(Pair(g, row, distance, share, signed))
    scores.predictions += len(rows)
    scores.false_alarms.extend(row for pi, row in enumerate(rows) if pi not in used_rows)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the scorer's radius (12742 km across)."""
    p = math.pi / 180
    h = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(min(1.0, h)))


def score_events(
    rows_by_doc: Mapping[str, list[Record]],
    gold_by_doc: Mapping[str, list[GoldEvent]],
    docs: Iterable[str],
    actors: ActorMatcher | None = None,
) -> EventScores:
    """Score predicted event rows of each report in `docs` against its gold events."""
    matcher = actors or ActorMatcher()
    scores = EventScores()
    for doc in docs:
        scores.documents += 1
        match_document(list(rows_by_doc.get(doc, [])), gold_by_doc.get(doc, []), scores, matcher)
    return scores


def evaluate(
    articles_dir: Path,
    gold_path: Path,
    docs_path: Path | None = None,
    analyze: Analyzer | None = None,
    *,
    actor_patterns: Path | Sequence[Path] | None = None,
    claims_path: Path | None = None,
) -> EventScores:
    """Analyse the reports of `articles_dir` (those listed in `docs_path` when given) and
    score them against the gold file; with `claims_path`, score their claims too."""
    gold = load_gold(gold_path)
    if isinstance(actor_patterns, Path):
        actor_patterns = [actor_patterns]
    patterns: dict[str, re.Pattern[str]] = {}
    for path in actor_patterns or ():
        patterns.update(load_actor_patterns(path))  # a later file's key wins
    matcher = ActorMatcher(patterns)
    if docs_path is not None:
        docs = load_docs(docs_path)
        files = [(doc, articles_dir / f"{doc}.txt") for doc in docs]
        if not docs:
            raise InputError(str(docs_path), "lists no report")
    else:
        docs = {}
        files = [(p.stem, p) for p in sorted(articles_dir.glob("*.txt")) if p.is_file()]
        if not files:
            raise InputError(str(articles_dir), "no .txt reports to evaluate")
    records = []
    for doc, file in files:
        try:
            text = file.read_text("utf-8")
        except OSError as exc:
            raise InputError(str(file), f"cannot read report: {exc.strerror}") from exc
        info = docs.get(doc)
        if info is not None:
            published = info.published.isoformat() if info.published else ""
        else:  # no docs file: the report's own DATE: line
            header = _HEADER_DATE.search(text[:600])
            published = header.group(1) if header else ""
        records.append({"id": doc, "text": report_body(text), "published": published})
    rows, claims = _analyse(_jsonl_articles(records, str(articles_dir), None), analyze)
    scores = score_events(rows, gold, [doc for doc, _ in files], matcher)
    if claims_path is not None:
        scores.claims = score_claims(claims, _load_claim_gold(claims_path))
    return scores


# ------------------------------------------------------------------ claims


@dataclass
class ClaimScores:
    gold: int = 0
    predicted: int = 0
    matched: int = 0  # same place, subject and stance
    matched_family: int = 0  # HTS or SNA found as the generic opposition counts too
    missed: list[dict[str, Any]] = field(default_factory=list)

    def figures(self) -> Figures:
        return {
            "gold_claims": self.gold,
            "predicted_claims": self.predicted,
            "claim_recall": _ratio(self.matched, self.gold),
            "claim_recall_family": _ratio(self.matched_family, self.gold),
        }


_GOLD_KIND = {"controller": "controls", "withdrawn": "withdrew"}


def _load_claim_gold(path: Path) -> list[dict[str, Any]]:
    gold = []
    for lineno, line in enumerate(_read_lines(path, "claims gold file"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{lineno}", f"not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict) or "doc" not in record or "place" not in record:
            raise InputError(f"{path}:{lineno}", "a gold claim needs 'doc' and 'place'")
        gold.append(record)
    return gold


def _gold_place_ok(claim: Claim, gold: dict[str, Any]) -> bool:
    """Same place: the claim's place is in the gold governorate and the gold place names it."""
    from frontlines.gazetteer import normalize_name

    if claim.place is None:
        return False
    if normalize_name(claim.place.admin1) != normalize_name(gold.get("admin1") or ""):
        return False
    gold_words = normalize_name(re.sub(r"\(.*?\)", " ", gold["place"]))
    names = {normalize_name(claim.place.name), normalize_name(claim.place_text)}
    return any(n and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", gold_words) for n in names)


def _fits(c: Claim, gold: dict[str, Any], kind: str, keys: set[str]) -> bool:
    return (
        c.kind == kind
        and c.stance == gold.get("stance", "asserts")
        and c.subject is not None
        and c.subject.key in keys
        and _gold_place_ok(c, gold)
    )


def score_claims(predicted: dict[str, list[Claim]], gold: Iterable[dict[str, Any]]) -> ClaimScores:
    """Claim recall: a gold claim is found when a claim of the same report has the same
    kind, place, subject and stance; each prediction is used once."""
    scores = ClaimScores()
    scores.predicted = sum(1 for claims in predicted.values() for c in claims if c.kind != "killed")
    used: set[tuple[str, int]] = set()
    used_family: set[tuple[str, int]] = set()
    for g in gold:
        kind = next((k for f, k in _GOLD_KIND.items() if g.get(f)), "")
        subject = str(g.get("controller") or g.get("withdrawn") or "")
        scores.gold += 1
        doc = g["doc"]
        claims = predicted.get(doc, [])
        exact = next(
            (
                i
                for i, c in enumerate(claims)
                if (doc, i) not in used and _fits(c, g, kind, {subject})
            ),
            None,
        )
        if exact is not None:
            used.add((doc, exact))
            scores.matched += 1
        else:
            scores.missed.append(g)
        # HTS or SNA found as the generic armed opposition, as the event scorer allows
        family = {subject} | ({"OPPOSITION"} if subject in OPPOSITION_FAMILY else set())
        loose = next(
            (
                i
                for i, c in enumerate(claims)
                if (doc, i) not in used_family and _fits(c, g, kind, family)
            ),
            None,
        )
        if loose is not None:
            used_family.add((doc, loose))
            scores.matched_family += 1
    return scores


# ------------------------------------------------------------------ sentence sets


@dataclass(frozen=True)
class SentenceRow:
    id: str
    text: str
    sub_event_type: str
    also_ok: tuple[str, ...]
    url: str = ""

    @property
    def doc(self) -> str:
        return f"sent-{self.id}"


def load_sentences(path: Path) -> list[SentenceRow]:
    """The labelled passages: TSV with id, text, sub_event_type, also_ok (`|`-separated)."""
    try:
        with path.open(encoding="utf-8") as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            raw = list(reader)
            columns = reader.fieldnames or []
    except OSError as exc:
        raise InputError(str(path), f"cannot read sentences file: {exc.strerror}") from exc
    missing = [c for c in ("id", "text", "sub_event_type") if c not in columns]
    if missing:
        raise InputError(str(path), f"sentences file lacks the column(s) {', '.join(missing)}")
    rows = []
    for lineno, r in enumerate(raw, start=2):
        label = r["sub_event_type"] or ""
        if label != NO_EVENT and label not in SUBTYPES:
            raise InputError(f"{path}:{lineno}", f"unknown sub_event_type {label!r}")
        also = tuple(x for x in (r.get("also_ok") or "").split("|") if x)
        rows.append(SentenceRow(r["id"] or "", r["text"] or "", label, also, r.get("url") or ""))
    if not rows:
        raise InputError(str(path), "sentences file has no rows")
    return rows


@dataclass
class SentenceScores:
    rows: int = 0
    none_rows: int = 0
    none_ok: int = 0
    lenient: int = 0
    gold: list[str] = field(default_factory=list)  # event rows: the gold sub-type
    first: list[str] = field(default_factory=list)  # ... and the first prediction
    wrong: list[tuple[SentenceRow, str]] = field(default_factory=list)
    none_alarms: Counter[str] = field(default_factory=Counter)

    def per_class(self) -> dict[str, dict[str, float | int]]:
        """Precision, recall and F1 per gold sub-type (false alarms on NONE rows count
        against the precision of the class predicted)."""
        gold_count, hits = Counter(self.gold), Counter[str]()
        predicted = Counter(self.first) + self.none_alarms
        for g, f in zip(self.gold, self.first, strict=True):
            hits[g] += g == f
        stats: dict[str, dict[str, float | int]] = {}
        for label in SUBTYPES:
            if not gold_count[label]:
                continue
            p = _ratio(hits[label], predicted[label])
            r = hits[label] / gold_count[label]
            stats[label] = {"n": gold_count[label], "precision": p, "recall": r, "f1": _f1(p, r)}
        return stats

    def figures(self) -> Figures:
        n = len(self.gold)
        stats = self.per_class()
        weighted = sum(float(s["f1"]) * int(s["n"]) for s in stats.values()) / n if n else 0.0
        macro = sum(float(s["f1"]) for s in stats.values()) / len(stats) if stats else 0.0
        right = sum(g == f for g, f in zip(self.gold, self.first, strict=True))
        return {
            "rows": self.rows,
            "event_rows": n,
            "classes": len(stats),
            "none_rows": self.none_rows,
            "weighted_f1": weighted,
            "macro_f1": macro,
            "accuracy": _ratio(right, n),
            "lenient_accuracy": _ratio(self.lenient, n),
            "detection_rate": _ratio(sum(f != NO_PREDICTION for f in self.first), n),
            "none_correct": self.none_ok,
            "none_rate": _ratio(self.none_ok, self.none_rows),
        }


def score_sentences(rows: list[SentenceRow], predicted: Mapping[str, list[str]]) -> SentenceScores:
    """Score the predicted sub-types of each passage (by `sent-ID`, in output order)."""
    scores = SentenceScores(rows=len(rows))
    for row in rows:
        got = list(predicted.get(row.doc, []))
        if row.sub_event_type == NO_EVENT:
            scores.none_rows += 1
            if not got or got[0] in row.also_ok:
                scores.none_ok += 1
            else:
                scores.none_alarms[got[0]] += 1
                scores.wrong.append((row, got[0]))
            continue
        first = got[0] if got else NO_PREDICTION
        if first in row.also_ok:
            first = row.sub_event_type
        scores.gold.append(row.sub_event_type)
        scores.first.append(first)
        scores.lenient += any(x == row.sub_event_type or x in row.also_ok for x in got)
        if first != row.sub_event_type:
            scores.wrong.append((row, first))
    return scores


def evaluate_sentences(path: Path, analyze: Analyzer | None = None) -> SentenceScores:
    """Analyse each passage as its own document published 2025-01-01 and score it."""
    rows = load_sentences(path)
    records = [
        {"id": r.doc, "text": r.text, "published": SENTENCES_PUBLISHED.isoformat(), "url": r.url}
        for r in rows
    ]
    predicted, _ = _analyse(_jsonl_articles(records, str(path), SENTENCES_PUBLISHED), analyze)
    subtypes = {
        doc: [str(e.get("sub_event_type")) for e in events] for doc, events in predicted.items()
    }
    return score_sentences(rows, subtypes)


# ------------------------------------------------------------------ reporting and floors


def format_figures(figures: Figures) -> str:
    lines = []
    for key, value in figures.items():
        if value is None:
            lines.append(f"{key:24s} n/a")
        elif isinstance(value, float):
            lines.append(f"{key:24s} {value:.3f}")
        else:
            lines.append(f"{key:24s} {value}")
    return "\n".join(lines)


def format_classes(stats: Mapping[str, Mapping[str, float | int]]) -> str:
    lines = [f"{'sub-type':36s} {'n':>4s} {'prec':>6s} {'rec':>6s} {'F1':>6s}"]
    for label, s in stats.items():
        lines.append(
            f"{label:36s} {int(s['n']):4d} {float(s['precision']):6.3f} "
            f"{float(s['recall']):6.3f} {float(s['f1']):6.3f}"
        )
    return "\n".join(lines)


EVENT_FIGURES = (
    *EventScores().figures(),
    "gold_claims",
    "predicted_claims",
    "claim_recall",
    "claim_recall_family",
)
SENTENCE_FIGURES = tuple(SentenceScores().figures())
KNOWN_FIGURES = {"events": EVENT_FIGURES, "sentences": SENTENCE_FIGURES}


def load_floors(path: Path, floors_set: str | None, kind: str) -> dict[str, float]:
    """The floors that apply: a flat `{"figure": floor}` file, or one section of a file
    nested by set (`{"dev": {...}, "world": {...}}`) chosen by `floors_set`. Every figure
    name is checked, so a misspelt floor cannot silently pass."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise InputError(str(path), f"cannot read floors: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict) or not data:
        raise InputError(str(path), 'floors must be a JSON object {"figure": floor}')
    nested = all(isinstance(v, dict) for v in data.values())
    if not nested and any(isinstance(v, dict) for v in data.values()):
        raise InputError(str(path), "floors mix figures and sets: nest every figure in a set")
    every_name = {name for names in KNOWN_FIGURES.values() for name in names}
    sections = data if nested else {"": data}
    for section, floors in sections.items():
        where = f"{path} [{section}]" if section else str(path)
        for name, floor in floors.items():
            if name not in every_name:
                raise InputError(where, f"unknown figure {name!r} in floors")
            if isinstance(floor, bool) or not isinstance(floor, (int, float)):
                raise InputError(where, f"floor of {name!r} is not a number: {floor!r}")
    if nested:
        if floors_set is None:
            raise UsageError(
                f"--floors {path} holds floors for the sets {', '.join(data)}: "
                "choose one with --floors-set"
            )
        if floors_set not in data:
            raise UsageError(
                f"--floors-set: {path} has no set {floors_set!r} (it has {', '.join(data)})"
            )
        chosen: dict[str, Any] = data[floors_set]
    else:
        chosen = data
    known = KNOWN_FIGURES[kind]
    for name in chosen:
        if name not in known:
            where = f"{path} [{floors_set}]" if nested else str(path)
            raise InputError(where, f"figure {name!r} is not measured on a {kind} set")
    return {name: float(floor) for name, floor in chosen.items()}


def check_floors(
    figures: Mapping[str, float | int | None], floors: Mapping[str, float]
) -> list[str]:
    """The figures that fell below their floor (or could not be measured), as messages."""
    messages = []
    for name, floor in floors.items():
        value = figures.get(name)
        if value is None:
            messages.append(f"{name} has no case to measure (floor {floor:.3f})")
        elif float(value) + 1e-9 < floor:
            messages.append(f"{name} {float(value):.3f} is below its floor {floor:.3f}")
    return messages
