"""The one data model every stage speaks: articles in, events and claims out.

Frozen dataclasses keep stages honest: a stage returns new objects, it never
mutates what an earlier stage produced.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from frontlines.countries import acled_region, iso_numeric

# ACLED taxonomy: event type -> sub-event types, exactly ACLED's strings.
TAXONOMY: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Government regains territory",
        "Non-state actor overtakes territory",
        "Armed clash",
    ),
    "Protests": (
        "Excessive force against protesters",
        "Protest with intervention",
        "Peaceful protest",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
SUB_TO_TYPE: dict[str, str] = {sub: t for t, subs in TAXONOMY.items() for sub in subs}

# ACLED's disorder_type follows from the event type.
DISORDER_TYPE: dict[str, str] = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Riots": "Political violence; Demonstrations",
    "Protests": "Demonstrations",
    "Strategic developments": "Strategic developments",
}

CERTAINTIES = ("reported", "claimed", "confirmed", "denied")


@lru_cache(maxsize=1)
def _plover_map() -> dict[str, str]:
    import yaml

    text = resources.files("frontlines.data").joinpath("plover.yaml").read_text("utf-8")
    data: dict[str, str] = yaml.safe_load(text)
    return data


def plover_type(sub_event_type: str) -> str:
    """The PLOVER (POLECAT) event type for an ACLED sub-event type."""
    return _plover_map().get(sub_event_type, "")


def date_precision(day: date | None, time_precision: int) -> str:
    """What `event_date` stands for, in words; for no date, why there is none (a report
    is dated by its publication date unless it dates the act itself)."""
    if day is None:
        return "undated: the report has no publication date to resolve its dates against"
    return {1: "day", 2: "week", 3: "month"}.get(time_precision, "day")


def content_hash(text: str) -> str:
    """A stable id for a document that came without one."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Article:
    """One input document, already reduced to plain text."""

    id: str
    text: str
    published: date | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    origin: str = ""  # file path, URL or "-" the text came from

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)


@dataclass(frozen=True)
class Place:
    """A gazetteer record (GeoNames where geonameid is set)."""

    name: str
    latitude: float
    longitude: float
    country_code: str = ""
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    geonameid: int | None = None
    feature_class: str = ""  # GeoNames: P populated place, A admin area, ...
    feature_code: str = ""
    population: int = 0
    source: str = "geonames"


@dataclass(frozen=True)
class PlaceMention:
    """A toponym in the text, resolved (or not) to a Place."""

    start: int
    end: int
    text: str
    place: Place | None
    geo_precision: int = 1  # ACLED: 1 town, 2 near/part of town, 3 region
    score: float = 0.0
    cue: str = ""  # context cue that set the precision ("near", "countryside of", ...)


@dataclass(frozen=True)
class Evidence:
    """A supporting sentence with its character offsets in the article text."""

    text: str
    start: int
    end: int
    article_id: str = ""
    trigger: str = ""  # the words that made this an event


@dataclass(frozen=True)
class Actor:
    """A neutral canonical actor from the actor knowledge base."""

    key: str  # stable id, e.g. SYR_GOV
    name: str  # ACLED-style actor name
    inter: int  # ACLED interaction code 1-8
    country: str = ""
    affiliation: str = ""
    mention: str = ""  # the words in the text that named it


@dataclass(frozen=True)
class Event:
    """One ACLED-style event as reported by one article."""

    article_id: str
    event_type: str
    sub_event_type: str
    event_date: date | None
    time_precision: int
    actor1: Actor | None
    actor2: Actor | None
    place: Place | None
    geo_precision: int
    location_text: str = ""
    assoc_actor_1: tuple[Actor, ...] = ()
    assoc_actor_2: tuple[Actor, ...] = ()
    fatalities: int = 0
    fatalities_stated: bool = False
    attributed_to: str = ""
    certainty: str = "reported"
    evidence: tuple[Evidence, ...] = ()
    framing: tuple[str, ...] = ()
    source: str = ""
    source_scale: str = ""
    notes: str = ""
    date_earliest: date | None = None
    date_latest: date | None = None
    date_text: str = ""  # the words that dated it; empty when inherited or defaulted

    @property
    def disorder_type(self) -> str:
        return DISORDER_TYPE.get(self.event_type, "")

    @property
    def interaction(self) -> int | None:
        codes = sorted(a.inter for a in (self.actor1, self.actor2) if a is not None)
        if not codes:
            return None
        if len(codes) == 1:
            return codes[0] * 10  # ACLED codes a one-sided event as X0
        return codes[0] * 10 + codes[1]

    @property
    def actors(self) -> tuple[Actor, ...]:
        main = tuple(a for a in (self.actor1, self.actor2) if a is not None)
        return main + self.assoc_actor_1 + self.assoc_actor_2

    @property
    def event_id(self) -> str:
        """Deterministic id: same article and act, same id."""
        first = self.evidence[0].start if self.evidence else 0
        key = f"{self.article_id}|{self.sub_event_type}|{first}|{self.location_text}"
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def to_record(self) -> dict[str, Any]:
        """The output contract of BRIEF.md: ACLED columns plus provenance."""
        place = self.place
        civilian = any(a.inter == 7 for a in self.actors) and self.event_type in (
            "Violence against civilians",
            "Explosions/Remote violence",
        )
        return {
            "event_id_cnty": self.event_id,
            "event_date": self.event_date.isoformat() if self.event_date else None,
            "year": self.event_date.year if self.event_date else None,
            "time_precision": self.time_precision,
            "disorder_type": self.disorder_type,
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "actor1": self.actor1.name if self.actor1 else "",
            "assoc_actor_1": "; ".join(a.name for a in self.assoc_actor_1),
            "inter1": self.actor1.inter if self.actor1 else None,
            "actor2": self.actor2.name if self.actor2 else "",
            "assoc_actor_2": "; ".join(a.name for a in self.assoc_actor_2),
            "inter2": self.actor2.inter if self.actor2 else None,
            "interaction": self.interaction,
            "civilian_targeting": "Civilian targeting" if civilian else "",
            "iso": iso_numeric(place.country_code) if place else None,
            "region": acled_region(place.country_code) if place else "",
            "country": place.country if place else "",
            "admin1": place.admin1 if place else "",
            "admin2": place.admin2 if place else "",
            "admin3": "",
            "location": place.name if place else self.location_text,
            "latitude": place.latitude if place else None,
            "longitude": place.longitude if place else None,
            "geo_precision": self.geo_precision if place else None,
            "source": self.source,
            "source_scale": self.source_scale,
            "notes": self.notes,
            "fatalities": self.fatalities,
            "tags": "",
            "timestamp": None,
            "article_id": self.article_id,
            "attributed_to": self.attributed_to,
            "certainty": self.certainty,
            "evidence": [asdict(e) for e in self.evidence],
            "framing": list(self.framing),
            "geonameid": place.geonameid if place else None,
            "actor_keys": [a.key for a in self.actors],
            "location_text": self.location_text,
            "date_earliest": self.date_earliest.isoformat() if self.date_earliest else None,
            "date_latest": self.date_latest.isoformat() if self.date_latest else None,
            "date_text": self.date_text,
            "date_precision": date_precision(self.event_date, self.time_precision),
            "plover_type": plover_type(self.sub_event_type),
        }


@dataclass(frozen=True)
class Claim:
    """A statement about control, withdrawal or a toll, attributed to a source."""

    article_id: str
    kind: str  # "controls", "withdrew", "killed"
    place_text: str
    place: Place | None
    subject: Actor | None
    stance: str  # "asserts" or "denies"
    attributed_to: str
    outlet: str
    claim_date: date | None
    evidence: Evidence
    quantity: int | None = None
    geo_precision: int = 1  # ACLED: 1 town, 2 near/part of town, 3 region
    event_id: str = ""  # the report-level event a toll belongs to, where there is one

    @property
    def claim_id(self) -> str:
        """Deterministic id: same article, sentence, question and side, same id."""
        subject = self.subject.key if self.subject else ""
        key = (
            f"{self.article_id}|{self.kind}|{self.evidence.start}|{self.place_text}|{subject}"
            f"|{self.stance}|{self.attributed_to}"
        )
        return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ConsolidatedEvent(Event):
    """One act as told by every report of it: report-level events merged by the store.

    The inherited fields hold the reconciled values (most precise place, narrowest
    date, lowest fatalities, every source); the extra ones say what was merged.
    """

    cluster_id: str = ""
    member_ids: tuple[str, ...] = ()  # the report-level events, in ingest order
    article_ids: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    wires: tuple[str, ...] = ()  # wire services seen behind the outlets (AP, AFP, dpa...)
    independent_sources: int = 0  # outlets after wire re-runs and copies count once
    disputed: bool = False  # some reports assert the act, others deny it

    @property
    def event_id(self) -> str:
        return self.cluster_id

    def to_record(self) -> dict[str, Any]:
        record = super().to_record()
        record.update(
            {
                "level": "consolidated",
                "reports": len(self.member_ids),
                "independent_sources": self.independent_sources,
                "member_event_ids": list(self.member_ids),
                "article_ids": list(self.article_ids),
                "outlets": list(self.outlets),
                "wires": list(self.wires),
                "disputed": self.disputed,
            }
        )
        return record


@dataclass(frozen=True)
class Skip:
    """A document that could not be analysed, and why."""

    origin: str
    reason: str


@dataclass
class AnalysisResult:
    """Everything one document produced."""

    article: Article
    events: list[Event] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


# ---------------------------------------------------------------- serialisation
# The store keeps each event and claim as JSON; each pair of functions are exact inverses.


def event_to_json(event: Event) -> str:
    return json.dumps(asdict(event), default=json_default, ensure_ascii=False, sort_keys=True)


def json_default(value: object) -> str:
    """Dates as ISO strings: the one rule every stored record (event, claim) needs."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")


def _actor(data: dict[str, Any] | None) -> Actor | None:
    return Actor(**data) if data else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def event_from_json(text: str) -> Event:
    data = json.loads(text)
    return Event(
        article_id=data["article_id"],
        event_type=data["event_type"],
        sub_event_type=data["sub_event_type"],
        event_date=_date(data["event_date"]),
        time_precision=data["time_precision"],
        actor1=_actor(data["actor1"]),
        actor2=_actor(data["actor2"]),
        place=Place(**data["place"]) if data["place"] else None,
        geo_precision=data["geo_precision"],
        location_text=data["location_text"],
        assoc_actor_1=tuple(Actor(**a) for a in data["assoc_actor_1"]),
        assoc_actor_2=tuple(Actor(**a) for a in data["assoc_actor_2"]),
        fatalities=data["fatalities"],
        fatalities_stated=data["fatalities_stated"],
        attributed_to=data["attributed_to"],
        certainty=data["certainty"],
        evidence=tuple(Evidence(**e) for e in data["evidence"]),
        framing=tuple(data["framing"]),
        source=data["source"],
        source_scale=data["source_scale"],
        notes=data["notes"],
        date_earliest=_date(data["date_earliest"]),
        date_latest=_date(data["date_latest"]),
        date_text=data.get("date_text", ""),
    )


def claim_to_json(claim: Claim) -> str:
    return json.dumps(asdict(claim), default=json_default, ensure_ascii=False, sort_keys=True)


def claim_from_json(text: str) -> Claim:
    data = json.loads(text)
    return Claim(
        article_id=data["article_id"],
        kind=data["kind"],
        place_text=data["place_text"],
        place=Place(**data["place"]) if data["place"] else None,
        subject=_actor(data["subject"]),
        stance=data["stance"],
        attributed_to=data["attributed_to"],
        outlet=data["outlet"],
        claim_date=_date(data["claim_date"]),
        evidence=Evidence(**data["evidence"]),
        quantity=data["quantity"],
        geo_precision=data.get("geo_precision", 1),
        event_id=data.get("event_id", ""),
    )
