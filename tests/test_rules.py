"""Every rule of the extractor has a case: a sentence we wrote, run through the real
pipeline, with the outcome the rule must give (tests/data/rule_cases.yaml).

The rules are the token patterns of trigger_patterns.yaml (by name), the regular
expression triggers of triggers.yaml (each entry must be the one that matches some
case's words), the cue lists of triggers.yaml (by key), and the skip reasons of
extract.py. A rule added without a case fails `test_every_rule_has_a_case`."""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from frontlines import extract
from frontlines.extract import ExtractConfig, Trace, _find_triggers, has_defining_word
from frontlines.lexicon import get_lexicon, get_token_triggers
from frontlines.models import SUB_TO_TYPE, Article, Event
from frontlines.nlp import sentences_of
from frontlines.pipeline import analyze_parsed

CASES_FILE = Path(__file__).parent / "data" / "rule_cases.yaml"
PUBLISHED = date(2024, 12, 4)

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
def run(text: str, classifier: bool) -> Outcome:
    """The text through the real pipeline (parse, places, extractor, sources)."""
    (sentences,) = list(sentences_of([text]))
    traces: list[Trace] = []
    article = Article(id="case", text=text, published=PUBLISHED)
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
    reasons = skip_reasons()
    assert "tally: a count of many acts (verified/recorded N deaths), not one act" in reasons
    assert "not political violence: " in reasons
    assert "negated: kept as denied" in reasons


def test_every_rule_has_a_case() -> None:
    cases = load_cases()
    named = {c.rule for c in cases}
    missing = sorted((pattern_rules() | cue_rules()) - named)
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
    reasons = skip_reasons()
    named_reasons = {m for c in cases if c.skip for m in reasons_named(c.skip, reasons)}
    missing += [f"skip reason {r!r}" for r in sorted(reasons - named_reasons)]
    assert not missing, "rules without a case in tests/data/rule_cases.yaml:\n" + "\n".join(missing)


def test_every_case_names_a_rule_that_exists() -> None:
    rules = pattern_rules() | cue_rules()
    subs = {t.sub for t in get_lexicon().triggers}
    reasons = skip_reasons()
    for case in load_cases():
        kind = case.rule.split(":", 1)[0]
        if kind == "trigger":
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
    if kind == "cue" and not name.startswith("defining_words"):
        # a cue read before its trigger (negation, absence) is matched on the words before it
        where = case.text[: case.text.index(case.words)] if case.words else case.text
        assert _cue_matches(name, where), f"{name} does not match {where!r}"
    outcome = run(case.text, case.classifier)
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
