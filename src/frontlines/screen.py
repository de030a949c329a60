"""A cheap proof that a regular expression cannot match a text, for scanning many patterns.

The actor file compiles to a few hundred patterns, each scanned over every sentence and
every whole report; most of them find nothing. `required_literals(pattern)` reads a
compiled pattern's syntax tree for a set of strings such that every match contains at
least one of them; when the text (case-folded) contains none, the pattern cannot match
and need not run. The answer is the same as running it; only the time differs.

Case is always folded, also for patterns compiled without IGNORECASE: a screen that
folds too much lets a pattern run more often, never less. Folding is `fold`: Unicode case
folding, with the dotted capital I and the dotless i folded to "i" as Python's
case-insensitive matching pairs them. That pairing has been checked for every literal
character the screen accepts (`SCREENED_CHARS`, tests/test_screen.py); a pattern whose
literals use other characters is simply never screened.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import product
from typing import Any

try:  # Python 3.11+
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parser  # type: ignore[no-redef]

_LITERAL = _sre_constants.LITERAL
_IN = _sre_constants.IN
_NEGATE = _sre_constants.NEGATE
_BRANCH = _sre_constants.BRANCH
_SUBPATTERN = _sre_constants.SUBPATTERN
_REPEATS = tuple(
    getattr(_sre_constants, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(_sre_constants, name)
)
_ATOMIC = getattr(_sre_constants, "ATOMIC_GROUP", None)

# Literal characters whose case-insensitive partners all fold to the same string.
SCREENED_CHARS = frozenset(chr(c) for c in range(0x20, 0x250)) | frozenset("‘’“”–—")
_MAX_CLASS = 4  # a character class of up to this many literals is expanded ([ae])
_MAX_STRINGS = 32  # a requirement of more alternatives than this is not worth testing

_FOLD_EXTRA = str.maketrans({"\u0131": "i", "\u0307": None})  # ı -> i; İ folds to i + U+0307


def fold(text: str) -> str:
    """The form of `text` that screening compares: case-folded, dotted and dotless i as i."""
    return text.casefold().translate(_FOLD_EXTRA)


Requirement = frozenset[str] | None


def _better(a: Requirement, b: Requirement) -> Requirement:
    """The more selective of two requirements: longer shortest string, then fewer strings."""
    if a is None:
        return b
    if b is None:
        return a
    key_a = (min(map(len, a)), -len(a))
    key_b = (min(map(len, b)), -len(b))
    return a if key_a >= key_b else b


def _class_literals(items: Any) -> list[str] | None:
    """The characters of a small, non-negated class of plain literals ([ae]), else None."""
    if len(items) > _MAX_CLASS or any(op != _LITERAL for op, _ in items):
        return None
    return [chr(value) for _, value in items]


def _sequence(items: Iterable[Any]) -> Requirement:
    best: Requirement = None
    run: list[str] = [""]  # the strings the current run of literals may spell

    def close() -> None:
        nonlocal best, run
        if run != [""]:
            best = _better(best, frozenset(run))
        run = [""]

    for op, arg in items:
        if op == _LITERAL:
            run = [s + chr(arg) for s in run]
            continue
        if op == _IN:
            chars = _class_literals(arg)
            if chars is not None and len(run) * len(chars) <= _MAX_STRINGS:
                run = [s + c for s, c in product(run, chars)]
                continue
        close()
        best = _better(best, _item(op, arg))
    close()
    return best


def _item(op: Any, arg: Any) -> Requirement:
    if op == _SUBPATTERN:
        return _sequence(arg[-1])
    if op == _BRANCH:
        found: set[str] = set()
        for branch in arg[1]:
            requirement = _sequence(branch)
            if requirement is None:
                return None
            found |= requirement
        return frozenset(found) if len(found) <= _MAX_STRINGS else None
    if op in _REPEATS:
        low, _high, body = arg
        return _sequence(body) if low >= 1 else None
    if _ATOMIC is not None and op == _ATOMIC:
        return _sequence(arg)
    return None  # anchors, lookarounds, wide classes, back-references: no requirement


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Folded strings one of which every match of `pattern` contains, or None when the
    pattern has no such set the screen can use (it then always runs)."""
    requirement = _sequence(_sre_parser.parse(pattern.pattern, pattern.flags))
    if not requirement or any(not s or not set(s) <= SCREENED_CHARS for s in requirement):
        return None
    return tuple(sorted({fold(s) for s in requirement}))


class Screen:
    """A fixed set of patterns; `alive(text)` names those that may match it (by `id`),
    testing each distinct required string once."""

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        self._always: set[int] = set()
        by_string: dict[str, set[int]] = {}
        for pattern in patterns:
            needed = required_literals(pattern)
            if needed is None:
                self._always.add(id(pattern))
                continue
            for string in needed:
                by_string.setdefault(string, set()).add(id(pattern))
        self._by_string = list(by_string.items())

    def alive(self, text: str) -> set[int]:
        """`id`s of the patterns that may match `text`; the others cannot."""
        folded = fold(text)
        alive = set(self._always)
        for string, ids in self._by_string:
            if string in folded:
                alive |= ids
        return alive
