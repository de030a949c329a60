"""Consolidation: the report-level events that tell one act become one event.

When twenty outlets report one strike, an analyst wants one event with twenty
sources, not twenty events. The store clusters report-level events as they arrive:

- **Blocking.** A cluster is a point (or, for a region-coded act, a box around the
  region's seat) and a day range in a spatial index (SQLite's R*Tree; on PostgreSQL a
  GiST index over a PostGIS box and an integer range of days). A new event reads only the
  clusters whose box meets its own (its place, ±0.3° or ±1.5° for a region, and its
  date range), so ingest cost stays flat as the store grows: near-linear in total.
- **Matching.** Compatible sub-types (equal, or parts of one ACLED event: a clash and
  the takeover it decided, an air strike inside a ground battle), the same or a nearby
  place by gazetteer hierarchy and distance, overlapping date ranges, actors on
  compatible sides; and never two events of one report (the extractor already decided
  they are different acts).
- **Reconciling** (when a member joins or leaves, from all the members): the most
  precise place, the narrowest date range, the lowest fatality figure (ACLED), every
  source with ACLED's source_scale, and the number of independent outlets: a wire story
  re-run by several outlets counts once, as do near-identical texts. The reconciled event
  is stored (`consolidated`, with indexed columns and a point in an R*Tree), so reading
  consolidated events costs what a page returns, not what the store holds.

Incremental and order-dependent: an event joins the best cluster there is when it
arrives; clusters are never split or merged afterwards (documented in docs/claims.md).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any

from frontlines.actors import OPPOSITION_FAMILY
from frontlines.database import Database
from frontlines.gazetteer import haversine_km
from frontlines.models import (
    SUB_TO_TYPE,
    Actor,
    Article,
    ConsolidatedEvent,
    Event,
    event_from_json,
    json_default,
)
from frontlines.outlets import detect_wire, joined_source, source_scale

# Search boxes, in degrees of latitude: a town-level act looks this far for clusters
# (beyond NEAR_KM anyway), a region-level one over its whole governorate.
NEAR_DEG = 0.3
REGION_DEG = 1.5
# Distances at which two places are one: the same town under two gazetteer records;
# "near X" (ACLED geo_precision 2) and X; a region without a governorate name.
SAME_KM = 2.0
NEAR_KM = 25.0
REGION_KM = 100.0

# Sub-types that describe parts of one ACLED event (BRIEF: an air strike inside a ground
# battle is the battle; a battle that changed hands is the territory event; a withdrawal
# and the takeover of the ground it left are one transfer).
_COMPATIBLE = {
    frozenset(pair)
    for pair in (
        ("Armed clash", "Government regains territory"),
        ("Armed clash", "Non-state actor overtakes territory"),
        ("Non-violent transfer of territory", "Non-state actor overtakes territory"),
        ("Air/drone strike", "Armed clash"),
    )
}
# Which sub-type the merged event takes: the one that says most about the act.
_PRECEDENCE = {
    "Government regains territory": 3,
    "Non-state actor overtakes territory": 3,
    "Armed clash": 2,
    "Non-violent transfer of territory": 1,
}
# Near-identical texts (word-set Jaccard of the evidence sentences) are one telling.
COPY_SIMILARITY = 0.8


def compatible_subtypes(a: str, b: str) -> bool:
    return a == b or frozenset((a, b)) in _COMPATIBLE


def _family(key: str) -> str:
    return "OPPOSITION" if key in OPPOSITION_FAMILY else key


def _keys(actors: Iterable[Actor | None]) -> set[str]:
    return {_family(a.key) for a in actors if a is not None and a.inter != 7}


# ---------------------------------------------------------------- clustering on ingest


@dataclass
class _Cluster:
    cluster_id: int
    sub_event_type: str
    day_lo: int | None
    day_hi: int | None
    latitude: float | None
    longitude: float | None
    geo_precision: int
    geonameid: int | None
    iso: str
    admin1: str
    families: set[str]
    initiators: set[str]
    targets: set[str]
    members: int


_CLUSTER_COLUMNS = (
    "cluster_id, sub_event_type, day_lo, day_hi, latitude, longitude, geo_precision,"
    " geonameid, iso, admin1, families, initiators, targets, members"
)


def _cluster_from_row(row: Sequence[Any]) -> _Cluster:
    return _Cluster(
        cluster_id=row[0],
        sub_event_type=row[1],
        day_lo=row[2],
        day_hi=row[3],
        latitude=row[4],
        longitude=row[5],
        geo_precision=row[6],
        geonameid=row[7],
        iso=row[8] or "",
        admin1=row[9] or "",
        families=set(row[10].split()),
        initiators=set(row[11].split()),
        targets=set(row[12].split()),
        members=row[13],
    )


def _days(event: Event) -> tuple[int | None, int | None]:
    lo = event.date_earliest or event.event_date
    hi = event.date_latest or event.event_date
    return (lo.toordinal() if lo else None, hi.toordinal() if hi else None)


def _box(lat: float, lon: float, half: float) -> tuple[float, float, float, float]:
    # degrees of longitude shrink with latitude: widen the box so it spans the same km
    widen = half / max(math.cos(math.radians(lat)), 0.2)
    return lat - half, lat + half, lon - widen, lon + widen


def assign_events(db: Database, article: Article, events: Sequence[Event]) -> None:
    """Put each of an article's (already stored) events into a cluster: the best
    compatible one near it in place and time, or a new one; then store the reconciled
    event of every cluster it touched."""
    wire = detect_wire(article)
    joined: set[int] = set()  # one report never tells one act twice
    fresh: dict[int, _Member] = {}  # new clusters: their one member, no need to read it back
    seq = db.execute("SELECT coalesce(max(seq), 0) FROM cluster_members").fetchone()[0]
    for event in events:
        event_id = event.event_id
        if db.execute("SELECT 1 FROM cluster_members WHERE event_id = ?", (event_id,)).fetchone():
            continue
        best = _best_cluster(db, event, joined)
        if best is None:
            cluster_id = _new_cluster(db, event)
            fresh[cluster_id] = _Member(event, article.id, article.outlet or "", wire)
        else:
            cluster_id = best.cluster_id
            _join(db, best, event)
        joined.add(cluster_id)
        seq += 1
        db.execute(
            "INSERT INTO cluster_members (event_id, cluster_id, article_id, outlet, wire, seq)"
            " VALUES (?,?,?,?,?,?)",
            (event_id, cluster_id, article.id, article.outlet or "", wire, seq),
        )
    for cluster_id in sorted(joined):
        if cluster_id in fresh:
            key = db.execute(
                "SELECT cluster_key FROM clusters WHERE cluster_id = ?", (cluster_id,)
            ).fetchone()[0]
            store_reconciled(db, cluster_id, reconcile(key, [fresh[cluster_id]]))
        else:
            refresh(db, cluster_id)


def _candidates(db: Database, event: Event) -> Iterator[_Cluster]:
    place = event.place
    lo, hi = _days(event)
    if place is None or lo is None or hi is None:
        return
    half = REGION_DEG if event.geo_precision >= 3 else NEAR_DEG
    min_lat, max_lat, min_lon, max_lon = _box(place.latitude, place.longitude, half)
    columns = ", ".join("c." + c.strip() for c in _CLUSTER_COLUMNS.split(","))
    if db.kind == "postgresql":  # one GiST index on the cell's box and its day range
        rows = db.execute(
            f"SELECT {columns} FROM cluster_cells r JOIN clusters c ON c.cluster_id = r.id"
            " WHERE r.cell && ST_MakeEnvelope(?, ?, ?, ?, 4326)"
            " AND r.days && int4range(?, ?, '[]')",
            (min_lon, min_lat, max_lon, max_lat, lo, hi),
        )
    else:
        rows = db.execute(
            f"SELECT {columns} FROM cluster_cells r JOIN clusters c ON c.cluster_id = r.id"
            " WHERE r.max_lat >= ? AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ?"
            " AND r.max_day >= ? AND r.min_day <= ?",
            (min_lat, max_lat, min_lon, max_lon, lo, hi),
        )
    for row in rows:
        yield _cluster_from_row(row)


def _places_compatible(event: Event, cluster: _Cluster) -> float | None:
    """The distance (km) between an event and a cluster where their places can be one
    place, else None: the same gazetteer record; inside one governorate where either is
    coded to a region; within NEAR_KM where either is "near" a town; else SAME_KM."""
    place = event.place
    if place is None or cluster.latitude is None or cluster.longitude is None:
        return None
    distance = haversine_km(place.latitude, place.longitude, cluster.latitude, cluster.longitude)
    if place.geonameid and place.geonameid == cluster.geonameid:
        return distance
    if event.geo_precision >= 3 or cluster.geo_precision >= 3:
        if place.admin1 and cluster.admin1:
            same = place.country_code == cluster.iso and place.admin1 == cluster.admin1
            return distance if same else None
        return distance if distance <= REGION_KM else None
    if event.geo_precision == 2 or cluster.geo_precision == 2:
        return distance if distance <= NEAR_KM else None
    return distance if distance <= SAME_KM else None


def _actors_compatible(event: Event, cluster: _Cluster) -> bool:
    """Sides that can be one act's: shared actors (HTS and SNA as kinds of the armed
    opposition), or one side unnamed. Battles are symmetric; elsewhere the initiators
    and the targets are compared apart."""
    init = _keys((event.actor1, *event.assoc_actor_1))
    targ = _keys((event.actor2, *event.assoc_actor_2))
    if (
        SUB_TO_TYPE.get(event.sub_event_type) == "Battles"
        or SUB_TO_TYPE.get(cluster.sub_event_type) == "Battles"
    ):
        every = init | targ
        return not every or not cluster.families or bool(every & cluster.families)
    return (not init or not cluster.initiators or bool(init & cluster.initiators)) and (
        not targ or not cluster.targets or bool(targ & cluster.targets)
    )


def _best_cluster(db: Database, event: Event, exclude: set[int]) -> _Cluster | None:
    best: tuple[float, int] | None = None
    chosen: _Cluster | None = None
    lo, hi = _days(event)
    for cluster in _candidates(db, event):
        if cluster.cluster_id in exclude:
            continue
        if not compatible_subtypes(event.sub_event_type, cluster.sub_event_type):
            continue
        if cluster.day_lo is None or cluster.day_hi is None or lo is None or hi is None:
            continue
        if lo > cluster.day_hi or hi < cluster.day_lo:
            continue
        distance = _places_compatible(event, cluster)
        if distance is None or not _actors_compatible(event, cluster):
            continue
        shared = len(_keys(event.actors) & cluster.families)
        score = (
            (4.0 if event.place and event.place.geonameid == cluster.geonameid else 0.0)
            + (2.0 if event.sub_event_type == cluster.sub_event_type else 0.0)
            + min(shared, 3)
            - distance / 50.0
        )
        key = (score, -cluster.cluster_id)
        if best is None or key > best:
            best, chosen = key, cluster
    return chosen


def _summary_columns(event: Event) -> tuple[object, ...]:
    """A cluster's summary columns (type through targets), taken from the event that
    leads it; one list for creating a cluster and for summarising it again."""
    place = event.place
    lo, hi = _days(event)
    return (
        event.event_type,
        event.sub_event_type,
        lo,
        hi,
        place.latitude if place else None,
        place.longitude if place else None,
        event.geo_precision,
        place.geonameid if place else None,
        place.country_code if place else "",
        place.admin1 if place else "",
        " ".join(sorted(_keys(event.actors))),
        " ".join(sorted(_keys((event.actor1, *event.assoc_actor_1)))),
        " ".join(sorted(_keys((event.actor2, *event.assoc_actor_2)))),
    )


def _new_cluster(db: Database, event: Event) -> int:
    place = event.place
    lo, hi = _days(event)
    cluster_id = db.insert_id(
        "INSERT INTO clusters (cluster_key, event_type, sub_event_type, day_lo, day_hi,"
        " latitude, longitude, geo_precision, geonameid, iso, admin1, families, initiators,"
        " targets, members) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)",
        (event.event_id, *_summary_columns(event)),
        "cluster_id",
    )
    _index(db, cluster_id, place.latitude if place else None,
           place.longitude if place else None, event.geo_precision, lo, hi)  # fmt: skip
    return cluster_id


def _index(
    db: Database,
    cluster_id: int,
    lat: float | None,
    lon: float | None,
    geo_precision: int,
    lo: int | None,
    hi: int | None,
) -> None:
    db.execute("DELETE FROM cluster_cells WHERE id = ?", (cluster_id,))
    if lat is None or lon is None or lo is None or hi is None:
        return  # no place or no date: nothing can be matched to it
    # a region-coded act stands for its whole governorate: its box covers it
    min_lat, max_lat, min_lon, max_lon = (
        _box(lat, lon, REGION_DEG) if geo_precision >= 3 else (lat, lat, lon, lon)
    )
    db.execute(
        "INSERT INTO cluster_cells (id, min_lat, max_lat, min_lon, max_lon, min_day, max_day)"
        " VALUES (?,?,?,?,?,?,?)",
        (cluster_id, min_lat, max_lat, min_lon, max_lon, lo, hi),
    )


def _join(db: Database, cluster: _Cluster, event: Event) -> None:
    """Fold an event into a cluster's summary: what later events are matched against."""
    lo, hi = _days(event)
    day_lo = max(x for x in (cluster.day_lo, lo) if x is not None)
    day_hi = min(x for x in (cluster.day_hi, hi) if x is not None)
    sub = max((cluster.sub_event_type, event.sub_event_type), key=lambda s: _PRECEDENCE.get(s, 0))
    place = event.place
    moved = place is not None and event.geo_precision < cluster.geo_precision
    if moved and place is not None:
        cluster.latitude, cluster.longitude = place.latitude, place.longitude
        cluster.geo_precision, cluster.geonameid = event.geo_precision, place.geonameid
        cluster.iso, cluster.admin1 = place.country_code, place.admin1
    families = cluster.families | _keys(event.actors)
    initiators = cluster.initiators | _keys((event.actor1, *event.assoc_actor_1))
    targets = cluster.targets | _keys((event.actor2, *event.assoc_actor_2))
    db.execute(
        "UPDATE clusters SET event_type = ?, sub_event_type = ?, day_lo = ?, day_hi = ?,"
        " latitude = ?, longitude = ?, geo_precision = ?, geonameid = ?, iso = ?, admin1 = ?,"
        " families = ?, initiators = ?, targets = ?, members = members + 1"
        " WHERE cluster_id = ?",
        (
            SUB_TO_TYPE[sub],
            sub,
            day_lo,
            day_hi,
            cluster.latitude,
            cluster.longitude,
            cluster.geo_precision,
            cluster.geonameid,
            cluster.iso,
            cluster.admin1,
            " ".join(sorted(families)),
            " ".join(sorted(initiators)),
            " ".join(sorted(targets)),
            cluster.cluster_id,
        ),
    )
    if moved or day_lo != cluster.day_lo or day_hi != cluster.day_hi:
        _index(db, cluster.cluster_id, cluster.latitude, cluster.longitude,
               cluster.geo_precision, day_lo, day_hi)  # fmt: skip


def forget_article(db: Database, article_id: str) -> None:
    """Take a document's events out of their clusters (before it is replaced): emptied
    clusters go, the others are summarised again from the members they keep."""
    affected = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT cluster_id FROM cluster_members WHERE article_id = ?", (article_id,)
        )
    ]
    db.execute("DELETE FROM cluster_members WHERE article_id = ?", (article_id,))
    for cluster_id in affected:
        rows = db.execute(
            "SELECT e.data FROM cluster_members m JOIN events e ON e.event_id = m.event_id"
            " WHERE m.cluster_id = ? ORDER BY m.seq",
            (cluster_id,),
        ).fetchall()
        if not rows:
            drop_reconciled(db, cluster_id)
            db.execute("DELETE FROM cluster_cells WHERE id = ?", (cluster_id,))
            db.execute("DELETE FROM clusters WHERE cluster_id = ?", (cluster_id,))
            continue
        members = [event_from_json(r[0]) for r in rows]
        first = members[0]
        place = first.place
        lo, hi = _days(first)
        db.execute(
            "UPDATE clusters SET event_type = ?, sub_event_type = ?, day_lo = ?, day_hi = ?,"
            " latitude = ?, longitude = ?, geo_precision = ?, geonameid = ?, iso = ?,"
            " admin1 = ?, families = ?, initiators = ?, targets = ?, members = 1"
            " WHERE cluster_id = ?",
            (*_summary_columns(first), cluster_id),
        )
        _index(db, cluster_id, place.latitude if place else None,
               place.longitude if place else None, first.geo_precision, lo, hi)  # fmt: skip
        row = db.execute(
            f"SELECT {_CLUSTER_COLUMNS} FROM clusters WHERE cluster_id = ?", (cluster_id,)
        ).fetchone()
        cluster = _cluster_from_row(row)
        for event in members[1:]:
            _join(db, cluster, event)
            cluster = _cluster_from_row(
                db.execute(
                    f"SELECT {_CLUSTER_COLUMNS} FROM clusters WHERE cluster_id = ?", (cluster_id,)
                ).fetchone()
            )
        refresh(db, cluster_id)


def catch_up(db: Database) -> int:
    """Cluster stored events that have no cluster yet (a store made before clusters
    existed), oldest document first, and store the reconciled event of every cluster
    that has none (a store made before they were stored). Returns how many events were
    placed. Cheap when there is nothing to do: two counts."""
    placed = 0
    events = db.execute("SELECT count(*) FROM events").fetchone()[0]
    members = db.execute("SELECT count(*) FROM cluster_members").fetchone()[0]
    if events != members:
        stored_order = "e.rowid" if db.kind == "sqlite" else "e.row_no"
        rows = db.execute(
            "SELECT e.article_id, e.data, d.outlet, d.text FROM events e"
            " JOIN documents d ON d.id = e.article_id"
            " LEFT JOIN cluster_members m ON m.event_id = e.event_id"
            f" WHERE m.event_id IS NULL ORDER BY d.ingested_at, d.id, {stored_order}"
        ).fetchall()
        by_article: dict[str, tuple[Article, list[Event]]] = {}
        for article_id, data, outlet, text in rows:
            if article_id not in by_article:
                by_article[article_id] = (Article(id=article_id, text=text, outlet=outlet), [])
            by_article[article_id][1].append(event_from_json(data))
        with db.transaction():
            for article, found in by_article.values():
                assign_events(db, article, found)
        placed = len(rows)
    clusters = db.execute("SELECT count(*) FROM clusters").fetchone()[0]
    reconciled = db.execute("SELECT count(*) FROM consolidated").fetchone()[0]
    if clusters != reconciled:
        missing = db.execute(
            "SELECT c.cluster_id FROM clusters c"
            " LEFT JOIN consolidated r ON r.cluster_id = c.cluster_id"
            " WHERE r.cluster_id IS NULL"
        ).fetchall()
        with db.transaction():
            for (cluster_id,) in missing:
                refresh(db, cluster_id)
    return placed


# ---------------------------------------------------------------- the stored reconciled event


def refresh(db: Database, cluster_id: int) -> None:
    """Reconcile a cluster from its members again and store the result."""
    rows = db.execute(
        "SELECT c.cluster_key, m.article_id, m.outlet, m.wire, e.data"
        " FROM clusters c JOIN cluster_members m ON m.cluster_id = c.cluster_id"
        " JOIN events e ON e.event_id = m.event_id"
        " WHERE c.cluster_id = ? ORDER BY m.seq",
        (cluster_id,),
    ).fetchall()
    if not rows:
        drop_reconciled(db, cluster_id)
        return
    members = [_Member(event_from_json(r[4]), r[1], r[2] or "", r[3] or "") for r in rows]
    store_reconciled(db, cluster_id, reconcile(rows[0][0], members))


def drop_reconciled(db: Database, cluster_id: int) -> None:
    if db.kind == "sqlite":  # virtual tables: no foreign key takes their rows away
        db.execute("DELETE FROM consolidated_points WHERE id = ?", (cluster_id,))
        db.execute("DELETE FROM consolidated_fts WHERE rowid = ?", (cluster_id,))
    db.execute("DELETE FROM consolidated_data WHERE cluster_id = ?", (cluster_id,))
    db.execute("DELETE FROM consolidated WHERE cluster_id = ?", (cluster_id,))


# The stored columns of a reconciled event, in the order store_reconciled gives them.
_RECONCILED_COLUMNS = (
    "cluster_key", "event_date", "event_type", "sub_event_type", "country", "iso", "admin1",
    "latitude", "longitude", "fatalities", "certainty", "actor_keys", "reports",
)  # fmt: skip
_POINT = slice(_RECONCILED_COLUMNS.index("latitude"), _RECONCILED_COLUMNS.index("longitude") + 1)


def store_reconciled(db: Database, cluster_id: int, event: ConsolidatedEvent) -> None:
    """The reconciled event as stored columns (what filters, sorting and statistics read)
    and its JSON (what a page returns), and the words of its evidence (what `q=` reads).

    A stored event is updated in the columns whose values changed only: a report joining
    an act mostly changes its count of reports, and every index, R*Tree entry and
    kept-totals trigger (UPDATE OF) of the columns left alone is left unwritten. On a big
    store each of those is a page no other document shares, read and written back."""
    place = event.place
    pg = db.kind == "postgresql"
    text = " ".join(ev.text for ev in event.evidence)
    values = (
        event.cluster_id,
        event.event_date.isoformat() if event.event_date else None,
        event.event_type,
        event.sub_event_type,
        place.country if place else "",
        place.country_code if place else "",
        place.admin1 if place else "",
        place.latitude if place else None,
        place.longitude if place else None,
        event.fatalities,
        event.certainty,
        " ".join(a.key for a in event.actors),
        len(event.member_ids),
    )
    old = db.execute(
        f"SELECT {', '.join(_RECONCILED_COLUMNS)} FROM consolidated WHERE cluster_id = ?",
        (cluster_id,),
    ).fetchone()
    if old is None:
        # PostgreSQL keeps the words in a column of the row; SQLite in its own FTS5 table
        words_column, words_value = (", words", ", to_tsvector('simple', ?)") if pg else ("", "")
        marks = ", ".join("?" * (1 + len(_RECONCILED_COLUMNS)))  # cluster_id and the columns
        db.execute(
            f"INSERT INTO consolidated (cluster_id, {', '.join(_RECONCILED_COLUMNS)}"
            f"{words_column}) VALUES ({marks}{words_value})",
            (cluster_id, *values, *((text,) if pg else ())),
        )
    else:
        changed = [(c, v) for c, was, v in zip(_RECONCILED_COLUMNS, old, values, strict=True)
                   if was != v]  # fmt: skip
        sets = [f"{column} = ?" for column, _ in changed]
        if pg:  # the words are not kept apart to compare with: written again
            sets.append("words = to_tsvector('simple', ?)")
        if sets:
            db.execute(
                f"UPDATE consolidated SET {', '.join(sets)} WHERE cluster_id = ?",
                (*(v for _, v in changed), *((text,) if pg else ()), cluster_id),
            )
    record = event.to_record()
    record["event_id"] = event.event_id
    db.execute(
        "INSERT INTO consolidated_data (cluster_id, data, record) VALUES (?,?,?)"
        " ON CONFLICT (cluster_id) DO UPDATE SET data = excluded.data, record = excluded.record",
        (
            cluster_id,
            event_json(event),
            json.dumps(record, default=json_default, ensure_ascii=False),
        ),
    )
    if pg:  # its point is a generated column of the consolidated row
        db.execute(  # the words again, where `q=` counts them (schema 12)
            "INSERT INTO consolidated_terms (cluster_id, words)"
            " VALUES (?, strip(to_tsvector('simple', ?)))"
            " ON CONFLICT (cluster_id) DO UPDATE SET words = excluded.words",
            (cluster_id, text),
        )
        return
    db.execute("DELETE FROM consolidated_fts WHERE rowid = ?", (cluster_id,))
    db.execute("INSERT INTO consolidated_fts (rowid, text) VALUES (?, ?)", (cluster_id, text))
    # the point is (latitude, longitude): kept where they are unchanged
    if old is not None and old[_POINT] == values[_POINT]:
        return
    db.execute("DELETE FROM consolidated_points WHERE id = ?", (cluster_id,))
    if place is not None:
        db.execute(
            "INSERT INTO consolidated_points (id, min_lat, max_lat, min_lon, max_lon)"
            " VALUES (?,?,?,?,?)",
            (cluster_id, place.latitude, place.latitude, place.longitude, place.longitude),
        )


_EVENT_FIELD_NAMES = tuple(f.name for f in fields(Event))
_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """dataclasses.asdict without its deep copies (our models hold only plain values,
    dataclasses and tuples of them): the same JSON for a fraction of the time."""
    kind = type(value)
    names = _FIELDS.get(kind)
    if names is None and hasattr(kind, "__dataclass_fields__"):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if kind is tuple or kind is list:
        return [_plain(v) for v in value]
    return value


def event_json(event: Event) -> str:
    """models.event_to_json, byte for byte, faster (stored for every event and every
    reconciled one)."""
    return json.dumps(_plain(event), default=json_default, ensure_ascii=False, sort_keys=True)


def consolidated_from_json(text: str) -> ConsolidatedEvent:
    """A stored reconciled event (event_to_json of a ConsolidatedEvent)."""
    base = event_from_json(text)
    data = json.loads(text)
    return ConsolidatedEvent(
        **{name: getattr(base, name) for name in _EVENT_FIELD_NAMES},
        cluster_id=data["cluster_id"],
        member_ids=tuple(data["member_ids"]),
        article_ids=tuple(data["article_ids"]),
        outlets=tuple(data["outlets"]),
        wires=tuple(data["wires"]),
        independent_sources=data["independent_sources"],
        disputed=data["disputed"],
    )


# ---------------------------------------------------------------- reading consolidated events


@dataclass(frozen=True)
class _Member:
    event: Event
    article_id: str
    outlet: str
    wire: str


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def independent_sources(members: Sequence[_Member]) -> int:
    """Outlets telling the act, a wire's re-runs and near-identical texts counted once."""
    origin = [m.wire or re.sub(r"\s*\(.*?\)", "", m.outlet).strip().lower() or m.article_id
              for m in members]  # fmt: skip
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    texts = [_words(" ".join(e.text for e in m.event.evidence[:1])) for m in members]
    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            same = origin[i] == origin[j]
            if not same and len(texts[i]) >= 8 and len(texts[j]) >= 8:
                overlap = len(texts[i] & texts[j]) / len(texts[i] | texts[j])
                same = overlap >= COPY_SIMILARITY
            if same:
                parent[root(j)] = root(i)
    return len({root(i) for i in range(len(members))})


def reconcile(cluster_key: str, members: Sequence[_Member]) -> ConsolidatedEvent:
    """One event from the report-level events of one act (ACLED's rules)."""
    events = [m.event for m in members]
    # the most precise place; the first telling of it on a tie
    base = min(events, key=lambda e: (e.place is None, e.geo_precision))
    sub_counts = Counter(e.sub_event_type for e in events)
    sub = max(sub_counts, key=lambda s: (_PRECEDENCE.get(s, 0), sub_counts[s]))
    los = [e.date_earliest or e.event_date for e in events if (e.date_earliest or e.event_date)]
    his = [e.date_latest or e.event_date for e in events if (e.date_latest or e.event_date)]
    earliest = max((d for d in los if d), default=None)
    latest = min((d for d in his if d), default=None)
    if earliest is not None and latest is not None and earliest > latest:
        # reports that do not overlap any more (a member left): the narrowest telling
        narrow = min(
            (e for e in events if e.date_earliest and e.date_latest),
            key=lambda e: (
                (e.date_latest - e.date_earliest)
                if e.date_latest and e.date_earliest
                else timedelta(0)
            ),
        )
        earliest, latest = narrow.date_earliest, narrow.date_latest
    event_date = earliest + (latest - earliest) // 2 if earliest and latest else base.event_date
    if earliest and latest:
        span = (latest - earliest).days
        precision = 1 if span == 0 else 2 if span <= 7 else 3
    else:
        precision = min(e.time_precision for e in events)
    side1: Counter[str] = Counter()
    side2: Counter[str] = Counter()
    by_key: dict[str, Actor] = {}
    for e in events:
        for actor in (e.actor1, *e.assoc_actor_1):
            if actor is not None:
                side1[actor.key] += 2 if actor is e.actor1 else 1
                by_key.setdefault(actor.key, actor)
        for actor in (e.actor2, *e.assoc_actor_2):
            if actor is not None:
                side2[actor.key] += 2 if actor is e.actor2 else 1
                by_key.setdefault(actor.key, actor)
    first_seen = list(by_key)
    actor1_key = max(side1, key=lambda k: (side1[k], -first_seen.index(k)), default=None)
    rest2 = {k: n for k, n in side2.items() if k != actor1_key}
    actor2_key = max(rest2, key=lambda k: (rest2[k], -first_seen.index(k)), default=None)
    assoc1 = tuple(by_key[k] for k in side1 if k not in (actor1_key, actor2_key))
    assoc2 = tuple(by_key[k] for k in side2 if k not in (actor1_key, actor2_key) and k not in side1)
    stated = [e.fatalities for e in events if e.fatalities_stated]
    certainties = [e.certainty for e in events]
    denied = [c == "denied" for c in certainties]
    if all(denied):
        certainty = "denied"
    elif "confirmed" in certainties:
        certainty = "confirmed"
    elif all(c == "claimed" for c in certainties if c != "denied"):
        certainty = "claimed"
    else:
        certainty = "reported"
    outlets = tuple(dict.fromkeys(m.outlet for m in members if m.outlet))
    wires = tuple(dict.fromkeys(m.wire for m in members if m.wire))
    iso = base.place.country_code if base.place else ""
    evidence = tuple(ev for e in events for ev in e.evidence)
    return ConsolidatedEvent(
        **{
            **{f: getattr(base, f) for f in _EVENT_FIELDS},
            "event_type": SUB_TO_TYPE[sub],
            "sub_event_type": sub,
            "event_date": event_date,
            "time_precision": precision,
            "date_earliest": earliest,
            "date_latest": latest,
            "actor1": by_key[actor1_key] if actor1_key else None,
            "actor2": by_key[actor2_key] if actor2_key else None,
            "assoc_actor_1": assoc1,
            "assoc_actor_2": assoc2,
            "fatalities": min(stated) if stated else 0,
            "fatalities_stated": bool(stated),
            "certainty": certainty,
            "attributed_to": "; ".join(
                dict.fromkeys(e.attributed_to for e in events if e.attributed_to)
            ),
            "evidence": evidence,
            "framing": tuple(dict.fromkeys(f for e in events for f in e.framing)),
            "source": joined_source(outlets, wires),  # outlets, then the wires they re-run
            "source_scale": source_scale(((m.outlet, m.wire) for m in members), iso),
        },
        cluster_id=cluster_key,
        member_ids=tuple(e.event_id for e in events),
        article_ids=tuple(dict.fromkeys(m.article_id for m in members)),
        outlets=outlets,
        wires=wires,
        independent_sources=independent_sources(members),
        disputed=any(denied) and not all(denied),
    )


_EVENT_FIELDS = (
    "article_id",
    "place",
    "geo_precision",
    "location_text",
    "notes",
)
