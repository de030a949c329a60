"""Every rule of the extractor has a case: a sentence we wrote, run through the real
pipeline, with the outcome the rule must give (tests/data/rule_cases.yaml).

The rules: the token patterns of trigger_patterns.yaml (by name); the regular-expression
triggers of triggers.yaml and the cues of claims.yaml (each entry must be the one that
matches some case's words); the cue lists of triggers.yaml, the word lists of
figures.yaml, the named patterns of claims.yaml and the sources of sources.yaml (by
key or name); and, read from the source code, the skip reasons and the field rules of
extract.py and the figure rules of figures.py. A rule added without a case fails
`test_every_rule_has_a_case`."""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from frontlines import extract, figures
from frontlines.claims import _find_cues, camp
from frontlines.extract import ExtractConfig, Trace, _find_triggers, has_defining_word
from frontlines.figures import read_figures
from frontlines.lexicon import CUE_KINDS, get_claim_lexicon, get_lexicon, get_token_triggers
from frontlines.models import SUB_TO_TYPE, Article, Event
from frontlines.nlp import sentences_of
from frontlines.pipeline import analyze_articles, analyze_parsed

CASES_FILE = Path(__file__).parent / "data" / "rule_cases.yaml"

# The keys of triggers.yaml that are cue lists (everything but `triggers`), each a rule;
# `defining_words` is one rule per sub-type it defines.
CUE_KEYS = frozenset(
    k
    for k in yaml.safe_load(
        resources.files("frontlines.data").joinpath("triggers.yaml").read_text("utf-8")
    )
    if k != "triggers"
)


@dataclass(frozen=True)
class Case:
    rule: str
    text: str
    words: str = ""  # the words a trigger of this rule matched
    first: str = ""  # the sub-type of the first event, or "none" for no event
    skip: str = ""  # a skip reason of the trace starts with this
    defines: str = ""  # has_defining_word(defines, text)
    actor1: str = ""  # the key of the first event's actor1
    certainty: str = ""  # the first event's certainty
    source: str = ""  # the last sentence's source (attributed_to) is this
    dead: tuple[int, ...] | None = None  # the act's figures of dead (figures.read_figures)
    running: tuple[int, ...] = ()  # the running tolls among the figures
    published: str | None = "2024-12-04"  # the report's date (None: undated)
    claims: tuple[str, ...] | None = (
        None  # its claims include "KIND STANCE PLACE SUBJECT[ by SOURCE]"
    )
    same_camp: bool | None = None  # the claims' subjects are on one side (claims.yaml camps)
    parse: bool = True  # figures read with the sentence's parse (else from the words)
    classifier: bool = False  # the rules alone unless the case needs the classifier
    xfail: str = ""  # a known defect, reported

    @property
    def id(self) -> str:
        return f"{self.rule}|{self.text[:50]}"


@lru_cache(maxsize=1)
def load_cases() -> tuple[Case, ...]:
    data = yaml.safe_load(CASES_FILE.read_text("utf-8"))
    cases = []
    for entry in data["cases"]:
        known = {k: entry[k] for k in Case.__dataclass_fields__ if k in entry}
        for listed in ("dead", "running", "claims"):
            if listed in known:
                known[listed] = tuple(known[listed])
        unknown = set(entry) - set(known)
        assert not unknown, f"{entry['rule']}: unknown keys {unknown}"
        cases.append(Case(**known))
    return tuple(cases)


@dataclass
class Outcome:
    events: list[Event]
    traces: list[Trace]

    @property
    def skipped(self) -> list[str]:
        return [why for trace in self.traces for _, why in trace.skipped]


@cache
def run(text: str, classifier: bool, published: str | None = "2024-12-04") -> Outcome:
    """The text through the real pipeline (parse, places, extractor, sources)."""
    (sentences,) = list(sentences_of([text]))
    traces: list[Trace] = []
    day = date.fromisoformat(published) if published else None
    article = Article(id="case", text=text, published=day)
    config = ExtractConfig(classifier=classifier)
    result = analyze_parsed(article, sentences, config, traces=traces)
    return Outcome(result.events, traces)


def found_triggers(text: str) -> list[Any]:
    lex = get_lexicon()
    (sentences,) = list(sentences_of([text]))
    return [c for s in sentences for c in _find_triggers(lex, s.text, s.span)]


# ---------------------------------------------------------------- the rules


def pattern_rules() -> set[str]:
    by_name, _ = get_token_triggers()
    return {f"pattern:{name}" for name in by_name}


def cue_rules() -> set[str]:
    lex_yaml = yaml.safe_load(
        resources.files("frontlines.data").joinpath("triggers.yaml").read_text("utf-8")
    )
    rules = {f"cue:{k}" for k in CUE_KEYS if k != "defining_words"}
    rules |= {f"cue:defining_words/{sub}" for sub in lex_yaml["defining_words"]}
    return rules


def _data(name: str) -> Any:
    return yaml.safe_load(resources.files("frontlines.data").joinpath(name).read_text("utf-8"))


def figure_rules() -> set[str]:
    """The rules figures.py names its figures by (the `rule` of each `Figure(...)`), and
    the word lists of figures.yaml."""
    tree = ast.parse(inspect.getsource(figures))
    names = {
        node.args[3].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Figure"
        and len(node.args) >= 4
        and isinstance(node.args[3], ast.Constant)
    }
    return {f"figure:{n}" for n in names} | {f"figures:{k}" for k in _data("figures.yaml")}


def source_rules() -> set[str]:
    """The named sources of sources.yaml, its reporting verbs, anaphors and certainty cues."""
    data = _data("sources.yaml")
    rules = {f"source:{s['name']}" for s in data["sources"]}
    rules |= {f"sources:{k}" for k in data if k not in ("sources", "certainty")}
    return rules | {f"sources:certainty/{k}" for k in data["certainty"]}


def field_rules() -> dict[str, tuple[str, frozenset[str]]]:
    """The rules `_build_event` names behind each field (the `fields` line of `explain`):
    by name ("{}" where the name has a placeholder), its pattern and the fields it names."""
    tree = ast.parse(inspect.getsource(extract))
    found: dict[str, tuple[str, set[str]]] = {}

    def add(value: ast.expr, key: str) -> None:
        if isinstance(value, ast.IfExp):
            add(value.body, key)
            add(value.orelse, key)
            return
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            parts: list[str | None] = [value.value.lstrip("+")]
        elif isinstance(value, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else None for v in value.values]
        else:
            return
        name = "".join("{}" if p is None else p for p in parts)
        pattern = "".join(".+" if p is None else re.escape(p) for p in parts)
        found.setdefault(name, (pattern, set()))[1].add(key)

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "why"
                    and isinstance(target.slice, ast.Constant)
                ):
                    add(node.value, target.slice.value)
                elif (
                    isinstance(target, ast.Name)
                    and target.id == "why"
                    and isinstance(node.value, ast.Dict)
                ):
                    for key, value in zip(node.value.keys, node.value.values, strict=True):
                        if isinstance(key, ast.Constant):
                            add(value, key.value)
    return {name: (pattern, frozenset(keys)) for name, (pattern, keys) in found.items()}


def claim_rules() -> set[str]:
    """The named patterns of claims.yaml (its cues are checked by hit, as triggers are)."""
    return {f"claims:{k}" for k in _data("claims.yaml") if k != "cues"}


def _string_prefix(node: ast.expr) -> str | None:
    """The fixed start of a string literal or f-string (up to its first placeholder)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        head = node.values[0]
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            return head.value
    return None


def skip_reasons() -> set[str]:
    """The reasons extract.py gives for not making an event of a trigger: the strings
    its extractor assigns to `why`, appends to `trace.skipped`, or returns from the
    functions that reject a trigger (`not_one_act`, `_build_event`, `classifier_veto`)."""
    tree = ast.parse(inspect.getsource(extract))
    reasons: set[str] = set()
    rejecting = {"not_one_act", "_build_event", "classifier_veto"}
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef):
            continue
        for node in ast.walk(func):
            values: list[ast.expr] = []
            if func.name in rejecting and isinstance(node, ast.Return) and node.value:
                values.append(node.value)
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "why" for t in node.targets
            ):
                values.append(node.value)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "append"
                and ast.unparse(node.func.value) == "trace.skipped"
                and node.args
                and isinstance(node.args[0], ast.Tuple)
            ):
                values.append(node.args[0].elts[1])
            for value in values:
                prefix = _string_prefix(value)
                if prefix:
                    reasons.add(prefix)
    return reasons


def reasons_named(skip: str, reasons: set[str]) -> list[str]:
    """The reasons of extract.py a case's `skip` names: a fixed reason it starts, else
    the fixed start of a reason with a placeholder ("describes 'police'")."""
    fixed = [r for r in reasons if r.startswith(skip)]
    return fixed or [r for r in reasons if skip.startswith(r)]


def test_the_rule_lists_are_read() -> None:
    # the lists the coverage test walks are not empty by accident
    assert len(pattern_rules()) > 40
    assert len(get_lexicon().triggers) > 25
    assert {"cue:tally", "cue:irrealis", "cue:defining_words/Grenade"} <= cue_rules()
    assert {"figure:subject:count", "figure:toll", "figures:running_toll"} <= figure_rules()
    assert {"source:SOHR", "sources:anaphors", "sources:certainty/denied"} <= source_rules()
    assert {"sides_of_trigger", "{}_cue_words", "no_place", "own_date_cue"} <= set(field_rules())
    reasons = skip_reasons()
    assert "tally: a count of many acts (verified/recorded N deaths), not one act" in reasons
    assert "not political violence: " in reasons
    assert "negated: kept as denied" in reasons


def test_every_rule_has_a_case() -> None:
    cases = load_cases()
    named = {c.rule for c in cases}
    every = pattern_rules() | cue_rules() | figure_rules() | source_rules()
    every |= {f"field:{name}" for name in field_rules()} | claim_rules()
    missing = sorted(every - named)
    # each regular-expression trigger is the one that matched some trigger case's words
    lex = get_lexicon()
    hit: set[int] = set()
    for case in cases:
        if case.rule.startswith("trigger:"):
            for cand in found_triggers(case.text):
                if cand.trigger.pattern is not None and cand.words == case.words:
                    hit.add(lex.triggers.index(cand.trigger))
    missing += [
        f"triggers.yaml entry {i + 1} ({t.sub}: {t.pattern.pattern[:60] if t.pattern else ''})"
        for i, t in enumerate(lex.triggers)
        if i not in hit
    ]
    clex = get_claim_lexicon()
    cued: set[int] = set()
    for case in cases:
        if case.rule.startswith("claim:"):
            for match in _find_cues(clex, case.text):
                if match.words == case.words:
                    cued.add(clex.cues.index(match.cue))
    missing += [
        f"claims.yaml cue ({c.kind}, priority {c.priority}: {c.pattern.pattern[:60]})"
        for i, c in enumerate(clex.cues)
        if i not in cued
    ]
    reasons = skip_reasons()
    named_reasons = {m for c in cases if c.skip for m in reasons_named(c.skip, reasons)}
    missing += [f"skip reason {r!r}" for r in sorted(reasons - named_reasons)]
    assert not missing, "rules without a case in tests/data/rule_cases.yaml:\n" + "\n".join(missing)


def test_every_case_names_a_rule_that_exists() -> None:
    rules = pattern_rules() | cue_rules() | figure_rules() | source_rules()
    rules |= {f"field:{name}" for name in field_rules()} | claim_rules()
    subs = {t.sub for t in get_lexicon().triggers}
    reasons = skip_reasons()
    for case in load_cases():
        kind = case.rule.split(":", 1)[0]
        if kind == "claim":
            assert case.rule.split(":", 1)[1] in CUE_KINDS and case.words, (
                f"{case.id}: a cue case names kind and words"
            )
        elif kind == "trigger":
            assert case.rule.split(":", 1)[1] in subs, case.rule
            assert case.words, f"{case.rule}: a trigger case names the words it matches"
        elif kind == "skip":
            assert case.skip, f"{case.id}: a skip case names its reason"
        else:
            assert case.rule in rules, f"{case.rule}: no such rule"
        if case.skip:
            matching = reasons_named(case.skip, reasons)
            assert len(matching) == 1, f"{case.id}: {case.skip!r} names {matching}"
        if case.first and case.first != "none":
            assert case.first in SUB_TO_TYPE, case.first


def _params() -> list[Any]:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else [],
        )
        for case in load_cases()
    ]


@pytest.mark.parametrize("case", _params())
def test_rule_case(case: Case) -> None:
    kind, _, name = case.rule.partition(":")
    if kind in ("pattern", "trigger"):
        found = [(c.words, c.trigger.rule, c.sub) for c in found_triggers(case.text)]
        if kind == "pattern":
            assert any(
                r == case.rule and (not case.words or w == case.words) for w, r, _ in found
            ), found
        else:
            assert any(r == "lexicon" and w == case.words and sub == name for w, r, sub in found), (
                found
            )
    if case.defines:
        assert has_defining_word(case.defines, case.text)
    if kind == "claim":
        words = [m.words for m in _find_cues(get_claim_lexicon(), case.text) if m.cue.kind == name]
        assert case.words in words, words
    if kind in ("claim", "claims") or case.claims is not None:
        _check_claims(case)
        return
    if kind in ("figure", "figures") or case.dead is not None:
        _check_figures(case, name if kind == "figure" else "")
        return
    if kind == "cue" and not name.startswith("defining_words"):
        # a cue read before its trigger (negation, absence) is matched on the words before it
        where = case.text[: case.text.index(case.words)] if case.words else case.text
        assert _cue_matches(name, where), f"{name} does not match {where!r}"
    outcome = run(case.text, case.classifier, case.published)
    if case.skip:
        assert any(why.startswith(case.skip) for why in outcome.skipped), outcome.skipped
    subs = [e.sub_event_type for e in outcome.events]
    if case.first == "none":
        assert subs == [], (subs, outcome.skipped)
    elif case.first:
        assert subs[:1] == [case.first], (subs, outcome.skipped)
    if case.actor1:
        first = outcome.events[0]
        assert first.actor1 is not None and first.actor1.key == case.actor1, first.actor1
    if kind == "field":
        pattern, keys = field_rules()[name]
        named = [
            part
            for _, fields in (f for trace in outcome.traces for f in trace.fields)
            for key, value in fields.items()
            if key in keys
            for part in value.split("+")
        ]
        assert any(re.fullmatch(pattern, part) for part in named), named
    if case.source:  # the last sentence's: an anaphor there names the source before
        assert outcome.traces[-1].source == case.source, [t.source for t in outcome.traces]
    if kind == "source":
        assert case.source == name, f"{case.id}: a source case names its source"
    if case.certainty:
        assert outcome.events[0].certainty == case.certainty


# triggers.yaml keys whose Lexicon field has another name
_LEXICON_FIELD = {
    "air_instruments": "air",
    "protest_excessive_force": "protest_force",
}


def _cue_matches(key: str, text: str) -> bool:
    """Whether the cue list `key` of triggers.yaml matches the text (a word of it, for
    the lists of head nouns)."""
    value = getattr(get_lexicon(), _LEXICON_FIELD.get(key, key))
    if isinstance(value, frozenset):
        words = [t.lower_ for s in sentences_of([text]) for sent in s for t in (sent.span or [])]
        return any(w in value for w in words) or any(
            t.lemma_.lower() in value
            for s in sentences_of([text])
            for sent in s
            for t in (sent.span or [])
        )
    if isinstance(value, str):  # seized_things: an alternation used inside other patterns
        import re

        return bool(re.search(rf"\b(?:{value})\b", text, re.I))
    return bool(value.search(text))


def test_two_token_patterns_may_not_share_a_name() -> None:
    from frontlines.errors import LexiconError
    from frontlines.lexicon import load_token_triggers

    twice = """
patterns:
  - {name: hit-verb, kind: strike, sub: Air/drone strike, priority: 40, pattern: [{LEMMA: hit}]}
  - {name: hit-verb, kind: fixed, sub: Armed clash, priority: 60, pattern: [{LEMMA: strike}]}
"""
    with pytest.raises(LexiconError, match="mine.yaml: entry hit-verb: the name is used by an"):
        load_token_triggers(twice, "mine.yaml")


def _check_figures(case: Case, rule: str) -> None:
    (sentences,) = list(sentences_of([case.text]))
    sentence = sentences[0]
    found = read_figures(sentence.text, sentence.span if case.parse else None)
    if rule:
        assert rule in [f.rule for f in found], [(f.words, f.rule) for f in found]
    assert tuple(f.value for f in found if not f.running) == (case.dead or ()), found
    assert tuple(f.value for f in found if f.running) == case.running, found


def _check_claims(case: Case) -> None:
    article = Article(id="case", text=case.text, published=date(2024, 12, 4), outlet="Test Wire")
    (result,) = list(analyze_articles([article], check_lang=False))
    control = [c for c in result.claims if c.kind != "killed"]
    told = [
        f"{c.kind} {c.stance} {c.place_text} {c.subject.key if c.subject else '-'}" for c in control
    ]
    # ...and with who says so ("... by armed groups")
    told += [f"{claim} by {c.attributed_to}" for claim, c in zip(told, control, strict=True)]
    if case.claims == ():
        assert control == [], told
    for claim in case.claims or ():
        assert claim in told, told
    if case.same_camp is not None:
        camps = {camp(c.subject.key) for c in result.claims if c.subject}
        assert len(camps) >= 1 and (len(camps) == 1) == case.same_camp, camps


def test_token_matcher_finds_what_the_full_matcher_finds() -> None:
    """The token-trigger matcher tries on a sentence only the patterns whose required
    lemmas it has; its matches, and their order, are those of a spaCy Matcher holding
    every pattern."""
    from spacy.matcher import Matcher

    from frontlines.nlp import get_nlp

    _, matcher = get_token_triggers()
    full = Matcher(get_nlp().vocab)
    for name, pattern in matcher.patterns:
        full.add(name, [pattern])
    texts = [
        "Rebels drove the soldiers out of the town and took full control of the district.",
        "Police opened fire on protesters, then arrested and detained twelve of them.",
        "The two sides exchanged prisoners after the army shot down a drone.",
        "A suicide bomber blew himself up at a market; militants set fire to the houses.",
        "The weather was mild and the market reopened on Tuesday.",
    ]
    seen = 0
    for sentences in sentences_of(texts):
        for sentence in sentences:
            expected = list(full(sentence.span))
            seen += bool(expected)
            assert matcher(sentence.span) == expected
    assert seen >= 4  # the rule sentences match patterns; the calm one need not
    (calm,) = list(sentences_of([texts[-1]]))
    assert matcher.candidates(calm[0].span) == ()
