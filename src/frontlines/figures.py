"""Figures of dead: how many one act killed, read from a sentence (never injuries).

Reports state deaths in many shapes, and each rule below reads one of them:
- a verb in any inflection and voice, with the count after it ("killed five",
  "shot dead two protesters", "leaving 17 people dead") or before it ("four soldiers
  were killed", "three people have been shot and killed", "two died");
- a noun naming the deaths ("the deaths of three", "the killing of dozens",
  "five civilian deaths", "17 fatalities", "claimed the lives of 12");
- a toll ("a death toll of 12 in the attack") when it is one act's toll;
- one person ("killed a woman", "a soldier was killed", "led to Saeed's death"),
  found through spaCy's parse when the sentence's span is given, or by wording.
Vague counts follow ACLED: "dozens" 12, "hundreds" 100, "tens" 10, "several" and
"many" 10, or 3 when they count one small group ("several members of a family").
A running toll ("the toll has risen to", "since the war began", "so far this year")
is read and marked `running`: it is not one act's figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip


@dataclass(frozen=True)
class _Words:
    vague: dict[str, int]
    small_group: re.Pattern[str]
    person: re.Pattern[str]
    not_victims: re.Pattern[str]
    running: re.Pattern[str]
    always_running: re.Pattern[str]
    one_act: re.Pattern[str]
    person_nouns: frozenset[str]


@lru_cache(maxsize=1)
def _words() -> _Words:
    text = resources.files("frontlines.data").joinpath("figures.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    nouns = sorted(data["person_nouns"], key=len, reverse=True)
    return _Words(
        vague={str(k): int(v) for k, v in data["vague_numbers"].items()},
        small_group=re.compile(rf"^\s*(?:of the |of )?(?:{data['small_groups']})", re.I),
        person=re.compile(rf"(?:{'|'.join(re.escape(n) for n in nouns)})(?:'s)?\b", re.I),
        not_victims=re.compile(rf"^\s*(?:[a-z-]+\s+)?(?:{data['not_victims']})(?![\w-])", re.I),
        running=re.compile(rf"\b(?:{data['running_toll']})", re.I),
        one_act=re.compile(data["one_act_toll"], re.I),
        always_running=re.compile(data["always_running"], re.I),
        person_nouns=frozenset(n.lower() for n in data["person_nouns"]),
    )


_NUMBER_WORDS: dict[str, int] = {**_UNITS, **_TENS}


def _number_value(raw: str) -> int | None:
    """The value of a count as written: "1,200", "twenty-five", "two hundred", "dozens"."""
    raw = " ".join(raw.lower().replace(",", "").split())
    if raw.isdigit():
        return int(raw)
    vague = _words().vague
    if raw in vague:
        return vague[raw]
    if raw.endswith(" of") and raw[:-3] in vague:
        return vague[raw[:-3]]
    if raw in _NUMBER_WORDS:
        return _NUMBER_WORDS[raw]
    parts = re.split(r"[\s-]+", raw)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS and _UNITS[parts[1]] < 10:
        return _TENS[parts[0]] + _UNITS[parts[1]]  # "twenty-five"
    if len(parts) >= 2 and parts[1] == "hundred":
        head = _number_value(parts[0]) if parts[0] != "a" else 1
        rest = _number_value(" ".join(parts[2:]).removeprefix("and ")) if parts[2:] else 0
        if head is not None and rest is not None:
            return head * 100 + rest
    return None


def _vague_alternation() -> str:
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(_words().vague, key=len, reverse=True)
    )


_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+"
_WORD_NUM = (
    rf"(?:{'|'.join(_TENS)})(?:[\s-](?:{'|'.join(k for k, v in _UNITS.items() if v < 10)}))?"
    rf"|(?:{'|'.join(sorted(_UNITS, key=len, reverse=True))})(?:\s+hundred(?:\s+and\s+\w+)?)?"
    r"|a\s+hundred"
)


@lru_cache(maxsize=1)
def _num() -> str:
    return rf"(?:{_DIGITS}|{_vague_alternation()}|{_WORD_NUM})"


_QUALIFIER = (
    r"(?:at least|more than|over|nearly|almost|about|around|roughly|approximately|some|up to|"
    r"as many as|an estimated|a further|another|an additional|at most|no fewer than|"
    r"not less than|close to|upwards of|in excess of)"
)
# Verbs whose object is the dead, every inflection, active voice.
_ACTIVE = (
    r"kill(?:s|ed|ing)?|shoot(?:s|ing)? dead|shot dead|gun(?:s|ned|ning)? down|"
    r"execut(?:e|es|ed|ing)|massacr(?:e|es|ed|ing)|slaughter(?:s|ed|ing)?|murder(?:s|ed|ing)?|"
    r"assassinat(?:e|es|ed|ing)|behead(?:s|ed|ing)?|lynch(?:es|ed|ing)?|slay(?:s|ing)?|slew|"
    r"burn(?:s|ed|t|ing)? alive|martyr(?:s|ed|ing)|"
    r"(?:claim|take|cost)(?:s|ed|ing)? the lives of|(?:took|claimed|cost) the lives of|"
    r"(?:the )?(?:deaths?|killings?|massacre|murders?|executions?|slaughter|martyrdom) of"
)
# Verbs of a killing by hand told with "to death": "beat two men to death".
_TO_DEATH = (
    r"beat|beats|beating|beaten|stoned|stoning|hacked|hacking|stabbed|stabbing|clubbed|"
    r"clubbing|burned|burnt|burning|tortured|torturing|lynched|trampled|bludgeoned"
)
# Words that follow their dead: "four soldiers were killed", "two died", "17 dead".
_AFTER_DEAD = (
    r"(?:beaten|stoned|hacked|stabbed|clubbed|burned|burnt|tortured|trampled|bludgeoned) to death|"
    r"killed|shot dead|shot and killed|gunned down|executed|massacred|slaughtered|murdered|"
    r"assassinated|beheaded|lynched|slain|eliminated|neutrali[sz]ed|martyred|dead|died|dies|"
    r"die|dying|"
    r"perished|perish|"
    r"(?:lost|lose|losing) their lives|(?:civilian |military |reported )?(?:deaths|fatalities)"
)
_INJURY = re.compile(r"\b(?:injur|wound|hurt|maim|casualt|missing)", re.I)
_CLAUSE_LIMIT = re.compile(
    r"[.;:]|\s[-—–]\s|\b(?:while|whereas|but|although|after|before|since)\b|"
    r",\s*(?:and|bringing|raising|taking|pushing)\b|"
    r",\s*(?:the|a|an)\s+[\w ]{0,40}?(?:said|says|reported)",
    re.I,
)
# Where a toll's clause ends: "A strike killed 5, bringing the toll since May to 90".
_TOLL_LIMIT = re.compile(
    r"[.;]|\s[-—–]\s|\b(?:while|whereas|but)\b|,\s*(?:and|bringing|raising|taking|pushing)\b",
    re.I,
)
# "(Kurdistan 24)", "Channel 4", "Unit 8200": a number that is part of a name.
_NAME_NUMBER = re.compile(
    r"\b(?!(?:At|Some|About|Around|Nearly|Over|More|Only|Another|Least|Almost|Roughly|Up|"
    r"As|An|Close|No|Not|Upwards|In|Between|Of|For|With|Also|Just|Almost|Exactly)\b)"
    r"[A-Z][a-z]+\s+$"
)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    num = _num()
    person = _words().person.pattern
    return {
        # "killed at least five", "the killing of dozens of protesters", "kills 12"
        "KILL": re.compile(rf"(?<![\w-])(?:{_ACTIVE})(?![\w-])", re.I),
        # ("killing a family of six": the family's members are the count)
        "AFTER_KILL": re.compile(
            rf"\s+(?:(?:the|all) )?(?:(?:a|an|the)\s+(?:family|household|group)\s+of\s+)?"
            rf"(?:{_QUALIFIER}\s+)?(?P<num>{num})(?![\w-])",
            re.I,
        ),
        "AFTER_KILL_ONE": re.compile(
            rf"\s+(?:a|an|one)\s+(?:[\w-]+\s+){{0,2}}?(?P<noun>{person})", re.I
        ),
        # "shot two protesters dead", "left 17 dead", "leaving at least five people dead",
        # "beat two suspects to death"
        "LEFT_DEAD": re.compile(
            rf"(?<![\w-])(?:shot|shoots|shooting|left|leaves|leaving|leave|{_TO_DEATH})\s+"
            rf"(?:{_QUALIFIER}\s+)?(?P<num>{num})\s+(?:[\w-]+\s+){{0,3}}?(?:dead|to death)\b",
            re.I,
        ),
        # "a death toll of 12", "the toll rose to 20", "bringing the toll to 30"
        "TOLL": re.compile(
            rf"\btoll\b[^.;]{{0,60}}?\b(?:of|to|at|reached|is|was)\s+(?:{_QUALIFIER}\s+)?"
            rf"(?P<num>{num})(?![\w-])",
            re.I,
        ),
        "DEAD": re.compile(rf"(?<![\w-])(?:{_AFTER_DEAD})(?![\w-])", re.I),
        "NUMBER": re.compile(rf"(?<![\w-])(?P<num>{num})(?![\w-])", re.I),
        # "a woman was killed", "one soldier died"
        "ONE_BEFORE": re.compile(
            rf"(?<![\w-])(?:a|an|one)\s+(?:[\w-]+\s+){{0,2}}?(?P<noun>{person})"
            # "an unidentified man, about 25 years old, was killed": an appositive between
            rf"(?:\s*,[^,.;]{{1,40}},)?\s+"
            rf"(?:(?:was|has been|had been|is|got)\s+)?(?:\w+ly\s+)?(?:also\s+)?$",
            re.I,
        ),
    }


@dataclass(frozen=True)
class Figure:
    """One figure of dead: where its words start, the words, the count, the rule."""

    offset: int
    words: str
    value: int
    rule: str
    running: bool = False  # a cumulative toll, not one act's dead


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding text[start:end]: from the last limit before to the next after."""
    left = 0
    for limit in _CLAUSE_LIMIT.finditer(text, 0, start):
        if limit.end() <= start:
            left = limit.end()
    right_limit = _CLAUSE_LIMIT.search(text, end)
    right = right_limit.start() if right_limit else len(text)
    return left, right


def _is_running(text: str, start: int, end: int) -> bool:
    """Whether the figure's clause is a running toll rather than one act's."""
    words = _words()
    left = 0
    for limit in _TOLL_LIMIT.finditer(text, 0, start):
        left = limit.start()  # the limit word belongs to the clause it opens
    right_limit = _TOLL_LIMIT.search(text, end)
    clause = text[left : right_limit.start() if right_limit else len(text)]
    if not words.running.search(clause):
        return False
    # "so far ... killed in the attack": that act's toll, still being counted
    return bool(words.always_running.search(clause)) or not words.one_act.search(clause)


def _counts_people(text: str, end: int) -> bool:
    """The count is not of drones, kilometres or years."""
    return not _words().not_victims.match(text[end : end + 40])


def _value(raw: str, text: str, end: int) -> int | None:
    value = _number_value(raw)
    if value is None:
        return None
    words = _words()
    if raw.lower() in ("several", "many") and words.small_group.match(text[end : end + 60]):
        return 3  # "several members of one family": a small group
    return value


def _sum_coordinated(text: str, first: re.Match[str], verb_start: int) -> tuple[int, str] | None:
    """ "three soldiers and two civilians were killed": 5; "two guards and a driver": 3."""
    pats = _patterns()
    between = text[first.end() : verb_start]
    if re.search(r"\bbetween\s+$", text[max(0, first.start() - 10) : first.start()], re.I):
        return None  # "between 10 and 15": a range, read as its lowest figure
    parts = re.split(r",?\s+(?:and|as well as)\s+|,\s+", between)
    if len(parts) < 2:
        return None
    total = _number_value(first.group("num"))
    if total is None:
        return None
    for part in parts[1:]:
        part = part.strip()
        if not part:
            continue
        lead = pats["NUMBER"].match(part)
        if lead and _number_value(lead.group("num")) is not None:
            total += _number_value(lead.group("num")) or 0
            continue
        if re.match(rf"(?:a|an|one)\s+(?:[\w-]+\s+){{0,2}}?{_words().person.pattern}", part, re.I):
            total += 1
            continue
        if re.match(r"(?:were|was|have|has|had|are|been|also|all|reportedly|later)\b", part, re.I):
            break
        return None
    words = re.sub(
        r"(?:\s+(?:were|was|have|has|had|are|been|also|all|reportedly))+\s*$",
        "",
        text[first.start() : verb_start].strip(),
    )
    return total, words


_AMONG_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:were|was|are|is)\s+(?:also\s+)?among\b", re.I)


def _before_figure(text: str, dead: re.Match[str]) -> Figure | None:
    """The count a dead-word follows, nearest-first within its clause."""
    pats = _patterns()
    left, _ = _clause_around(text, dead.start(), dead.end())
    left = max(left, dead.start() - 120)
    before = text[left : dead.start()]
    for match in pats["NUMBER"].finditer(before):
        tail = before[match.end() :]
        lead = before[max(0, match.start() - 14) : match.start()].lower()
        if "including" in lead or "among them" in lead or "of whom" in lead:
            continue  # a subset of the dead, not their number
        if _AMONG_AFTER.match(tail):
            continue  # "two children were among four people killed": the four count
        if not _counts_people(before, match.end()):
            continue
        if _NAME_NUMBER.search(before[: match.start()]) or tail.lstrip().startswith(")"):
            continue
        if _INJURY.search(tail):
            continue  # "370 wounded and 17 killed": the first count is the injured
        value = _value(match.group("num"), before, match.end())
        if value is None or 1900 <= value <= 2100 and match.group("num").isdigit():
            continue
        offset = left + match.start()
        summed = _sum_coordinated(text, _shift(match, left), dead.start())
        if summed is not None and summed[0] > value:
            return Figure(offset, summed[1], summed[0], "subject:coordinated")
        return Figure(offset, match.group("num"), value, "subject:count")
    one = pats["ONE_BEFORE"].search(before)
    word = dead.group(0).lower()
    intransitive = word.startswith(("die", "dying", "perish", "lost", "lose", "losing"))
    if one is not None and (intransitive or re.search(r"\b(?:was|been|is|got)\s", one.group(0))):
        return Figure(left + one.start(), one.group(0).strip(), 1, "subject:one person")
    return None


class _Shifted:
    """A regex match seen from a larger text (offsets moved by `by`)."""

    def __init__(self, match: re.Match[str], by: int) -> None:
        self._match, self._by = match, by

    def start(self) -> int:
        return self._match.start() + self._by

    def end(self) -> int:
        return self._match.end() + self._by

    def group(self, name: str) -> str:
        return self._match.group(name)


def _shift(match: re.Match[str], by: int) -> Any:
    return _Shifted(match, by)


def _after_figure(text: str, kill: re.Match[str]) -> Figure | None:
    """The count right after an active verb or a death noun: "killed at least five"."""
    pats = _patterns()
    window = text[kill.end() : kill.end() + 70]
    following = pats["AFTER_KILL"].match(window)
    if following:
        end = kill.end() + following.end()
        if _counts_people(text, end):
            value = _value(following.group("num"), text, end)
            if value is not None and not (
                following.group("num").isdigit() and 1900 <= value <= 2100
            ):
                offset = kill.end() + following.start("num")
                more = _more_objects(text, end)
                if more is not None:
                    total = value + more[0]
                    return Figure(offset, text[offset : more[1]], total, "object:coordinated")
                return Figure(offset, following.group("num"), value, "object:count")
    one = pats["AFTER_KILL_ONE"].match(window)
    if one:
        return Figure(kill.end() + one.start(), one.group(0).strip(), 1, "object:one person")
    return None


def _more_objects(text: str, end: int) -> tuple[int, int] | None:
    """ "killed 24 soldiers and 26 civilians": the dead after the first count (26), and
    where their words end; None when no second count of dead follows."""
    more = re.match(
        rf"(?:\s+[a-z-]+){{0,3}}?,?\s+(?:and|as well as|plus)\s+(?:{_QUALIFIER}\s+)?"
        rf"(?:(?P<num>{_num()})|(?:a|an|one)\s+(?:[\w-]+\s+){{0,2}}?"
        rf"(?P<noun>{_words().person.pattern}))"
        r"(?P<rest>(?:\s+[a-z-]+){0,3})",
        text[end : end + 90],
        re.I,
    )
    if more is None or _INJURY.search(more.group("rest")):
        return None
    if more.group("num"):
        value = _number_value(more.group("num"))
        if value is None or not _counts_people(text, end + more.end("num")):
            return None
        if not re.match(r"\s+[a-z]", more.group("rest")):
            return None  # "killed two and injured 30": no noun, so no second count
        return value, end + more.end("num")
    return 1, end + more.end("noun")


def _left_dead(text: str) -> list[Figure]:
    """ "left 17 dead", "shot two protesters dead"."""
    found = []
    for match in _patterns()["LEFT_DEAD"].finditer(text):
        value = _value(match.group("num"), text, match.end("num"))
        if value is not None and _counts_people(text, match.end("num")):
            found.append(Figure(match.start("num"), match.group("num"), value, "left dead"))
    return found


_POSSESSIVE_DEATH = re.compile(
    r"(?:\b[A-Z][\w-]+['’]s|\b(?:his|her))\s+(?:violent\s+)?(?:death|killing|murder|assassination)\b"
    r"(?!\s+of\b)"
)


def _possessive_death(text: str) -> list[Figure]:
    """ "led to Saeed's death", "his killing": one person."""
    return [
        Figure(m.start(), m.group(0), 1, "possessive death")
        for m in _POSSESSIVE_DEATH.finditer(text)
    ]


def _tolls(text: str) -> list[Figure]:
    """ "a death toll of 12", "the toll rose to 20"."""
    found = []
    for match in _patterns()["TOLL"].finditer(text):
        if _INJURY.search(text[match.start() : match.start("num")]):
            continue
        value = _value(match.group("num"), text, match.end("num"))
        if value is not None and _counts_people(text, match.end("num")):
            found.append(Figure(match.start("num"), match.group("num"), value, "toll"))
    return found


_KILL_LEMMAS = frozenset({"kill", "execute", "assassinate", "murder", "behead", "lynch", "slay"})


def _parsed_one_person(span: Any) -> list[Figure]:
    """One named or singular victim, from the parse: "Saeed was killed", "led to his death"."""
    if span is None:
        return []
    found = []
    base = span.start_char
    persons = _words().person_nouns
    for token in span:
        lemma = token.lemma_.lower()
        victims = []
        if lemma in _KILL_LEMMAS or _to_death(token):
            victims = [c for c in token.children if c.dep_ == "dobj"]
            if token.tag_ == "VBN" and not victims:  # a participle with an object is active
                victims = [c for c in token.children if c.dep_ in ("nsubjpass", "nsubj")]
        elif lemma == "die" and token.pos_ == "VERB":
            victims = [c for c in token.children if c.dep_ == "nsubj"]
        elif lemma in ("death", "killing", "murder", "assassination", "martyrdom") and (
            token.tag_ == "NN"
        ):
            victims = [c for c in token.children if c.dep_ == "poss"]
            of = [c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"]
            victims += [c for p in of for c in p.children if c.dep_ == "pobj"]
        for victim in victims:
            count = _count_head(victim, persons)
            if count:
                found.append(Figure(victim.idx - base, victim.text, count, "parse:named victims"))
    return found


def _to_death(token: Any) -> bool:
    """A verb told with "to death" ("hacked to death a farmer"): its object died."""
    return token.pos_ == "VERB" and any(
        c.dep_ == "prep" and c.lower_ == "to" and any(g.lower_ == "death" for g in c.children)
        for c in token.children
    )


def _count_head(head: Any, persons: frozenset[str]) -> int:
    """How many people a victim phrase names, when each is one person (or 0)."""
    group = [head, *[c for c in head.subtree if c.dep_ == "conj" and c.head.i != c.i]]
    total = 0
    for noun in group:
        if any(c.dep_ == "nummod" for c in noun.children) or noun.tag_ in ("NNS", "NNPS", "CD"):
            return 0  # counted by the wording rules
        if (
            noun.lower_ in ("he", "she", "him", "her")
            or noun.ent_type_ == "PERSON"
            or (noun.tag_ == "NN" and noun.lemma_.lower() in persons)
            # "a village head", "the community head": one who heads them
            or (noun.lemma_.lower() == "head" and any(c.dep_ == "compound" for c in noun.children))
            or noun.tag_ == "NNP"
            and noun.dep_ == "poss"
        ):
            total += 1
        else:
            return 0
    return total


def read_figures(text: str, span: Any = None) -> list[Figure]:
    """Every figure of dead in the text, in text order, running tolls marked.

    `span` is the sentence's spaCy span (its text is `text`); with it, one named or
    singular victim is read from the parse too.
    """
    pats = _patterns()
    found: list[Figure] = []
    objects: set[int] = set()
    for kill in pats["KILL"].finditer(text):
        figure = _after_figure(text, kill)
        if figure is not None:
            found.append(figure)
            objects.add(kill.start())
    for dead in pats["DEAD"].finditer(text):
        if re.match(r"\s+(?:or|and/or)\s+(?:injur|wound)", text[dead.end() : dead.end() + 20]):
            continue  # "killed or injured 20": the dead are not told apart
        # ("were killed and wounded" asserts deaths among them: the count stands, as
        # ACLED reads a group reported killed; "or" asserts none.)
        if dead.start() in objects:
            continue  # "two gunmen killed three villagers": the count before is the agent
        figure = _before_figure(text, dead)
        if figure is not None:
            found.append(figure)
    found += _left_dead(text)
    found += _tolls(text)
    if not found:
        found += _parsed_one_person(span) or _possessive_death(text)
    unique: dict[int, Figure] = {}
    for figure in found:
        if figure.offset not in unique:
            unique[figure.offset] = figure
    out = []
    for figure in sorted(unique.values(), key=lambda f: f.offset):
        # a count inside an earlier figure's words ("three soldiers and two civilians")
        if any(
            o.offset < figure.offset < o.offset + len(o.words) and o.value >= figure.value
            for o in unique.values()
            if o is not figure
        ):
            continue
        running = _is_running(text, figure.offset, figure.offset + len(figure.words))
        out.append(Figure(figure.offset, figure.words, figure.value, figure.rule, running))
    return out


def fatality_figures(
    text: str, span: Any = None, *, tolls: bool = True
) -> list[tuple[int, str, int]]:
    """(offset, words, number) of each figure of dead in the text, in text order.

    With `tolls=False`, running tolls ("the toll has risen to 300") are left out:
    what is left are the figures of single acts.
    """
    return [
        (f.offset, f.words, f.value) for f in read_figures(text, span) if tolls or not f.running
    ]


def find_fatalities(text: str) -> list[tuple[str, int]]:
    """Numbers of dead reported in the text (never injuries), in text order."""
    return [(raw, value) for _, raw, value in fatality_figures(text)]
