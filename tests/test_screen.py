"""The regex screen (frontlines.screen): it may let a pattern run needlessly, never skip
one that would match."""

from __future__ import annotations

import re
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontlines.actors import get_actor_kb
from frontlines.screen import SCREENED_CHARS, Screen, fold, required_literals


def test_required_literals_of_common_shapes() -> None:
    # of "air", " " and "strike", the longest is required
    assert required_literals(re.compile(r"\b(?:air ?strikes?|shelling)\b", re.I)) == (
        "shelling",
        "strike",
    )
    # the longest run wins; a small class is spelled out
    assert required_literals(re.compile(r"(?<![\w-])militiam[ae]n(?![\w-])")) == (
        "militiaman",
        "militiamen",
    )
    # an optional part requires nothing; a repeated one requires its body
    assert required_literals(re.compile(r"(?:armed )?(?:gunm[ae]n)+")) == ("gunman", "gunmen")
    # a branch with no literal, a wide class, a back-reference: no screen
    assert required_literals(re.compile(r"(?:police|\d+)")) is None
    assert required_literals(re.compile(r"[A-Z]\w+")) is None
    assert required_literals(re.compile(r"(a)b?\1")) == ("a",)
    assert required_literals(re.compile(r"x*")) is None


def test_case_and_dotted_i_are_folded() -> None:
    pattern = re.compile(r"k[ıi]l[ıi]ç", re.I)
    screen = Screen([pattern])
    for text in ("KILIÇ", "Kılıç", "KİLİÇ", "\u212aılıç"):  # the last with a Kelvin sign
        assert pattern.search(text), text
        assert id(pattern) in screen.alive(text), text
    assert id(pattern) not in screen.alive("kalaç")


def test_a_pattern_with_characters_outside_the_checked_set_always_runs() -> None:
    pattern = re.compile(r"\u0391\u03b8\u03ae\u03bd\u03b1")  # Greek: never screened
    assert required_literals(pattern) is None
    assert id(pattern) in Screen([pattern]).alive("nothing like it")


def test_every_case_insensitive_partner_of_a_screened_character_folds_alike() -> None:
    """Python's IGNORECASE pairs a character only with cased ones; for every character the
    screen accepts, each partner has the same fold (else the screen could skip a match)."""
    cased = "".join(
        chr(i)
        for i in range(sys.maxunicode + 1)
        if not 0xD800 <= i <= 0xDFFF
        and (chr(i).lower() != chr(i) or chr(i).upper() != chr(i) or chr(i).casefold() != chr(i))
    )
    for char in SCREENED_CHARS:
        for partner in re.findall(re.escape(char), cased, re.I):
            assert fold(partner) == fold(char), (char, partner)


_KB = get_actor_kb()
_PATTERNS = [
    p for e in _KB.entries for p in (e.pattern, e.acronyms, e.local_acronyms) if p is not None
] + [p for p, _actor, _kind in _KB._state_units]


def test_most_actor_patterns_are_screened() -> None:
    screened = [p for p in _PATTERNS if required_literals(p) is not None]
    assert len(screened) >= 0.9 * len(_PATTERNS)


_SCREEN = Screen(_PATTERNS)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_text_an_actor_pattern_matches_is_screened_out(data: st.DataObject) -> None:
    pattern = data.draw(st.sampled_from(_PATTERNS))
    text = data.draw(st.from_regex(pattern))
    if pattern.search(text):
        assert id(pattern) in _SCREEN.alive(text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("aeiklmnorst AEIKLMNORSTıİ\u212a-'"), max_size=40))
def test_screen_never_hides_a_match_in_random_text(text: str) -> None:
    patterns = [
        re.compile(r"(?<![\w-])(?:kilis|mortar|(?:armed )?tank)s?(?![\w-])", re.I),
        re.compile(r"rest(?:ore|ai)n", re.I),
        re.compile(r"TALK"),
    ]
    screen = Screen(patterns)
    alive = screen.alive(text)
    for pattern in patterns:
        if pattern.search(text):
            assert id(pattern) in alive
