"""Resolve the date cues of war reporting against the publication date.

dateparser resolves "on Wednesday" but not "a day earlier" (relative to the act
mentioned before) or "earlier this week" (a range): those follow ACLED's
time_precision rules here — 1 a day, 2 a week (coded to the mid-point), 3 a month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from frontlines.screen import Screen

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
NUMBER_WORDS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


@dataclass(frozen=True)
class DateCue:
    """A resolved date expression: a range, its ACLED precision and the words."""

    earliest: date
    latest: date
    precision: int
    text: str
    start: int
    end: int
    dateline: bool = False  # the wire's dateline ("KABUL, May 3 (Reuters) -"): the report's date

    @property
    def event_date(self) -> date:
        """ACLED codes a range to its mid-point."""
        return self.earliest + (self.latest - self.earliest) // 2


_WD = "|".join(WEEKDAYS)
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUM = r"\d+|" + "|".join(NUMBER_WORDS)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "explicit_dmy",
        re.compile(
            rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MON})\.?(?:,?\s+(?P<year>\d{{4}}))?\b",
            re.I,
        ),
    ),
    (
        "explicit_mdy",
        re.compile(
            rf"\b(?P<mon>{_MON})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?",
            re.I,
        ),
    ),
    ("iso", re.compile(r"\b(?P<year>20\d\d)-(?P<mon>\d\d)-(?P<day>\d\d)\b")),
    # "on the night of Tuesday to Wednesday": the night that began on the first day
    (
        "night_of_weekdays",
        re.compile(
            rf"\b(?:on )?the night of (?P<wd>{_WD})\s+(?:to|into|and)\s+(?P<wd2>{_WD})\b", re.I
        ),
    ),
    # "overnight into Wednesday": the night before that day
    ("overnight_into", re.compile(rf"\bovernight (?:into|to) (?P<wd>{_WD})\b", re.I)),
    # "overnight Tuesday", "overnight on Tuesday", "Tuesday overnight": that day's night
    (
        "overnight_on",
        re.compile(rf"\bovernight (?:on )?(?P<wd>{_WD})\b|\b(?P<wd2>{_WD}) overnight\b", re.I),
    ),
    ("since_weekday", re.compile(rf"\bsince (?:last )?(?P<wd>{_WD})\b", re.I)),
    ("last_weekday", re.compile(rf"\blast (?P<wd>{_WD})\b", re.I)),
    ("weekday", re.compile(rf"\b(?P<wd>{_WD})(?:'s)?\b", re.I)),
    ("yesterday", re.compile(r"\byesterday\b", re.I)),
    ("today", re.compile(r"\b(?:today|this (?:morning|afternoon|evening))\b", re.I)),
    ("tonight_overnight", re.compile(r"\b(?:overnight|last night)\b", re.I)),
    # "in the early hours", "before dawn": the report's own day ("of Monday" is that day)
    (
        "early_hours",
        re.compile(
            r"\b(?:in the (?:early|small) hours|before dawn|at dawn|at daybreak|at first light)\b"
            r"(?!\s+(?:of|on)\b)",
            re.I,
        ),
    ),
    (
        "day_before",
        re.compile(
            r"\b(?:a|one) day (?:earlier|before)\b|\bthe (?:previous|prior) (?:day|night)\b|"
            r"\bthe (?:day|night) before\b",
            re.I,
        ),
    ),
    (
        "day_after",
        re.compile(r"\b(?:a|one) day (?:later|after)\b|\bthe (?:next|following) day\b", re.I),
    ),
    ("days_ago", re.compile(rf"\b(?P<n>{_NUM}) days? ago\b", re.I)),
    ("weeks_ago", re.compile(rf"\b(?P<n>{_NUM}) weeks? ago\b", re.I)),
    (
        "part_of_month",
        re.compile(
            rf"\b(?:in |at )?(?:the )?(?P<part>early|mid|mid-|late|end of|beginning of|start of)[- ]?(?P<mon>{_MON})\b",
            re.I,
        ),
    ),
    ("in_month", re.compile(rf"\b(?:in|during|since) (?P<mon>{_MON})\b(?!\s+\d)", re.I)),
    ("this_month", re.compile(r"\b(?:this|earlier this) month\b", re.I)),
    (
        "past_24h",
        re.compile(
            r"\b(?:over|in|during) the (?:previous|past|last) (?:24|twenty-four) hours\b", re.I
        ),
    ),
    ("earlier_this_week", re.compile(r"\bearlier (?:this|in the) week\b", re.I)),
    ("this_week", re.compile(r"\bthis week\b", re.I)),
    ("last_week", re.compile(r"\b(?:last|previous|past) week\b", re.I)),
    (
        "weekend",
        re.compile(r"\b(?:at|over|on) the weekend\b|\bthis weekend\b|\blast weekend\b", re.I),
    ),
    (
        "recent_days",
        re.compile(
            r"\b(?:in (?:recent|the past few|the last few|the past) days|over the past (?:few )?days|in the past few days)\b",
            re.I,
        ),
    ),
    ("last_month", re.compile(r"\blast month\b", re.I)),
]

# "since 2011", "in 2016": the sentence is about the past, not a new act.
BACKGROUND_YEAR = re.compile(
    r"\b(?:since|in|until|from|by|of)\s+(?:early |late |mid-)?((?:19|20)\d\d)\b"
)


def _weekday_on_or_before(ref: date, weekday: int, strictly_before: bool = False) -> date:
    delta = (ref.weekday() - weekday) % 7
    if delta == 0 and strictly_before:
        delta = 7
    return ref - timedelta(days=delta)


# The patterns that cannot match a text (none of the words every match holds is in it)
# are skipped unrun: the same cues, a fraction of the time.
_SCREEN = Screen(pattern for _kind, pattern in _PATTERNS)


def find_date_cues(text: str, published: date | None, anchor: date | None = None) -> list[DateCue]:
    """Every date cue in `text`, resolved.

    `published` is the report's date; `anchor` is the date of the act mentioned
    just before (for "a day earlier"), falling back to `published`.
    """
    if published is None:
        return []
    base = anchor or published
    cues: list[DateCue] = []
    taken: list[tuple[int, int]] = []
    alive = _SCREEN.alive(text)  # a sentence holds words of a few of the patterns at most
    for kind, pattern in _PATTERNS:
        if id(pattern) not in alive:
            continue
        for match in pattern.finditer(text):
            if any(match.start() < e and match.end() > s for s, e in taken):
                continue
            resolved = _resolve(kind, match, published, base)
            if resolved is None:
                continue
            earliest, latest, precision = resolved
            taken.append((match.start(), match.end()))
            cues.append(
                DateCue(earliest, latest, precision, match.group(0), match.start(), match.end())
            )
    cues.sort(key=lambda c: c.start)
    head = _DATELINE.match(text)
    if head is not None:
        cues = [replace(c, dateline=True) if c.start < head.end() else c for c in cues]
        if any(not c.dateline for c in cues):
            # The act's own cue ("late on Wednesday") dates it, never the dateline.
            cues = [c for c in cues if not c.dateline]
    return cues


# "KABUL, May 3 (Reuters) -", "Idlib/Beirut, 2 December 2024 (dpa/MIA) -", "GAZA CITY,
# Oct. 5 —": a place, the report's date, an optional wire credit, then a dash.
_DATELINE = re.compile(
    rf"^\s*[A-Z][\w'’./-]*(?:[ /][A-Z][\w'’./-]*){{0,4}},(?:\s*[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)?,)?"
    rf"\s*(?:(?:{_WD}),?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MON})\.?|(?:{_MON})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?)"
    rf"(?:,?\s+\d{{4}})?\s*(?:\([^)]{{1,40}}\)\s*)?[-—–:]",
    re.I,
)


def _resolve(
    kind: str, match: re.Match[str], published: date, base: date
) -> tuple[date, date, int] | None:
    one = timedelta(days=1)
    if kind in ("explicit_dmy", "explicit_mdy", "iso"):
        month_text = match.group("mon")
        month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower().rstrip(".")]
        year_text = match.group("year")
        year = int(year_text) if year_text else published.year
        try:
            day = date(year, month, int(match.group("day")))
        except ValueError:
            return None
        if not year_text and day > published + timedelta(days=1):
            day = day.replace(year=year - 1)  # "December 30" read in January
        return day, day, 1
    if kind == "since_weekday":
        start = _weekday_on_or_before(published, WEEKDAYS.index(match.group("wd").lower()), True)
        return start, published, 2
    if kind in ("weekday", "last_weekday"):
        wd = WEEKDAYS.index(match.group("wd").lower())
        day = _weekday_on_or_before(published, wd, strictly_before=(kind == "last_weekday"))
        return day, day, 1
    if kind == "night_of_weekdays":
        first = _weekday_on_or_before(published, WEEKDAYS.index(match.group("wd").lower()))
        second = _weekday_on_or_before(published, WEEKDAYS.index(match.group("wd2").lower()))
        if second < first:
            first -= timedelta(days=7)
        return first, second, 1
    if kind == "overnight_into":
        day = _weekday_on_or_before(published, WEEKDAYS.index(match.group("wd").lower()))
        return day - one, day, 1
    if kind == "overnight_on":
        named: str = match.group("wd") or match.group("wd2")
        day = _weekday_on_or_before(published, WEEKDAYS.index(named.lower()))
        return day, day, 1
    if kind == "early_hours":
        return published, published, 1
    if kind == "yesterday":
        return published - one, published - one, 1
    if kind == "today":
        return published, published, 1
    if kind == "tonight_overnight":
        return published - one, published, 1
    if kind == "day_before":
        return base - one, base - one, 1
    if kind == "day_after":
        return base + one, base + one, 1
    if kind == "days_ago":
        raw = match.group("n").lower()
        n = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
        return published - timedelta(days=n), published - timedelta(days=n), 1
    if kind == "past_24h":
        return base - one, base, 1
    if kind == "weeks_ago":
        raw = match.group("n").lower()
        n = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
        middle = published - timedelta(days=7 * n)
        return middle - timedelta(days=3), middle + timedelta(days=3), 2
    if kind in ("part_of_month", "in_month"):
        month = MONTHS[match.group("mon").lower().rstrip(".")]
        year = published.year if month <= published.month else published.year - 1
        first = date(year, month, 1)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - one
        if kind == "in_month":
            return first, min(last, published), 3
        part = match.group("part").lower().rstrip("- ")
        if part in ("early", "beginning of", "start of"):
            return first, first + timedelta(days=9), 2
        if part in ("mid", "mid-"):
            return first + timedelta(days=10), first + timedelta(days=19), 2
        return last - timedelta(days=9), last, 2
    if kind == "this_month":
        return published.replace(day=1), published, 3
    if kind == "earlier_this_week":
        monday = published - timedelta(days=published.weekday())
        latest = max(monday, published - one)
        return monday, latest, 2
    if kind == "this_week":
        return published - timedelta(days=published.weekday()), published, 2
    if kind == "last_week":
        monday = published - timedelta(days=published.weekday() + 7)
        return monday, monday + timedelta(days=6), 2
    if kind == "weekend":
        saturday = _weekday_on_or_before(published, 5)
        return saturday, min(saturday + one, published), 2
    if kind == "recent_days":
        return published - timedelta(days=6), published, 2
    if kind == "last_month":
        first_this = published.replace(day=1)
        last_prev = first_this - one
        return last_prev.replace(day=1), last_prev, 3
    return None


# "Speaking at the time, the minister said...": a time the report told before, not now
# ("at the time of writing" is now)
AT_THE_TIME = re.compile(
    r"\bat the time\b(?!\s+of\b)"
    # "years ago", "a decade ago": a time long before the report (not "last year", which
    # often dates only a clause about an older act)
    r"|\b(?:(?:\w+|\d+)\s+)?(?:years|decades)\s+ago\b|\ba decade ago\b",
    re.I,
)


def is_background(text: str, published: date | None) -> bool:
    """A sentence anchored in an earlier year ("since 2011", "in 2016") or in a time
    told before ("at the time")."""
    if AT_THE_TIME.search(text):
        return True
    if published is None:
        return False
    for match in BACKGROUND_YEAR.finditer(text):
        # "for the first time since 2016" dates nothing: it qualifies a new act.
        if re.search(r"first (?:time )?$", text[max(0, match.start() - 12) : match.start()]):
            continue
        if int(match.group(1)) < published.year:
            return True
    return False
