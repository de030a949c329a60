"""Toponyms in report text: find them, then resolve the whole document at once.

Recognition is gazetteer-driven (spaCy's small model tags Syrian villages as
PERSON): capitalised word sequences that name a gazetteer place, read with the
cues around them ("the town of", "near", "the countryside of", "province").
Resolution scores every candidate with what the rest of the document says: its
country, the divisions it names, containment ("Morek in the countryside of
Hama", "Paris, Texas"), distance to the other places, and one answer per name.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from frontlines.countries import country_of
from frontlines.gazetteer import (
    ADMIN1_CODES,
    CONTINENT_CODES,
    COUNTRY_CODES,
    Gazetteer,
    fold,
    get_gazetteer,
    haversine_km,
    normalize_name,
    words,
)
from frontlines.models import Place, PlaceMention

# ----------------------------------------------------------------- recognition

_TOKEN = re.compile(r"[^\W\d_](?:[\w\u2019\u2018'`]*[\w])?(?:-[\w\u2019\u2018'`]+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"(?:['\u2019]s|s['\u2019])$")
# Lower-case words that may sit inside a place name ("Deir ez-Zor", "Ras al Ayn").
_CONNECTORS = words(
    "al el as ad ash ar az an at ez es ed er en et de del della di da do dos das du des la le "
    "les los las van von der den bin ibn abu um umm bani beni sur upon on"
)
_MAX_WORDS = 5

# Capitalised words that are names of places somewhere but, in news text, almost
# always something else: function words at a sentence start, months, days, titles,
# institutions and the armed groups of the conflicts this tool reads about.
_NOT_PLACES = words(
    """
    a about above after again against all also although among an and another any are as at
    be because been before being below between both but by can could did do does down during
    each either even every few for from further had has have he her here hers him his how however
    i if in into is it its just last later least less many may me meanwhile might more most much
    must my near neither never next no nor not now of off often on once one only or other our out
    over own per perhaps since so some still such than that the their them then there these they
    this those though through thus to today too under until up upon very was we were what when
    where whether which while who whom whose why will with within without would yet you your
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    mr mrs ms dr gen general col colonel lt maj major capt captain sgt president minister prime
    king queen prince emir sheikh imam pope sir lord lady saint st mount
    sen sens rep reps gov atty supt insp det cmdr adm rev hon
    senator governor mayor commissioner sheriff judge deputy secretary chairman
    justice chief detective inspector sergeant officer professor prof bishop reverend rabbi
    pastor cardinal ambassador
    army forces force police government ministry council committee office agency authority
    state states republic kingdom union federation coalition alliance front party movement
    brigade brigades battalion division regiment corps militia militias rebels rebel opposition
    islamic free democratic national popular revolutionary liberation people peoples
    news press reuters associated agence afp ap bbc cnn tass sana sputnik anadolu
    observatory human rights watch amnesty international united nations un nato eu
    red cross crescent white helmets civil defence defense
    hamas hezbollah hizbollah taliban houthi houthis isis isil daesh hts nusra qaeda
    wagner tahrir sham jaysh ahrar jabhat ypg sdf pkk fsa sna
    north south east west northern southern eastern western central
    northeast northwest southeast southwest northeastern northwestern southeastern southwestern
    new old great little upper lower middle city town village province district region county
    lake lakes river rivers sea ocean gulf bay strait valley hills mountains desert forest
    island islands coast shore plain plains
    air airport base military security israeli
    road street avenue highway lane bridge junction roundabout square market bazaar camp
    god allah christ christmas easter ramadan eid
    """
)

_DIRECTIONS = (
    r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west|"
    r"northern|southern|eastern|western|central|north-?eastern|north-?western|"
    r"south-?eastern|south-?western|upper|lower|rural)"
)
# Cues read in the words just before a toponym; the first that matches decides.
_BEFORE: list[tuple[re.Pattern[str], str, int, str]] = [
    # (pattern on the lower-cased text before, cue, geo_precision, wanted feature)
    (
        re.compile(
            rf"\b(?:the\s+)?(?:{_DIRECTIONS}\s+)?countryside\s+of\s+(?:the\s+)?(?:(?:city|town|province|governorate)\s+of\s+)?$"
        ),
        "countryside of",
        3,
        "A",
    ),
    (
        # "the province of X", "the provinces of X and Y"
        re.compile(
            r"\b(?:provinces?|governorates?|regions?|districts?|states?|county|counties)\s+of\s+"
            r"(?:[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)?\s*(?:,|and)\s+)?$",
            re.I,
        ),
        "province of",
        3,
        "A",
    ),
    (
        re.compile(
            rf"\b(?:{_DIRECTIONS}\s+)?(?:outskirts|suburbs?|edges?|environs|periphery|vicinity)\s+of\s+(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?$"
        ),
        "outskirts of",
        2,
        "P",
    ),
    (
        # "the centre of X", "the heart of X": a part of a town, coded to the town
        re.compile(
            r"\b(?:city\s+)?(?:centre|center|heart|downtown)\s+of\s+(?:the\s+)?(?:(?:city|town)\s+of\s+)?$"
        ),
        "centre of",
        1,
        "P",
    ),
    (
        re.compile(
            r"\b(?:near|nearby|outside|around|close\s+to|next\s+to|by)\s+(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?$"
        ),
        "near",
        2,
        "P",
    ),
    (
        re.compile(
            rf"\b(?:\d+\s*(?:km|kilometres|kilometers|miles)\s+)?{_DIRECTIONS}\s+of\s+(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?$"
        ),
        "direction of",
        2,
        "P",
    ),
    (re.compile(r"\b(?:city|town|village|hamlet|municipality)\s+of\s+$"), "town of", 1, "P"),
    (re.compile(rf"\b{_DIRECTIONS}\s+$"), "part of", 3, ""),
]
# Cues read in the words just after a toponym.
_NAME = r"[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)?"
_REGION_WORDS = r"(?:[Pp]rovinces?|[Gg]overnorates?|[Rr]egions?|[Cc]ountryside|[Oo]blast|[Ss]tates?|[Dd]istricts?|[Cc]ount(?:y|ies)|[Rr]ural\s+areas?)"
# Not a region: "Latakia state media", "Idlib district council".
_NOT_REGION = r"(?!\s+(?:media|television|tv|news|agency|run|owned|department|forces|police|council|security|capital|officials?|governor)\b)"
_AFTER: list[tuple[re.Pattern[str], str, int, str]] = [
    (re.compile(rf"^(?:['\u2019]s?)?\s+{_REGION_WORDS}\b{_NOT_REGION}"), "province", 3, "A"),
    (
        re.compile(
            rf"^(?:\s*,\s*{_NAME})*\s*,?\s+and\s+{_NAME}\s+(?:[Pp]rovinces|[Gg]overnorates|[Rr]egions|[Ss]tates|[Cc]ounties|[Pp]arishes|[Dd]istricts)\b"
        ),
        "province",
        3,
        "A",
    ),
    (
        re.compile(
            r"^(?:['\u2019]s?)?\s*(?:city|town|village)\b(?!\s+(?:of|council|hall|centre|center)\b)",
            re.I,
        ),
        "town",
        1,
        "P",
    ),
    (
        re.compile(
            r"^['\u2019]s?\s+(?:northern|southern|eastern|western)?\s*(?:suburbs|outskirts|environs)\b",
            re.I,
        ),
        "outskirts of",
        2,
        "P",
    ),
]
# "X in (the north of) Y", "X, Y", "X (Y, Z)": Y contains X.
_CONTAINED = re.compile(
    rf"^\s*(?:village|town|city|area|neighbou?rhood|district|camp)?\s*"
    rf"(?:,|\(|in(?:\s+{_DIRECTIONS})?|of|near|outside|off|(?:in|on)\s+the\s+(?:{_DIRECTIONS}\s+)?(?:countryside|suburbs|outskirts|edges?|part|province|region|district|area|governorate|vicinity)\s+of"
    # "Bahri, north of Khartoum", "Edmonton, 15 km south of Cairns"
    rf"|,?\s*(?:(?:about|some|around)\s+)?(?:\d+\s*(?:km|kilomet(?:er|re)s?|miles)\s+)?{_DIRECTIONS}\s+of)"
    r"\s*(?:the\s+)?(?:(?:city|town|province|governorate)\s+of\s+)?$",
    re.I,
)
# A town's name that names a street ("Memphis St.", "Thika Road") is the street's.
_STREET = re.compile(
    r"\s+(?:St\.|Street|Ave\.?|Avenue|Rd\.|Road|Blvd\.?|Boulevard|Lane|Drive|Pike|Parkway)(?![\w-])"
)
# Words that say an unknown capitalised name is a place ("Kafr Dariyan village").
_PLACE_BEFORE = re.compile(r"\b(?:village|town|hamlet|city|neighbou?rhood|district)\s+of\s+$", re.I)
_PLACE_AFTER = re.compile(r"^\s+(?:village|town|hamlet|neighbou?rhood)\b", re.I)


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    cands: list[Place]
    cue: str = ""
    precision: int = 1
    want: str = ""  # "A" a division, "P" a populated place, "" either
    given: bool = False  # a gold span: keep it even if weakly supported
    street: bool = False  # "Memphis St.": a street's name, not the town's
    # The cue is "by X", which reads a place's position ("a village by the river") but
    # far more often an agent ("a request by Hartmann", "joined by House leaders"):
    # it shapes how the name resolves, but is no evidence that the name is a place.
    agent_cue: bool = False
    # The words around call it a village or hamlet ("the village of X", "X village"):
    # no city of a hundred thousand is one, whatever alias it shares with the name.
    village: bool = False
    scores: list[float] = field(default_factory=list)
    best: int = -1


def _tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _starts_name(word: str) -> bool:
    """A capitalised word, or an article-prefixed one ("al-Dana", "el-Bab")."""
    if _is_cap(word):
        return True
    head, _, rest = word.partition("-")
    return bool(rest) and head in _CONNECTORS and _is_cap(rest)


def _strip_possessive(text: str, start: int, end: int) -> int:
    m = _POSSESSIVE.search(text, start, end)
    if m and end - start > 3:
        return m.start()
    return end


def _recognise(
    text: str, gaz: Gazetteer, demonym_spans: list[tuple[int, int, Place]] | None = None
) -> tuple[list[_Mention], Counter[str]]:
    """Spans of known place names, longest first; demonyms vote for their country
    (and are listed in `demonym_spans` as (start, end, country or continent) when given)."""
    toks = _tokens(text)
    out: list[_Mention] = []
    demonyms: Counter[str] = Counter()
    i = 0
    n = len(toks)
    glued = False  # the word before is an unmatched part of the same name
    while i < n:
        s0, e0 = toks[i]
        word = text[s0:e0]
        if not _starts_name(word):
            i += 1
            glued = False
            continue
        # The longest run of name-like words that starts here.
        j = i + 1
        while j < n and j - i < _MAX_WORDS:
            gap = text[toks[j - 1][1] : toks[j][0]]
            if gap not in (" ", "-"):
                break
            w = text[toks[j][0] : toks[j][1]]
            if not (_starts_name(w) or w in _CONNECTORS):
                break
            j += 1
        found = None
        for k in range(j, i, -1):
            if glued:
                break  # "Kafr Dariyan": "Dariyan" alone is some other place
            last = text[toks[k - 1][0] : toks[k - 1][1]]
            if not _starts_name(last):
                continue  # a name does not end on "al" or "de"
            end = _strip_possessive(text, s0, toks[k - 1][1])
            phrase = text[s0:end]
            if k - i == 1 and _skip_single(phrase):
                # "US", "UK", "UAE", "DRC": a capital abbreviation of a country only
                if not (2 <= len(phrase) <= 4 and phrase.isupper()):
                    continue
                cands = [p for p in gaz.candidates(phrase) if _is_country(p)]
                if cands:
                    found = (k, end, phrase, cands)
                    break
                continue
            cands = gaz.candidates(phrase)
            if k - i == 1 and not phrase.isupper():
                # "Kir kot Road": a country's ISO code names it only in capitals
                cands = [p for p in cands if not _by_iso3_only(phrase, p)]
            if cands and k - i == 1 and _demonym_not_place(text, s0, end, gaz):
                break
            if cands:
                found = (k, end, phrase, cands)
                break
        if found is None:
            cc = gaz.demonym(_strip_demonym(word))
            if cc and _is_cap(word):
                demonyms[cc] += 1
                country = gaz.country(cc) if demonym_spans is not None else None
                if demonym_spans is not None and country is not None:
                    demonym_spans.append((s0, _strip_possessive(text, s0, e0), country))
            elif demonym_spans is not None and _is_cap(word):
                continent = gaz.continent_demonym(_strip_demonym(word))
                if continent is not None:
                    demonym_spans.append((s0, _strip_possessive(text, s0, e0), continent))
            unknown = _unknown_place(text, toks, i, j)
            if unknown is not None:
                out.append(unknown)
                i = j
                glued = False
                continue
            nxt = text[e0 : toks[i + 1][0]] if i + 1 < n else ""
            glued = cc is None and not _skip_single(word) and nxt in (" ", "-")
            i += 1
            continue
        k, end, phrase, cands = found
        out.append(_Mention(s0, end, phrase, cands, street=bool(_STREET.match(text, end))))
        i = k
        glued = False
    taken = [(m.start, m.end) for m in out]
    for match in _abbreviation_pattern(gaz).finditer(text):
        a, b = match.span()
        if any(a < e and s < b for s, e in taken):
            continue
        place = gaz.abbreviation(match.group(0))
        if place is not None:
            out.append(_Mention(a, b, match.group(0), [place]))
    out.sort(key=lambda m: m.start)
    return out, demonyms


def _demonym_not_place(text: str, start: int, end: int, gaz: Gazetteer) -> bool:
    """A people's adjective that is also some place's name ("Somali", a region of
    Ethiopia; "Spanish", a town in Ontario) is the adjective, unless the words
    around call it a place ("the Somali region", "the town of Spanish")."""
    if gaz.demonym(_strip_demonym(text[start:end])) is None:
        return False
    probe = _Mention(start, end, text[start:end], [])
    _set_cues(text, probe)
    return not _place_cue(probe)


_ABBR_CACHE: dict[int, re.Pattern[str]] = {}


def _abbreviation_pattern(gaz: Gazetteer) -> re.Pattern[str]:
    """One regex for every abbreviation the index knows ("Ky.", "W. Va.", "U.S.")."""
    pattern = _ABBR_CACHE.get(id(gaz))
    if pattern is None:
        parts = []
        for abbr in sorted(gaz.abbreviations(), key=len, reverse=True):
            # "W.Va." may be written "W. Va.": allow a space after each inner dot.
            body = r"\.\s?".join(re.escape(p) for p in abbr.split(".") if p)
            body += r"\." if abbr.endswith(".") else r"\b"
            parts.append(body)
        pattern = re.compile(r"(?<![\w.])(?:" + "|".join(parts or ["(?!)"]) + ")")
        _ABBR_CACHE[id(gaz)] = pattern
    return pattern


def _unknown_place(text: str, toks: list[tuple[int, int]], i: int, j: int) -> _Mention | None:
    """A name the gazetteer lacks that the words around call a place."""
    words = [text[a:b] for a, b in toks[i:j]]
    while words and not _starts_name(words[-1]):
        words.pop()
    if not words or any(fold(w) in _NOT_PLACES for w in words):
        return None
    start, end = toks[i][0], toks[i + len(words) - 1][1]
    if _PLACE_BEFORE.search(text[max(0, start - 30) : start]) or _PLACE_AFTER.match(
        text[end : end + 20]
    ):
        return _Mention(start, end, text[start:end], [])
    return None


def _strip_demonym(word: str) -> str:
    return _POSSESSIVE.sub("", word)


def _by_iso3_only(phrase: str, place: Place) -> bool:
    """Whether `phrase` names `place` only as its country's three-letter ISO code."""
    if not _is_country(place):
        return False
    country = country_of(place.country_code)
    return country is not None and fold(phrase) == country.iso3.lower()


def _skip_single(word: str) -> bool:
    low = fold(word)
    # "NGO", "KIR": a short word in capitals is an acronym, a place only as a country's
    return (
        low in _NOT_PLACES or len(low) < 3 or (word.isupper() and word.isalpha() and len(word) <= 3)
    )


def _person_context(text: str, m: _Mention) -> bool:
    """A name glued to a capitalised word before it ("President Assad") is a person's."""
    before = text[max(0, m.start - 30) : m.start]
    prev = re.search(r"([A-Z][\w'\u2019-]*) $", before)
    if not prev or re.search(r"['\u2019]s?$", prev.group(1)):
        return False  # a possessive before it ("Kenya's Mandera county") is its container
    word = fold(prev.group(1))
    return word not in _NOT_PLACES or word in _TITLES


# Titles before a person's name ("Senator Clark", "Gen. Milley").
_TITLES = words(
    """
    mr mrs ms dr gen general president minister sheikh imam king prince sir lord col colonel
    capt captain sen rep gov senator governor mayor commissioner sheriff judge deputy secretary
    chairman justice chief detective inspector sergeant officer professor prof bishop reverend
    rabbi pastor cardinal ambassador
    """
)


_VILLAGE_BEFORE = re.compile(r"\b(?:village|hamlet)s?\s+of\s+(?:the\s+)?$")
_VILLAGE_AFTER = re.compile(r"^\s+(?:village|hamlet)\b", re.I)
_VILLAGE_MAX_POPULATION = 100_000


def _set_cues(text: str, m: _Mention) -> None:
    before = text[max(0, m.start - 60) : m.start].lower()
    after = text[m.end : m.end + 60]
    m.village = bool(_VILLAGE_BEFORE.search(before) or _VILLAGE_AFTER.match(after))
    for pat, cue, prec, want in _AFTER:
        if pat.search(after):
            m.cue, m.precision, m.want = cue, prec, want
            return
    for pat, cue, prec, want in _BEFORE:
        if pat.search(before):
            m.cue, m.precision, m.want = cue, prec, want
            m.agent_cue = _AGENT_BY.search(before) is not None
            return


_AGENT_BY = re.compile(r"\bby\s+(?:the\s+)?$")


def _place_cue(m: _Mention) -> bool:
    """A cue that says the name is a place (not "northern X", not "by X")."""
    return bool(m.cue) and m.cue != "part of" and not m.agent_cue


# ------------------------------------------------------------------ resolution

_W_POP = 4.0  # log-population prior, scaled to 0..4
# Candidate in a country the document is about, by that country's share of the
# document. (An extra bonus for the single main country made things worse: it
# overrides a well-known place abroad on thin evidence.)
_W_COUNTRY = 3.0
_W_ADMIN = 2.5  # candidate in a division the document names
_W_CONTAIN = 4.0  # "X in Y" / "X, Y" with X inside Y
_W_NEAR = 3.0  # close to the other places of the document
_W_SAME_ADMIN = 1.5  # in the same division as another place of the document
_W_COUNTRY_PRIOR = 2.0  # a country's name usually means the country
_W_WANT = 4.0  # cue asks for a division or a town
_W_ALIAS = 1.0  # a town matched by an alternate name only
_W_FAMOUS = 3.0  # a world-famous sense of a name (`_famous_sense`)
_W_COHERE = 3.0  # fits the document's other names (`_coherence`)
_W_CAPITAL = 2.5  # the capital of a country the document is about: its seat of government


def _is_country(p: Place) -> bool:
    return p.feature_code in COUNTRY_CODES or p.feature_code in CONTINENT_CODES


def _is_admin1(p: Place) -> bool:
    return p.feature_code in ADMIN1_CODES


_LOWER_DIVISIONS = frozenset({"ADM2", "ADM3", "ADM4"})


def _base_score(m: _Mention, p: Place) -> float:
    s = _W_POP * math.log10(p.population + 10) / 7
    if _is_country(p):
        s += _W_COUNTRY_PRIOR
    elif _is_admin1(p):
        s += 1.0
    elif p.feature_code in _LOWER_DIVISIONS:
        # A county's population is the sum of its towns', and its bare name ("Clay"
        # for Clay County) is more often a town's or a person's: it is a county
        # when written in full or when the words around say a division.
        s -= 1.0
        if fold(p.name) != fold(m.text) and m.want != "A":
            s -= 1.5
    elif p.feature_class == "A":
        s += 0.3
    if m.want == "A":
        s += _W_WANT if p.feature_class == "A" else 0.0
    elif m.want == "P":
        s += _W_WANT if p.feature_class != "A" else 0.0
    if m.village and p.population >= _VILLAGE_MAX_POPULATION:
        s -= _W_WANT / 2  # "the village of X" is not the city of that name or alias
    if fold(p.name) == fold(m.text):
        s += 0.5
    elif p.feature_class == "P" and p.population < 100_000:
        # "Moscow" for Dalton, Ohio: an old or local name of a small place (a city's
        # other names, "Chittagong" for Chattogram, are known ones)
        s -= _W_ALIAS
    return s


def _resolve(
    text: str,
    mentions: list[_Mention],
    demonyms: Counter[str],
    country_hint: str | None,
    gaz: Gazetteer,
) -> None:
    containers = _containers(text, mentions)
    mentions = [m for m in mentions if m.cands and not m.street]
    if not mentions:
        return
    for m in mentions:
        m.cands = m.cands[:40]
    # One answer per name: mentions that share a key and a wanted feature pool
    # their evidence and get the same place.
    groups: dict[tuple[str, str], list[_Mention]] = defaultdict(list)
    for m in mentions:
        groups[_key(m)].append(m)

    # Document country: named countries count most, then demonyms, then the
    # country of each name's leading candidate.
    countries: dict[str, float] = defaultdict(float)
    # What each name itself added: a capital is no evidence for its own country.
    own: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for m in mentions:
        top = m.cands[0]
        if _is_country(top) and top.population > 0:
            countries[top.country_code] += 2.0
            own[_key(m)][top.country_code] += 2.0
        else:
            for cc in {p.country_code for p in m.cands[:3]}:
                countries[cc] += 0.5 / len(m.cands[:3])
                own[_key(m)][cc] += 0.5 / len(m.cands[:3])
    for cc, k in demonyms.items():
        countries[cc] += 1.0 * k
    if country_hint:
        hint = country_hint.upper()
        if len(hint) != 2:
            hint = _country_code_of(country_hint, gaz) or hint
        countries[hint] += 100.0

    # Divisions the text names ("Texas", "Hama province"), and which name named them:
    # a name is no evidence for itself ("New York" does not make New York City likely).
    named_admin: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, members in groups.items():
        m = members[0]
        for p in m.cands:
            if _is_admin1(p) and (m.want != "P" or fold(p.name) == fold(m.text)):
                named_admin[(p.country_code, fold(p.admin1))].add(_stem(key[0]))
        # "De Soto Parish", "Clay County": a county named in full names its state.
        counties = [p for p in m.cands if p.feature_code in _LOWER_DIVISIONS]
        if counties and fold(counties[0].name) == fold(m.text):
            for p in counties:
                if fold(p.name) == fold(m.text):
                    named_admin[(p.country_code, fold(p.admin1))].add(_stem(key[0]))

    total = sum(countries.values()) or 1.0
    share = {cc: v / total for cc, v in countries.items()}

    capitals = gaz.capital_ids()
    capital_divisions = {
        (p.country_code, fold(p.admin1))
        for m in mentions
        for p in m.cands
        if p.geonameid in capitals
    }
    base = {
        key: [_base_score(members[0], p) for p in members[0].cands]
        for key, members in groups.items()
    }
    coherence = _coherence(groups, base)
    chosen: dict[tuple[str, str], Place] = {}
    for _round in range(2):
        # The names (stems) whose chosen place lies in each division.
        others_admin: dict[tuple[str, str], set[str]] = defaultdict(set)
        for gkey, q in chosen.items():
            if not _is_country(q):
                others_admin[(q.country_code, fold(q.admin1))].add(_stem(gkey[0]))
        for gkey, members in groups.items():
            first = members[0]
            boxes = [c for m in members for c in containers.get(id(m), []) if c.cands]
            stem = _stem(gkey[0])
            near = [q for k2, q in chosen.items() if _stem(k2[0]) != stem and not _is_country(q)]
            scores: list[float] = []
            fits = coherence[gkey]
            prior = base[gkey]
            famous = _famous_sense(first)
            for i, p in enumerate(first.cands):
                s = prior[i] + _W_COHERE * fits[i]
                if i == famous[0]:
                    s += famous[1]
                in_country = min(1.0, 2 * share.get(p.country_code, 0.0))
                s += _W_COUNTRY * in_country
                admin = (p.country_code, fold(p.admin1))
                if p.geonameid in capitals or (_is_admin1(p) and admin in capital_divisions):
                    # The division that holds the capital gains as much: between
                    # them the usual rules decide ("Damascus" governorate or city).
                    mine = own[gkey]
                    rest = sum(countries.values()) - sum(mine.values())
                    others = countries.get(p.country_code, 0.0) - mine.get(p.country_code, 0.0)
                    s += _W_CAPITAL * min(1.0, 2 * others / rest) if rest > 0 else 0.0
                named = named_admin.get(admin)
                held = others_admin.get(admin)
                if not _is_admin1(p) and named and (len(named) > 1 or stem not in named):
                    s += _W_ADMIN
                elif held and (len(held) > 1 or stem not in held):
                    s += _W_SAME_ADMIN
                if boxes:
                    s += max(_containment(p, chosen.get(_key(c)) or c.cands[0]) for c in boxes)
                if near:
                    s += _W_NEAR * (_holds(p, near) if _is_region(p) else _nearness(p, near))
                scores.append(s)
            best = max(range(len(scores)), key=scores.__getitem__)
            best = _town_over_division(first.cands, scores, best)
            for m in members:
                m.scores = scores
                m.best = best
            chosen[gkey] = first.cands[best]
        # Second round: the country is where the first round put the places.
        placed: dict[str, float] = defaultdict(float)
        for m in mentions:
            p = m.cands[m.best]
            placed[p.country_code] += 1.0 if not _is_country(p) else 2.0
            own[_key(m)][p.country_code] += 1.0 if not _is_country(p) else 2.0
        for cc, v in placed.items():
            countries[cc] += v
        total = sum(countries.values()) or 1.0
        share = {cc: v / total for cc, v in countries.items()}


def _coherence(
    groups: dict[tuple[str, str], list[_Mention]], base: dict[tuple[str, str], list[float]]
) -> dict[tuple[str, str], list[float]]:
    """How well each candidate fits the other names of the document, 0..1.

    For every other name, the best of its candidates by closeness (1 at 0 km, 0.37
    at 150 km; a country or a first-level division fits what lies inside it),
    weighted by how likely that candidate is on its own (`base`, its score before
    context); then the mean over names. The document's places are read all at
    once, so no name's reading depends on which was resolved first, and a cluster
    of small towns that agree on a county can outweigh one large namesake elsewhere.
    """
    import numpy as np

    keys = list(groups)
    if len({_stem(k[0]) for k in keys}) < 2:
        return {k: [0.0] * len(groups[k][0].cands) for k in keys}
    lat: list[float] = []
    lon: list[float] = []
    prior: list[float] = []
    group: list[int] = []
    region_of: list[tuple[str, str] | None] = []  # per candidate, in group order
    inside: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    for g, key in enumerate(keys):
        scores = base[key]
        top = max(scores)
        for p, b in zip(groups[key][0].cands, scores, strict=True):
            w = math.exp(b - top)
            if _is_country(p) or _is_admin1(p):
                region_of.append((p.country_code, "" if _is_country(p) else fold(p.admin1)))
                continue
            region_of.append(None)
            lat.append(p.latitude)
            lon.append(p.longitude)
            prior.append(w)
            group.append(g)
            for region in ((p.country_code, ""), (p.country_code, fold(p.admin1))):
                held = inside[region]
                held[g] = max(held.get(g, 0.0), w)
    n_groups = len(keys)
    fit = np.zeros((len(lat), n_groups))  # each point candidate's best fit with each name
    if lat:
        la, lo = np.radians(lat), np.radians(lon)
        groups_of = np.array(group)
        dlat = la[:, None] - la[None, :]
        dlon = (lo[:, None] - lo[None, :]) * np.cos((la[:, None] + la[None, :]) / 2)
        close = np.exp(-6371.0 / 150.0 * np.sqrt(dlat * dlat + dlon * dlon)) * np.array(prior)
        starts = np.flatnonzero(np.r_[True, groups_of[1:] != groups_of[:-1]])
        fit[:, groups_of[starts]] = np.maximum.reduceat(close, starts, axis=1)
    out: dict[tuple[str, str], list[float]] = {}
    row = 0
    cand = 0
    for key in keys:
        others = np.array([_stem(k[0]) != _stem(key[0]) for k in keys])
        count = max(int(others.sum()), 1)
        n = len(groups[key][0].cands)
        regions = region_of[cand : cand + n]
        n_points = sum(r is None for r in regions)
        point_fits = iter((fit[row : row + n_points][:, others].sum(axis=1) / count).tolist())
        values = []
        for container in regions:
            if container is None:
                values.append(next(point_fits))
            else:
                held = inside.get(container, {})
                values.append(sum(w for h, w in held.items() if others[h]) / count)
        out[key] = values
        cand += n
        row += n_points
    return out


def _famous_sense(m: _Mention) -> tuple[int, float]:
    """The candidate whose population dwarfs every namesake's, and its bonus.

    "Paris", "Moscow", "Russia" in a report datelined in the US still mean the
    capital and the country: a sense a hundred times larger than the next is
    what a reader assumes unless the text says otherwise.
    """
    if len(m.cands) < 2:
        return -1, 0.0
    own = [i for i, p in enumerate(m.cands) if fold(p.name) == fold(m.text)]
    if not own:
        return -1, 0.0
    top = max(own, key=lambda i: m.cands[i].population)
    rest = max(p.population for i, p in enumerate(m.cands) if i != top)
    if m.cands[top].population < 1_000_000:
        return -1, 0.0
    ratio = (m.cands[top].population + 1) / (rest + 1000)
    return top, min(_W_FAMOUS, max(0.0, math.log10(ratio) - 1.0))


def _key(m: _Mention) -> tuple[str, str]:
    return (normalize_name(m.text), m.want)


# The kind words as name keys spell them ("county" -> "cunty", "village" -> "vilage").
_KIND_WORDS = words(
    "province governorate city town village district county region oblast state parish"
)
_DESCRIPTOR_KEY = re.compile(
    r"\s(?:" + "|".join(sorted(normalize_name(w) for w in _KIND_WORDS)) + ")$"
)


@lru_cache(maxsize=100_000)
def _stem(key: str) -> str:
    """A name's key without the kind of place it names: "Karak district" and "Karak"
    are one name, and a name is no evidence for itself."""
    return _DESCRIPTOR_KEY.sub("", key)


def _town_over_division(cands: list[Place], scores: list[float], best: int) -> int:
    """A bare "Aleppo" is the city, not the governorate named after it.

    Not in the US, where a state's name means the state ("New York lawmakers").
    """
    p = cands[best]
    if not _is_admin1(p) or p.country_code == "US":
        return best
    for i, q in enumerate(cands):
        if (
            q.feature_class == "P"
            and q.country_code == p.country_code
            # the city of the division's name, or its town under another spelling
            # ("Chittagong" division, Chattogram city)
            and normalize_name(p.name) in (normalize_name(q.name), normalize_name(q.admin1))
            and q.population >= 0.1 * max(p.population, 1)
            and scores[i] > scores[best] - 2.0
        ):
            return i
    return best


def _containers(text: str, mentions: list[_Mention]) -> dict[int, list[_Mention]]:
    """For each mention, the mentions that the text says contain it."""
    out: dict[int, list[_Mention]] = {}
    for i, (a, b) in enumerate(zip(mentions, mentions[1:], strict=False)):
        gap = text[a.end : b.start]
        if len(gap) < 60 and _CONTAINED.match(gap):
            out.setdefault(id(a), []).append(b)
            # "X in Haiti's Artibonite department": the possessed division holds X
            later = mentions[i + 2] if i + 2 < len(mentions) else None
            if later is not None and _POSSESSOR_GAP.match(text[b.end : later.start]):
                out[id(a)].insert(0, later)
        elif _POSSESSOR_GAP.match(gap):  # "Kharkiv's Kyivskyi district", "Russia's Kursk"
            out.setdefault(id(b), []).append(a)
    return out


_POSSESSOR_GAP = re.compile(r"^['\u2019]s\s+$")


def _main_country(text: str, mentions: list[_Mention], demonyms: Counter[str]) -> str:
    """The country most of the text's places are in; a reading that would stand on its
    own counts twice (a stray match of a group's name, "Ansar" for a Russian hamlet, does
    not outvote a town of the report's country)."""
    readings = [m for m in mentions if m.best >= 0]
    standing = [m for m in readings if _keep(text, m, "")]
    counts = Counter(m.cands[m.best].country_code for m in readings + standing)
    counts.update(demonyms)
    return counts.most_common(1)[0][0] if counts else ""


def _outside_its_container(text: str, m: _Mention, containers: dict[int, list[_Mention]]) -> bool:
    """ "X in Y" or "X, Y province" with Y a country or division, and X read (the best reading the context
    gave it) in another country: a place the index lacks, coded like an unknown one, to
    its container (a village of Mopti region is not the German city an alias of its name
    points to)."""
    if m.best < 0:
        return False
    place = m.cands[m.best]
    if _is_region(place):
        return False
    for c in containers.get(id(m), []):
        if c.best < 0 or c.start < m.end:
            continue
        gap = text[m.end : c.start]
        # "X in Y"; "X, Y state" (a comma alone may list two places, but not before a
        # name the words after call a division)
        if not (re.search(r"\bin\b", gap) or (gap.strip() in (",", "(") and c.cue == "province")):
            continue
        holder = c.cands[c.best]
        if _is_region(holder) and holder.country_code != place.country_code:
            return True
    return False


_BRACKET_OPEN = re.compile(
    r"^\s*(?:township|town|village|city|district|county|commune|municipality|area)?\s*\(\s*$",
    re.I,
)
_BRACKET_LIST = re.compile(r"^\s*,\s*$")


def _bracket_pairs(text: str, mentions: list[_Mention]) -> set[int]:
    """Mentions in the "Town (District, Province)" shape of notes and wire copy, where
    the bracket holds a division of the same country as the name before it: the shape
    says both are places, whatever a tagger reads in them. In "Kisumu (Kisumu)" the
    name before the bracket is the town, the one inside it the division."""
    paired: set[int] = set()
    for a, b in zip(mentions, mentions[1:], strict=False):
        if a.best < 0 or b.best < 0 or not _BRACKET_OPEN.match(text[a.end : b.start]):
            continue
        inner = [b]
        for prev, nxt in zip(
            mentions[mentions.index(b) :], mentions[mentions.index(b) + 1 :], strict=False
        ):
            if nxt.best < 0 or not _BRACKET_LIST.match(text[prev.end : nxt.start]):
                break
            inner.append(nxt)
        if not re.match(r"^\s*\)", text[inner[-1].end : inner[-1].end + 3]):
            continue
        town = a.cands[a.best]
        divisions = [
            c for c in inner if _is_region(c.cands[c.best]) and not _is_country(c.cands[c.best])
        ]
        if not divisions or any(
            c.cands[c.best].country_code != town.country_code for c in divisions
        ):
            continue
        paired.update(id(m) for m in (a, *inner))
        if _is_region(town) and fold(a.text) == fold(b.text):
            # one name for the town and its division: the bracket holds the division
            towns = [
                i
                for i, p in enumerate(a.cands)
                if p.feature_class == "P" and p.country_code == town.country_code
            ]
            if towns:
                a.best = towns[0]
    return paired


def _lone_short_alias(m: _Mention, mentions: list[_Mention]) -> bool:
    """A short name (four letters or fewer) matched only as another place's alternate
    name, in a country no other place of the text is in ("Ber" read as Veroia): too
    little to place it; an empty field beats a guess."""
    if m.best < 0 or " " in m.text or "-" in m.text or len(fold(m.text)) > 4:
        return False
    place = m.cands[m.best]
    if _is_region(place) or _bears_name(m):
        return False
    return not any(
        o is not m and o.best >= 0 and o.cands[o.best].country_code == place.country_code
        for o in mentions
    )


def _inside_town(text: str, m: _Mention, containers: dict[int, list[_Mention]]) -> Place | None:
    """The town whose part the mention names ("Kharkiv's Kyivskyi district"), when the
    mention's own reading lies elsewhere: a district of a city the index lacks."""
    if m.best < 0:
        return None
    place = m.cands[m.best]
    for c in containers.get(id(m), []):
        if c.best < 0 or c.end > m.start or not _POSSESSOR_GAP.match(text[c.end : m.start]):
            continue
        town = c.cands[c.best]
        if town.feature_class != "P" or place.feature_class == "L":
            continue
        if haversine_km(place.latitude, place.longitude, town.latitude, town.longitude) > 30:
            return town
    return None


def _containment(p: Place, container: Place) -> float:
    if _is_country(container):
        return (
            _W_CONTAIN if p.country_code == container.country_code and not _is_country(p) else 0.0
        )
    if _is_admin1(container):
        same = p.country_code == container.country_code and fold(p.admin1) == fold(container.admin1)
        return _W_CONTAIN if same and p is not container else 0.0
    d = haversine_km(p.latitude, p.longitude, container.latitude, container.longitude)
    return _W_CONTAIN * math.exp(-d / 60.0) if p is not container else 0.0


def _is_region(p: Place) -> bool:
    return _is_country(p) or _is_admin1(p)


def _holds(region: Place, others: list[Place]) -> float:
    """1 when another place of the document lies inside the country or division: a
    region's point says little about how close it is to the places it holds."""
    for q in others:
        if q is region or q.country_code != region.country_code or _is_country(q):
            continue
        if _is_country(region) or fold(q.admin1) == fold(region.admin1):
            return 1.0
    return 0.0


def _nearness(p: Place, others: list[Place]) -> float:
    """Closeness to the nearest other place of the document, 1 at 0 km, ~0.37 at 150 km."""
    best = 1e9
    cos_lat = math.cos(math.radians(p.latitude))
    for q in others:
        if q is p:
            continue
        # Equirectangular distance: exact enough at the scale that matters here.
        dx = (p.longitude - q.longitude) * cos_lat
        dy = p.latitude - q.latitude
        d2 = dx * dx + dy * dy
        if d2 < best:
            best = d2
    if best >= 1e9:
        return 0.0
    return math.exp(-math.sqrt(best) * 111.2 / 150.0)


def _country_code_of(name: str, gaz: Gazetteer) -> str | None:
    for p in gaz.candidates(name):
        if _is_country(p):
            return p.country_code
    return None


def _confidence(m: _Mention) -> float:
    if m.best < 0 or not m.scores:
        return 0.0
    top = m.scores[m.best]
    z = sum(math.exp(s - top) for s in m.scores)
    return round(1.0 / z, 3)


def _to_mention(m: _Mention) -> PlaceMention:
    place = m.cands[m.best] if m.best >= 0 else None
    precision = m.precision
    if place is not None and place.feature_class == "A" and precision < 3:
        precision = 3  # a division or a country is coded as a region
    if place is not None and m.cue == "part of" and place.feature_class != "A":
        precision = 2  # "northern Hama" (the town): part of the town
    return PlaceMention(
        start=m.start,
        end=m.end,
        text=m.text,
        place=place,
        geo_precision=precision,
        score=_confidence(m),
        cue=m.cue,
    )


def _keep(text: str, m: _Mention, doc_cc: str) -> bool:
    """Drop weak single-word matches that are more likely ordinary words or names."""
    if m.best < 0:
        return False
    p = m.cands[m.best]
    if m.cue and not m.agent_cue:
        return True
    if _person_context(text, m):
        return False
    if " " in m.text or "-" in m.text:
        return True
    if p.feature_class == "A":
        return True
    if p.country_code == doc_cc:
        return p.population > 0 or m.start == 0 or text[m.start - 1] != "\n"
    return p.population >= 20_000


# --------------------------------------------------------------------- the API

# spaCy's entity labels, as (start, end, label) with offsets into the article text.
Entity = tuple[int, int, str]


class _EntityIndex:
    """spaCy's entities as evidence on whether a gazetteer match is a place.

    The small English model is reliable on people in ordinary news but tags many
    towns PERSON or ORG, so a context cue ("the village of"), a place label on
    another mention of the same name (one sense per document), or a country or
    division outweighs its label.
    """

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.entities = sorted(entities)
        self._starts = [e[0] for e in self.entities]
        self.placed: set[str] = set()  # names with place evidence somewhere in the text
        self.person_words: set[str] = set()

    def covering(self, start: int, end: int) -> list[Entity]:
        i = bisect.bisect_left(self._starts, start - 400)
        out = []
        for e in self.entities[i:]:
            if e[0] >= end:
                break
            if start < e[1]:
                out.append(e)
        return out

    def learn(self, text: str, mentions: Iterable[_Mention]) -> None:
        # Words of people's names: "Moore said" after "John Moore" is the person.
        self.person_words = {
            w
            for a, b, label in self.entities
            if label == "PERSON" and " " in text[a:b].strip()
            for w in fold(text[a:b]).split()
        }
        for m in mentions:
            labels = {label for a, b, label in self.covering(m.start, m.end)}
            if _place_cue(m) or labels & _PLACE_LABELS:
                self.placed.add(normalize_name(m.text))

    def supports(self, text: str, m: _Mention, doc_cc: str, all_toponyms: bool) -> bool:
        p = m.cands[m.best]
        if _place_cue(m):
            return True
        labels = self.covering(m.start, m.end)
        if any(label in _PLACE_LABELS for _, _, label in labels):
            return True
        wider = [e for e in labels if e[0] < m.start or e[1] > m.end]
        if any(label == "PERSON" for _, _, label in wider):
            return False  # part of a person's name: "Antony Blinken"
        single = " " not in m.text and normalize_name(m.text) not in self.placed
        if single and fold(m.text) in self.person_words and not (_is_country(p) or _is_admin1(p)):
            return False
        if p.country_code == doc_cc and _IN_BEFORE.search(text, max(0, m.start - 6), m.start):
            return True  # "officials in Lashkar Gah": a name of the report's country after "in"
        # One word that no place bears as its own name, only as an alias
        # ("Passover", an old name of a US town) or, abroad, as a respelling
        # ("Holy" for Holly): a toponym only with a place label or a cue.
        # (Respellings at home are how transliterated village names arrive.)
        abbreviated = "." in text[m.start : m.end + 1]  # "Phila.", "N.Y."
        respelt_at_home = (
            normalize_name(m.text) == normalize_name(p.name) and p.country_code == doc_cc
        )
        if single and not (_is_region(p) or abbreviated or respelt_at_home or _bears_name(m)):
            return False
        if " " not in m.text and _common_word(text, m.text):
            return False  # "Public", "House": written in lower case elsewhere in the text
        named = [e for e in wider if e[2] in _NAME_LABELS]
        if named:
            # "the Ohio Department of Health", "Gainesville police", "University of
            # Florida": a place named inside an organisation's name is a toponym when
            # it modifies the name, but not as the name's own head ("University of",
            # "White House") nor in a school or a club named after a town.
            a, b = named[0][0], named[0][1]
            head = re.match(r"\s+of\b", text[m.end : m.end + 4]) or (
                m.end >= b - 1 and not re.search(r"\b(?:of|in)\s+$", text[a : m.start])
            )
            known = _is_country(p) or _is_admin1(p) or p.population >= 10_000
            supported = normalize_name(m.text) in self.placed or p.country_code == doc_cc
            if head or not (known or supported):
                return False
            if all_toponyms:
                return True
            last = fold(text[a:b]).split()[-1:]
            return not (last and last[0] in _INSTITUTIONS)
        if normalize_name(m.text) in self.placed:
            return True
        person = any(label == "PERSON" for _, _, label in labels)
        if _is_country(p) or _is_admin1(p):
            return not person
        # A city of 100,000 is rarely anything else, whatever the model's label.
        if p.population >= 100_000:
            return True
        # A name of the report's own country that the model reads as an
        # organisation or a people, or does not read as a name at all.
        if not person and p.country_code == doc_cc:
            return True
        return " " in m.text and not labels

    def demonym(self, start: int, end: int) -> bool:
        """An adjectival toponym spaCy also reads as a nationality or a place."""
        labels = self.covering(start, end)
        return any(label in ("NORP", "GPE", "LOC") for _, _, label in labels)


_IN_BEFORE = re.compile(r"\b[Ii]n\s+$")


def _bears_name(m: _Mention) -> bool:
    """Some candidate is called what the text says: its own name, or a division's
    name without its kind ("Preble" for Preble County)."""
    said = fold(m.text)
    for p in m.cands:
        name = fold(p.name)
        if name == said or (p.feature_class == "A" and name.startswith(said + " ")):
            return True
    return False


def _common_word(text: str, word: str) -> bool:
    """The word is an ordinary one in this text: it also occurs in lower case."""
    low = word.lower()
    if low == word:
        return False
    return re.search(rf"(?<![\w-]){re.escape(low)}(?![\w-])", text) is not None


_NAME_LABELS = frozenset({"ORG", "FAC", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})
# Last words of names of institutions that are often named after a town.
_INSTITUTIONS = words(
    """
    school schools college university academy institute hospital clinic church cathedral
    mosque temple synagogue club team stadium league society association foundation
    company corporation inc ltd bank hotel restaurant museum library
    """
)
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def entities_of(sentences: Iterable[Any]) -> list[Entity]:
    """The named entities of parsed sentences (`nlp.Sentence`), in article offsets."""
    out: list[Entity] = []
    for sentence in sentences:
        span = sentence.span
        shift = sentence.start - span.start_char
        for ent in span.ents:
            out.append((ent.start_char + shift, ent.end_char + shift, ent.label_))
    return out


def text_entities(texts: Sequence[str]) -> list[list[Entity]]:
    """Parse texts with the shared spaCy pipeline and return each one's entities."""
    from frontlines.nlp import sentences_of

    return [entities_of(sentences) for sentences in sentences_of(texts)]


def find_place_mentions(
    text: str,
    *,
    country_hint: str | None = None,
    gazetteer: Gazetteer | None = None,
    entities: Sequence[Entity] | None = None,
    all_toponyms: bool = False,
    not_places: Sequence[tuple[int, int]] = (),
) -> list[PlaceMention]:
    """Toponyms in `text`, resolved together; in text order.

    `entities` are spaCy's named entities of the text (`entities_of`): evidence for
    and against a name being a place. Without them recognition reads the text alone.
    By default the mentions are candidate event sites, coded as ACLED codes them (a
    division to its main town). With `all_toponyms`, every toponym a geoparser
    annotates comes out as itself: adjectival ones ("Russian", "Kenyans") resolved
    to their country (cue "demonym"), names inside institutions' names, and
    divisions at their own point. `not_places`: (start, end) spans known to name no
    place (an armed group's name: "Al-Shabaab" is not Shabab in Iran); a name inside
    one is not read.
    """
    gaz = gazetteer or get_gazetteer()
    demonym_spans: list[tuple[int, int, Place]] = []
    mentions, demonym_votes = _recognise(text, gaz, demonym_spans)
    if not_places:
        mentions = [
            m for m in mentions if not any(a <= m.start and m.end <= b for a, b in not_places)
        ]
    evidence = _EntityIndex(entities) if entities is not None else None
    for m in mentions:
        _set_cues(text, m)
        if not all_toponyms and _water_body(text, m):
            # "a ship in the Red Sea": the sea, not Sudan's Red Sea state; a sea the
            # index lacks, coded like an unknown place ("off Hodeidah": that town)
            m.cands = []
    if evidence is not None:
        evidence.learn(text, mentions)
    _resolve(text, mentions, demonym_votes, country_hint, gaz)
    doc_cc = (country_hint or "").upper() or _main_country(text, mentions, demonym_votes)
    containers = _containers(text, mentions)
    paired = _bracket_pairs(text, mentions)
    out = []
    for m in mentions:
        if m.street:
            if all_toponyms:  # a geoparser annotates streets as toponyms, unplaced here
                out.append(PlaceMention(m.start, m.end, m.text, None, 1, 0.0, "street"))
            continue
        # a short alias alone abroad is no reading; inside a place the text names it
        # is a village the index lacks, coded to that place like an unknown one
        lone = m.cands and _lone_short_alias(m, mentions)
        if lone and not containers.get(id(m)):
            continue
        if m.cands and not lone and not _outside_its_container(text, m, containers):
            if _keep(text, m, doc_cc) and (
                evidence is None
                or id(m) in paired
                or evidence.supports(text, m, doc_cc, all_toponyms)
            ):
                town = _inside_town(text, m, containers)
                if town is None:
                    out.append(_to_mention(m))
                else:  # coded to the town, as ACLED codes a part of one (precision 2)
                    conf = _confidence(m) / 2
                    out.append(PlaceMention(m.start, m.end, m.text, town, 2, conf, "near"))
            continue
        # A village the gazetteer lacks, inside or near a place it has: ACLED codes
        # the event to that place with precision 2 ("Kafr Dariyan ... outskirts of Idlib").
        near = [
            c
            for c in containers.get(id(m), [])
            if c.best >= 0
            # ", the US military said": a country that names who speaks holds nothing
            and not (_is_country(c.cands[c.best]) and _OFFICE_AFTER.match(text, c.end))
        ]
        if near:
            c = near[0]
            place = c.cands[c.best]
            precision = 3 if place.feature_class == "A" else 2
            if not all_toponyms and _is_country(place):
                # "a village in northern Burkina Faso": that part of the country
                part = _code_region(text, _to_mention(c), gaz)
                place = part.place or place
            out.append(
                PlaceMention(m.start, m.end, m.text, place, precision, _confidence(c) / 2, "near")
            )
        else:
            out.append(PlaceMention(m.start, m.end, m.text, None, 1, 0.0, "unknown place"))
    if not all_toponyms:
        return [
            _code_region(text, _capital_of(text, mention, gaz), gaz)
            for mention in out
            if not _country_as_modifier(text, mention, gaz)
        ]
    for start, end, region in demonym_spans:
        if evidence is None or evidence.demonym(start, end):
            out.append(PlaceMention(start, end, text[start:end], region, 3, 1.0, "demonym"))
    out.sort(key=lambda mention: mention.start)
    return out


# "the Red Sea", "the Indian Ocean": a sea's name shared by a division ("Red Sea state")
# names the water, unless a division word follows; the gazetteer holds no seas.
_WATER_WORD = re.compile(r"\b(?:Sea|Ocean)$")
_THE_BEFORE = re.compile(r"\bthe\s+$", re.I)


def _water_body(text: str, m: _Mention) -> bool:
    """A sea or ocean named as such ("in the Red Sea"), which is no event site here."""
    if not _WATER_WORD.search(m.text) or not _THE_BEFORE.search(
        text[max(0, m.start - 5) : m.start]
    ):
        return False
    return not re.match(rf"^(?:['\u2019]s)?\s+{_REGION_WORDS}\b", text[m.end : m.end + 30])


# "US secretary of state", "Sudan army", "Russia's defence ministry": a country's
# name that qualifies an office or a force names who acts, not where.
_OFFICE_AFTER = re.compile(
    r"(?:['\u2019]s)?\s+(?:(?:top|chief|former|new|deputy|foreign|defen[cs]e|interior|state|"
    r"special|senior|military|security|armed|government|national)\s+)*"
    r"(?:secretary|president|prime|premier|minister|ministry|envoy|ambassador|embassy|"
    r"officials?|spokes(?:man|woman|person)|government|authorities|forces|troops|army|"
    r"military|navy|soldiers|diplomats?|intelligence|department|senators?|lawmakers|"
    r"congress|parliament|leaders?|delegation|counterpart|administration|regime|"
    r"mission|command|officers?|all(?:y|ies)|backers?|partners?|loyalists?|prox(?:y|ies))\b",
    re.I,
)


def _country_as_modifier(text: str, mention: PlaceMention, gaz: Gazetteer) -> bool:
    """A country, or its capital standing for its government ("a Damascus ally", "Kyiv
    officials"), that qualifies an office, a force or an ally: who acts, not where."""
    place = mention.place
    if place is None or mention.cue:
        return False
    if not (place.feature_code.startswith("PCL") or place.geonameid in gaz.capital_ids()):
        return False
    return _OFFICE_AFTER.match(text, mention.end) is not None


_CAPITAL_OF = re.compile(r"^['’]s?\s+capital\b", re.I)


def _capital_of(text: str, mention: PlaceMention, gaz: Gazetteer) -> PlaceMention:
    """'Haiti's capital': the country's capital city, not the country."""
    place = mention.place
    if place is None or not place.feature_code.startswith("PCL"):
        return mention
    tail = _CAPITAL_OF.match(text[mention.end : mention.end + 12])
    capital = gaz.capital(place.country_code) if tail else None
    if tail is None or capital is None:
        return mention
    end = mention.end + tail.end()
    return replace(
        mention, end=end, text=text[mention.start : end], place=capital, geo_precision=1,
        cue="capital",
    )  # fmt: skip


_COMPASS = re.compile(
    r"\b(?P<ns>north|south)?(?:ern)?[- ]?(?P<ew>east|west)?(?:ern)?(?P<c>central)?[\s-]+$", re.I
)


# "Israel's north" (the part itself; not "Iraq's western Anbar province", which names a
# place in that part)
_POSSESSED_PART = re.compile(
    r"['’]s\s+(?:far\s+)?(?P<part>north|south|east|west)\b(?![-\w])"
    r"(?=\s*(?:[,.;:)]|$)|\s+(?:on|in|of|and|at|near|where|with|from|to|as|after|before|since|"
    r"for|during|while|that|which|by|overnight|late|early)\b)",
    re.I,
)


def _code_region(text: str, mention: PlaceMention, gaz: Gazetteer) -> PlaceMention:
    """ACLED codes a region to its main town: "Aleppo Province" -> Aleppo,
    "northern Syria" -> the largest town of Syria's north (precision stays 3)."""
    place = mention.place
    if place is None or mention.geo_precision < 3:
        return mention
    seat: Place | None = None
    if place.feature_code in ADMIN1_CODES:
        seat = gaz.seat(place)
    elif place.feature_code.startswith("PCL"):
        compass = _COMPASS.search(text[max(0, mention.start - 20) : mention.start])
        # "Israel's north", "Lebanon's south": the part named after the possessive
        after = _POSSESSED_PART.match(text, mention.end)
        part: tuple[str, str] | None = None  # (north or south, east or west), "" for none
        if compass and (compass.group("ns") or compass.group("ew") or compass.group("c")):
            part = (compass.group("ns") or "", compass.group("ew") or "")
        elif after:
            part = (after.group("part"), after.group("part"))
        if part is not None:
            north = {"north": 1, "south": -1}.get(part[0].lower(), 0)
            east = {"east": 1, "west": -1}.get(part[1].lower(), 0)
            seat = gaz.direction_division(place.country_code, north, east)
            seat = seat or gaz.part_of_country(place.country_code, north, east)
    if seat is None:
        return mention
    return PlaceMention(
        mention.start, mention.end, mention.text, seat, 3, mention.score, mention.cue or "region"
    )


def resolve_spans(
    text: str,
    spans: Sequence[tuple[int, int]],
    *,
    country_hint: str | None = None,
    gazetteer: Gazetteer | None = None,
) -> list[PlaceMention]:
    """Resolve exactly the given character spans (one result each, in order)."""
    gaz = gazetteer or get_gazetteer()
    found, demonyms = _recognise(text, gaz)
    wanted: list[_Mention] = []
    for start, end in spans:
        phrase = text[start:end]
        end2 = _strip_possessive(text, start, end)
        cands = _span_candidates(text[start:end2], gaz)
        m = _Mention(start, end, phrase, cands, given=True)
        _set_cues(text, m)
        wanted.append(m)
    # Places the text names outside the given spans still inform the context.
    spans_set = {(s, e) for s, e in spans}
    context = [m for m in found if (m.start, m.end) not in spans_set and m.cands and not m.street]
    for m in context:
        _set_cues(text, m)
    everything = sorted([m for m in wanted if m.cands] + context, key=lambda m: m.start)
    _resolve(text, everything, demonyms, country_hint, gaz)
    return [_to_mention(m) for m in wanted]


_DESCRIPTORS = re.compile(
    r"\s+(?:province|governorate|city|town|village|district|county|region|oblast|state|countryside)$",
    re.I,
)


_DIVISION_WORD = re.compile(r"\s+(?:province|governorate|district|region|oblast)$", re.I)
_DIVISION_CODES = ADMIN1_CODES | _LOWER_DIVISIONS


def _span_candidates(phrase: str, gaz: Gazetteer) -> list[Place]:
    """Candidates for a given span, trying the forms a reporter's words come in."""
    phrase = phrase.strip()
    # "Ky" of "Ky.": a span may leave out the abbreviation's dot.
    abbr = gaz.abbreviation(phrase) or gaz.abbreviation(phrase + ".")
    if abbr is not None:
        return [abbr]
    # A demonym given as a toponym ("Russian", "Canadians") stands for its country,
    # even where a town shares the word (Canadian, Texas).
    cc = gaz.demonym(phrase)
    if cc:
        country = gaz.country(cc)
        if country:
            return [country]
    continent = gaz.continent_demonym(phrase)
    if continent is not None:
        return [continent]
    cands = gaz.candidates(phrase)
    bare = _DESCRIPTORS.sub("", phrase)
    if cands and _DIVISION_WORD.search(phrase):
        # "Karak district": a division called Karak, whatever kind the reporter
        # calls it (a governorate), competes with those named in full.
        known = {p.geonameid for p in cands}
        divisions = [p for p in gaz.candidates(bare) if p.feature_code in _DIVISION_CODES]
        return cands + [p for p in divisions if p.geonameid not in known]
    if cands:
        return cands
    if len(phrase) == 2 and phrase.isupper():
        # A US state's postal code ("Louisville, KY"), GeoNames' admin1 code for it.
        state = gaz.admin1_by_code("US", phrase)
        if state is not None:
            return [state]
    if bare != phrase:
        cands = gaz.candidates(bare)
        if cands:
            return cands
    low = fold(phrase)
    if low.startswith("the "):
        cands = gaz.candidates(phrase[4:])
        if cands:
            return cands
    return []


def places_records(
    docs: Iterable[dict[str, Any]], *, gazetteer_path: Path | None = None
) -> Iterator[dict[str, Any]]:
    """`frontlines places`: one record per toponym, given spans or found ones."""
    gaz = get_gazetteer(gazetteer_path)
    for doc in docs:
        text = doc.get("text") or ""
        doc_id = doc.get("id")
        given = doc.get("toponyms")
        if given is not None:
            spans = [(int(t["start"]), int(t["end"])) for t in given]
            mentions = resolve_spans(text, spans, gazetteer=gaz)
        else:
            # spaCy's entities are evidence; every toponym is listed as itself.
            entities = text_entities([text])[0]
            mentions = find_place_mentions(
                text, gazetteer=gaz, entities=entities, all_toponyms=True
            )
        for m in mentions:
            p = m.place
            yield {
                "id": doc_id,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "geonameid": p.geonameid if p else None,
                "latitude": p.latitude if p else None,
                "longitude": p.longitude if p else None,
                "country": p.country_code if p else None,
                "admin1": p.admin1 if p else None,
                "score": m.score,
                "geo_precision": m.geo_precision if p else None,
                "name": p.name if p else None,
            }
