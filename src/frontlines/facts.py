"""Facts of one sentence that the event extractor and the claim reader both need,
computed one way for both: whom the sentence cites and how sure it is, where its clauses
break, which date cue belongs to a position, whether it looks back to an earlier year,
and what earlier sentences established (the last source, the town "the city" means).

Both `extract` and `claims` walk a report's sentences; what one of them reads here the
other reads the same way, so an event and a claim of one sentence never disagree about
its source, its certainty or its town.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

from frontlines.actors import ActorMention, get_actor_kb
from frontlines.dates import DateCue, is_background
from frontlines.figures import Figure, read_figures
from frontlines.lexicon import Lexicon
from frontlines.models import Actor, Article, Evidence, PlaceMention
from frontlines.nlp import Sentence
from frontlines.screen import Screen

T = TypeVar("T")

# ---------------------------------------------------------------- attribution and certainty


def _known_source(lex: Lexicon, text: str) -> str:
    for source in lex.sources:
        if source.pattern.search(text):
            return source.name
    return ""


_INVERTED_SOURCE = re.compile(
    r"[,\"”’]\s*(?:said|says|added|reported|noted|stated|claimed|announced|confirmed)\s+"
    r"(?:in a statement\s+)?(?P<src>(?:the |a |an )?[^,.;\"“”]+)",
    re.I,
)
_RELATIVE_START = re.compile(r"(?:whose|which|who|whom|that)\b", re.I)
_CLOSING_SOURCE = re.compile(
    r",\s*(?!(?:and|but|or|while|which|who|as)\b)(?P<src>(?:the |a |an )?[^,;\"“”]{2,70}?)"
    r"\s+(?<!\bwere )(?<!\bwas )(?<!\bbeen )(?<!\bare )(?<!\bis )(?<!\bbe )"
    r"(?:said|says|reported|told [\w ]{1,30}?|"
    r"added|stated|claimed|announced|confirmed)\b[^,;\"“”]{0,40}[.!]?\s*$",
    re.I,
)
# A dateline before the first sentence: "ERBIL, Kurdistan Region - ", "BEIRUT (AP) — "
# "BANGKOK, Aug 3 -", "KYIV (Reuters) -", "Goma, Jan 27 -": a place in capitals or a day
# before the dash (not "The Observatory - a monitor -", a source's own apposition)
_DATELINE = re.compile(
    r"^(?=[A-Z][A-Z'-]{2,}\b|[^-—–]{0,60}?\d)[A-Z][\w .,'()/-]{1,60}?\s[-—–](?:\s+|$)"
)


def source_words(text: str) -> str:
    """The words that name a source, tidied: no dateline or "a statement from", no
    surrounding punctuation, a leading article in lower case, at most 12 words."""
    text = _DATELINE.sub("", text.strip())
    text = re.sub(r"^(?:a |the )?statement (?:from|by|of)\s+", "", text, flags=re.I)
    text = re.sub(r"\s+", " ", text).strip(" ,.;:\"'“”‘’")
    text = re.sub(r"^(?:the|a|an)\s+", lambda m: m.group(0).lower(), text, flags=re.I)
    words = text.split()
    return " ".join(words[:12])


def find_attribution(lex: Lexicon, sentence: Sentence) -> tuple[str, str]:
    """(source, raw words) the sentence cites for what it reports, or ("", "")."""
    span = sentence.span
    subjects: list[str] = []
    # "..., killing 20 people, including children, a local group said on Friday.": the
    # closing reporting clause names the source (the parser may hang "said" elsewhere)
    closing = _CLOSING_SOURCE.search(sentence.text)
    if closing:
        subjects.append(closing.group("src"))
    for token in span:
        lemma = token.lemma_.lower()
        is_report = lemma in lex.reporting_verbs and token.pos_ in ("VERB", "AUX")
        if lemma == "issue" and any(c.lemma_ == "statement" for c in token.children):
            is_report = True
        if not is_report:
            continue
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.dep_ != "expl":
                if child.dep_ == "nsubjpass":
                    continue  # "were reported": no source named
                subjects.append(phrase(child).text)
            if child.dep_ == "agent":  # "as reported by X"
                words = span.doc[child.i + 1 : child.right_edge.i + 1].text
                subjects.append(words)
    according = re.search(
        r"\b(?:according to|as reported by|citing|cited by)\s+(?P<src>[^,;.\"“”()]+)",
        sentence.text,
        re.I,
    )
    if according:
        subjects.append(according.group("src"))
    # '"...", added the Observatory' / '..., said a statement from the army': the
    # parser often reads an inverted source as an object
    inverted = _INVERTED_SOURCE.search(sentence.text)
    if inverted:
        subjects.append(inverted.group("src"))
    for raw in subjects:
        words = source_words(raw)
        if not words or _RELATIVE_START.match(words):
            continue  # "whose leader had announced the plan": a relative clause's subject
        known = _known_source(lex, words)
        if known:
            return known, words
        if lex.anaphor.match(words):
            return "", words
        return words, words
    return "", ""


def find_certainty(lex: Lexicon, text: str) -> str:
    if lex.denied.search(text):
        return "denied"
    if lex.confirmed.search(text):
        return "confirmed"
    if lex.claimed.search(text):
        return "claimed"
    return "reported"


# Past perfect carries reported speech on from the sentence before.
REPORTED_SPEECH = re.compile(r"\bhad (?:been )?\w+(?:ed|en|ook|ought|ew)\b", re.I)


@dataclass
class SourceCarry:
    """Whom a report's sentences cite, sentence after sentence: an anaphor ("it added",
    "the ministry said") and a past perfect right after a cited sentence ("X told dpa
    that ... . The army had recaptured ...") carry the last named source on."""

    last: str = ""
    last_index: int = -10

    def read(self, lex: Lexicon, sentence: Sentence, index: int) -> tuple[str, str]:
        """(source, raw words) of sentence `index`: its own, else the one carried on."""
        source, raw = find_attribution(lex, sentence)
        if not source and raw:
            source = self.last or raw
        if not source and self.last_index == index - 1 and REPORTED_SPEECH.search(sentence.text):
            source = self.last
        if source:
            self.last, self.last_index = source, index
        return source, raw


# ---------------------------------------------------------------- the parse


def phrase(token: Any) -> Any:
    """The words a parsed token heads (its subtree), as a spaCy span."""
    return token.doc[token.left_edge.i : token.right_edge.i + 1]


def root_subject(sentence: Sentence) -> Any:
    """The subject phrase of a sentence's main verb (active or passive), or None."""
    for token in sentence.span:
        if token.dep_ == "ROOT":
            for child in token.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    return phrase(child)
    return None


# ---------------------------------------------------------------- actors

# ACLED's inter codes of armed actors: state forces, rebels, political and identity
# militias, external forces
ARMED_INTERS = (1, 2, 3, 4, 8)


def home_forces(places: Iterable[PlaceMention], country: str) -> Actor | None:
    """The state forces of the report's country (ISO2), which bare "the army" means;
    the country's name is taken from a resolved place of it."""
    name = next(
        (p.place.country for p in places if p.place and p.place.country_code == country), ""
    )
    return get_actor_kb().state_forces(country, name)


def sentence_mentions(text: str, country: str, home: Actor | None) -> list[ActorMention]:
    """The actors a sentence names, a loaded label merged into the group it frames."""
    return merge_framing(get_actor_kb().find(text, country, home))


def merge_framing(mentions: list[ActorMention]) -> list[ActorMention]:
    """'HTS Takfiri terrorists': the label frames the named group, it is not a second actor."""
    named = [m for m in mentions if m.actor.key not in ("OPPOSITION",) and m.actor.inter == 2]
    out: list[ActorMention] = []
    for m in mentions:
        if m.actor.key == "OPPOSITION" and m.framing:
            near = [n for n in named if 0 <= m.start - n.end <= 12]
            if near:
                group = near[-1]
                out.append(replace(group, framing=m.framing, start=m.start, end=m.end))
                continue
        out.append(m)
    return out


# ---------------------------------------------------------------- clauses and dates

# Where a clause ends for a claim: a semicolon, a sentence end, a contrast ("while",
# "but"), an appended clause (", adding").
_CLAUSE_END = re.compile(
    r";|\.\s|\s(?:while|whereas|but)\s|,\s*(?:and\s+)?(?:adding|while)\b", re.I
)


def clause_span(text: str, position: int) -> tuple[int, int]:
    """(start, end) of the main clause around `position`: between semicolons, sentence
    ends and contrasts; commas and reporting verbs do not cut it (`clause_before` does)."""
    start, end = 0, len(text)
    for match in _CLAUSE_END.finditer(text):
        if match.end() <= position:
            start = match.end()
        elif match.start() >= position:
            end = match.start()
            break
    return start, end


# Clause boundaries, reporting verbs included: in "the ministry said rebels attacked"
# the act's clause starts after "said".
CLAUSE_BREAK = re.compile(
    r"[,;:—–]|\b(?:as|while|after|when|but|and then|said|says|reported|claimed|announced|"
    r"stated|added|told \w+|confirmed|denied)\b(?:\s+that\b)?",
    re.I,
)


def clause_before(text: str, position: int) -> str:
    """The words of `position`'s clause before it: from the last clause break (a comma,
    a conjunction, a reporting verb) up to `position`."""
    head = text[:position]
    last = 0
    for match in CLAUSE_BREAK.finditer(head):
        last = match.end()
    return head[last:]


_SUBORDINATE = re.compile(r"\b(?:after|before|since|until|following)\b", re.I)


def in_other_clause(text: str, cue: DateCue, position: int) -> bool:
    """Whether `cue` lies in an after/before/since clause that does not hold the words
    at `position` ("recaptured X, 48 hours after rebels took it on 1 December")."""
    for marker in _SUBORDINATE.finditer(text):
        end_match = re.search(r"[,;:]", text[marker.end() :])
        end = marker.end() + end_match.start() if end_match else len(text)
        if marker.start() <= cue.start < end and not marker.start() <= position < end:
            return True
    return False


def nearest_cue(cues: Sequence[DateCue], position: int) -> DateCue | None:
    """The date cue whose start is nearest to `position` (the first on a tie)."""
    if not cues:
        return None
    return min(cues, key=lambda c: abs(c.start - position))


def looks_back(text: str, published: date | None, cues: Iterable[DateCue]) -> bool:
    """A sentence about an earlier year ("In 2016 the army retook the city"): background,
    unless one of its date cues falls in the year of publication."""
    if not is_background(text, published):
        return False
    return not any(published and c.earliest.year == published.year for c in cues)


# ---------------------------------------------------------------- places

DISTANCE_LOCATOR = re.compile(
    r"(?:kilomet(?:er|re)s?|km|miles)\s+(?:\(?[\w ]+\)?\s+)?(?:\w+[- ]?\w*\s+)?(?:of|from)\s+"
    r"(?:the (?:city|town|village) of\s+)?$",
    re.I,
)


def names_actor_or_source(
    lex: Lexicon, text: str, start: int, end: int, mentions: list[ActorMention]
) -> bool:
    """Whether the toponym at [start, end) of `text` is part of an actor's or a
    source's name ('al-Mayadeen', 'Syrian Observatory'), not a place of the report."""
    if any(m.start < end and start < m.end for m in mentions):
        return True
    window_start = max(0, start - 40)
    window = text[window_start : end + 40]
    for source in lex.sources:
        for match in source.pattern.finditer(window):
            if match.start() + window_start < end and start < match.end() + window_start:
                return True
    return False


def only_locates(text: str, start: int) -> bool:
    """Whether the place named at `start` only locates another one by a distance
    ("Khanasir, 80 km south-east of Aleppo": Aleppo is not where it happened)."""
    return bool(DISTANCE_LOCATOR.search(text[:start]))


# "the city", "the town": the town the story is about ("the city of X" names X)
TOWN_ANAPHOR = r"\bthe (?:city|town|village)\b(?!\s+of\b)"

# What stands between two places named as one list: "Idlib and Aleppo", "Homs, Hama",
# "Aleppo as well as in the town of Khanasir"
COORDINATED_PLACES = re.compile(
    r"\s*(?:,|and|, and|as well as|&|/|or)\s*(?:in\s+)?"
    r"(?:the (?:city|town|village|province) of\s*)?(?:in\s+)?",
    re.I,
)

# "Russia's Kursk region": a possessive right after a place name
_POSSESSIVE = re.compile(r"['’]s\s")


def country_as_agent(text: str, start: int, mention: PlaceMention) -> bool:
    """'talks mediated by Angola', 'a deal brokered by Qatar': a country as the doer of a
    passive is a party (its government), not where anything happened."""
    place = mention.place
    return bool(
        place is not None
        and place.feature_code.startswith("PCL")
        and re.search(r"\bby\s+(?:the\s+)?$", text[max(0, start - 12) : start])
    )


def is_possessor(text: str, end: int) -> bool:
    """Whether the place name ending at `end` of `text` is a possessor ("Russia's")."""
    return bool(_POSSESSIVE.match(text[end : end + 3]))


@dataclass
class TownSalience:
    """The town "the city" refers to at each point of a report: the town named most so
    far (the headline and lead count double, the latest wins a tie), and before any is
    named, the town the whole report names most."""

    weight: dict[str, float] = field(default_factory=dict)
    towns: dict[str, PlaceMention] = field(default_factory=dict)
    document_town: PlaceMention | None = None

    @classmethod
    def of_report(cls, places: Iterable[PlaceMention]) -> TownSalience:
        """A report's salience before its first sentence, from its places of interest
        (towns are those below a region: precision 1 or 2)."""
        towns = [p for p in places if p.place is not None and p.geo_precision < 3]
        named = Counter(p.place.name for p in towns if p.place is not None)
        salience = cls()
        if named:
            top = named.most_common(1)[0][0]
            salience.document_town = next(p for p in towns if p.place and p.place.name == top)
        return salience

    def note(self, index: int, paragraph: int, places: Iterable[PlaceMention]) -> None:
        """Count the towns sentence `index` (of `paragraph`) names."""
        for p in places:
            if p.geo_precision < 3 and p.place is not None:
                key = p.place.name
                weight = 2.0 if paragraph == 0 else 1.0  # headline and lead
                self.weight[key] = self.weight.get(key, 0.0) + weight + index * 1e-6
                self.towns[key] = p

    def salient(self) -> PlaceMention | None:
        if not self.weight:
            return self.document_town
        return self.towns[max(self.weight, key=lambda k: self.weight[k])]


def evidence_of(article: Article, sentence: Sentence, words: str) -> Evidence:
    """The evidence of a sentence: its text and offsets, and the words that told it."""
    return Evidence(sentence.text, sentence.start, sentence.end, article.id, words)


def in_sentence(places: Iterable[PlaceMention], sentence: Sentence) -> list[PlaceMention]:
    """The place mentions that lie inside `sentence` (mentions carry text offsets)."""
    return [p for p in places if p.start >= sentence.start and p.end <= sentence.end]


# ---------------------------------------------------------------- one sentence's facts


@dataclass(frozen=True)
class SentenceFacts:
    """What a sentence says whatever acts or claims are read from it: computed once per
    sentence (`read_facts`), read alike by the event extractor and the claim reader."""

    source: str  # whom it cites, carried on from the sentences before (SourceCarry)
    raw_source: str  # the words that name the source ("the group" for an anaphor)
    certainty: str  # reported | claimed | confirmed | denied
    mentions: tuple[ActorMention, ...]  # the actors it names, before anaphora resolve
    figures: tuple[Figure, ...]  # its figures of dead, running tolls marked

    def figures_of(self, *, tolls: bool) -> list[tuple[int, str, int]]:
        """(offset, words, number) of its figures; running tolls only with `tolls`."""
        return [(f.offset, f.words, f.value) for f in self.figures if tolls or not f.running]


def read_facts(
    lex: Lexicon, sentences: Sequence[Sentence], country: str, home: Actor | None
) -> list[SentenceFacts]:
    """The facts of each sentence of a report, in order; `country` (ISO2) and `home`
    (its state forces) are the report's, for the actors."""
    carry = SourceCarry()
    out = []
    for index, sentence in enumerate(sentences):
        source, raw = carry.read(lex, sentence, index)
        out.append(
            SentenceFacts(
                source=source,
                raw_source=raw,
                certainty=find_certainty(lex, sentence.text),
                mentions=tuple(sentence_mentions(sentence.text, country, home)),
                figures=tuple(read_figures(sentence.text, sentence.span)),
            )
        )
    return out


# ---------------------------------------------------------------- small helpers


def first_matches(
    entries: Iterable[T], pattern: Callable[[T], re.Pattern[str]], text: str
) -> list[tuple[T, re.Match[str]]]:
    """The matches of each entry's pattern in `text`, entries taken in the order given
    (the most specific first): a match overlapping one already taken is left out. In
    text order."""
    found: list[tuple[T, re.Match[str]]] = []
    for entry in entries:
        for match in pattern(entry).finditer(text):
            if any(match.start() < m.end() and match.end() > m.start() for _, m in found):
                continue
            found.append((entry, match))
    found.sort(key=lambda pair: pair[1].start())
    return found


# the screened entries of each owner (a lexicon) by its id, the owner kept alive with them
_SCREENED: dict[tuple[int, str], tuple[object, Any]] = {}


def screened_first_matches(
    owner: object,
    name: str,
    entries: Callable[[], Iterable[T]],
    pattern: Callable[[T], re.Pattern[str]],
    text: str,
) -> list[tuple[T, re.Match[str]]]:
    """`first_matches` of `entries()` (fixed for `owner`, a lexicon, and `name`): the
    entries whose pattern cannot match the text (`Screen`) are left out unrun, which
    changes no match (an entry with no match takes nothing from the others)."""
    key = (id(owner), name)
    kept = _SCREENED.get(key)
    if kept is None or kept[0] is not owner:
        listed = list(entries())
        kept = _SCREENED[key] = (owner, (listed, Screen(pattern(e) for e in listed)))
    listed, screen = kept[1]
    alive = screen.alive(text)
    return first_matches([e for e in listed if id(pattern(e)) in alive], pattern, text)


def unique_by(items: Iterable[T], key: Callable[[T], Hashable]) -> list[T]:
    """`items` without repeats: the first of each key, in order."""
    seen: set[Hashable] = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out
