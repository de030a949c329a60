"""Actor knowledge base and actor mentions in text.

The knowledge base lives in data/actors.yaml (extendable with a user file of the
same shape). Matching is regex over sentences: named groups first (HTS, SDF...),
then "<nationality> <military noun>" (Syrian helicopters, Russian jets), then
generic state words ("the army") read as the state forces of the report's country.
Loaded labels are recorded as framing; the actor stays neutral.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from frontlines.models import Actor


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


class ActorKB:
    """Compiled actor patterns. Build once per process with `get_actor_kb()`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.entries: list[_Entry] = []
        for item in data.get("actors", []):
            actor = Actor(
                key=item["key"],
                name=item["name"],
                inter=int(item["inter"]),
                country=item.get("country", "") or "",
                affiliation=item.get("affiliation", "") or "",
            )
            framing = item.get("framing") or []
            self.entries.append(
                _Entry(
                    actor,
                    _alternation(item["patterns"]),
                    _alternation(framing, whole=True) if framing else None,
                )
            )
        self.state_actors: dict[str, Actor] = {}
        adjectives: list[tuple[str, str]] = []
        for iso, nat in (data.get("nationalities") or {}).items():
            self.state_actors[iso] = Actor(
                key=nat["key"], name=nat["name"], inter=1, country=iso, affiliation="state forces"
            )
            adjectives.extend((adj, iso) for adj in nat["adjectives"])
        self._adjective_to_iso = [(re.compile(rf"^{a}$", re.I), iso) for a, iso in adjectives]
        adj = "|".join(a for a, _ in sorted(adjectives, key=lambda x: -len(x[0])))
        nouns = "|".join(sorted(data.get("military_nouns", []), key=len, reverse=True))
        # "Syrian and Russian warplanes", "Syrian-Russian reprisal", "Syrian Arab Army units"
        self.national = re.compile(
            rf"\b(?P<adjs>(?:{adj})(?:\s*(?:,|and|-|/)\s*(?:{adj}))*)\s+[\"“”']?"
            rf"(?:(?:[a-z]+)\s+){{0,2}}?(?P<noun>{nouns})\b",
            re.I,
        )
        self._adj_split = re.compile(rf"\b({adj})", re.I)
        self.generic_state = _alternation(data.get("generic_state", []))
        subjects = [
            (name, iso)
            for iso, names in (data.get("country_subjects") or {}).items()
            for name in names
        ]
        self._subject_iso = {name: iso for name, iso in subjects}
        self.country_subject = re.compile(
            rf"(?<![\w-])(?P<name>{'|'.join(n for n, _ in subjects) or '(?!)'})(?![\w-])"
            r"(?=\s+(?:has |have |had |also |then )?(?:launched|fired|struck|attacked|bombed|"
            r"shelled|carried out|hit|targeted|shot down|intercepted|invaded|seized|captured))",
            re.I,
        )
        self.state_framing = _alternation(data.get("state_framing", []), whole=True)

    def state_forces(self, iso: str, country_name: str = "") -> Actor | None:
        """The state forces of a country; a generic entry for countries the file lacks."""
        known = self.state_actors.get(iso)
        if known is not None or not iso or not country_name:
            return known
        return Actor(
            key=f"{iso}_GOV",
            name=f"Military Forces of {country_name}",
            inter=1,
            country=iso,
            affiliation="state forces",
        )

    def by_key(self, key: str) -> Actor | None:
        for entry in self.entries:
            if entry.actor.key == key:
                return entry.actor
        for actor in self.state_actors.values():
            if actor.key == key:
                return actor
        return None

    def find(self, text: str, country: str = "", home: Actor | None = None) -> list[ActorMention]:
        """See `_find`; answers repeat calls on the same sentence (events, then claims)
        from a small cache."""
        return list(self._find_cached(text, country, home))

    @lru_cache(maxsize=2048)  # noqa: B019 - one KB per process, kept for its lifetime
    def _find_cached(self, text: str, country: str, home: Actor | None) -> tuple[ActorMention, ...]:
        return tuple(self._find(text, country, home))

    def _find(self, text: str, country: str = "", home: Actor | None = None) -> list[ActorMention]:
        """Actor mentions in `text`, non-overlapping, in text order.

        `country` (ISO2) is the country the report is about: generic state words
        ("the army") become its state forces (`home` when the knowledge base has
        no entry for that country).
        """
        taken: list[tuple[int, int]] = []
        found: list[ActorMention] = []

        def free(start: int, end: int) -> bool:
            return all(end <= s or start >= e for s, e in taken)

        for entry in self.entries:
            for match in entry.pattern.finditer(text):
                if not free(match.start(), match.end()):
                    continue
                if _is_modifier(text, match.end()):
                    continue
                label = ""
                if entry.framing is not None and entry.framing.fullmatch(match.group(0)):
                    label = match.group(0)
                elif entry.framing is not None:
                    inner = entry.framing.search(match.group(0))
                    label = inner.group(0) if inner else ""
                taken.append((match.start(), match.end()))
                found.append(
                    ActorMention(
                        match.start(),
                        match.end(),
                        replace(entry.actor, mention=match.group(0)),
                        label,
                    )
                )
        for match in self.national.finditer(text):
            if not free(match.start(), match.end()):
                continue
            taken.append((match.start(), match.end()))
            for adj_match in self._adj_split.finditer(match.group("adjs")):
                iso = self._iso_for(adj_match.group(1))
                actor = self.state_actors.get(iso) if iso else None
                if actor is not None:
                    found.append(
                        ActorMention(
                            match.start(), match.end(), replace(actor, mention=match.group(0))
                        )
                    )
        for match in self.country_subject.finditer(text):
            iso = self._subject_iso.get(match.group("name").lower(), "")
            actor = self.state_actors.get(iso)
            if actor is None or not free(match.start(), match.end()):
                continue
            taken.append((match.start(), match.end()))
            found.append(
                ActorMention(match.start(), match.end(), replace(actor, mention=match.group(0)))
            )
        home = self.state_actors.get(country) or home
        for match in self.generic_state.finditer(text):
            if home is None or not free(match.start(), match.end()):
                continue
            taken.append((match.start(), match.end()))
            found.append(
                ActorMention(match.start(), match.end(), replace(home, mention=match.group(0)))
            )
        for match in self.state_framing.finditer(text):
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
        return found

    def _iso_for(self, adjective: str) -> str:
        for pattern, iso in self._adjective_to_iso:
            if pattern.match(adjective):
                return iso
        return ""

    def country_votes(self, text: str) -> dict[str, int]:
        """How often each country's adjective appears: a hint of what the report is about."""
        votes: dict[str, int] = {}
        for match in self._adj_split.finditer(text):
            iso = self._iso_for(match.group(1))
            if iso:
                votes[iso] = votes.get(iso, 0) + 1
        return votes


def _is_modifier(text: str, end: int) -> bool:
    """'HTS-affiliated media', 'Turkish-backed': the name modifies something else.

    ('rebel-held areas' still names the rebels: they hold what is struck.)"""
    return bool(re.match(r"-(?:affiliated|backed|led|run|linked)\b", text[end:]))


def _alternation(patterns: list[str], whole: bool = False) -> re.Pattern[str]:
    # Reports use typographic apostrophes as often as straight ones.
    ordered = [p.replace("'", "['’]") for p in sorted(patterns, key=len, reverse=True)]
    body = "|".join(f"(?:{p})" for p in ordered) or "(?!)"
    if whole:
        return re.compile(rf"(?:{body})", re.I)
    # "rebel-held areas" names the rebels (they hold what is struck); other
    # hyphenated continuations ("HTS-affiliated") are filtered by _is_modifier.
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w]|-(?!held\b|controlled\b))", re.I)


def load_actor_data(extra: Path | None = None) -> dict[str, Any]:
    text = resources.files("frontlines.data").joinpath("actors.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    if extra is not None:
        user = yaml.safe_load(extra.read_text("utf-8")) or {}
        data["actors"] = list(user.get("actors", [])) + list(data.get("actors", []))
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
    return ActorKB(load_actor_data(extra))
