"""From parsed sentences to ACLED events: triggers, actors, places, dates, numbers, sources.

Rule-based and explainable: every field of an event comes from a matched span
(trigger, actor, toponym, date cue, number, source) or is left empty, and each
decision records the rule that made it (see `Trace`, used by `frontlines explain`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from frontlines.actors import ActorMention, ActorTracker, get_actor_kb
from frontlines.dates import DateCue, find_date_cues
from frontlines.facts import (
    ARMED_INTERS,
    CLAUSE_BREAK,
    COORDINATED_PLACES,
    TOWN_ANAPHOR,
    SentenceFacts,
    TownSalience,
    clause_before,
    country_as_agent,
    evidence_of,
    home_forces,
    in_other_clause,
    is_possessor,
    looks_back,
    names_actor_or_source,
    nearest_cue,
    only_locates,
    read_facts,
    screened_first_matches,
    unique_by,
)
from frontlines.figures import find_fatalities as find_fatalities  # re-exported
from frontlines.gazetteer import get_gazetteer, haversine_km
from frontlines.lexicon import Lexicon, Trigger, get_lexicon, get_token_triggers
from frontlines.models import SUB_TO_TYPE, Actor, Article, Event, Place, PlaceMention
from frontlines.nlp import Sentence

# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class ExtractConfig:
    """Knobs of the extractor; defaults are what `frontlines analyze` uses."""

    aggregate: bool = True  # ACLED: one event per act, place and day
    carry_sentences: int = 2  # how far back a place or actor may be inherited
    classifier: bool = True  # the learned sentence classifier beside the rules
    veto_none: float = 0.7  # P(no event) from which a sentence's triggers are no act
    # In a long report the rules read a sentence with its context (the act carried on,
    # retold, dated by the sentence before); the classifier reads it alone, so it
    # needs more certainty there to overrule them.
    veto_none_in_context: float = 0.97
    override_subtype: float = 0.5  # P(sub-type) from which it replaces the rule's
    create_event: float = 0.6  # P(sub-type) from which a sentence without triggers is an act
    # P(event type) from which an act the rules find no fit parties for is still coded
    # (unnamed perpetrators, a detainee of unknown standing), with ACLED's default parties
    vouch_political: float = 0.6
    # P(event type) an act with no toponym in reach needs in a long report
    placeless_in_context: float = 0.5
    # an act dated this many days before the report is background (ACLED codes it from
    # the reports of its own day)
    background_days: int = 30


@dataclass
class Trace:
    """What one sentence yielded and which rule produced each piece (for `explain`)."""

    sentence: Sentence
    triggers: list[tuple[str, str, str]] = field(default_factory=list)  # words, sub, rule
    actors: list[tuple[str, str, str]] = field(default_factory=list)  # words, key, framing
    places: list[tuple[str, str, int]] = field(default_factory=list)  # words, place, precision
    dates: list[tuple[str, str, int]] = field(default_factory=list)  # words, date, precision
    numbers: list[tuple[str, int]] = field(default_factory=list)
    source: str = ""
    certainty: str = ""
    skipped: list[tuple[str, str]] = field(default_factory=list)  # words, why
    decisions: list[tuple[str, str]] = field(default_factory=list)  # words, rule that kept it
    fields: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # words, field->rule
    events: list[Event] = field(default_factory=list)
    verdict: tuple[str, float] | None = None  # the classifier's label and its probability


# ---------------------------------------------------------------- attribution

# ---------------------------------------------------------------- the extractor


@dataclass
class _Candidate:
    trigger: Trigger
    start: int
    end: int
    words: str
    sub: str
    negated: bool = False  # "did not enter": reported as not having happened


@dataclass
class _Context:
    """What earlier sentences established: discourse carried forward."""

    last_date: DateCue | None = None
    last_places: list[tuple[int, PlaceMention]] = field(default_factory=list)  # (sent idx, m)
    last_site: PlaceMention | None = None  # where the last act told was placed
    towns: TownSalience = field(default_factory=TownSalience)  # the town "the city" means
    last_event_sentence: int = -10
    last_actor1: tuple[Actor, ...] = ()
    # the parties and sub-type of the last fight (battle or riot) the report told
    last_fight: tuple[tuple[Actor, ...], tuple[Actor, ...], str] | None = None
    last_actor1_index: int = -10
    last_air: int = -10
    last_events: list[int] = field(default_factory=list)  # indices into events
    salience: Counter[str] = field(default_factory=Counter)  # actor keys named in the report
    home: Actor | None = None  # state forces of the report's country
    country: str = ""  # ISO2 of the report's country
    long_report: bool = False  # more sentences than a snippet: asides and background
    # a denial told before the act it denies ("Russia denied it had struck the hospital"
    # ... "Ukraine says Russia struck the hospital"): its sentence and the days it names
    pending_denial: tuple[int, Sentence, frozenset[date]] | None = None
    crowds_out: bool = False  # the report has told a protest or a riot


def _find_triggers(lex: Lexicon, text: str, span: Any = None) -> list[_Candidate]:
    """Trigger words of a sentence: the regular expressions of triggers.yaml first,
    then the lemma patterns of trigger_patterns.yaml on words they left."""
    found = [
        _Candidate(trig, match.start(), match.end(), match.group(0), trig.sub)
        for trig, match in screened_first_matches(
            lex,
            "triggers",
            lambda: sorted(lex.triggers, key=lambda t: -t.priority),
            _pattern_of,
            text,
        )
    ]
    if span is not None:
        found.extend(_token_triggers(span, text, found))
    found.sort(key=lambda c: c.start)
    # "killed", "the killing of": what another act of the sentence did, not an act
    # (a participle describing a noun, "three detained men", tells no other act)
    # (nor does an act told in a relative clause, "the men they had abducted": it says
    # who the victims were, and the killing is the sentence's own act)
    if any(
        not c.trigger.consequence
        and not _describes_a_noun(span, c)
        and not _in_relative_clause(span, c)
        for c in found
    ):
        found = [c for c in found if not c.trigger.consequence]
    return found


# Sub-types whose act kills no one by itself: a figure of dead beside one of them and a
# violent act belongs to the violent act.
_NOT_LETHAL = frozenset(
    {
        "Looting/property destruction",
        "Arrests",
        "Agreement",
        "Headquarters or base established",
        "Change to group/activity",
        "Non-violent transfer of territory",
        "Peaceful protest",
        "Protest with intervention",
        "Disrupted weapons use",
    }
)


_DENY_LEMMAS = frozenset({"deny", "reject", "dismiss", "refute"})
# Verbs of a denied clause that deny the act or a part in it ("denied that its forces
# were involved", "that any strike took place", "that it had carried out the raid").
_VERBS_OF_THE_ACT = frozenset(
    {"be", "involve", "happen", "occur", "take", "carry", "conduct", "participate", "launch",
     "stage", "commit", "order", "cause", "target", "play"}
)  # fmt: skip


def _denies_a_detail(sentence: Sentence) -> bool:
    """The sentence's denial takes a clause with a verb of its own ("denied that officers
    had fired live rounds"), not the act, the report or a pronoun ("denied the reports",
    "denied it", "denied any involvement")."""
    if sentence.span is None:
        return False
    for token in sentence.span:
        if token.lemma_.lower() in _DENY_LEMMAS and token.pos_ == "VERB":
            return any(
                c.dep_ == "ccomp"
                and c.pos_ in ("VERB", "AUX")
                and c.lemma_.lower() not in _VERBS_OF_THE_ACT
                for c in token.children
            )
    return False


def _against_the_host(external: Actor, country: str) -> bool:
    """A state's forces abroad that fight the host state (Russia's in Ukraine), not beside
    it (Russia's in Syria): ACLED codes their gains as a foreign actor overtaking
    territory, and a host's ally regaining it as the government."""
    kb = get_actor_kb()
    host = kb.state_forces(country) if country else None
    return host is not None and host.key != external.key and not kb.same_side(external, host)


def _described_spans(span: Any) -> list[tuple[int, int]]:
    """Offsets (in the sentence) of the words of attributive participles on a noun ("a
    classmate killed by police"): acts that describe someone, not acts of the sentence.
    (Not relative clauses: "protesters who were shot" tells what befell the crowd.)"""
    if span is None:
        return []
    out = []
    base = span.start_char
    for token in span:
        if _attributive_participle(token):
            words = list(token.subtree)
            out.append((words[0].idx - base, words[-1].idx + len(words[-1].text) - base))
    return out


def _without_described_acts(span: Any, text: str) -> str:
    """The sentence with the words of `_described_spans` blanked (offsets kept)."""
    for lo, hi in _described_spans(span):
        text = text[:lo] + " " * (hi - lo) + text[hi:]
    return text


def _weapon_before(lex: Lexicon, text: str, cand: _Candidate) -> bool:
    """A shell, rocket, missile, drone or bomb named before the toll's words: the toll
    is that weapon's act ("A rocket hit the market, killing six")."""
    before = text[: cand.start]
    return bool(lex.ground_fire.search(before) or lex.air.search(before))


_CLASH_WORD = re.compile(r"clash|fought|fight|scuffle|skirmish|battled", re.I)


def _in_relative_clause(span: Any, cand: _Candidate) -> bool:
    """The trigger is the verb of a relative clause on a noun ("the workers they had
    abducted", "the village that was shelled"): it describes the noun."""
    token = _token_at(span, cand.start)
    return token is not None and token.dep_ == "relcl"


def _describes_a_noun(span: Any, cand: _Candidate) -> bool:
    """The trigger is one participle before the noun it describes ("the detained men",
    "a wounded soldier"): an attribute of the noun, no act of this sentence."""
    if " " in cand.words:
        return False
    token = _token_at(span, cand.start)
    return token is not None and _attributive_participle(token)


def _attributive_participle(token: Any) -> bool:
    """ "the detained men" (before its noun), or "justice for a classmate killed by
    police" (after a noun that is the object of another word: not a headline's "Five
    people killed in blast", whose noun is the whole line)."""
    if token.tag_ != "VBN" and not (token.tag_ == "JJ" and token.lower_.endswith(("ed", "en"))):
        return False
    head = token.head
    if head.pos_ not in ("NOUN", "PROPN"):
        return False
    if token.dep_ == "amod":
        return head.i > token.i
    return (
        token.dep_ == "acl"
        and head.i < token.i
        and head.dep_ in ("pobj", "dobj")
        # a headline has no finite verb: "Dozens of schoolgirls kidnapped in Zamfara" is
        # told by its participle
        and any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in token.sent)
    )


def _pattern_of(trigger: Trigger) -> re.Pattern[str]:
    assert trigger.pattern is not None  # the triggers of triggers.yaml are patterns
    return trigger.pattern


def _token_triggers(span: Any, text: str, taken: list[_Candidate]) -> list[_Candidate]:
    by_name, matcher = get_token_triggers()
    s0 = span.start_char
    doc = span.doc
    hits: list[_Candidate] = []
    matches = matcher(span)
    ranked = sorted(matches, key=lambda m: (-by_name[doc.vocab.strings[m[0]]].priority, m[1]))
    for match_id, start, end in ranked:
        trigger = by_name[doc.vocab.strings[match_id]]
        first, last = doc[span.start + start], doc[span.start + end - 1]
        a, b = first.idx - s0, last.idx + len(last.text) - s0
        if any(a < c.end and b > c.start for c in taken + hits):
            continue
        hits.append(_Candidate(trigger, a, b, text[a:b], trigger.sub))
    return hits


def extract_events(
    article: Article,
    sentences: list[Sentence],
    places: list[PlaceMention],
    country: str = "",
    config: ExtractConfig | None = None,
    traces: list[Trace] | None = None,
    *,
    triggers: list[list[_Candidate]] | None = None,
    verdicts: list[Any] | None = None,
    facts: list[SentenceFacts] | None = None,
) -> list[Event]:
    """All events one article reports, ACLED-aggregated, each with its evidence.

    `places` are the resolved toponyms of the whole text; `country` (ISO2) is the
    country the report is about (bare "the army" means its state forces). `triggers`
    (`sentence_triggers`) and `verdicts` (the classifier's, on `worth_classifying`) are
    computed here unless given: the pipeline classifies many articles in one batch;
    so are `facts` (`read_facts`), which the claim reader reads too.
    """
    config = config or ExtractConfig()
    lex = get_lexicon()
    kb = get_actor_kb()
    ctx = _Context()
    ctx.home = home_forces(places, country)
    if facts is None:
        facts = read_facts(lex, sentences, country, ctx.home)
    ctx.country = country
    ctx.long_report = len(sentences) > SHORT_INPUT
    whole = kb.find(article.text, country, ctx.home, report=True)
    ctx.salience = Counter(m.actor.key for m in whole)
    # "the militants", "the group", "they": the last named actor
    tracker = ActorTracker(kb, ctx.home)
    tracker.prime(whole)
    ctx.towns = TownSalience.of_report(p for p in places if _in_country(p, country))
    events: list[Event] = []
    published = article.published
    place_countries = Counter(p.place.country_code for p in places if p.place)
    found = triggers if triggers is not None else sentence_triggers(sentences)
    if verdicts is None:
        verdicts = (
            sentence_verdicts(sentences, worth_classifying(sentences, found))
            if config.classifier
            else [None] * len(sentences)
        )
    for index, sentence in enumerate(sentences):
        trace = Trace(sentence)
        if traces is not None:
            traces.append(trace)
        text = sentence.text
        s0 = sentence.start
        fact = facts[index]
        mentions = tracker.read(text, list(fact.mentions))
        trace.actors = [(m.actor.mention, m.actor.key, m.framing) for m in mentions]
        sent_places = [
            p
            for p in places
            if p.start >= s0
            and p.end <= sentence.end
            and p.place
            and p.place.feature_code != "CONT"  # "the European Union" is no event site
            and not names_actor_or_source(lex, text, p.start - s0, p.end - s0, mentions)
            and not _stray_abroad(p, country, place_countries)
            and not country_as_agent(text, p.start - s0, p)
        ]
        trace.places = [
            (p.text, p.place.name if p.place else "", p.geo_precision) for p in sent_places
        ]
        if lex.new_story.match(text):
            # "Separately, ...": a new story, dated and placed by its own words
            ctx.last_date = None
            ctx.last_places.clear()
            trace.decisions.append(("new_story", "nothing carried over from the acts before"))
        anchor = ctx.last_date.event_date if ctx.last_date else published
        cues = find_date_cues(text, published, anchor)
        trace.dates = [(c.text, c.event_date.isoformat(), c.precision) for c in cues]
        figures = fact.figures_of(tolls=False)
        trace.numbers = [(words, value) for _, words, value in figures]
        source, _raw, certainty = fact.source, fact.raw_source, fact.certainty
        source = _group_as_source(lex, mentions, text, _raw) or source
        trace.source, trace.certainty = source, certainty
        if lex.air.search(text):
            ctx.last_air = index
        # A Title Case headline only retells the body, with less detail.
        candidates = found[index]
        verdict = verdicts[index]
        if verdict is not None:
            trace.verdict = (verdict.label, verdict.score)
            in_context = len(sentences) > SHORT_INPUT
            candidates = _with_verdict(candidates, verdict, sentence, in_context, config, trace)
        trace.triggers = [
            (c.words, c.sub, f"{c.trigger.rule}:{c.trigger.kind}") for c in candidates
        ]
        if candidates:
            mentions = _without_source(mentions, text, _raw, candidates[0].start)
        cumulative = bool(lex.cumulative.search(text))
        background = looks_back(text, published, cues)

        if background:
            # A look back in time ends the running narrative: nothing carries over it.
            ctx.last_places.clear()
            ctx.last_event_sentence = -10
            tracker.reset()

        # A denial with no act of its own denies the act reported just before, unless
        # what it denies is a clause of another thing ("denied that officers had fired
        # live rounds"): a detail contested, kept as evidence, the act still reported.
        if not candidates and certainty == "denied" and ctx.last_events:
            detail = _denies_a_detail(sentence)
            for event_index in ctx.last_events:
                old = events[event_index]
                events[event_index] = replace(
                    old,
                    certainty=old.certainty if detail else "denied",
                    attributed_to=old.attributed_to if detail else source or old.attributed_to,
                    evidence=old.evidence + (evidence_of(article, sentence, "denial"),),
                )
            if detail:
                trace.decisions.append(("denial", "a detail of the act denied, not the act"))
        # "Al-Shabaab claimed responsibility", "the hallmarks of Boko Haram": the doer of
        # the act told just before, where that act had none named
        doer = None
        if ctx.last_events and ctx.last_event_sentence >= index - 2 and not background:
            doer = named_perpetrator(lex, kb, text, mentions)
            if doer is not None:
                for event_index in ctx.last_events:
                    old = events[event_index]
                    if old.actor1 is None or kb.is_generic(old.actor1):
                        events[event_index] = replace(
                            old,
                            actor1=doer,
                            evidence=old.evidence + (evidence_of(article, sentence, "doer"),),
                        )
                        trace.decisions.append(
                            ("doer", f"{doer.key}: named as the doer after the act")
                        )
        new_event_indices: list[int] = []
        kept: list[_Candidate] = []
        for cand in candidates:
            why = ""
            before = clause_before(text, cand.start)
            if background:
                why = "background (earlier year)"
            elif (
                cumulative
                and cand.trigger.kind in ("fixed", "attack")
                and cand.sub == "Armed clash"
            ):
                why = "cumulative toll, not one act"
            elif (
                re.search(r"\bto\s+$", text[: cand.start])
                and cand.trigger.kind != "withdrawal"
                and not cand.words.split()[0].lower().endswith("ing")  # "resorted to firing"
                and not _done_in_doing(sentence, cand)
            ):
                why = "infinitive: a purpose, not a reported act"
            elif lex.irrealis.search(before[-90:]):
                why = "irrealis: a possibility, plan or threat (if/will/vowed...)"
            elif (
                cand.trigger.consequence
                and not any(
                    m.actor.inter != 7
                    and (
                        (
                            m.start < cand.start
                            and not _PASSIVE_SUBJECT.match(text, m.end, cand.start)
                        )
                        or _agent_after(text, cand, m)
                    )
                    for m in mentions
                )
                # "A shell landed on a market, killing six": the weapon named is the doer
                and not _weapon_before(lex, text, cand)
            ):
                why = "a toll with no doer named before it ('five were killed')"
            elif doer is not None and _definite_generic_act(text, cand):
                why = "the act told before, whose doer this sentence names ('blamed X for the attack')"
            elif lex.absence.search(before[-40:]):
                why = "absence: no such act (no/without...)"
            else:
                why = not_one_act(lex, sentence, cand, cues, before)
            if why:
                trace.skipped.append((cand.words, why))
                continue
            if kept and (
                _retells_earlier_act(text, cand) or _same_act_in_general_words(text, cand, kept)
            ):
                trace.skipped.append((cand.words, "retells the act named before it here"))
                continue
            if lex.negation.search(before[-40:]):
                # "the army did not enter the town": the act is reported and denied
                cand = replace(cand, negated=True)
                trace.skipped.append((cand.words, "negated: kept as denied"))
            kept.append(cand)
        # "Protesters marched", "clashed with protesters": the crowd takes part in the act
        # the clause names; it is an act of its own only where nothing else is
        # (unless the classifier named the crowd's act: "opened fire on protesters")
        crowd_nouns = [
            c
            for c in kept
            if _CROWD_NOUN.fullmatch(c.words)
            and c.sub == "Peaceful protest"
            and not c.trigger.rule.startswith("classifier")
        ]
        for crowd in crowd_nouns:
            if any(
                c is not crowd
                and not _CROWD_NOUN.fullmatch(c.words)
                and _same_clause(text, c, crowd)
                for c in kept
            ):
                kept.remove(crowd)
                trace.skipped.append((crowd.words, "a crowd taking part in the act named here"))
        # ...and where the classifier named the crowd's act, a fight word of its clause
        # ("opened fire on protesters") is that act, not a battle of its own
        named_crowds = [
            c for c in kept if _CROWD_NOUN.fullmatch(c.words) and c.trigger.kind == "protest"
        ]
        for fight in [c for c in kept if SUB_TO_TYPE[c.sub] == "Battles"]:
            if any(
                crowd.trigger.rule.startswith("classifier") and _same_clause(text, fight, crowd)
                for crowd in named_crowds
            ):
                kept.remove(fight)
                trace.skipped.append((fight.words, "the crowd's act, named by the classifier"))
        # "the attack began when gunmen entered the town": entering is how the attack
        # was made, not a taking of ground (ACLED's takeover needs control)
        acts = [c for c in kept if c.trigger.kind != "territory" and c.sub != "Other"]
        for entry in [c for c in kept if _ENTRY.fullmatch(c.words)]:
            if acts:
                kept.remove(entry)
                trace.skipped.append((entry.words, "entering as the way of the act named here"))
        # "shot and killed a chief", "attacked and killed": two verbs of one act
        for later in [c for c in kept if _coordinated_with_an_act(text, c, kept)]:
            kept.remove(later)
            trace.skipped.append((later.words, "the same act as the verb it is joined to"))
        # "raided the village before withdrawing": the doers leaving the scene of their act
        for leaving in [c for c in kept if _leaving_the_scene(text, c, kept)]:
            kept.remove(leaving)
            trace.skipped.append((leaving.words, "the doers leaving the scene of their act"))
        # "the army defused an IED planted on a road": the device is what was disrupted
        if any(c.sub == "Disrupted weapons use" for c in kept):
            for device in [c for c in kept if c.sub in (*_BOMBS, "Grenade")]:
                disrupted = next(c for c in kept if c.sub == "Disrupted weapons use")
                if _same_clause(text, disrupted, device) and disrupted.start < device.start:
                    kept.remove(device)
                    trace.skipped.append((device.words, "the device disrupted, not set off"))
        # "an explosion" beside the suicide bomber or grenade that caused it: one act
        specific_blast = [
            c
            for c in kept
            if SUB_TO_TYPE[c.sub] == "Explosions/Remote violence"
            and not _GENERIC_BLAST.fullmatch(c.words)
        ]
        if specific_blast:
            for blast in [c for c in kept if _GENERIC_BLAST.fullmatch(c.words)]:
                if SUB_TO_TYPE[blast.sub] == "Explosions/Remote violence":
                    kept.remove(blast)
                    trace.skipped.append((blast.words, "the blast of the act named here"))
        # Strike verbs beside an explicit act word ("launched air strikes") are the same act.
        explicit = [c for c in kept if c.trigger.kind != "strike"]
        kept = [
            c
            for c in kept
            if c.trigger.kind != "strike"
            or not any(abs(c.start - e.start) < 60 and e.sub != "Other" for e in explicit)
        ]
        # ...and so are two strike words of one clause ("a strike targeting the village")
        strikes = [c for c in kept if c.trigger.kind == "strike"]
        for later in strikes[1:]:
            first = strikes[0]
            if later.start - first.start < 60 and _same_clause(text, first, later):
                kept.remove(later)
                trace.skipped.append((later.words, "the strike named before it in this clause"))
        # "..., a local group said on Friday": the day it was said, not the act's day
        act_cues = [c for c in cues if not _SAID_ON.search(text[max(0, c.start - 50) : c.start])]
        # Each date cue and each figure of dead belongs to the act nearest to it.
        own_cues: dict[int, list[DateCue]] = {}
        for date_cue in act_cues:
            if kept:
                nearest = min(
                    range(len(kept)), key=lambda i: _gap(kept[i], date_cue.start, date_cue.end)
                )
                own_cues.setdefault(nearest, []).append(date_cue)
        own_dead: dict[int, list[int]] = {}
        # ...of the acts that kill, where the sentence has one ("attacked the village,
        # killing 18 and burning homes": the attack's dead, not the burning's)
        lethal = [i for i, c in enumerate(kept) if c.sub not in _NOT_LETHAL] or list(
            range(len(kept))
        )
        if not cumulative:
            for offset, _words, value in figures:
                if kept:
                    nearest = min(lethal, key=lambda i: _gap(kept[i], offset))
                    own_dead.setdefault(nearest, []).append(value)
        placeless = 0
        orphan_dead: list[int] = []  # the dead of act words that made no event
        for position, cand in enumerate(kept):
            next_start = kept[position + 1].start if position + 1 < len(kept) else len(text)
            event = _build_event(
                article, sentence, index, cand, next_start, mentions, sent_places,
                own_cues.get(position, []), act_cues, own_dead.get(position, []), source,
                certainty, ctx, lex, config, verdict, trace,
            )  # fmt: skip
            if isinstance(event, str):
                trace.skipped.append((cand.words, event))
                if event.startswith("no place"):
                    placeless += 1
                orphan_dead.extend(own_dead.get(position, []))
                continue
            for one in event:
                events.append(one)
                new_event_indices.append(len(events) - 1)
                trace.events.append(one)
        _dead_of_the_one_act(events, new_event_indices, orphan_dead, trace)
        if new_event_indices and ctx.pending_denial is not None:
            denied_at, denial, denied_days = ctx.pending_denial
            if index - denied_at <= 3:
                for event_index in new_event_indices:
                    old = events[event_index]
                    if not denied_days or old.event_date in denied_days:
                        events[event_index] = replace(
                            old,
                            certainty="denied",
                            evidence=old.evidence + (evidence_of(article, denial, "denial"),),
                        )
                        trace.decisions.append(("denial", "denied in an earlier sentence"))
            ctx.pending_denial = None
        elif (
            certainty == "denied"
            and candidates
            and not background
            and not new_event_indices
            and not ctx.last_events
        ):
            ctx.pending_denial = (index, sentence, frozenset(c.event_date for c in cues))
        if any(events[i].event_type in ("Protests", "Riots") for i in new_event_indices):
            ctx.crowds_out = True
        if new_event_indices:
            ctx.last_events = new_event_indices
            ctx.last_event_sentence = index
            last = events[new_event_indices[-1]]
            for told in (events[i] for i in new_event_indices):
                if told.event_type in ("Battles", "Riots") and told.actor1:
                    ctx.last_fight = (
                        (told.actor1, *told.assoc_actor_1),
                        tuple(a for a in (told.actor2, *told.assoc_actor_2) if a),
                        told.sub_event_type,
                    )
            if last.actor1:
                ctx.last_actor1 = (last.actor1, *last.assoc_actor_1)
                ctx.last_actor1_index = index
            if last.date_earliest and last.date_latest:
                ctx.last_date = DateCue(
                    last.date_earliest, last.date_latest, last.time_precision, "", 0, 0
                )
        else:
            # A toll told right after an act ("At least 28 were killed.") is that act's dead,
            # when the act had no figure of its own and this sentence tells no other act.
            if (
                not background
                and figures
                and not cumulative
                and ctx.last_events
                and ctx.last_event_sentence == index - 1
            ):
                for event_index in ctx.last_events[:1]:
                    old = events[event_index]
                    if not old.fatalities_stated:
                        events[event_index] = replace(
                            old,
                            fatalities=min(value for _, _, value in figures),
                            fatalities_stated=True,
                            evidence=old.evidence + (evidence_of(article, sentence, "toll"),),
                            # "28 were killed, according to the police spokesman": who
                            # gives the figure speaks for an act the outlet told alone
                            attributed_to=(
                                source
                                if source and old.attributed_to in ("", "outlet")
                                else old.attributed_to
                            ),
                        )
                        trace.decisions.append(("toll", "the dead of the act told just before"))
            # A day named without an act still anchors "a day earlier"; a span
            # ("over the previous 24 hours") does not.
            days = [c for c in cues if c.earliest == c.latest]
            if days:
                ctx.last_date = days[-1]
            if placeless:
                # The story moved somewhere we cannot place: later acts must not
                # inherit the place before it...
                ctx.last_places.clear()
                ctx.last_event_sentence = -10
                # ...but its actors are still the ones "the forces" refer back to.
                doers = [
                    m.actor for m in mentions if m.start < kept[0].start and m.actor.inter != 7
                ]
                if doers:
                    ctx.last_actor1 = tuple(_unique(doers))
                    ctx.last_actor1_index = index
        ctx.last_places.extend((index, p) for p in sent_places)
        ctx.towns.note(
            index, sentence.paragraph, [p for p in sent_places if _in_country(p, country)]
        )
    if config.aggregate:
        events = aggregate(events)
    return order_by_salience(events, sentences, verdicts)


def _dead_of_the_one_act(
    events: list[Event], told: list[int], dead: list[int], trace: Trace
) -> None:
    """ "Protesters set fire to the building, and five people were shot dead": a killing
    told with no doer of its own beside the one act the sentence tells is that act's
    dead, where it has no figure of its own (the sentence's events are that one act
    when they are all of one sub-type: the crowd and its deed)."""
    if not dead or not told or len({events[i].sub_event_type for i in told}) != 1:
        return
    if any(events[i].fatalities_stated for i in told):
        return
    for i in told:
        events[i] = replace(events[i], fatalities=min(dead), fatalities_stated=True)
    trace.decisions.append(("dead", "the toll of the one act told in this sentence"))


def named_perpetrator(
    lex: Lexicon, kb: Any, text: str, mentions: list[ActorMention]
) -> Actor | None:
    """The armed group a sentence names as the doer of an act told before it ("X
    claimed responsibility", "bore the hallmarks of X", "blamed on X"); None where the
    sentence denies it ("no group has claimed responsibility")."""
    cue = lex.perpetrator.search(text)
    if cue is None:
        return None
    before = text[: cue.start()]
    if lex.negation.search(before[-40:]) or lex.absence.search(before[-40:]):
        return None
    if re.search(r"\b(?:no|none|nobody|not|denied|denies|deny)\b", before[-40:], re.I):
        return None
    groups = [
        m.actor for m in mentions if m.actor.inter in (2, 3, 4) and not kb.is_generic(m.actor)
    ]
    return groups[0] if len(groups) == 1 or len({g.key for g in groups}) == 1 else None


# ---------------------------------------------------------------- acts that are none


def not_one_act(
    lex: Lexicon,
    sentence: Sentence,
    cand: _Candidate,
    cues: list[DateCue],
    clause: str | None = None,
) -> str:
    """Why a trigger names no single act of this sentence ('' when it does): a tally of
    many acts, an accident, or an act word that only describes a noun."""
    text = sentence.text
    if lex.tally.search(text):
        return "tally: a count of many acts (verified/recorded N deaths), not one act"
    if lex.tally_span.search(text) and not any(c.earliest == c.latest for c in cues):
        return "tally: a span of weeks or months with no day of its own, not one act"
    if lex.ongoing.search(text):
        return "ongoing: a state of fighting since an earlier day, not one act"
    if lex.accident.search(text):
        return "accident: nobody meant it (ACLED codes no accidents)"
    if clause is None:  # the caller usually has it cut already
        clause = clause_before(text, cand.start)
    if lex.habitual_before.search(clause[-60:]) or lex.habitual_after.search(
        text[cand.end : cand.end + 40]
    ):
        return "habitual: a practice or a trend, not one act"
    if cand.trigger.kind == "territory" and _things_seized(lex, text, cand):
        return "a seizure of things (weapons, goods), not of ground"
    if cand.sub == "Grenade" and _CROWD_CONTROL.search(text[max(0, cand.start - 20) : cand.start]):
        return "crowd-control munitions ('stun grenades'), no grenade attack"
    if _KINDS_LISTED.search(text[max(0, cand.start - 80) : cand.start]) and _bare_word(text, cand):
        return "kinds of act listed ('such as looting'), not one act"
    token = _trigger_token(sentence, cand)
    if token is None:
        return ""
    if token.dep_ == "relcl" and token.tag_ in ("VBZ", "VBP"):
        return "describes what someone does (a present in a relative clause), not an act"
    if _lasting_since(token):
        return "ongoing: a state lasting since an earlier time (has ... since), not one act"
    if _antecedent_act(token):
        return "an earlier act the sentence answers ('followed an attack'), not told here"
    while token.head.idx < sentence.span.start_char + cand.end and token.head.i > token.i:
        token = token.head  # "prisoner-exchange proposal": the trigger's last word
    if token.dep_ in ("compound", "amod", "nmod") and token.head.lower_ in lex.descriptive_heads:
        return f"describes {token.head.text!r} ('riot police'), no act"
    if token.dep_ in ("compound", "amod", "nmod") and token.head.lemma_.lower() in (
        lex.irrealis_heads
    ):
        return f"modifies {token.head.text!r}: a plan, proposal or drill, not an act"
    if " " not in cand.words and _attributive_participle(token):
        return f"participle describing {token.head.text!r} (an earlier act's victims), no act"
    return ""


# "three soldiers were killed": the subject of a passive is the victim, not a doer
_PASSIVE_SUBJECT = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}?(?:was|were|have been|has been|had been|are|is)\s+(?:\w+ly\s+)?$",
    re.I,
)
_MOVEMENT_MEMBER = re.compile(
    r"\b(?:students?|protesters?|protestors?|demonstrators?|activists?|coordinators? of|"
    r"leaders? of|members? of)\b[^.;]{0,40}?\b(?:movement|protests?|campaign|demonstrations?|"
    r"university|college)\b|\b(?:students?|protesters?|protestors?|demonstrators?)\b",
    re.I,
)
_ANOTHER_ACT = re.compile(
    r"\b(?:a separate|separately,? an?|another|a second|a third|a different|an unrelated|a new)\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.I,
)
_SAID_ON = re.compile(
    r"\b(?:said|says|told [\w' ]{1,40}?|reported|announced|added|confirmed|claimed|stated|"
    r"denied|wrote|tweeted|posted)\s+(?:(?:late|early)\s+)?(?:on\s+|last\s+)?$",
    re.I,
)
_ENTRY = re.compile(r"enter(?:ed|ing|s)?", re.I)
_CROWD_NOUN = re.compile(r"(?:protesters?|protestors?|demonstrators?|marchers|crowds?)", re.I)


_JOINED_VERBS = re.compile(r"^\s*,?\s*and\s+$")
_ONE_ACT_TYPES = ("Battles", "Violence against civilians")


def _coordinated_with_an_act(text: str, cand: _Candidate, kept: list[_Candidate]) -> bool:
    """A verb joined by "and" to the verb before it, both telling violence against a
    target ("shot and killed a village chief", "attacked and killed two farmers"): the
    second tells how the first act ended, not another act."""
    if SUB_TO_TYPE[cand.sub] not in _ONE_ACT_TYPES:
        return False
    return any(
        c is not cand
        and c.end <= cand.start
        and SUB_TO_TYPE[c.sub] in _ONE_ACT_TYPES
        and _JOINED_VERBS.match(text[c.end : cand.start])
        for c in kept
    )


# A gerund right after "before"/"after" ("before withdrawing") takes the subject of the
# clause it hangs on: those who did that clause's act.
_GERUND_OF_THE_DOER = re.compile(r"\b(?:before|after|then)\s+$", re.I)


def _leaving_the_scene(text: str, cand: _Candidate, kept: list[_Candidate]) -> bool:
    """A withdrawal told as a gerund after another act of the sentence ("looted the shops
    before withdrawing", "shelled the base, then pulling out"): the doers leave the scene
    of their own act, and no ground changes hands (ACLED's transfer needs territory
    given up to another)."""
    if cand.trigger.kind != "withdrawal" or not cand.words.split()[0].lower().endswith("ing"):
        return False
    if not _GERUND_OF_THE_DOER.search(text[max(0, cand.start - 12) : cand.start]):
        return False
    return any(c.start < cand.start and c.trigger.kind != "withdrawal" for c in kept)


def _same_clause(text: str, a: _Candidate, b: _Candidate) -> bool:
    """Whether two triggers of a sentence stand in one clause (no clause break between)."""
    lo, hi = sorted((a, b), key=lambda c: c.start)
    return not CLAUSE_BREAK.search(text[lo.end : hi.start])


_GENERIC_ACT = re.compile(
    r"(?:attacks?|assaults?|raids?|offensive|operation|incidents?|violence|bombardment)", re.I
)


_SUPERLATIVE_RETELLING = (
    r"\bthe\s+(?:\w+est|worst|biggest|largest|latest|most \w+)\s+(?:[\w-]+\s+){0,2}?(?:of\s+)?$"
)


def _same_act_in_general_words(text: str, cand: _Candidate, earlier: list[_Candidate]) -> bool:
    """'suicide bombers ... three attacks that killed 18': a general act noun after a
    specific act of the same sentence tells that act again, unless marked as another."""
    if not _GENERIC_ACT.fullmatch(cand.words):
        return False
    if re.search(
        r"\b(?:another|separate|second|third|other|further|new|fresh|earlier|previous)\s+(?:\w+\s+)?$",
        text[max(0, cand.start - 30) : cand.start],
        re.I,
    ):
        return False
    return any(not _GENERIC_ACT.fullmatch(c.words) and c.trigger.kind != "strike" for c in earlier)


def _retells_earlier_act(text: str, cand: _Candidate) -> bool:
    """A definite generic act noun after an act of the same sentence names that act
    again ("shelled the town, the heaviest attack in months")."""
    if re.search(_SUPERLATIVE_RETELLING, text[max(0, cand.start - 50) : cand.start], re.I):
        return True  # "..., the deadliest wave of airstrikes in months"
    return _definite_generic_act(text, cand)


def _definite_generic_act(text: str, cand: _Candidate) -> bool:
    """A generic act noun that refers back: "the attack", "these assaults"."""
    return bool(
        _GENERIC_ACT.fullmatch(cand.words)
        and re.search(
            r"\b(?:the|this|that|these|those|its|their)\s+(?:[\w-]+\s+){0,2}$",
            text[max(0, cand.start - 40) : cand.start],
            re.I,
        )
    )


def _things_seized(lex: Lexicon, text: str, cand: _Candidate) -> bool:
    """'seized weapons', 'hundreds of munitions (were) seized'."""
    things = lex.seized_things
    after = re.match(
        rf"\s+(?:[\w,-]+\s+){{0,3}}?(?:{things})\b", text[cand.end : cand.end + 50], re.I
    )
    before = re.search(
        rf"\b(?:{things})\s+(?:(?:were|was|had been|have been|being)\s+)?$",
        text[max(0, cand.start - 40) : cand.start],
        re.I,
    )
    return bool(after or before)


_GENERIC_BLAST = re.compile(
    r"(?:an? |the )?(?:explosions?|blasts?|blown|blew|blow|detonat\w*|explod\w*)", re.I
)


# "modes of action such as kidnapping, killing, looting": an enumeration of kinds
_CROWD_CONTROL = re.compile(
    r"\b(?:stun|smoke|flash|flash-bang|tear[- ]gas|gas|rubber|sound)\s+$", re.I
)
_KINDS_LISTED = re.compile(
    r"\b(?:such as|like)\s+(?:[\w-]+(?:,\s+(?:and\s+|or\s+)?|\s+(?:and|or)\s+))*$", re.I
)


def _bare_word(text: str, cand: _Candidate) -> bool:
    """A trigger written as a bare noun or gerund: no article or number in front."""
    before = text[: cand.start].rstrip().split()
    return not before or before[-1].lower() not in ("a", "an", "the", "this", "that", "its")


def _verb_of(token: Any) -> Any:
    """The verb a trigger belongs to: itself, or the verb its noun phrase depends on."""
    seen = 0
    while token.pos_ not in ("VERB", "AUX") and token.head is not token and seen < 4:
        token = token.head
        seen += 1
    return token if token.pos_ in ("VERB", "AUX") else None


def _lasting_since(token: Any) -> bool:
    """A perfect tense with a 'since' of its own ("has exchanged fire ... since October",
    "since Ramadan began, it has stepped up attacks"): a lasting state or trend, in
    linguistic terms a durative perfect, which names no single act."""
    if any(c.tag_ == "JJS" or c.lower_ in ("first", "last") for c in token.children):
        return False  # "their heaviest strikes since March": a record, not a lasting state
    verb = _verb_of(token)
    if verb is None or verb.tag_ != "VBN":
        return False
    if not any(c.dep_ == "aux" and c.lower_ in ("has", "have", "had", "'s") for c in verb.children):
        return False
    for child in verb.children:
        if child.lower_ == "since" and child.dep_ in ("prep", "mark"):
            return True
        if child.dep_ == "advcl" and any(
            g.lower_ == "since" and g.dep_ == "mark" for g in child.children
        ):
            return True
    return False


# An act named as what another act answers or follows: "the strike followed an attack",
# "in retaliation for an attack", "in response to the shelling".
_ANSWERED_VERBS = ("follow",)
_ANSWERED_NOUNS = ("response", "retaliation", "reprisal", "revenge")


def _antecedent_act(token: Any) -> bool:
    """A trigger noun that is the object of 'follow' or of 'in response/retaliation
    for/to': an earlier act the sentence answers; it is told (if at all) elsewhere."""
    if token.pos_ not in ("NOUN", "PROPN"):
        return False
    head = token.head
    if token.dep_ == "dobj" and head.lemma_.lower() in _ANSWERED_VERBS:
        return True
    if token.dep_ == "pobj" and head.lower_ in ("for", "to"):
        return head.head.lemma_.lower() in _ANSWERED_NOUNS
    return False


def _trigger_token(sentence: Sentence, cand: _Candidate) -> Any:
    """The parsed token where a trigger starts (None without a parse)."""
    return _token_at(sentence.span, cand.start)


# Verbs whose infinitive complement is what was agreed: "agreed to exchange prisoners".
_AGREEING = frozenset({"agree", "sign"})


def _done_in_doing(sentence: Sentence, cand: _Candidate) -> bool:
    """An infinitive that names what a reported act was ("blocked the road to protest",
    "agreed to exchange prisoners"): a crowd's purpose told of a past act is its protest,
    and what two sides agreed to is their agreement. Not a plan ("threatened to
    protest", "will agree to") — the governing verb must be a past act."""
    token = _token_at(sentence.span, cand.start)
    if token is None:
        return False
    head = token.head
    past = head.tag_ == "VBD" and not any(c.dep_ == "aux" for c in head.children)
    if not past or head is token:
        return False
    if cand.trigger.kind == "protest":
        return token.dep_ == "advcl"  # a purpose adjunct, not an object ("urged them to")
    return cand.sub == "Agreement" and head.lemma_ in _AGREEING and token.dep_ == "xcomp"


def _token_at(span: Any, offset: int) -> Any:
    """The token of a parsed sentence starting `offset` characters into it (None
    without a parse or where no token starts there)."""
    if span is None:
        return None
    for token in span:
        if token.idx - span.start_char == offset:
            return token
    return None


# ---------------------------------------------------------------- the classifier's say


SHORT_INPUT = 4  # sentences: a snippet, a headline, an ACLED-style note


def sentence_triggers(sentences: list[Sentence]) -> list[list[_Candidate]]:
    """Each sentence's trigger words (none in a headline)."""
    lex = get_lexicon()
    return [[] if s.heading else _find_triggers(lex, s.text, s.span) for s in sentences]


def worth_classifying(sentences: list[Sentence], found: list[list[_Candidate]]) -> list[int]:
    """The sentences the classifier reads: those with a trigger word (to veto or name
    the act), and every sentence of a short input, where an act may be told in words
    no trigger lists. A long report's sentences without a trigger are not embedded."""
    short = len(sentences) <= SHORT_INPUT
    return [i for i, s in enumerate(sentences) if not s.heading and (found[i] or short)]


def sentence_verdicts(sentences: list[Sentence], wanted: list[int]) -> list[Any]:
    """The classifier's verdict on each wanted sentence (None elsewhere), in one batch."""
    from frontlines.classify import get_classifier

    verdicts: list[Any] = [None] * len(sentences)
    if wanted:
        predictions = get_classifier().predict(
            [sentences[i].text for i in wanted], in_context=len(sentences) > SHORT_INPUT
        )
        for i, prediction in zip(wanted, predictions, strict=True):
            verdicts[i] = prediction
    return verdicts


_TERRITORY_SUBS = ("Government regains territory", "Non-state actor overtakes territory")


def _kind_for(sub: str) -> str:
    """How the rules finish a sub-type the classifier chose: who took ground decides
    which territory sub-type; whether fighting went with a withdrawal decides if it
    was taken; a crowd's acts get the crowd's roles; all else is as the classifier says."""
    if sub in _TERRITORY_SUBS:
        return "territory"
    if sub == "Non-violent transfer of territory":
        return "withdrawal"
    if SUB_TO_TYPE[sub] == "Protests" or sub == "Violent demonstration":
        return "protest"  # the crowd is actor1, whoever intervened actor2
    return "fixed"


def _with_verdict(
    candidates: list[_Candidate],
    verdict: Any,
    sentence: Sentence,
    in_context: bool,
    config: ExtractConfig,
    trace: Trace,
) -> list[_Candidate]:
    """The triggers of a sentence once the classifier has had its say (three rules)."""
    if candidates:
        veto = config.veto_none_in_context if in_context else config.veto_none
        vetoed = classifier_veto(candidates, verdict, veto)
        if vetoed:
            trace.skipped.extend((c.words, vetoed) for c in candidates)
            return []
        if in_context:
            return candidates  # in context, the rules' sub-type stands
        return classifier_subtype(candidates, verdict, config, sentence.text)
    created = classifier_trigger(sentence, verdict, config)
    return [created] if created is not None else []


def classifier_veto(candidates: list[_Candidate], verdict: Any, threshold: float) -> str:
    """Trigger words in a sentence the classifier reads as no event (sport, a drill, a
    threat, a toll over months) are no act, unless a cue is decisive."""
    no_event = verdict.scores.get("NONE", 0.0)
    if no_event < threshold or any(c.trigger.decisive for c in candidates):
        return ""
    return f"classifier: no act in this sentence (P(no event) {no_event:.2f})"


def classifier_subtype(
    candidates: list[_Candidate], verdict: Any, config: ExtractConfig, text: str = ""
) -> list[_Candidate]:
    """The classifier names the sentence's main act: when no trigger already has its
    sub-type, the main trigger (same event type first, else the first) takes it.
    Decisive cues keep theirs; territory keeps the rules' say on who took it."""
    label = verdict.label
    if (
        label == "NONE"
        or verdict.score < config.override_subtype
        or any(c.sub == label or c.trigger.decisive for c in candidates)
        or (text and not has_defining_word(label, text))
    ):
        return candidates
    same_type = [c for c in candidates if SUB_TO_TYPE[c.sub] == SUB_TO_TYPE[label]]
    main = (same_type or candidates)[0]
    if main.sub in _TERRITORY_SUBS and label in _TERRITORY_SUBS:
        return candidates
    trigger = replace(
        main.trigger, kind=_kind_for(label), sub=label, rule=f"classifier({verdict.score:.2f})"
    )
    return [replace(c, trigger=trigger, sub=label) if c is main else c for c in candidates]


def has_defining_word(sub: str, text: str) -> bool:
    """ACLED defines some sub-types by a thing the text must name: a chemical agent, a
    suicide bomber, a grenade, sexual violence. The classifier may name such a sub-type
    only where the sentence names that thing (triggers.yaml, `defining_words`)."""
    pattern = get_lexicon().defining_words.get(sub)
    return pattern is None or bool(pattern.search(text))


def classifier_trigger(
    sentence: Sentence, verdict: Any, config: ExtractConfig
) -> _Candidate | None:
    """A sentence with no trigger word that the classifier reads, with confidence, as an
    act: its main verb is the trigger, and the rules find who, where and when."""
    if verdict.label == "NONE" or verdict.score < config.create_event:
        return None
    if not has_defining_word(verdict.label, sentence.text):
        return None
    span = sentence.span
    root = span.root
    if root.lemma_.lower() in get_lexicon().reporting_verbs:
        # "Soldiers burned alive three men, a rights group said": the act is what was said
        # (not what it said would be: "they would merge" is told by the announcement)
        told = [
            c
            for c in root.children
            if c.dep_ in ("ccomp", "parataxis")
            and c.pos_ == "VERB"
            and not any(a.dep_ == "aux" and a.tag_ == "MD" for a in c.children)
        ]
        root = told[0] if told else root
    if _injured_alone(root) or root.lemma_.lower() in _STATIVE_LEMMAS:
        return None  # an injury toll told alone; a state ("remained committed"), no act
    start = root.idx - span.start_char
    trigger = Trigger(
        None, _kind_for(verdict.label), verdict.label, 50, f"classifier({verdict.score:.2f})"
    )
    return _Candidate(trigger, start, start + len(root.text), root.text, verdict.label)


_HARM_LEMMAS = frozenset({"injure", "wound", "hurt", "maim"})
# Verbs of a state, not a change: a sentence told by one of them reports no act.
_STATIVE_LEMMAS = frozenset({"remain", "stay", "seem", "appear", "exist", "belong"})


def _injured_alone(verb: Any) -> bool:
    """ "Two soldiers were injured.": people hurt, told in the passive with no doer and
    no means named, are the toll of an act told elsewhere, not an act of their own."""
    return (
        verb.lemma_.lower() in _HARM_LEMMAS
        and any(c.dep_ == "nsubjpass" for c in verb.children)
        and not any(c.dep_ in ("agent", "prep") and c.lower_ in ("by", "in") for c in verb.children)
    )


def order_by_salience(
    events: list[Event], sentences: list[Sentence], verdicts: list[Any]
) -> list[Event]:
    """In the order the report tells them; of the acts one sentence tells, the one of
    the sub-type the classifier gave the sentence (its main act) first."""
    label_at = {s.start: v.label for s, v in zip(sentences, verdicts, strict=True) if v is not None}

    def key(event: Event) -> tuple[int, bool]:
        first = min((e.start for e in event.evidence), default=0)
        agrees = any(label_at.get(e.start) == event.sub_event_type for e in event.evidence)
        return (first, not agrees)

    return sorted(events, key=key)


def _gap(cand: _Candidate, start: int, end: int | None = None) -> int:
    """Characters between a trigger and the span [start, end) (0 when they touch)."""
    end = start if end is None else end
    if start >= cand.end:
        return start - cand.end
    return max(0, cand.start - end)


def _in_country(mention: PlaceMention, country: str) -> bool:
    """A place of the report's country (any place when the country is unknown)."""
    return not country or (mention.place is not None and mention.place.country_code == country)


def _stray_abroad(mention: PlaceMention, country: str, countries: Counter[str]) -> bool:
    """A one-word small town abroad, in a country the report names nowhere else ("the
    South Hospital" read as Hospital, Ireland; "Abu Shouk camp" as Abu, India), is a
    misread name, not an event site."""
    place = mention.place
    return bool(
        country
        and place is not None
        and place.country_code
        and place.country_code != country
        and countries[place.country_code] <= 1
        and place.feature_class == "P"
        and place.population < 50000
        and " " not in mention.text.strip()
        and mention.cue not in _SITE_CUES
    )


# Cues that say the name is a place ("near Sderot", "the town of X"): a town across a
# border is still where the act happened
_SITE_CUES = frozenset(
    {"capital", "region", "country", "near", "town of", "town", "outskirts of", "centre of",
     "direction of", "countryside of", "province of", "province"}
)  # fmt: skip


def _pick_places(
    cand: _Candidate, next_start: int, sentence: Sentence, places: list[PlaceMention]
) -> list[PlaceMention]:
    """The toponyms this act happened at: those after the trigger in its clause.

    Coordinated places ("Idlib and Al-Dana") are separate acts; a place that only
    locates the one before it ("Morek in the countryside of Hama") is not.
    """
    s0 = sentence.start
    # "the injured were shifted to Dera Ismail Khan": where the wounded were taken
    places = [
        p
        for p in places
        if not _CARRIED_TO.search(sentence.text[max(0, p.start - s0 - 60) : p.start - s0])
    ]
    located = [p for p in places if not only_locates(sentence.text, p.start - s0)]
    places = located or places  # "80 km south-east of Aleppo" only locates the town before
    # "Russia's Kursk region": the possessor only contains the place after it
    places = [
        p
        for p in places
        if not (
            is_possessor(sentence.text, p.end - s0)
            and any(0 < q.start - p.end <= 4 for q in places)
        )
    ] or places
    after = [
        p
        for p in places
        if cand.end <= p.start - s0 < next_start
        and not _in_other_act_clause(sentence.text, cand, p.start - s0, p)
    ]
    # "fired rockets from Gaza at Sderot": where the fire came from is not where it hit
    origin = [p for p in after if _FROM_ORIGIN.search(sentence.text[: p.start - s0])]
    after = [p for p in after if p not in origin] or after
    if not after:
        before = [p for p in places if p.end - s0 <= cand.start]
        if len(before) >= 2 and before[-1].geo_precision >= 3 and before[-2].geo_precision < 3:
            last, town = before[-1].place, before[-2].place
            if last and town and last.country_code == town.country_code:
                return [before[-2]]  # "in Peshawar, Pakistan, were hit": the town
        return before[-1:] if before else []
    if len(after) >= 2 and after[0].geo_precision >= 3 and after[1].geo_precision < 3:
        between = sentence.text[after[0].end - s0 : after[1].start - s0]
        if _NEAR_TOWN.fullmatch(between):
            # "in the Red Sea off Hodeidah": a sea or region, then the town it is near
            return [replace(after[1], geo_precision=2)]
    chosen = [after[0]]
    for prev, nxt in zip(after, after[1:], strict=False):
        coordinated = COORDINATED_PLACES.fullmatch(sentence.text[prev.end - s0 : nxt.start - s0])
        if coordinated and (nxt.geo_precision <= prev.geo_precision or prev.geo_precision < 3):
            chosen.append(nxt)
            continue
        break
    chosen = [_within_container(p, places, sentence) for p in chosen]
    # A region after a town only locates the town.
    towns = [p for p in chosen if p.geo_precision < 3]
    return towns or chosen[:1]


_FROM_ORIGIN = re.compile(
    r"\b(?:fired|launched|shot|lobbed|flew|sent|came)\s+(?:[\w-]+\s+){0,4}?from\s+"
    r"(?:the\s+)?(?:(?:city|town|village|area|direction|territory)\s+of\s+)?$",
    re.I,
)
_CARRIED_TO = re.compile(
    r"\b(?:shifted|taken|rushed|moved|transferred|evacuated|referred|airlifted|flown|"
    r"brought|admitted|treated)\s+(?:[\w-]+\s+){0,3}?(?:to|in|at)\s+"
    r"(?:(?:a|the)\s+)?(?:[\w-]+\s+){0,2}?(?:(?:hospitals?|clinics?)\s+(?:in|at)\s+)?$",
    re.I,
)
_NEAR_TOWN = re.compile(
    r"\s*,?\s*(?:off|near|outside|close to)\s+(?:the\s+)?(?:(?:coast|port|city|town)\s+of\s+)?",
    re.I,
)
_RELATIVE = re.compile(r"(?:,\s*|\b)(?:which|who|whom|whose)\b", re.I)


def _in_other_act_clause(text: str, cand: _Candidate, position: int, place: PlaceMention) -> bool:
    """A place in a since/after clause after the trigger ("..., months since war broke
    out between Israel and Hezbollah") is where another act happened, not this one; so
    is a country named in a relative clause ("..., which rebels used to fire rockets at
    Israel"; a town there may still locate the target: "fleeing towards the town of X")."""
    between = text[cand.end : position]
    country = place.place is not None and place.place.feature_code.startswith("PCL")
    if country and _RELATIVE.search(between):
        return True
    return any(
        re.search(r"\bsince\b|\bafter\b|\bbefore\b|\buntil\b|\bfollowing\b", between, re.I)
        and not re.search(r"[,;]", between[m.end() :])
        for m in [re.search(r"\b(?:since|after|before|until|following)\b", between, re.I)]
        if m is not None
    )


_PART_OF = re.compile(
    r"^['’]?\s*(?:(?:district|neighbou?rhood|suburb|quarter|area|camp|village)\s+(?:of|in|near)\s+"
    r"(?:the\s+)?(?:(?:city|town)\s+of\s+)?"
    # "Boni (Douentza, Mopti)": ACLED's notes name the containing divisions in brackets
    r"|(?:(?:district|neighbou?rhood|suburb|quarter|area|camp|village)\s*)?\(\s*)$",
    re.I,
)


def _within_container(
    mention: PlaceMention, places: list[PlaceMention], sentence: Sentence
) -> PlaceMention:
    """'the Mezzeh district of Damascus': a part placed in another country than the
    whole it is said to be part of was resolved wrong; the whole is the safer site."""
    s0 = sentence.start
    for other in places:
        if other.start <= mention.end or other.place is None or mention.place is None:
            continue
        between = sentence.text[mention.end - s0 : other.start - s0]
        if _PART_OF.match(between) and other.place.country_code != mention.place.country_code:
            return replace(other, geo_precision=2, text=mention.text)
    return mention


def _build_event(
    article: Article,
    sentence: Sentence,
    index: int,
    cand: _Candidate,
    next_start: int,
    mentions: list[ActorMention],
    sent_places: list[PlaceMention],
    cues: list[DateCue],
    sentence_cues: list[DateCue],
    dead: list[int],
    source: str,
    certainty: str,
    ctx: _Context,
    lex: Lexicon,
    config: ExtractConfig,
    verdict: Any = None,
    trace: Trace | None = None,
) -> list[Event] | str:
    """The events of one trigger, or the name of the rule that rejected it."""
    text = sentence.text
    sub = cand.sub
    kind = cand.trigger.kind
    # the rule behind each field, for `explain`
    why = {
        "sub_event_type": f"trigger {cand.words!r} ({cand.trigger.rule}:{cand.trigger.kind})",
        "actors": "sides_of_trigger",
    }

    # ---- actors: initiators before the trigger (its own clause first), targets after;
    # civilians are victims
    side1: list[ActorMention] = []
    side2: list[ActorMention] = []
    clause_start = cand.start - len(clause_before(text, cand.start))
    between = re.search(r"\bbetween\b", text[: cand.start + 80])
    for m in mentions:
        if m.actor.inter == 7:
            # victims of this act, not people named before it for another reason
            is_victim = m.start >= clause_start or _VICTIM.search(text[m.end : cand.start])
            if is_victim:
                side2.append(m)
        elif m.start < cand.start:
            side1.append(m)
        else:
            # "planted by suspected Al-Shabaab militants": the agent of a passive
            by = re.search(
                r"\bby\s+(?:the\s+|an?\s+)?(?:[a-z][\w-]*\s+){0,2}$",
                text[max(0, m.start - 40) : m.start],
            )
            (side1 if by else side2).append(m)
            if by:
                why["actors"] = "agent_after_by"
    in_clause = [m for m in side1 if m.start >= clause_start]
    if in_clause:
        side1 = in_clause + [m for m in side1 if m.start > cand.start]
    elif side1:
        # "insurgents ... where they are advancing after seizing": the nearest
        # earlier actor is the one the clause goes on about
        side1 = side1[-1:] + side1[:-1]
    if re.search(r"fall|fell|under the control", cand.words, re.I):
        # "fell to X": X took it
        side1, side2 = [m for m in side2 if m.actor.inter != 7], side1
        why["actors"] = "fell_to_taker"
    elif re.search(r"\b(?:came|come|comes|coming) under\s+(?:\w+\s+)?$", text[: cand.start], re.I):
        # "a convoy came under attack": the subject was attacked, by someone unnamed
        side1, side2 = [], side1 + side2
        why["actors"] = "came_under_attack"
    if between and not side1 and len(side2) >= 2:
        side1, side2 = side2[:1], side2[1:]
        why["actors"] = "between_x_and_y"
    named_after = re.search(r"\bbetween\b", text[cand.end : cand.end + 60])
    if named_after:
        # "confrontations were reported between X and Y": the two sides, nobody else
        pivot = cand.end + named_after.end()
        pair = [m for m in mentions if m.start >= pivot and m.actor.inter != 7]
        if len(pair) >= 2:
            side1, side2 = pair[:1], pair[1:] + [m for m in side2 if m.actor.inter == 7]
            why["actors"] = "between_x_and_y"
    framing = tuple(dict.fromkeys(m.framing for m in mentions if m.framing))
    actors1 = _unique([m.actor for m in side1])
    actors2 = [
        a for a in _unique([m.actor for m in side2]) if a.key not in {x.key for x in actors1}
    ]
    if kind in ("fixed", "attack") and SUB_TO_TYPE[cand.sub] == "Battles" and actors1:
        # a battle's sides are camps: the state's forces and their allies against armed
        # groups; an opponent found before the trigger belongs on the other side
        kb, lead = get_actor_kb(), actors1[0]
        actors2 = [a for a in actors1 if not kb.same_side(a, lead)] + actors2
        actors1 = [a for a in actors1 if kb.same_side(a, lead)]
    if not actors1 and kind == "territory":
        # who took ground is never guessed from an earlier sentence; a group named
        # after the trigger ("... entering the city, the HTS leader said") took it
        armed = [a for a in actors2 if a.inter in (2, 3, 4)]
        if armed:
            actors1, actors2 = armed[:1], [a for a in actors2 if a is not armed[0]]
            why["actors"] = "taker_named_after"
    elif (
        not actors1
        and ctx.last_actor1
        and index - ctx.last_actor1_index <= config.carry_sentences
        and not _ANOTHER_ACT.search(text[max(0, cand.start - 30) : cand.start])
    ):
        # (not "a separate ambush", "another attack": someone else's act, maybe)
        actors1 = list(ctx.last_actor1)
        why["actors"] = "doer_of_the_last_act"

    # ---- sub-type decisions
    air_here = bool(lex.air.search(text))
    if kind == "strike" and _GUNFIRE.search(text):
        # "bullets hit two journalists": shooting, not a strike from afar
        kind = "attack"
        sub = "Armed clash"
        why["sub_event_type"] = "gunfire_not_a_strike"
    if kind == "strike":
        if _FIRED_WITH.search(text[cand.end : cand.end + 120]):
            sub = "Shelling/artillery/missile attack"  # "struck the hospital with a missile"
            why["sub_event_type"] = "struck_with_a_missile"
        elif air_here or index - ctx.last_air <= 1:
            sub = "Air/drone strike"
            why["sub_event_type"] = "air_instrument_named"
        elif re.fullmatch(r"strikes?", cand.words, re.I) and actors1:
            why["sub_event_type"] = "strike_noun_in_war_reporting"
            # "an Israeli strike on a building": in war reporting the noun means a
            # strike from the air unless artillery or missiles are named
            sub = (
                "Shelling/artillery/missile attack"
                if lex.ground_fire.search(text)
                else "Air/drone strike"
            )
        elif lex.ground_fire.search(text):
            sub = "Shelling/artillery/missile attack"
            why["sub_event_type"] = "ground_fire_named"
        elif not actors1:
            return "strike verb with no instrument and no attacker"
    elif kind == "territory":
        if re.search(r"\bcaptured\b|\bseized\b", cand.words, re.I) and _people_object(
            text, cand.end, mentions
        ):
            sub = "Armed clash"
            why["sub_event_type"] = "people_captured_is_a_clash"
        elif actors1:
            sub = (
                "Government regains territory"
                if (actors1[0].inter == 1 or actors1[0].key == "IRN_AXIS")
                or (actors1[0].inter == 8 and not _against_the_host(actors1[0], ctx.country))
                else "Non-state actor overtakes territory"
            )
            why["sub_event_type"] = "territory_by_the_takers_class"
    elif kind == "withdrawal":
        fighting = re.search(
            r"(?<!without )(?<!no )\b(?:fighting|clashes|battles?|offensive|infiltrat\w*)\b",
            text,
            re.I,
        )
        taker = [a for a in actors1 + actors2 if a.inter in (2, 3, 4)]
        if fighting and taker:
            sub = "Non-state actor overtakes territory"
            loser = [a for a in actors1 + actors2 if a.inter in (1, 8)]
            actors1, actors2 = taker[:1], loser[:1] + taker[1:]
            why["sub_event_type"] = why["actors"] = "withdrawal_after_fighting"
    elif kind == "attack":
        victims = [a for a in actors2 if a.inter == 7]
        armed_targets = [a for a in actors2 if a.inter != 7]
        retelling = re.match(r"the (?:attacks|strikes|raids)", text[max(0, cand.start - 4) :], re.I)
        if cand.sub != "Attack" and (air_here or (retelling and index - ctx.last_air <= 1)):
            sub = "Air/drone strike"  # "the attacks" retelling air strikes
            why["sub_event_type"] = "attack_by_air"
        elif cand.sub != "Attack" and lex.ground_fire.search(text):
            sub = "Shelling/artillery/missile attack"
            why["sub_event_type"] = "attack_by_ground_fire"
        elif victims and not armed_targets:
            sub = "Attack"
            why["sub_event_type"] = "attack_on_civilians"
        elif actors1 and not armed_targets and _PEOPLE_KILLED.search(text):
            # "Bandits killed ten people in an attack on a village": unarmed people are
            # its dead and no armed target is named: an attack on civilians (ACLED)
            sub = "Attack"
            actors2 = _class_here("CIVILIANS", ctx) + actors2
            why["sub_event_type"] = why["actors"] = "unarmed_people_are_civilians"
        elif cand.sub == "Attack":
            if not _PEOPLE_KILLED.search(text):
                return "killing with no civilians named"  # "executed": not enough to code
            # "beheaded five people": unarmed people, whom ACLED codes as civilians
            sub = "Attack"
            actors2 = _class_here("CIVILIANS", ctx) + actors2
            why["sub_event_type"] = why["actors"] = "unarmed_people_are_civilians"
        elif not actors1 and not actors2:
            return "attack with no party named"
    elif kind == "protest":
        # the cues of how the crowd was met, not of an act that names its cause ("justice
        # for a student killed by police")
        told = _without_described_acts(sentence.span, text)
        if told != text:
            described = _described_spans(sentence.span)
            actors2 = [
                a
                for a in actors2
                if not any(
                    m.actor.key == a.key and any(lo <= m.start < hi for lo, hi in described)
                    for m in mentions
                )
                or any(
                    m.actor.key == a.key and not any(lo <= m.start < hi for lo, hi in described)
                    for m in mentions
                )
            ]
        if lex.protest_violence.search(told):
            sub = "Violent demonstration"
            why["sub_event_type"] = "protest_violence_cue"
        elif lex.protest_force.search(told):
            sub = "Excessive force against protesters"
            why["sub_event_type"] = "protest_excessive_force_cue"
        elif lex.protest_intervention.search(told):
            sub = "Protest with intervention"
            why["sub_event_type"] = "protest_intervention_cue"
        crowd = "RIOTERS" if sub == "Violent demonstration" else "PROTESTERS"
        home_country = ctx.home.country if ctx.home else ""
        protesters = [a for a in actors1 + actors2 if a.inter in (5, 6)] or [
            p for p in (get_actor_kb().class_in_country(crowd, home_country),) if p is not None
        ]
        if sub == "Violent demonstration":
            protesters = [replace(a, inter=5) if a.inter == 6 else a for a in protesters]
        # ACLED: protesters are actor1; whoever intervened is actor2
        others = [a for a in actors1 + actors2 if a.inter not in (5, 6)]
        actors1, actors2 = protesters[:1], others if sub != "Peaceful protest" else []
        why["actors"] = "protesters_are_actor1"
    if sub == "Mob violence":
        actors1, actors2 = mob_and_its_victims(text, cand, mentions, actors1, ctx)
        why["actors"] = "mob_and_its_victims"
    armed_or_crowd = [a for a in actors1 + actors2 if a.inter != 7]
    if (
        SUB_TO_TYPE[sub] == "Battles"
        and not armed_or_crowd
        and ctx.last_fight
        and re.search(r"\b(?:the|these|those)\s+(?:\w+\s+)?$", text[: cand.start], re.I)
    ):
        # "the clashes in X began at 3 pm": the fight the report is about, its parties
        # and its kind (a riot stays a riot)
        actors1, actors2 = list(ctx.last_fight[0]), list(ctx.last_fight[1])
        fight = ctx.last_fight[2]
        sub = fight if SUB_TO_TYPE[fight] == "Riots" else sub
        why["actors"] = why["sub_event_type"] = "parties_of_the_last_fight"
    if (
        any(a.inter == 5 for a in actors1 + actors2)
        or (sub == "Looting/property destruction" and any(a.inter == 6 for a in actors1))
    ) and SUB_TO_TYPE[sub] in ("Battles", "Strategic developments"):
        # (demonstrators who torch a bus riot: ACLED's violent demonstration)
        sub = "Violent demonstration"  # rioters storming or torching: a riot, not a battle
        why["sub_event_type"] = "rioters_make_a_riot"
    elif SUB_TO_TYPE[sub] == "Battles" and any(a.inter == 6 for a in actors1 + actors2):
        crowds = [a for a in actors1 + actors2 if a.inter == 6]
        others = [a for a in actors1 + actors2 if a.inter != 6]
        if kind == "attack" and not any(a.inter == 6 for a in actors1):
            # fire opened on protesters: force against them (the crowd is actor1)
            sub = "Excessive force against protesters"
            why["sub_event_type"] = "fire_on_protesters"
        else:
            # protesters who fight police or a party's militants riot (ACLED: Violent
            # demonstration, the crowd as rioters, actor1)
            sub = "Violent demonstration"
            crowds = [replace(a, inter=5) for a in crowds]
            why["sub_event_type"] = "protesters_who_fight_riot"
        actors1, actors2 = crowds[:1], others
        why["actors"] = "the_crowd_is_actor1"
    if (
        SUB_TO_TYPE[sub] == "Battles"
        and sub == "Armed clash"
        and actors2
        and all(a.inter == 7 for a in actors2)
        and actors1
        and actors1[0].inter != 7
    ):
        sub = "Attack"  # armed men storming a hospital and firing on patients: civilians
        why["sub_event_type"] = "armed_men_on_civilians"
    if sub in _BOMBS and any(a.inter in (1, 8) for a in actors1):
        # ACLED: a roadside or suicide bomb is set by an armed group; the police van or
        # army post it hit is the target, and the bomber unidentified unless named
        targets = [a for a in actors1 if a.inter in (1, 8)]
        actors1 = [a for a in actors1 if a.inter not in (1, 8)]
        actors2 = targets + actors2
        actors1 = actors1 or _class_here("UNIDENTIFIED", ctx)
        why["actors"] = "the_bombs_target"
    if sub in (*_BOMBS, "Grenade") and not actors1:
        why["actors"] = "unclaimed_bomb"
        # ACLED: a bomb or grenade whose thrower nobody names was an unidentified armed
        # group's, and the people it hit, where no armed target is named, civilians
        actors1 = _class_here("UNIDENTIFIED", ctx)
        if not actors2 and _PEOPLE_KILLED.search(text):
            actors2 = _class_here("CIVILIANS", ctx)
    event_type = SUB_TO_TYPE[sub]
    police_on_people = (
        event_type == "Violence against civilians"
        and bool(actors1)
        and actors1[0].name.startswith("Police Forces")
    )
    if (
        (event_type == "Battles" or police_on_people)
        and ctx.crowds_out
        and any(a.inter == 1 for a in actors1 + actors2)
        and all(a.inter in (1, 7) for a in actors1 + actors2)
        and (_MOVEMENT_MEMBER.search(text) or kind == "attack")
    ):
        # in a report of protests, police who fire on or clash with no armed party are
        # using force on the crowd: "a coordinator of the protest movement was killed in
        # a clash with police", "police opened fire with rubber bullets" (ACLED)
        killed = dead or re.search(r"\b(?:killed|shot dead|died|death)\b", text)
        sub = "Excessive force against protesters" if killed else "Protest with intervention"
        event_type = "Protests"
        police = [a for a in actors1 + actors2 if a.inter == 1]
        actors1, actors2 = _class_here("PROTESTERS", ctx), police
        why["sub_event_type"] = why["actors"] = "police_force_in_a_protest_report"
    elif (
        sub == "Armed clash"
        and _CLASH_WORD.search(cand.words)
        and any(a.inter == 1 for a in actors1 + actors2)
        and any(a.inter == 7 for a in actors1 + actors2)
        and all(a.inter in (1, 7) for a in actors1 + actors2)
    ):
        # "Students clashed with police": unarmed people fighting the state's forces are
        # rioters, and their fight a violent demonstration (ACLED), not a battle
        sub, event_type = "Violent demonstration", "Riots"
        state = [a for a in actors1 + actors2 if a.inter == 1]
        actors1, actors2 = _class_here("RIOTERS", ctx), state
        why["sub_event_type"] = why["actors"] = "a_crowd_fighting_the_state_is_a_riot"
    if (
        actors1
        and not [a for a in actors2 if a.inter != 7]
        and (event_type == "Battles" or sub in _TWO_SIDED)
    ):
        other = _other_side(actors1[0], ctx)
        if other is not None and other.key not in {a.key for a in actors1}:
            actors2 = [other, *actors2]
            why["actors"] += "+other_side_of_the_battle"
    if (
        event_type in ("Violence against civilians", "Explosions/Remote violence")
        and not any(a.inter == 7 for a in actors1 + actors2)
        and not [a for a in actors2 if a.inter != 7]
        and _PEOPLE_KILLED.search(text)
    ):
        # "killed six people at a bar", "kidnapped a priest": unarmed people, whom
        # ACLED codes as civilians
        actors2 = _class_here("CIVILIANS", ctx) + actors2
        why["actors"] += "+unarmed_people_are_civilians"
    if event_type == "Violence against civilians":
        # ACLED: the victim is actor2
        victims = [a for a in actors1 + actors2 if a.inter == 7]
        actors1 = [a for a in actors1 if a.inter != 7]
        actors2 = victims + [a for a in actors2 if a.inter != 7]
    if (
        event_type == "Battles"
        and cand.trigger.kind in ("attack", "fixed")
        and not actors1
        and actors2
        and all(a.inter == 1 or (ctx.home and kb_same_side(a, ctx.home)) for a in actors2)
    ):
        # "firing on a police van": state forces attacked by nobody named are, in
        # ACLED's coding, attacked by an unidentified armed group
        actors1 = _class_here("UNIDENTIFIED", ctx)
        why["actors"] = "state_forces_attacked_by_nobody_named"
    if not _political(sub, event_type, actors1, actors2, text, mentions):
        # "flood fighting", "fell to 18th", a burglar's arrest: not conflict, unless the
        # classifier reads the sentence as such an act with confidence
        vouched = classifier_vouches(verdict, event_type, config.vouch_political)
        parties = acled_default_parties(event_type, actors1, actors2, ctx) if vouched else None
        if parties is None:
            return f"not political violence: {event_type} without the parties it needs"
        actors1, actors2 = parties
        why["actors"] = "acled_default_parties"
        if trace is not None:
            trace.decisions.append((cand.words, f"classifier_vouches ({vouched})"))

    # ---- places
    chosen = _pick_places(cand, next_start, sentence, sent_places)
    why["place"] = "toponym_of_the_clause" if chosen else "no_place"
    inherited = False
    town = ctx.towns.salient()
    if not chosen and _PLACE_ANAPHOR.search(text) and town is not None:
        chosen, inherited = [town], True  # "the city" named earlier
        why["place"] = "the_city_named_earlier"
    direction_only = not chosen and bool(
        _DIRECTION_ONLY.search(text) or _UNRESOLVED_SITE.search(text)
    )
    # "in the northwest": somewhere else, and no toponym to code it to; it must not
    # inherit the last town. (Coding it to the main town of that part of the country
    # was tried: it moved more acts to the wrong town than it placed right.)
    if (
        not chosen
        and not direction_only
        and index - ctx.last_event_sentence <= config.carry_sentences
    ):
        # the same narrative goes on: the act happened where the last one did
        recent = [p for i, p in ctx.last_places if index - i <= config.carry_sentences]
        if recent:
            # the last act's own site where it was named in reach, not a coarser place
            # named after it only to locate it ("the village of X in northern Y")
            site = ctx.last_site if any(p is ctx.last_site for p in recent) else None
            if site is None or (
                recent[-1].geo_precision <= site.geo_precision
                and not (site.place and recent[-1].place == site.place)
            ):
                site = recent[-1]
            chosen, inherited = [site], True
            why["place"] = "where_the_last_act_was"
    if not chosen:
        # No toponym in reach: the act is still reported. It is coded to the report's
        # country (ACLED precision 3) when that is known, else its place stays empty;
        # a retelling of a placed act joins it in `aggregate`.
        if (
            ctx.long_report
            and verdict is not None
            and not classifier_vouches(verdict, event_type, config.placeless_in_context)
        ):
            # an aside of a long report (a generality, a quote, an old act) that neither
            # a toponym nor the classifier supports
            return "no place in reach, and the classifier does not read this act here"
        country_place = get_gazetteer().country(ctx.country) if ctx.country else None
        if country_place is not None:
            chosen = [PlaceMention(cand.start, cand.start, "", country_place, 3, 0.0, "country")]
            why["place"] = "the_reports_country"

    # ---- date
    date_cue = nearest_cue(cues, cand.start)
    why["date"] = "own_date_cue"
    if date_cue is None:
        why["date"] = "the_sentences_date_cue"
        # The sentence's date, unless it sits in an "after/before/since" clause the
        # act is not part of ("recaptured X, 48 hours after rebels took it on 1 December").
        shared = [c for c in sentence_cues if not in_other_clause(text, c, cand.start)]
        date_cue = nearest_cue(shared, cand.start)
    if date_cue is not None:
        earliest, latest, precision = date_cue.earliest, date_cue.latest, date_cue.precision
        if _DAY_AFTER.match(date_cue.text) and cand.start > date_cue.end:
            # "This comes a day after HTS surrounded the city": the act inside the
            # after-clause is the earlier one.
            earliest, latest = earliest - timedelta(days=2), latest - timedelta(days=2)
            why["date"] = "the_act_before_a_day_after"
    elif article.published is not None and _PRESENT.search(clause_before(text, cand.start)):
        earliest = latest = article.published  # "are battling", "is taking place": now
        precision = 1
        why["date"] = "present_tense_is_now"
    elif ctx.last_date is not None:
        earliest, latest = ctx.last_date.earliest, ctx.last_date.latest
        precision = ctx.last_date.precision
        why["date"] = "the_last_day_of_the_narrative"
    elif article.published is not None:
        earliest = latest = article.published
        precision = 2
        why["date"] = "the_publication_week"
    else:
        earliest = latest = None  # type: ignore[assignment]
        precision = 3
        why["date"] = "no_date"
    event_date: date | None = None
    if earliest is not None and latest is not None:
        event_date = earliest + (latest - earliest) // 2
        if article.published is not None and ctx.long_report:
            # (a snippet exists to tell its act, whatever its day)
            age = (article.published - latest).days
            if age > config.background_days:
                return f"background: dated {age} days before the report"

    # ---- fatalities: one act's dead, never cumulative tolls or injuries
    fatalities = min(dead) if dead else 0  # ACLED: the lowest figure reported
    stated = bool(dead)
    if certainty == "denied" and _denies_something_else(lex, text, cand):
        # "it said it had redeployed, and denied that its lines had collapsed"
        certainty = "claimed" if lex.claimed.search(text) else "reported"
    why["fatalities"] = "lowest_figure_of_the_act" if dead else "none_stated"
    why["attributed_to"] = "reporting_verb_or_according_to" if source else "the_outlets_voice"
    why["certainty"] = "negated_act" if cand.negated else f"{certainty}_cue_words"
    if certainty == "reported" and not cand.negated:
        why["certainty"] = "no_cue_reported"
    if trace is not None:
        trace.fields.append((cand.words, why))

    out: list[Event] = []
    slots: list[PlaceMention | None] = list(chosen) or [None]
    if chosen and not inherited:
        ctx.last_site = chosen[0]
    for place_mention in slots:
        place = place_mention.place if place_mention else None
        precision_geo = place_mention.geo_precision if place_mention else 3
        if inherited:
            precision_geo = max(precision_geo, 2)
        a1 = [_localise(a, place.country_code if place else "") for a in actors1]
        a2 = [_localise(a, place.country_code if place else "") for a in actors2]
        out.append(
            Event(
                article_id=article.id,
                event_type=event_type,
                sub_event_type=sub,
                event_date=event_date,
                time_precision=precision,
                actor1=a1[0] if a1 else None,
                assoc_actor_1=tuple(a1[1:]),
                actor2=a2[0] if a2 else None,
                assoc_actor_2=tuple(a2[1:]),
                place=place,
                geo_precision=precision_geo,
                location_text=place_mention.text if place_mention else "",
                fatalities=fatalities if len(chosen) <= 1 or place_mention is chosen[0] else 0,
                fatalities_stated=stated,
                attributed_to=source or "outlet",
                certainty="denied" if cand.negated else certainty,
                evidence=(evidence_of(article, sentence, cand.words),),
                framing=framing,
                source=article.outlet or "",
                notes=_note(sentence.text),
                date_earliest=earliest,
                date_latest=latest,
                date_text=date_cue.text if date_cue is not None else "",
            )
        )
    return out


_GUNFIRE = re.compile(r"\b(?:bullets?|gunfire|gunshots?|handguns?|rifles?|pistols?)\b", re.I)
_FIRED_WITH = re.compile(
    r"^[^.;]{0,60}?\bwith (?:an? |its |their )?(?:[\w-]+ ){0,3}?"
    r"(?:missiles?|rockets?|shells?|artillery|mortars?|howitzers?)\b",
    re.I,
)
# "the locality of Qabrikha": a place is named that the gazetteer lacks; the act did not
# happen where the last one did
_UNRESOLVED_SITE = re.compile(
    r"\b(?:locality|village|town|hamlet|city|area|district|neighbou?rhood|camp|region)"
    r" of (?:the )?[A-Z][\w'’-]+"
)
_DIRECTION_ONLY = re.compile(
    r"\b(?:in|across|throughout) the (?:(?:far|north|south)[- ]?)?(?:north|south|east|west)(?:ern|[- ]?east|[- ]?west)?\b"
    r"(?! of [A-Z])|\bcountry['’]s (?:north|south|east|west)",
    re.I,
)
# Sub-types that always have an opposing side, even when the sentence names one.
_BOMBS = ("Remote explosive/landmine/IED", "Suicide bomb")
_TWO_SIDED = ("Disrupted weapons use", "Non-violent transfer of territory")


def _other_side(actor: Actor, ctx: _Context) -> Actor | None:
    """The side a battle had against `actor`, when the report names only one.

    ACLED codes both sides of a battle. When a sentence names one ("rebels seized
    the town"), the other is the opponent this report names: the state forces of
    its country against a non-state group, the report's most named armed group
    against state forces. Nothing is taken from outside the report.
    """
    kb = get_actor_kb()
    if actor.inter in (1, 8):
        armed = [
            (n, key)
            for key, n in ctx.salience.items()
            if (a := kb.by_key(key)) is not None and a.inter in (2, 3, 4) and key != "IRN_AXIS"
        ]
        if not armed:
            return None
        return kb.by_key(max(armed)[1])
    if ctx.home is not None and ctx.salience.get(ctx.home.key):
        return ctx.home
    return None


_DAY_AFTER = re.compile(r"(?:a|one|the) day after", re.I)
_PLACE_ANAPHOR = re.compile(TOWN_ANAPHOR, re.I)
_PRESENT = re.compile(r"\b(?:is|are|now)\b", re.I)


def _people_object(text: str, end: int, mentions: list[ActorMention]) -> bool:
    """'captured more Syrian troops': people were captured, not ground."""
    head = text[end : end + 30]
    if re.match(r"\s+by\b", head, re.I):
        return False  # "was captured by rebel fighters": the captors, not the captured
    if re.match(
        r"\s+(?:more |dozens of |hundreds of |\d+ )?(?:\w+ )?(?:troops|soldiers|fighters|militants|members|officers|prisoners)\b",
        head,
        re.I,
    ):
        return True
    return any(0 <= m.start - end <= 6 for m in mentions)


def _agent_after(text: str, cand: _Candidate, mention: ActorMention) -> bool:
    """The doer named after a passive act word: "was killed by armed men"."""
    between = text[cand.end : mention.start]
    return 0 <= mention.start - cand.end <= 40 and bool(
        re.fullmatch(r"\s+(?:\S+\s+){0,3}?by\s+(?:the\s+|an?\s+)?(?:\S+\s+){0,2}?", between)
    )


def _group_as_source(lex: Lexicon, mentions: list[ActorMention], text: str, words: str) -> str:
    """ "..., the group said in a statement": the armed group "the group" refers back to
    is the source, not whoever the sentences before cited."""
    if not words or not lex.anaphor.match(words):
        return ""
    start = text.lower().find(words.lower())
    kb = get_actor_kb()
    for m in mentions:
        if m.start <= start < m.end and m.actor.inter in (2, 3, 4) and not kb.is_generic(m.actor):
            return m.actor.name
    return ""


def _without_source(
    mentions: list[ActorMention], text: str, words: str, first_act: int
) -> list[ActorMention]:
    """The source named after the act ("..., the Syrian Defence Ministry said") is not
    a party to it, unless it is the only actor named. (A source named first may well
    be the actor: "Rebels said they had shot down a helicopter".)"""
    if not words:
        return mentions
    start = text.lower().find(words.lower())
    if start < first_act:
        return mentions
    end = start + len(words)
    inside = [m for m in mentions if m.start >= start and m.end <= end]
    outside = [m for m in mentions if m not in inside and m.actor.inter != 7]
    if (
        inside
        and not outside
        and _CLOSING_REPORT.match(text, end)
        and not any(m.actor.inter in (2, 3, 4) for m in inside)
    ):
        # "A rocket landed near Sderot, the Israeli military said.": the closing clause
        # names who reports the act, a reporter even where it is the only actor named
        # (not an armed group telling its own act: "..., a spokesman for the group said")
        return [m for m in mentions if m not in inside]
    return [m for m in mentions if m not in inside] if inside and outside else mentions


_CLOSING_REPORT = re.compile(
    r"\s+(?:said|says|reported|stated|added|announced|confirmed)\b[^,;]{0,40}[.!]?\s*$", re.I
)


_VICTIM = re.compile(
    r"\b(?:were|was|have been|had been|being) (?:killed|wounded|injured|hurt|hit|targeted)\b", re.I
)


_POLITICAL_TARGET = re.compile(
    r"\b(?:activists?|dissidents?|journalists?|politicians?|opposition|protesters?|"
    r"demonstrators?|lawmakers?|(?:suspected|alleged) (?:\w+ )?(?:militants?|members|"
    r"supporters|fighters|jihadists?|rebels?|collaborators?|spies))\b",
    re.I,
)


def _political(
    sub: str,
    event_type: str,
    actors1: list[Actor],
    actors2: list[Actor],
    text: str,
    mentions: list[ActorMention],
) -> bool:
    """Whether an act is political violence as ACLED codes it, not crime, sport or
    weather: battles need an armed party, violence against civilians an armed
    perpetrator, arrests a political target."""
    police_only = bool(mentions) and all(
        "police" in m.actor.mention.lower() for m in mentions if m.actor.inter == 1
    )
    armed = [a for a in actors1 + actors2 if a.inter in ARMED_INTERS]
    if event_type == "Battles":
        return bool(armed) and not (police_only and all(a.inter == 1 for a in armed))
    if event_type == "Violence against civilians":
        return bool(actors1) and actors1[0].inter in ARMED_INTERS
    if sub == "Arrests":
        target = any(a.inter in (2, 3, 4, 6) for a in actors2)
        return target or bool(_POLITICAL_TARGET.search(text))
    return True


def classifier_vouches(verdict: Any, event_type: str, threshold: float) -> str:
    """The classifier reads the sentence as an act of this event type with confidence
    (its sub-types' probabilities summed): the act is coded though the rules name no
    party fit for it ("armed men shot dead a rights defender"). '' when it does not."""
    if verdict is None:
        return ""
    share = sum(p for label, p in verdict.scores.items() if SUB_TO_TYPE.get(label) == event_type)
    return f"P({event_type}) {share:.2f}" if share >= threshold else ""


def acled_default_parties(
    event_type: str, actors1: list[Actor], actors2: list[Actor], ctx: _Context
) -> tuple[list[Actor], list[Actor]] | None:
    """ACLED's parties where the report names none: an unnamed perpetrator of violence
    against civilians is an unidentified armed group, its unnamed victims civilians; an
    arrest needs no named detainee. None where a named party rules the act out (an
    unarmed crowd as perpetrator is a riot, not this)."""
    if event_type == "Violence against civilians":
        if actors1 and actors1[0].inter not in ARMED_INTERS:
            return None
        actors1 = actors1 or _class_here("UNIDENTIFIED", ctx)
        if not any(a.inter == 7 for a in actors2):
            actors2 = _class_here("CIVILIANS", ctx) + actors2
        return actors1, actors2
    if event_type == "Strategic developments":
        return actors1, actors2
    return None


def mob_and_its_victims(
    text: str, cand: _Candidate, mentions: list[ActorMention], actors1: list[Actor], ctx: _Context
) -> tuple[list[Actor], list[Actor]]:
    """ACLED's mob violence: the crowd is actor1, as rioters (unarmed people who form the
    mob, "villagers beat...", are rioters too; an armed party named as the doer stays);
    whoever it set upon is actor2, unarmed people as civilians ("lynched a man")."""
    armed = [a for a in actors1 if a.inter in ARMED_INTERS]
    doers = armed[:1] or _class_here("RIOTERS", ctx)
    after = [
        m.actor
        for m in mentions
        if m.start >= cand.end and m.actor.inter not in (5, 6) and m.actor.key not in _CROWDS
    ]
    if not after and _SET_UPON.match(text, cand.end):
        after = _class_here("CIVILIANS", ctx)
    return doers, _unique(after)


_CROWDS = frozenset({"RIOTERS", "PROTESTERS"})
# The people a mob set upon, named as its verb's object: "lynched a man", "beat two
# suspected thieves", "attacked three women".
_SET_UPON = re.compile(
    r"\s+(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|\d+)\s+)"
    r"(?:[\w-]+\s+){0,3}?(?:m[ae]n|wom[ae]n|boys?|girls?|persons?|people|youths?|suspects?|"
    r"thie(?:f|ves)|teenagers?|villagers?|residents?|traders?|herders?|farmers?|worshippers?|"
    r"students?|migrants?|foreigners?|drivers?|passengers?|civilians?)\b",
    re.I,
)


def _class_here(key: str, ctx: _Context) -> list[Actor]:
    """A class of actors named for the report's country ("Civilians (Kenya)"), as a list
    of one (none when the file lacks the class)."""
    actor = get_actor_kb().class_in_country(key, ctx.country)
    return [actor] if actor is not None else []


_HARM_VERBS = (
    r"killed|shot dead|shot|gunned down|murdered|executed|beheaded|stabbed|lynched|"
    r"assassinated|burned alive|hacked to death|beaten to death|kidnapped|abducted|seized"
)
_ONE_PERSON = (
    r"man|woman|boy|girl|child|teenager|youth|farmer|herder|villager|resident|trader|"
    r"shopkeeper|driver|passenger|chief|elder|cleric|teacher|student|doctor|nurse|official|"
    r"worker|pensioner|refugee|mother|father|head(?! of)"
)
_PEOPLE_KILLED = re.compile(
    r"\b(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"dozens of|scores of|hundreds of|several|many|more) (?:\w+ )?"
    r"(?:people|persons|villagers|men|women|worshippers|passengers|farmers|residents|"
    r"associates|allies|supporters|relatives|students|traders|herders|miners|pilgrims|"
    r"guests|bystanders|pedestrians|children)\b"
    r"|\bmembers of (?:a|one|the same|his|her|their) (?:single )?family\b"
    r"|\bkill(?:s|ed|ing)? (?:a|an|the|an entire|a whole) (?:family|household)\b"
    # one unarmed person as the act's object: "shot dead a village chief", "kidnapped an
    # elderly woman" (not "an official said": a witness or a source)
    rf"|\b(?:{_HARM_VERBS})\s+(?:a|an|one) (?:[\w-]+ ){{0,2}}?(?:{_ONE_PERSON})\b"
    rf"|\b(?:a|an|one) (?:[\w-]+ ){{0,2}}?(?:{_ONE_PERSON}) (?:was|has been|had been) "
    rf"(?:\w+ly )?(?:{_HARM_VERBS})\b"
    # unarmed people named by their calling: "lawyer Elvino Dias", "a candidate of ..."
    r"|\b(?:lawyers?|journalists?|reporters?|activists?|candidates?|politicians?|lawmakers?|"
    r"teachers?|doctors?|nurses?|pastors?|priests?|imams?|clerics?|businessm[ae]n|"
    r"councill?ors?|mayors?|traders?|aid workers?|human rights defenders?)\b",
    re.I,
)


def _unique(actors: list[Actor]) -> list[Actor]:
    return unique_by(actors, lambda a: a.key)


def _localise(actor: Actor, country_code: str) -> Actor:
    """A state's forces acting abroad are external forces (ACLED inter 8)."""
    if actor.inter == 1 and actor.country and country_code and actor.country != country_code:
        return replace(actor, inter=8)
    return actor


def _note(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."


# ---------------------------------------------------------------- ACLED aggregation


def _place_key(event: Event) -> str:
    if event.place is None:
        return f"text:{event.location_text.lower()}"
    if event.place.geonameid:
        # a region coded to its main town is not the town itself
        key = f"gn:{event.place.geonameid}" + ("|region" if event.geo_precision >= 3 else "")
        if (
            event.location_text
            and not event.location_text.lower().endswith("capital")  # "Haiti's capital"
            and not _names_place(event.location_text, event.place)
        ):
            # a village the gazetteer lacks, coded to the town beside it: its own act
            key += f"|{event.location_text.lower()}"
        return key
    return f"pt:{event.place.latitude:.3f},{event.place.longitude:.3f}"


def _names_place(words: str, place: Place) -> bool:
    candidates = get_gazetteer().candidates(re.sub(r"['’]s$", "", words))
    return any(c.geonameid == place.geonameid for c in candidates)


def aggregate(events: list[Event]) -> list[Event]:
    """One event per act, place and day: retellings merge, an air strike inside a
    ground battle at the same place and day becomes part of the battle."""
    merged: list[Event] = []
    index: dict[tuple[str, str, object, str], int] = {}
    kb = get_actor_kb()
    for event in events:
        family = event.sub_event_type
        key = (event.article_id, _place_key(event), event.event_date, family)
        one_sided = event.event_type not in ("Battles", "Protests", "Riots")
        if key in index and one_sided and _opposed(kb, merged[index[key]], event):
            # the same kind of one-sided act by the other side ("Israel shelled...
            # Hezbollah fired rockets...") is another act; a battle has two sides anyway
            key = (*key[:3], f"{family}|{event.actor1.key if event.actor1 else ''}")
        if key in index:
            i = index[key]
            merged[i] = _merge(merged[i], event)
            continue
        index[key] = len(merged)
        merged.append(event)
    # A retelling with no date of its own ("Russia launched air strikes on Aleppo" in
    # the lead) is the act the report dates elsewhere, when exactly one fits.
    absorbed: set[int] = set()
    for i, event in enumerate(merged):
        if event.date_text:
            continue
        dated = [
            j
            for j, other in enumerate(merged)
            if j != i
            and other.date_text
            and other.sub_event_type == event.sub_event_type
            and _place_key(other) == _place_key(event)
            and j not in absorbed
        ]
        if len(dated) == 1:
            merged[dated[0]] = _merge(merged[dated[0]], event)
            absorbed.add(i)
    merged = [e for i, e in enumerate(merged) if i not in absorbed]
    merged = _join_generic_retellings(merged)
    merged = _join_unplaced_retellings(merged)
    merged = _join_regional_retellings(merged)
    # ACLED: a battle that changed who holds the ground is the territory event; an air
    # strike inside a ground battle (same place and day) is part of the battle.
    absorbed = set()
    _absorb(merged, absorbed, ("Armed clash",), _TERRITORY, same_sentence=True)
    _absorb(merged, absorbed, ("Air/drone strike",), ("Armed clash",))
    # the army's withdrawal and the rebels' entry are one transfer of the same ground
    _absorb(merged, absorbed, ("Non-violent transfer of territory",), _TERRITORY)
    # a protest the police broke up is one protest with intervention, arrests included
    _absorb(merged, absorbed, ("Peaceful protest", "Arrests"), _INTERVENED)
    # ...and a demonstration that turned violent there that day is the riot
    _absorb(merged, absorbed, ("Peaceful protest", "Arrests", *_INTERVENED), _RIOT)
    # ACLED: property destroyed by rioters is part of the riot ("vandalised a bus")
    _absorb(merged, absorbed, ("Looting/property destruction",), (*_RIOT, "Mob violence"))
    # ...and so is property burned in an attack or a battle there that day (ACLED codes
    # looting and destruction only where no other violent event holds them)
    _absorb(merged, absorbed, ("Looting/property destruction",), _VIOLENT_ACTS)
    return [e for i, e in enumerate(merged) if i not in absorbed]


def _opposed(kb: Any, one: Event, other: Event) -> bool:
    """Whether two events' initiators are named and on opposing sides."""
    a, b = one.actor1, other.actor1
    if a is None or b is None or a.key == b.key or kb.is_generic(a) or kb.is_generic(b):
        return False
    return not kb.same_side(a, b)


def is_unplaced(event: Event) -> bool:
    """Coded to the whole country (or nowhere): no toponym of the act was in reach."""
    return event.place is None or (
        event.geo_precision >= 3 and event.place.feature_code.startswith("PCL")
    )


def _allied_doers(one: Event, other: Event) -> bool:
    """Whether two events' doers are on one side ("gangs" and the gang coalition named
    in the retelling)."""
    return bool(one.actor1 and other.actor1 and kb_same_side(one.actor1, other.actor1))


def kb_same_side(one: Actor, other: Actor) -> bool:
    """Whether the actor knowledge base puts two actors on one side."""
    return bool(get_actor_kb().same_side(one, other))


def _denies_something_else(lex: Lexicon, text: str, cand: _Candidate) -> bool:
    """Whether the sentence's denial comes after the act and denies a clause of its own
    ("... had redeployed, and denied that its lines had collapsed"), not the act."""
    cue = lex.denied.search(text, cand.end)
    if cue is None or lex.denied.search(text[: cand.start]):
        return False
    return bool(re.match(r"\s+(?:that|claims? that|reports? that)\b", text[cue.end() :], re.I))


def _definite_retelling(event: Event) -> bool:
    """Whether the event's act word is a definite noun phrase that refers back ("the
    assault", "this attack"), not a new act ("an attack", "another attack")."""
    for evidence in event.evidence:
        at = evidence.text.find(evidence.trigger) if evidence.trigger else -1
        if at > 0 and re.search(r"\b(?:the|this|that|these|those)\s+$", evidence.text[:at], re.I):
            return True
    return False


def _join_generic_retellings(events: list[Event]) -> list[Event]:
    """'The attack', 'yet another gang attack': a bare attack word names no kind of its
    own, so where the report tells an act of the same doer on that day, at that place
    or with no place of its own, it is that act told again (whatever kind the act is)."""
    merged = list(events)
    absorbed: set[int] = set()
    for i, event in enumerate(events):
        if not _only_generic_attack_words(event):
            continue
        target = next(
            (
                j
                for j, other in enumerate(events)
                if j != i
                and j not in absorbed
                and (
                    not _only_generic_attack_words(other) or (j < i and _definite_retelling(event))
                )
                and other.article_id == event.article_id
                and other.event_date == event.event_date
                and (
                    _same_doer(other, event)
                    or event.actor1 is None
                    or (j < i and _definite_retelling(event) and _allied_doers(other, event))
                )
                and (
                    is_unplaced(event)
                    or _place_key(other) == _place_key(event)
                    # "The assault targeted the post in Tawori": a definite retelling
                    # joins its act whatever the place it adds
                    or (j < i and _definite_retelling(event))
                )
            ),
            None,
        )
        if target is not None:
            _fold_retelling(merged, absorbed, target, i, event)
    return [e for i, e in enumerate(merged) if i not in absorbed]


def _fold_retelling(
    merged: list[Event], absorbed: set[int], target: int, told: int, event: Event
) -> None:
    """`event` (number `told`) is act `target` told again: its evidence and actors join
    the act, its figure only where the act has none of its own."""
    figure = event.fatalities_stated and not merged[target].fatalities_stated
    merged[target] = _merge(merged[target], replace(event, fatalities_stated=figure))
    absorbed.add(told)


# Sub-types of violent acts, which hold the property destroyed in them.
_VIOLENT_ACTS = (
    "Attack",
    "Armed clash",
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Suicide bomb",
    "Grenade",
    "Sexual violence",
    "Abduction/forced disappearance",
)
# How far from a region's point a town of the same act may lie (a large province's
# capital to its edge).
_REGION_REACH_KM = 300.0


def _join_regional_retellings(events: list[Event]) -> list[Event]:
    """An act told at a region ("an attack on a village in northern Burkina Faso") and
    then at its town ("the village of X") is one act: a region-level event joins the
    single town-level event of the same report, sub-type and day within reach of it.
    Two town-level acts, or two stated figures that differ, leave it alone."""
    merged = list(events)
    absorbed: set[int] = set()
    for i, event in enumerate(events):
        if event.place is None or event.geo_precision < 3 or is_unplaced(event):
            continue
        finer = [
            j
            for j, e in enumerate(events)
            if j != i
            and j not in absorbed
            and e.article_id == event.article_id
            and e.sub_event_type == event.sub_event_type
            and e.event_date == event.event_date
            and e.place is not None
            and e.geo_precision < 3
            and e.place.country_code == event.place.country_code
            and haversine_km(
                e.place.latitude, e.place.longitude, event.place.latitude, event.place.longitude
            )
            <= _REGION_REACH_KM
        ]
        if len(finer) != 1:
            continue
        target = events[finer[0]]
        if (
            event.fatalities_stated
            and target.fatalities_stated
            and event.fatalities != target.fatalities
        ):
            continue
        if finer[0] in absorbed:
            continue
        _fold_retelling(merged, absorbed, finer[0], i, event)
    return [e for i, e in enumerate(merged) if i not in absorbed]


def _join_unplaced_retellings(events: list[Event]) -> list[Event]:
    """An act told without a place ("the raid killed five", "these attacks") is the
    placed act of the same kind the report tells: it joins the first such act (same
    sub-type first, then same event type), whatever its date cue."""
    merged = list(events)
    absorbed: set[int] = set()
    for i, event in enumerate(events):
        if not is_unplaced(event):
            continue
        same = [
            j
            for j, e in enumerate(events)
            if not is_unplaced(e) and e.article_id == event.article_id
        ]
        target = next((j for j in same if events[j].sub_event_type == event.sub_event_type), None)
        if target is None:
            target = next((j for j in same if events[j].event_type == event.event_type), None)
        if target is None and event.sub_event_type == "Arrests":
            # "police arrested 30 supporters during a rally in Harare": the protest's
            # intervention (ACLED), the arrests told where the rally was
            target = next(
                (
                    j
                    for j in same
                    if events[j].event_type in ("Protests", "Riots")
                    and events[j].event_date == event.event_date
                ),
                None,
            )
        if target is not None:
            _fold_retelling(merged, absorbed, target, i, event)
    return [e for i, e in enumerate(merged) if i not in absorbed]


_GENERIC_ATTACK = re.compile(r"(?:an? |the )?(?:attacks?|assaults?|violence)", re.I)


def _only_generic_attack_words(event: Event) -> bool:
    """An event whose every trigger is a bare 'attack', 'assault' or 'violence'."""
    words = [e.trigger for e in event.evidence if e.trigger and e.trigger not in _SUPPORT]
    return bool(words) and all(_GENERIC_ATTACK.fullmatch(w) for w in words)


# evidence that supports an act told elsewhere: its toll, its denial, its doer named
_SUPPORT = ("toll", "denial", "doer")


def _same_doer(one: Event, other: Event) -> bool:
    return bool(one.actor1 and other.actor1 and one.actor1.key == other.actor1.key)


_TERRITORY = ("Government regains territory", "Non-state actor overtakes territory")
_INTERVENED = ("Protest with intervention", "Excessive force against protesters")
_RIOT = ("Violent demonstration",)


def _absorb(
    events: list[Event],
    absorbed: set[int],
    parts: tuple[str, ...],
    wholes: tuple[str, ...],
    same_sentence: bool = False,
) -> None:
    """Fold events of `parts` sub-types into a `wholes` event at the same place and day
    (and, with `same_sentence`, told in the same sentence)."""
    wholes_at = {
        (e.article_id, _place_key(e), e.event_date): i
        for i, e in enumerate(events)
        if e.sub_event_type in wholes and i not in absorbed
    }
    for i, event in enumerate(events):
        if event.sub_event_type not in parts or i in absorbed:
            continue
        whole = wholes_at.get((event.article_id, _place_key(event), event.event_date))
        if same_sentence and whole is not None:
            starts = {e.start for e in events[whole].evidence}
            if not any(e.start in starts for e in event.evidence):
                whole = None
        if whole is not None and whole != i:
            events[whole] = _merge(events[whole], event)
            absorbed.add(i)


def _merge(base: Event, other: Event) -> Event:
    actors_seen = {a.key for a in base.actors}
    assoc1 = base.assoc_actor_1 + tuple(
        a for a in (other.actor1, *other.assoc_actor_1) if a and a.key not in actors_seen
    )
    actors_seen |= {a.key for a in assoc1}
    assoc2 = base.assoc_actor_2 + tuple(
        a for a in (other.actor2, *other.assoc_actor_2) if a and a.key not in actors_seen
    )
    stated = [e.fatalities for e in (base, other) if e.fatalities_stated]
    evidence = base.evidence + tuple(e for e in other.evidence if e not in base.evidence)
    actor1, actor2 = base.actor1 or other.actor1, base.actor2 or other.actor2
    if base.actor2 is None and actor1 and actor2 and actor2.key == actor1.key:
        actor2 = None  # a retelling's party that is the act's own doer is not its target
    return replace(
        base,
        actor1=actor1,
        actor2=actor2,
        # (a party that became actor1 or actor2 here is not also associated with it)
        assoc_actor_1=tuple(a for a in assoc1 if not actor1 or a.key != actor1.key),
        assoc_actor_2=tuple(a for a in assoc2 if not actor2 or a.key != actor2.key),
        fatalities=min(stated) if stated else 0,
        fatalities_stated=bool(stated),
        evidence=evidence,
        framing=tuple(dict.fromkeys(base.framing + other.framing)),
        certainty="denied" if "denied" in (base.certainty, other.certainty) else base.certainty,
        # the act's first telling names its source; retellings add evidence (and the
        # source, where the first telling was the outlet's own voice)
        attributed_to=(
            other.attributed_to if base.attributed_to in ("", "outlet") else base.attributed_to
        ),
    )
