"""The extractor's lexicon: trigger words, sources and certainty cues, loaded from
`data/triggers.yaml`, `data/trigger_patterns.yaml` and `data/sources.yaml` and checked
at load (a `LexiconError` names the file and the entry)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from frontlines.errors import LexiconError
from frontlines.models import SUB_TO_TYPE


@dataclass(frozen=True)
class Trigger:
    pattern: re.Pattern[str] | None  # None for a token pattern of trigger_patterns.yaml
    kind: str
    sub: str
    priority: int
    rule: str = "lexicon"
    consequence: bool = False
    decisive: bool = False  # the cue settles the sub-type, whatever the classifier says


_KINDS = ("fixed", "strike", "territory", "withdrawal", "attack", "protest")


@dataclass(frozen=True)
class Source:
    name: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    triggers: tuple[Trigger, ...]
    air: re.Pattern[str]
    ground_fire: re.Pattern[str]
    protest_intervention: re.Pattern[str]
    protest_violence: re.Pattern[str]
    protest_force: re.Pattern[str]
    cumulative: re.Pattern[str]
    tally: re.Pattern[str]
    tally_span: re.Pattern[str]
    ongoing: re.Pattern[str]
    accident: re.Pattern[str]
    habitual_before: re.Pattern[str]
    habitual_after: re.Pattern[str]
    perpetrator: re.Pattern[str]
    defining_words: dict[str, re.Pattern[str]]
    seized_things: str
    irrealis_heads: frozenset[str]
    descriptive_heads: frozenset[str]
    irrealis: re.Pattern[str]
    negation: re.Pattern[str]
    absence: re.Pattern[str]
    new_story: re.Pattern[str]
    sources: tuple[Source, ...]
    reporting_verbs: frozenset[str]
    anaphor: re.Pattern[str]
    denied: re.Pattern[str]
    claimed: re.Pattern[str]
    confirmed: re.Pattern[str]


def _apostrophes(pattern: str) -> str:
    """The pattern with each straight apostrophe also matching a typographic one (reports
    use both): `['’]` outside a character class, both characters inside one."""
    out: list[str] = []
    in_class = escaped = False
    for char in pattern:
        if char == "'" and not escaped:
            out.append("'’" if in_class else "['’]")
            continue
        if not escaped and char == "[" and not in_class:
            in_class = True
        elif not escaped and char == "]" and in_class and out[-1] != "[":
            in_class = False
        escaped = char == "\\" and not escaped
        out.append(char)
    return "".join(out)


def _words(pattern: str) -> re.Pattern[str]:
    pattern = _apostrophes(pattern)
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.I)


def _load_yaml(name: str) -> dict[str, Any]:
    text = resources.files("frontlines.data").joinpath(name).read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    trig = _load_yaml("triggers.yaml")
    src = _load_yaml("sources.yaml")
    triggers = tuple(
        Trigger(
            _words(t["pattern"]),
            t["kind"],
            t["sub"],
            int(t["priority"]),
            decisive=bool(t.get("decisive", False)),
        )
        for t in trig["triggers"]
    )
    for t in triggers:
        if t.sub not in SUB_TO_TYPE:
            raise LexiconError(f"triggers.yaml: unknown ACLED sub-event type {t.sub!r}")
    sources = tuple(Source(s["name"], _words("|".join(s["patterns"]))) for s in src["sources"])
    certainty = src["certainty"]
    return Lexicon(
        triggers=triggers,
        air=_words(trig["air_instruments"]),
        ground_fire=_words(trig["ground_fire"]),
        protest_intervention=_words(trig["protest_intervention"]),
        protest_violence=_words(trig["protest_violence"]),
        protest_force=_words(trig["protest_excessive_force"]),
        cumulative=re.compile(trig["cumulative"], re.I),
        tally=_words(trig["tally"]),
        tally_span=_words(trig["tally_span"]),
        ongoing=_words(trig["ongoing"]),
        accident=_words(trig["accident"]),
        habitual_before=_words(trig["habitual_before"]),
        habitual_after=_words(trig["habitual_after"]),
        perpetrator=_words(trig["perpetrator"]),
        defining_words={sub: _words(words) for sub, words in trig["defining_words"].items()},
        seized_things=trig["seized_things"],
        irrealis_heads=frozenset(str(w).lower() for w in trig["irrealis_heads"]),
        descriptive_heads=frozenset(str(w).lower() for w in trig["descriptive_heads"]),
        irrealis=re.compile(rf"(?<![\w-])(?:{trig['irrealis']})(?![\w-])", re.I),
        negation=re.compile(rf"(?:{trig['negation']})(?:\s+[\w-]+){{0,2}}\s*$", re.I),
        absence=re.compile(rf"(?<![\w-])(?:{trig['absence']})(?:\s+[\w-]+){{0,2}}\s*$", re.I),
        new_story=re.compile(rf"^\W*(?:{trig['new_story']})(?![\w-])", re.I),
        sources=sources,
        reporting_verbs=frozenset(src["reporting_verbs"]),
        anaphor=re.compile(src["anaphors"], re.I),
        denied=re.compile(certainty["denied"], re.I),
        claimed=re.compile(certainty["claimed"], re.I),
        confirmed=re.compile(certainty["confirmed"], re.I),
    )


def load_token_triggers(
    text: str, source: str = "trigger_patterns.yaml"
) -> tuple[dict[str, Trigger], Any]:
    """The token triggers of a YAML text, by name, and a spaCy Matcher holding their
    patterns.

    Every entry is checked: its kind, its sub-type, and that spaCy accepts its
    pattern; a bad entry raises `LexiconError` naming the file and the entry."""
    from spacy.matcher import Matcher

    from frontlines.nlp import get_nlp

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise LexiconError(f"{source}: not valid YAML ({exc})") from exc
    matcher = Matcher(get_nlp().vocab, validate=True)  # checks each pattern
    found: dict[str, Trigger] = {}
    patterns: list[tuple[str, list[dict[str, Any]]]] = []
    for number, entry in enumerate(data.get("patterns") or [], 1):
        name = str(entry.get("name") or f"entry {number}") if isinstance(entry, dict) else ""
        where = f"{source}: entry {name or number}"
        if not isinstance(entry, dict):
            raise LexiconError(f"{where}: not a mapping")
        missing = [k for k in ("kind", "sub", "priority", "pattern") if k not in entry]
        if missing:
            raise LexiconError(f"{where}: missing {', '.join(missing)}")
        if name in found:
            # the Matcher would file both under one key and keep only the last's priority
            raise LexiconError(f"{where}: the name is used by an earlier entry")
        if entry["kind"] not in _KINDS:
            raise LexiconError(f"{where}: unknown kind {entry['kind']!r}")
        if entry["sub"] not in SUB_TO_TYPE:
            raise LexiconError(f"{where}: unknown ACLED sub-event type {entry['sub']!r}")
        try:
            matcher.add(name, [entry["pattern"]])
        except Exception as exc:  # spaCy's MatchPatternError / ValueError
            detail = [line.strip("- ") for line in str(exc).splitlines() if line.startswith("-")]
            raise LexiconError(
                f"{where}: bad token pattern ({detail[0] if detail else str(exc).strip()})"
            ) from exc
        patterns.append((name, entry["pattern"]))
        found[name] = Trigger(
            None,
            entry["kind"],
            entry["sub"],
            int(entry["priority"]),
            f"pattern:{name}",
            bool(entry.get("consequence", False)),
            bool(entry.get("decisive", False)),
        )
    return found, TokenMatcher(get_nlp().vocab, patterns)


# Token attributes whose values a pattern's token can be looked up by (`TokenMatcher`).
_INDEXED = ("LEMMA", "LOWER")
_CHECKED = {"LEMMA": "lemma_", "LOWER": "lower_", "POS": "pos_"}


class TokenMatcher:
    """spaCy's Matcher over token patterns, run on a sentence with only the patterns it
    can match: a pattern whose required tokens ask for a lemma (or lower-case form) the
    sentence lacks matches nothing there, and the Matcher's cost grows with the patterns
    it tries at each token. The matches are the Matcher's with all the patterns, in its
    order (each pattern's states advance on their own, so leaving patterns out leaves
    the others' matches and their order as they were)."""

    def __init__(self, vocab: Any, patterns: list[tuple[str, list[dict[str, Any]]]]) -> None:
        self.vocab = vocab
        self.patterns = patterns
        self._matchers: dict[tuple[int, ...], Any] = {}
        # per pattern, its required tokens' checks: (attribute, allowed values) pairs; a
        # check is indexed by the values of its lemma (else lower-case form) constraint
        self._needs: list[int] = []
        self._unindexed: list[int] = []  # patterns that may match any sentence
        self._index: dict[str, dict[str, list[tuple[int, int, tuple[Any, ...]]]]] = {
            attr: {} for attr in _INDEXED
        }
        for number, (_, pattern) in enumerate(patterns):
            checks = [
                check
                for token in pattern
                if _required(token) and (check := _token_check(token)) is not None
            ]
            self._needs.append(len(checks))
            if not checks:
                self._unindexed.append(number)
            for slot, (attr, values, rest) in enumerate(checks):
                for value in values:
                    self._index[attr].setdefault(value, []).append((number, slot, rest))

    def candidates(self, span: Any) -> tuple[int, ...]:
        """The patterns (by number, in order) whose every required token has a match in
        the span."""
        met: dict[int, set[int]] = {}
        lemmas, lowers = self._index["LEMMA"], self._index["LOWER"]
        for token in span:
            for entries in (lemmas.get(token.lemma_), lowers.get(token.lower_)):
                if not entries:
                    continue
                for number, slot, rest in entries:
                    if all(getattr(token, attr) in allowed for attr, allowed in rest):
                        met.setdefault(number, set()).add(slot)
        ready = [n for n, slots in met.items() if len(slots) == self._needs[n]]
        return tuple(sorted(ready + self._unindexed))

    def __call__(self, span: Any) -> list[tuple[int, int, int]]:
        """(match id, start, end) of each match in the span, as `Matcher(span)` gives."""
        wanted = self.candidates(span)
        if not wanted:
            return []
        matcher = self._matchers.get(wanted)
        if matcher is None:
            from spacy.matcher import Matcher

            if len(self._matchers) >= 512:
                self._matchers.clear()
            matcher = self._matchers[wanted] = Matcher(self.vocab)
            for number in wanted:
                name, pattern = self.patterns[number]
                matcher.add(name, [pattern])
        return list(matcher(span))


def _required(token: dict[str, Any]) -> bool:
    """A pattern token every match has (no operator, or "+")."""
    return {str(k).upper(): v for k, v in token.items()}.get("OP") in (None, "+")


def _token_check(
    token: dict[str, Any],
) -> tuple[str, frozenset[str], tuple[tuple[str, frozenset[str]], ...]] | None:
    """(indexed attribute, its allowed values, the other attributes' checks) of a pattern
    token, or None when it names no lemma or lower-case form to look it up by. Only
    plain values and IN lists are read; any other constraint is left to the Matcher."""
    token = {str(k).upper(): v for k, v in token.items()}
    allowed: dict[str, frozenset[str]] = {}
    for attr in _CHECKED:
        value = token.get(attr)
        if isinstance(value, str):
            allowed[attr] = frozenset([value])
        elif (
            isinstance(value, dict)
            and set(value) == {"IN"}
            and all(isinstance(v, str) for v in value["IN"])
        ):
            allowed[attr] = frozenset(value["IN"])
    key = next((attr for attr in _INDEXED if attr in allowed), None)
    if key is None:
        return None
    rest = tuple((_CHECKED[a], v) for a, v in allowed.items() if a != key)
    return key, allowed[key], rest


@lru_cache(maxsize=1)
def get_token_triggers() -> tuple[dict[str, Trigger], Any]:
    text = resources.files("frontlines.data").joinpath("trigger_patterns.yaml").read_text("utf-8")
    return load_token_triggers(text)


# ---------------------------------------------------------------- the claim cues (claims.yaml)

# the kinds of claim a cue tells; tolls ("killed") are read from the figures of dead
CUE_KINDS = ("controls", "withdrew")


@dataclass(frozen=True)
class Cue:
    kind: str
    subject: str  # before | after | inside
    place: str  # before | after
    priority: int
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class ClaimLexicon:
    cues: tuple[Cue, ...]  # the most specific (highest priority) first
    not_ground: re.Pattern[str]
    negation: re.Pattern[str]
    irrealis: re.Pattern[str]
    realis_to: re.Pattern[str]
    reports: re.Pattern[str]
    reports_by: re.Pattern[str]
    denial_of_reports: re.Pattern[str]
    camps: dict[str, str]
    subject_aliases: tuple[tuple[re.Pattern[str], str], ...]
    leader_before: re.Pattern[str]
    leader_after: re.Pattern[str]


def _anywhere(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern matched anywhere, a straight apostrophe matching a
    typographic one (`_words` matches whole words only)."""
    return re.compile(_apostrophes(pattern), re.I)


_CUE_SLOTS = {"subject": ("before", "after", "inside"), "place": ("before", "after")}
_CLAIM_PATTERNS = (
    "not_ground",
    "negation",
    "irrealis",
    "realis_to",
    "reports",
    "reports_by",
    "denial_of_reports",
    "leader_before",
    "leader_after",
)


def load_claim_lexicon(text: str, source: str = "claims.yaml") -> ClaimLexicon:
    """The claim cues of a YAML text, each entry checked: a bad one raises
    `LexiconError` naming the file and the entry."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise LexiconError(f"{source}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise LexiconError(f"{source}: not a mapping")
    missing = [k for k in ("cues", *_CLAIM_PATTERNS) if k not in data]
    if missing:
        raise LexiconError(f"{source}: missing {', '.join(missing)}")
    cues = []
    for number, item in enumerate(data["cues"] or [], 1):
        where = f"{source}: cue {number}"
        if not isinstance(item, dict):
            raise LexiconError(f"{where}: not a mapping")
        absent = [k for k in ("kind", "subject", "place", "priority", "pattern") if k not in item]
        if absent:
            raise LexiconError(f"{where}: missing {', '.join(absent)}")
        if item["kind"] not in CUE_KINDS:
            raise LexiconError(f"{where}: unknown kind {item['kind']!r}")
        for slot, allowed in _CUE_SLOTS.items():
            if item[slot] not in allowed:
                raise LexiconError(f"{where}: {slot} must be one of {', '.join(allowed)}")
        try:
            pattern = _words(item["pattern"])
        except re.error as exc:
            raise LexiconError(f"{where}: bad pattern ({exc})") from exc
        cues.append(
            Cue(item["kind"], item["subject"], item["place"], int(item["priority"]), pattern)
        )
    try:
        patterns = {name: _anywhere(data[name]) for name in _CLAIM_PATTERNS}
        aliases = tuple(
            (_words(pattern), key)
            for key, listed in (data.get("subject_aliases") or {}).items()
            for pattern in listed
        )
    except re.error as exc:
        raise LexiconError(f"{source}: bad pattern ({exc})") from exc
    camps = {key: camp for camp, keys in (data.get("camps") or {}).items() for key in keys}
    return ClaimLexicon(
        cues=tuple(sorted(cues, key=lambda c: -c.priority)),
        camps=camps,
        subject_aliases=aliases,
        **patterns,
    )


@lru_cache(maxsize=1)
def get_claim_lexicon() -> ClaimLexicon:
    text = resources.files("frontlines.data").joinpath("claims.yaml").read_text("utf-8")
    return load_claim_lexicon(text)
