"""Claims: who says who holds a place, who withdrew, how many died, and who denies it.

A claim is a statement, not an act: "the city has fallen back under the control of
the Syrian army" (al-Mayadeen) and "reports of the army's withdrawal are untrue" (the
Defence Ministry) are both kept, each with its source, outlet, date and sentence, and
linked as a contradiction where they disagree. Cue words are data
(`data/claims.yaml`, loaded by lexicon.py); a sentence's source, certainty, actors and
figures are the facts the event extractor reads (`facts.read_facts`), and clauses, dates
and places are cut by the same functions (facts.py), so a claim and an event read a
sentence alike. Storing claims and linking contradictions is `Store`'s; what makes two
claims disagree is decided here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from frontlines.actors import ActorMention, get_actor_kb
from frontlines.dates import find_date_cues
from frontlines.facts import (
    ARMED_INTERS,
    COORDINATED_PLACES,
    TOWN_ANAPHOR,
    SentenceFacts,
    TownSalience,
    clause_span,
    evidence_of,
    first_matches,
    home_forces,
    in_other_clause,
    in_sentence,
    is_possessor,
    looks_back,
    names_actor_or_source,
    nearest_cue,
    only_locates,
    phrase,
    read_facts,
    root_subject,
    source_words,
    unique_by,
)
from frontlines.lexicon import ClaimLexicon, Cue, get_claim_lexicon, get_lexicon
from frontlines.models import (
    Actor,
    Article,
    Claim,
    Event,
    PlaceMention,
)
from frontlines.nlp import Sentence

# A denial often comes days after the report it denies; a change of hands can be real
# from one day to the next, so two different holders only disagree about the same day.
DENIAL_WINDOW_DAYS = 3
HOLDER_WINDOW_DAYS = 0
# how far apart in days two stored claims may be and still be compared
CLAIM_WINDOW_DAYS = max(DENIAL_WINDOW_DAYS, HOLDER_WINDOW_DAYS)

# ---------------------------------------------------------------- extraction


@dataclass
class _Match:
    cue: Cue
    start: int
    end: int
    words: str


@dataclass
class _State:
    """What earlier sentences established: the story's town, its actors, its sources."""

    facts: Sequence[SentenceFacts] = ()  # of every sentence of the report (read_facts)
    towns: TownSalience = field(default_factory=TownSalience)
    last_claims: list[Claim] = field(default_factory=list)
    last_claims_index: int = -10
    leader: Actor | None = None  # who "the rebels" are, where the report says who leads them


_PLACE_ANAPHOR = re.compile(rf"{TOWN_ANAPHOR}|\bthere\b", re.I)
_PRONOUN_SUBJECT = {"they", "it", "he", "she", "them", "themselves", "its", "their"}
_FIRST_SECOND = re.compile(r"\b(?:we|our|us|your|you|my|i)\b", re.I)
_SECOND_OBJECT = re.compile(r"\s*,?\s*(?:and|as well as)\b[^,;.]{0,80}$", re.I)
_REPORTING_THAT = re.compile(
    r"\b(?:reporting|reported|reports?|claiming|claimed|claims?|alleging|alleged)\s+that\b", re.I
)


def extract_claims(
    article: Article,
    sentences: Sequence[Sentence],
    places: Sequence[PlaceMention],
    country: str = "",
    events: Sequence[Event] = (),
    *,
    facts: Sequence[SentenceFacts] | None = None,
) -> list[Claim]:
    """Every control, withdrawal and toll claim of one report, attributed, in text order.

    `places` are the resolved toponyms of the whole text and `country` (ISO2) the
    country the report is about, as the event extractor gets them; `events` (the
    report's events) let a toll point at the act it counts; `facts` (`read_facts`,
    computed here unless given) are the sentences' facts the events were read from.
    """
    lex = get_lexicon()
    home = home_forces(places, country)
    if facts is None:
        facts = read_facts(lex, sentences, country, home)
    in_scope = [p for p in places if _usable(p, country)]
    state = _State(
        facts=facts,
        towns=TownSalience.of_report(in_scope),
        leader=_opposition_leader(article.text, country, home),
    )
    found: list[Claim] = []
    for index, sentence in enumerate(sentences):
        text = sentence.text
        fact = facts[index]
        named = list(fact.mentions)
        sent_places = [
            p
            for p in in_sentence(in_scope, sentence)
            if not names_actor_or_source(
                lex, text, p.start - sentence.start, p.end - sentence.start, named
            )
        ]
        source, raw_source = fact.source, fact.raw_source
        background = looks_back(text, article.published, find_date_cues(text, article.published))
        if not sentence.heading and not background:
            sentence_claims = _sentence_claims(
                article, sentences, index, named, sent_places, source, raw_source, state, country,
                home,
            )  # fmt: skip
            sentence_claims += _tolls(article, sentence, fact, sent_places, events)
            if not any(c.kind != "killed" for c in sentence_claims):
                sentence_claims += _denial_of_earlier(article, sentence, index, fact, state)
            found.extend(unique_by(sentence_claims, lambda c: c.claim_id))
            control = [c for c in sentence_claims if c.kind != "killed"]
            if control:
                state.last_claims, state.last_claims_index = control, index
        state.towns.note(index, sentence.paragraph, sent_places)
    return found


def _usable(p: PlaceMention, country: str) -> bool:
    """A place a claim can be about: resolved, inside the report's country, below a country,
    and named by the text ("northern Syria" coded to Aleppo is no claim about Aleppo)."""
    from frontlines.gazetteer import normalize_name

    place = p.place
    if place is None or place.feature_code.startswith("PCL") or place.feature_code == "CONT":
        return False
    if country and place.country_code != country:
        return False
    if p.geo_precision >= 3:
        named = normalize_name(re.sub(r"['’]s$", "", p.text))
        return named in (normalize_name(place.name), normalize_name(place.admin1))
    return True


def _opposition_leader(text: str, country: str, home: Actor | None) -> Actor | None:
    """The named group a report says leads the opposition: "an alliance of insurgents
    led by HTS", "HTS-led rebels", "HTS and allied factions"."""
    clex = get_claim_lexicon()
    for mention in get_actor_kb().find(text, country, home, report=True):
        actor = mention.actor
        if actor.inter not in (2, 3, 4) or actor.key == "OPPOSITION":
            continue
        if clex.leader_before.search(text[max(0, mention.start - 60) : mention.start]) or (
            clex.leader_after.match(text[mention.end : mention.end + 40])
        ):
            return actor
    return None


def _find_cues(clex: ClaimLexicon, text: str) -> list[_Match]:
    return [
        _Match(cue, match.start(), match.end(), match.group(0))
        for cue, match in first_matches(clex.cues, lambda cue: cue.pattern, text)
    ]


def _sentence_claims(
    article: Article,
    sentences: Sequence[Sentence],
    index: int,
    named: list[ActorMention],
    sent_places: list[PlaceMention],
    source: str,
    raw_source: str,
    state: _State,
    country: str,
    home: Actor | None,
) -> list[Claim]:
    sentence = sentences[index]
    text = sentence.text
    lex = get_lexicon()
    clex = get_claim_lexicon()
    matches = _find_cues(clex, text)
    if not matches:
        return []
    kb = get_actor_kb()
    mentions = [m for m in named if m.actor.inter in ARMED_INTERS or m.actor.inter == 7]
    for pattern, key in clex.subject_aliases:
        alias = kb.by_key(key)
        for found in pattern.finditer(text) if alias else ():
            if alias and not any(found.start() < m.end and m.start < found.end() for m in mentions):
                mentions.append(ActorMention(found.start(), found.end(), alias))
    mentions.sort(key=lambda m: m.start)
    out: list[Claim] = []
    for position, match in enumerate(matches):
        before = text[max(0, match.start - 60) : match.start]
        if clex.irrealis.search(before) and not clex.realis_to.search(before):
            continue  # "vowed to retake", "if rebels manage to capture it"
        if match.cue.kind == "controls" and clex.not_ground.match(text[match.end :]):
            continue  # "captured more Syrian troops"
        next_start = matches[position + 1].start if position + 1 < len(matches) else len(text)
        targets = _claim_places(text, sentence, match, next_start, sent_places, state)
        if not targets:
            continue
        subject = _subject(
            text, sentences, index, match, mentions, raw_source, state, country, home
        )
        if subject is None or subject.inter not in ARMED_INTERS:
            continue
        if subject.key == "OPPOSITION" and state.leader is not None:
            subject = state.leader
        c_start, c_end = clause_span(text, match.start)
        clause = text[c_start:c_end]
        negated = bool(clex.negation.search(before))
        denied = bool(lex.denied.search(clause)) or bool(
            clex.denial_of_reports.search(clause) and clex.reports.search(clause)
        )
        stance = "denies" if negated or denied else "asserts"
        attributed = source or "outlet"
        if not source and _REPORTING_THAT.search(text[: match.start]):
            attributed = _reporter(sentence) or "unnamed reports"
        claim_date = _claim_date(text, match, article.published)
        evidence = evidence_of(article, sentence, match.words)
        for target in targets:
            claim = Claim(
                article_id=article.id,
                kind=match.cue.kind,
                place_text=target.text,
                place=target.place,
                subject=subject,
                stance=stance,
                attributed_to=attributed,
                outlet=article.outlet or "",
                claim_date=claim_date,
                evidence=evidence,
                geo_precision=target.geo_precision,
            )
            out.append(claim)
            if denied and clex.reports.search(clause):
                # "news spread by armed groups about the army's withdrawal are untrue":
                # the denial carries the claim it denies, made by whoever spread it.
                by = clex.reports_by.search(clause)
                out.append(
                    replace(
                        claim,
                        stance="asserts",
                        attributed_to=source_words(by.group("src")) if by else "unnamed reports",
                    )
                )
    return out


def _reporter(sentence: Sentence) -> str:
    """Who a sentence says spread a report: the subject of its main verb."""
    subject = root_subject(sentence)
    return source_words(subject.text) if subject is not None else ""


def _claim_places(
    text: str,
    sentence: Sentence,
    match: _Match,
    next_start: int,
    sent_places: list[PlaceMention],
    state: _State,
) -> list[PlaceMention]:
    """The places a cue is about: after it (coordinated ones too) or before it."""
    s0 = sentence.start
    c_start, c_end = clause_span(text, match.start)
    after = [
        p
        for p in sent_places
        if match.end <= p.start - s0 < min(next_start, c_end)
        # "Russia's Kursk region": the possessor only contains the place after it
        and not is_possessor(text, p.end - s0)
    ]
    before = [
        p
        for p in sent_places
        if c_start <= p.start - s0
        and p.end - s0 <= match.start
        # "Khanasir, 80 km south-east of Aleppo": Aleppo only locates the town
        and not only_locates(text, p.start - s0)
    ]
    anaphor_after = _PLACE_ANAPHOR.search(text[match.end : min(next_start, c_end, match.end + 50)])
    anaphor_before = _PLACE_ANAPHOR.search(text[max(c_start, match.start - 60) : match.start])
    if match.cue.place == "after":
        if after and not (
            anaphor_after and anaphor_after.start() < after[0].start - s0 - match.end
        ):
            chosen = [after[0]]
            objects = [after[0]]  # heads of their own noun phrase, never mere locators
            for prev, nxt in zip(after, after[1:], strict=False):
                between = text[prev.end - s0 : nxt.start - s0]
                if COORDINATED_PLACES.fullmatch(between):
                    chosen.append(nxt)
                    continue
                if _SECOND_OBJECT.match(between) and not _has_verb(
                    sentence, prev.end - s0, nxt.start - s0
                ):
                    # "captured most of Aleppo as well as towns in Idlib province"
                    chosen.append(nxt)
                    objects.append(nxt)
                    continue
                break
            # a region right after a town only locates it ("Khanasir, Aleppo province");
            # regions in a row are each claimed ("Idlib and Aleppo provinces")
            return [
                p
                for i, p in enumerate(chosen)
                if p.geo_precision < 3 or p in objects or chosen[i - 1].geo_precision >= 3
            ]
        if anaphor_after:
            town = state.towns.salient()
            return [town] if town else []
        if re.match(r"\s+it\b", text[match.end :]) and before:
            return before[-1:]  # "after the insurgents had taken it"
        if before:
            return before[-1:]  # "Hama was captured by the rebels"
        if match.cue.kind == "withdrew":
            # "said they had withdrawn their troops": from where the story is
            town = state.towns.salient()
            return [town] if town else []
        return []
    if before and not (
        anaphor_before
        and anaphor_before.start() + max(c_start, match.start - 60) > before[-1].end - s0
    ):
        return before[-1:]
    if anaphor_before:
        town = state.towns.salient()
        return [town] if town else []
    return after[:1]


def _has_verb(sentence: Sentence, start: int, end: int) -> bool:
    base = sentence.span.start_char
    return any(start <= t.idx - base < end and t.pos_ in ("VERB", "AUX") for t in sentence.span)


def _preferred(mentions: list[ActorMention]) -> Actor | None:
    """The actor a subject phrase names: a named group over the generic opposition
    ("an alliance of insurgents led by HTS" is HTS)."""
    armed = [m.actor for m in mentions if m.actor.inter in ARMED_INTERS]
    if not armed:
        others = [m.actor for m in mentions]
        return others[0] if others else None
    named = [a for a in armed if a.key != "OPPOSITION"]
    return named[0] if named else armed[0]


def _subject(
    text: str,
    sentences: Sequence[Sentence],
    index: int,
    match: _Match,
    mentions: list[ActorMention],
    raw_source: str,
    state: _State,
    country: str,
    home: Actor | None,
) -> Actor | None:
    kb = get_actor_kb()
    cue = match.cue
    if cue.subject == "after":
        after = [m for m in mentions if match.end <= m.start <= match.end + 80]
        return _preferred(after[:1])
    if cue.subject == "inside":
        inside = [m for m in mentions if match.start <= m.start and m.end <= match.end]
        if inside:
            return _preferred(inside)
        for iso, _n in sorted(kb.country_votes(match.words).items()):
            forces = kb.state_forces(iso)
            if forces is not None:
                return forces
        found = kb.find(match.words, country, home)
        return _preferred(found)
    # "the army's withdrawal": the possessor
    possessor = [
        m
        for m in mentions
        if m.end <= match.start and re.fullmatch(r"['’]s?\s*", text[m.end : match.start])
    ]
    if possessor:
        return possessor[-1].actor
    # "withdrawal of Russian troops from ..."
    of_actor = re.match(r"\s+of\s+", text[match.end :])
    if of_actor:
        following = [m for m in mentions if m.start == match.end + of_actor.end()]
        if following:
            return following[0].actor
    span = _grammatical_subject(sentences[index], match.start)
    if span is not None:
        s_start, s_end, words = span
        # a parse may cut a long name ("Hayat Tahrir | al-Sham"): a mention starting
        # inside the subject belongs to it
        inside = [m for m in mentions if s_start <= m.start < s_end]
        if inside:
            return _preferred(inside)
        if words.lower() in _PRONOUN_SUBJECT:
            earlier = [m for m in mentions if m.end <= s_start and m.actor.inter in ARMED_INTERS]
            if earlier:
                return earlier[-1].actor  # "insurgents ... where they are advancing"
            return _earlier_subject(sentences, index, state.facts)
        if _FIRST_SECOND.search(words) or _in_quote(text, match.start):
            speaker = _preferred(kb.find(raw_source, country, home)) if raw_source else None
            if speaker is not None:
                return speaker  # "your brothers have started entering the city", the leader said
    clause_start = clause_span(text, match.start)[0]
    earlier = [m for m in mentions if clause_start <= m.start and m.end <= match.start]
    if earlier:
        return _preferred(earlier[-1:])
    return None


def _in_quote(text: str, position: int) -> bool:
    return (text[:position].count("“") > text[:position].count("”")) or text[:position].count(
        '"'
    ) % 2 == 1


def _grammatical_subject(sentence: Sentence, offset: int) -> tuple[int, int, str] | None:
    """(start, end, words) of the subject of the verb or noun at `offset`, in sentence
    coordinates: climbing through conjoined, auxiliary and clausal heads
    ("launched an offensive ... and took control of Aleppo")."""
    span = sentence.span
    base = span.start_char
    token = next((t for t in span if t.idx - base >= offset), None)
    if token is None:
        return None
    for _ in range(8):
        words_span = None
        if token.dep_ == "xcomp":
            # object control: "pushing the army to withdraw" - the army withdrew
            obj = next((c for c in token.head.children if c.dep_ == "dobj"), None)
            words_span = phrase(obj) if obj is not None else None
        for child in token.children if words_span is None else ():
            if child.dep_ in ("nsubj", "poss"):
                words_span = phrase(child)
                break
            if child.dep_ == "agent" and child.i < child.right_edge.i:
                words_span = child.doc[child.i + 1 : child.right_edge.i + 1]  # without "by"
                break
        if words_span is not None:
            return words_span.start_char - base, words_span.end_char - base, words_span.text
        if token.head is token or token.dep_ == "ROOT":
            return None
        token = token.head
    return None


def _earlier_subject(
    sentences: Sequence[Sentence], index: int, facts: Sequence[SentenceFacts]
) -> Actor | None:
    """What "they" refers to at the start of a sentence: the subject of the one before."""
    for back in (1, 2):
        if index - back < 0:
            return None
        sentence = sentences[index - back]
        mentions = facts[index - back].mentions
        subject = root_subject(sentence)
        if subject is not None:
            base = sentence.span.start_char
            s, e = subject.start_char - base, subject.end_char - base
            inside = [m for m in mentions if s <= m.start and m.end <= e]
            if inside:
                return _preferred(inside)
        armed = [m for m in mentions if m.actor.inter in ARMED_INTERS]
        if armed:
            return _preferred(armed)
    return None


def _claim_date(text: str, match: _Match, published: date | None) -> date | None:
    """The day the claim is about: the nearest date cue in its clause, else publication."""
    cues = [c for c in find_date_cues(text, published) if not in_other_clause(text, c, match.start)]
    c_start, c_end = clause_span(text, match.start)
    cues = [c for c in cues if c_start <= c.start < c_end]
    if not cues:
        return published
    nearest = nearest_cue(cues, match.start)
    return nearest.event_date if nearest else published


def _tolls(
    article: Article,
    sentence: Sentence,
    fact: SentenceFacts,
    sent_places: list[PlaceMention],
    events: Sequence[Event],
) -> list[Claim]:
    """Casualty tolls: "at least 242 people have been killed, according to SOHR"."""
    figures = fact.figures_of(tolls=True)
    if not figures:
        return []
    source = fact.source
    stance = "denies" if fact.certainty == "denied" else "asserts"
    own = [
        e
        for e in events
        if e.fatalities_stated and any(ev.start == sentence.start for ev in e.evidence)
    ]
    out = []
    for offset, words, value in figures:
        event = next((e for e in own if e.fatalities == value), own[0] if own else None)
        place: PlaceMention | None = None
        if event is not None and event.place is not None:
            place = PlaceMention(0, 0, event.location_text, event.place, event.geo_precision)
        elif sent_places:
            s0 = sentence.start
            place = min(sent_places, key=lambda p: abs(p.start - s0 - offset))
        out.append(
            Claim(
                article_id=article.id,
                kind="killed",
                place_text=place.text if place else "",
                place=place.place if place else None,
                subject=event.actor1 if event else None,
                stance=stance,
                attributed_to=source or "outlet",
                outlet=article.outlet or "",
                claim_date=event.event_date if event else article.published,
                evidence=evidence_of(article, sentence, words),
                quantity=value,
                geo_precision=place.geo_precision if place else 3,
                event_id=event.event_id if event else "",
            )
        )
    return out


def _denial_of_earlier(
    article: Article,
    sentence: Sentence,
    index: int,
    fact: SentenceFacts,
    state: _State,
) -> list[Claim]:
    """ "The military dismissed the reports": it denies what was claimed just before."""
    clex = get_claim_lexicon()
    if not clex.denial_of_reports.search(sentence.text) or index - state.last_claims_index > 2:
        return []
    if fact.certainty != "denied":
        return []
    source, raw_source = fact.source, fact.raw_source
    evidence = evidence_of(article, sentence, "denial")
    # "The military dismissed the reports": whoever denies is not who reported, so an
    # anaphor ("the military") is read as its own words, not as the last source
    denier = source or "outlet"
    if any(denier == c.attributed_to for c in state.last_claims):
        denier = raw_source or denier
    return [
        replace(
            claim,
            stance="denies",
            attributed_to=denier,
            evidence=evidence,
            claim_date=claim.claim_date,
        )
        for claim in state.last_claims
        if claim.stance == "asserts"
    ]


# ---------------------------------------------------------------- comparing claims


def place_key(claim: Claim) -> str:
    """Claims about the same place share this key (the gazetteer id where there is one)."""
    from frontlines.gazetteer import normalize_name

    if claim.place is not None:
        if claim.place.geonameid:
            return f"gn:{claim.place.geonameid}"
        return f"pt:{claim.place.latitude:.2f},{claim.place.longitude:.2f}"
    return f"name:{normalize_name(claim.place_text)}"


def camp(key: str) -> str:
    """The side of a front an actor is on (data/claims.yaml `camps`)."""
    return get_claim_lexicon().camps.get(key, key)


def position(claim: Claim) -> str:
    """What a claim says, in words two claims can be grouped by."""
    who = claim.subject.key if claim.subject else "unknown"
    if claim.kind == "controls":
        return f"held by {who}" if claim.stance == "asserts" else f"not held by {who}"
    if claim.kind == "withdrew":
        return f"{who} withdrew" if claim.stance == "asserts" else f"{who} did not withdraw"
    number = claim.quantity if claim.quantity is not None else "?"
    return f"{number} killed" if claim.stance == "asserts" else f"not {number} killed"


def holds(claim: Claim) -> tuple[str, bool] | None:
    """(camp, whether it holds the place) as the claim has it; withdrawing is not holding."""
    if claim.subject is None or claim.kind == "killed":
        return None
    held = (claim.kind == "controls") == (claim.stance == "asserts")
    return camp(claim.subject.key), held


def conflict(a: Claim, b: Claim) -> str:
    """Why two control or withdrawal claims disagree ("" when they do not)."""
    if a.kind == "killed" or b.kind == "killed" or place_key(a) != place_key(b):
        return ""
    if a.claim_date is None or b.claim_date is None:
        return ""
    gap = abs((a.claim_date - b.claim_date).days)
    same_sentence = a.article_id == b.article_id and a.evidence.start == b.evidence.start
    ha, hb = holds(a), holds(b)
    if ha is None or hb is None:
        return ""
    if a.kind == b.kind and ha[0] == hb[0] and a.stance != b.stance and gap <= DENIAL_WINDOW_DAYS:
        return "asserted and denied"
    if same_sentence or gap > HOLDER_WINDOW_DAYS:
        # one sentence telling a change ("overran government-held areas") is no dispute
        return ""
    if ha[0] == hb[0] and ha[1] != hb[1]:
        return "held and given up"
    if ha[0] != hb[0] and ha[1] and hb[1]:
        return "different holders"
    return ""


def toll_conflict(a: Claim, b: Claim) -> str:
    """Two tolls of one act (the caller knows it is one) that give different figures."""
    if a.kind != "killed" or b.kind != "killed" or a.quantity == b.quantity:
        return ""
    if a.attributed_to == b.attributed_to and a.outlet == b.outlet:
        return ""
    return "different tolls"


# ---------------------------------------------------------------- serialisation


def claim_record(claim: Claim) -> dict[str, Any]:
    """The JSON line of `frontlines claims` for one claim."""
    place = claim.place
    return {
        "type": "claim",
        "claim_id": claim.claim_id,
        "kind": claim.kind,
        "position": position(claim),
        "stance": claim.stance,
        "subject": claim.subject.key if claim.subject else None,
        "subject_name": claim.subject.name if claim.subject else None,
        "quantity": claim.quantity,
        "place": place.name if place else claim.place_text,
        "place_text": claim.place_text,
        "admin1": place.admin1 if place else "",
        "country": place.country if place else "",
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "geonameid": place.geonameid if place else None,
        "geo_precision": claim.geo_precision,
        "attributed_to": claim.attributed_to,
        "outlet": claim.outlet,
        "date": claim.claim_date.isoformat() if claim.claim_date else None,
        "article_id": claim.article_id,
        "event_id": claim.event_id or None,
        "evidence": asdict(claim.evidence),
    }


@dataclass(frozen=True)
class Side:
    position: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Contradiction:
    """Claims about one place and question that disagree, grouped by what each side says."""

    contradiction_id: str
    place_key: str
    place: str
    question: str
    reasons: tuple[str, ...]
    sides: tuple[Side, ...]

    @property
    def claims(self) -> tuple[Claim, ...]:
        return tuple(c for side in self.sides for c in side.claims)

    def to_record(self) -> dict[str, Any]:
        dates = sorted(c.claim_date for c in self.claims if c.claim_date)
        return {
            "type": "contradiction",
            "contradiction_id": self.contradiction_id,
            "place": self.place,
            "place_key": self.place_key,
            "question": self.question,
            "reasons": list(self.reasons),
            "date_earliest": dates[0].isoformat() if dates else None,
            "date_latest": dates[-1].isoformat() if dates else None,
            "sides": [
                {
                    "position": side.position,
                    "claims": [
                        {
                            "claim_id": c.claim_id,
                            "stance": c.stance,
                            "subject": c.subject.key if c.subject else None,
                            "quantity": c.quantity,
                            "attributed_to": c.attributed_to,
                            "outlet": c.outlet,
                            "date": c.claim_date.isoformat() if c.claim_date else None,
                            "article_id": c.article_id,
                            "evidence": c.evidence.text,
                        }
                        for c in side.claims
                    ],
                }
                for side in self.sides
            ],
        }


def disputing(claims: Sequence[Claim]) -> tuple[set[str], set[str]]:
    """(ids of the claims that still contradict another one, the reasons) among the
    claims left on a dispute's sides."""
    keep: set[str] = set()
    reasons: set[str] = set()
    for i, a in enumerate(claims):
        for b in claims[i + 1 :]:
            reason = conflict(a, b) or (toll_conflict(a, b) if a.event_id and b.event_id else "")
            if reason and position(a) != position(b):
                keep.update((a.claim_id, b.claim_id))
                reasons.add(reason)
    return keep, reasons


def contradiction(
    key: str, one: str, two: str, reasons: Iterable[str], members: Sequence[Claim]
) -> Contradiction | None:
    """The dispute about place `key` between positions `one` and `two`, from the claims
    on its sides (None when fewer than two positions are left)."""
    members = sorted(
        members, key=lambda c: (c.claim_date or date.min, c.article_id, c.evidence.start)
    )
    sides: dict[str, list[Claim]] = {}
    for claim in members:
        sides.setdefault(position(claim), []).append(claim)
    if len(sides) < 2:
        return None
    first = members[0]
    where_name = first.place.name if first.place else first.place_text
    kinds = {c.kind for c in members}
    if kinds == {"killed"}:
        question = f"how many were killed at {where_name}"
    elif kinds == {"withdrew"} and first.subject is not None:
        question = f"did {first.subject.key} withdraw from {where_name}"
    else:
        question = f"who holds {where_name}"
    ident = hashlib.sha256("|".join((key, one, two)).encode()).hexdigest()[:16]
    return Contradiction(
        contradiction_id=ident,
        place_key=key,
        place=where_name,
        question=question,
        reasons=tuple(sorted(reasons)),
        sides=tuple(Side(p, tuple(cs)) for p, cs in sides.items()),
    )


# ---------------------------------------------------------------- control timeline


@dataclass(frozen=True)
class ControlDay:
    """One day of `frontlines control`: what was claimed about who holds the place."""

    day: date
    claims: tuple[Claim, ...]
    contradictions: tuple[Contradiction, ...]
    last_holder: str  # the holder last claimed on or before this day ("" if none)

    def to_record(self, place: str) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "place": place,
            "holder": self.last_holder or None,
            "new_claims": [
                {
                    "position": position(c),
                    "attributed_to": c.attributed_to,
                    "outlet": c.outlet,
                    "evidence": c.evidence.text,
                }
                for c in self.claims
            ],
            "contradictions": [x.to_record() for x in self.contradictions],
        }


def control_timeline(
    claims: Sequence[Claim], contradictions: Sequence[Contradiction], max_days: int = 366
) -> list[ControlDay]:
    """Day by day from the first claim to the last: the claims of each day, the holder
    last claimed (a withdrawal leaves it to the other camp where one was claimed), and
    the disputes those claims are part of."""
    control = [c for c in claims if c.kind != "killed" and c.claim_date]
    if not control:
        return []
    by_day: dict[date, list[Claim]] = {}
    for claim in control:
        assert claim.claim_date is not None
        by_day.setdefault(claim.claim_date, []).append(claim)
    first, last = min(by_day), max(by_day)
    last = min(last, first + timedelta(days=max_days))
    disputes_of: dict[str, list[Contradiction]] = {}
    for x in contradictions:
        for c in x.claims:
            disputes_of.setdefault(c.claim_id, []).append(x)
    days = []
    holder = ""
    day = first
    while day <= last:
        todays = by_day.get(day, [])
        held = [c for c in todays if (h := holds(c)) is not None and h[1]]
        if held:
            keys = dict.fromkeys(c.subject.key for c in held if c.subject)
            holder = " / ".join(keys)
        elif any((h := holds(c)) is not None and not h[1] for c in todays):
            gone = {c.subject.key for c in todays if c.subject}
            holder = f"not {' / '.join(sorted(gone))}" if holder in gone or not holder else holder
        seen: dict[str, Contradiction] = {}
        for c in todays:
            for x in disputes_of.get(c.claim_id, []):
                seen.setdefault(x.contradiction_id, x)
        days.append(ControlDay(day, tuple(todays), tuple(seen.values()), holder))
        day += timedelta(days=1)
    return days


def format_timeline(place: str, days: Sequence[ControlDay]) -> Iterator[str]:
    """Human lines for `frontlines control`."""
    yield f"Control of {place}: who is claimed to hold it, by whom, day by day"
    quiet_from: ControlDay | None = None
    for i, day in enumerate(days):
        if not day.claims:
            quiet_from = quiet_from or day
            if i + 1 < len(days) and not days[i + 1].claims:
                continue
            span = f"{quiet_from.day}" + (f" .. {day.day}" if quiet_from.day != day.day else "")
            yield f"{span}  no new claims; last claimed: {day.last_holder or 'nobody'}"
            quiet_from = None
            continue
        yield f"{day.day}  claimed holder: {day.last_holder or 'unclear'}"
        for claim in day.claims:
            yield f"    {position(claim):28} according to {who_says(claim)}: {_short(claim)}"
        for x in day.contradictions:
            sides = " vs ".join(
                f"{side.position} [{', '.join(sorted({who_says(c) for c in side.claims}))}]"
                for side in x.sides
            )
            yield f"    CONTRADICTED ({', '.join(x.reasons)}): {sides}"


def who_says(claim: Claim) -> str:
    """The source and outlet of a claim for reading ("SOHR / Rudaw"): the outlet alone
    when the report says it in its own voice, and the document where no outlet is known,
    so no line shows an empty name."""
    source = "" if claim.attributed_to == "outlet" else claim.attributed_to
    outlet = claim.outlet or f"document {claim.article_id}"
    return f"{source} / {outlet}" if source else outlet


def _short(claim: Claim) -> str:
    text = " ".join(claim.evidence.text.split())
    return text if len(text) <= 110 else text[:107] + "..."
