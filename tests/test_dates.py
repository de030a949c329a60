from datetime import date

import pytest

from frontlines.dates import find_date_cues, is_background

WEDNESDAY = date(2024, 12, 4)


def cue(text: str, published: date = WEDNESDAY, anchor: date | None = None):
    cues = find_date_cues(text, published, anchor)
    assert cues, f"no date cue found in {text!r}"
    return cues[0]


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("jets struck the town on Wednesday", "2024-12-04", "2024-12-04", 1),
        ("On Tuesday, the command said", "2024-12-03", "2024-12-03", 1),
        ("Last Wednesday, gunmen attacked", "2024-11-27", "2024-11-27", 1),
        ("yesterday's shelling", "2024-12-03", "2024-12-03", 1),
        ("earlier this week, rebels advanced", "2024-12-02", "2024-12-03", 2),
        ("last week the army retook the hill", "2024-11-25", "2024-12-01", 2),
        ("at least 40 killed since Wednesday", "2024-11-27", "2024-12-04", 2),
        ("the town fell on 1 December", "2024-12-01", "2024-12-01", 1),
        ("on the evening of December 2", "2024-12-02", "2024-12-02", 1),
        ("on Nov. 29, 2024 the offensive began", "2024-11-29", "2024-11-29", 1),
        ("Monday's airstrikes killed 11", "2024-12-02", "2024-12-02", 1),
        ("two days ago", "2024-12-02", "2024-12-02", 1),
        ("last month the group seized the dam", "2024-11-01", "2024-11-30", 3),
        ("two weeks ago", "2024-11-17", "2024-11-23", 2),
        ("in late November", "2024-11-21", "2024-11-30", 2),
        ("in November the town fell", "2024-11-01", "2024-11-30", 3),
        ("earlier this month", "2024-12-01", "2024-12-04", 3),
    ],
)
def test_cues_resolve_against_publication_date(text, earliest, latest, precision):
    found = cue(text)
    assert (found.earliest.isoformat(), found.latest.isoformat(), found.precision) == (
        earliest,
        latest,
        precision,
    )


def test_a_day_earlier_is_relative_to_the_act_before():
    found = cue("A day earlier, troops retook the highway", anchor=date(2024, 12, 3))
    assert found.earliest == date(2024, 12, 2)


def test_previous_24_hours_counts_back_from_the_anchor():
    found = cue("over the previous 24 hours", anchor=date(2024, 12, 3))
    assert (found.earliest, found.latest) == (date(2024, 12, 2), date(2024, 12, 3))


def test_range_is_coded_to_its_midpoint():
    found = cue("last week")
    assert found.event_date == date(2024, 11, 28)


def test_explicit_date_without_year_never_lands_in_the_future():
    found = cue("on December 30", published=date(2025, 1, 3))
    assert found.earliest == date(2024, 12, 30)


def test_no_publication_date_resolves_nothing():
    assert find_date_cues("on Wednesday", None) == []


def test_background_years():
    assert is_background("The war has been ongoing since 2011.", WEDNESDAY)
    assert not is_background("Jets hit Aleppo for the first time since 2016.", WEDNESDAY)
    assert not is_background("Clashes erupted on Wednesday.", WEDNESDAY)
    assert is_background("Speaking at the time, the envoy said rebels had shelled Goma.", WEDNESDAY)
    assert not is_background("At the time of writing, rebels were shelling Goma.", WEDNESDAY)
    assert is_background("Rebels shelled Goma years ago, residents recalled.", WEDNESDAY)
    assert not is_background("Rebels who took Goma last year shelled it again.", WEDNESDAY)


# ---- an act's own time cue beats the dateline

TUESDAY = date(2024, 7, 9)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("LAGOS, July 9 (Reuters) - Gunmen raided a market late on Sunday.", "2024-07-07"),
        ("KYIV, 9 July 2024 (AFP) - Drones hit a depot early Monday.", "2024-07-08"),
        ("QUETTA, Jul. 9 — Militants attacked a checkpoint yesterday.", "2024-07-08"),
        ("HARARE, July 9 (AP) - Police fired on marchers on 4 July.", "2024-07-04"),
    ],
)
def test_an_acts_own_cue_beats_the_dateline(text: str, day: str) -> None:
    cues = find_date_cues(text, TUESDAY)
    assert [c.earliest.isoformat() for c in cues] == [day]
    assert not any(c.dateline for c in cues)


def test_a_dateline_alone_still_dates_the_sentence_and_is_marked() -> None:
    (only,) = find_date_cues("ALEPPO, July 9 (Reuters) - Rebels shelled the airport.", TUESDAY)
    assert only.dateline and only.earliest == TUESDAY


def test_a_date_opening_a_sentence_is_no_dateline() -> None:
    cues = find_date_cues("On July 4, rebels shelled the town, witnesses said.", TUESDAY)
    assert [(c.text, c.dateline) for c in cues] == [("July 4", False)]


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("troops stormed the camp late on Wednesday", "2024-07-03", "2024-07-03"),
        ("drones struck early Tuesday", "2024-07-09", "2024-07-09"),
        ("gunmen attacked on the night of 3 July", "2024-07-03", "2024-07-03"),
        ("on the night of Saturday to Sunday, jets struck", "2024-07-06", "2024-07-07"),
        ("drones struck overnight into Tuesday", "2024-07-08", "2024-07-09"),
        ("drones struck overnight on Sunday", "2024-07-07", "2024-07-07"),
        ("shelling overnight", "2024-07-08", "2024-07-09"),
        ("rebels shelled the town yesterday", "2024-07-08", "2024-07-08"),
        ("militants attacked on the 5th of July", "2024-07-05", "2024-07-05"),
        ("police raided the camp before dawn", "2024-07-09", "2024-07-09"),
        ("in the early hours of Monday, a blast", "2024-07-08", "2024-07-08"),
        ("the night before, rebels had fled", "2024-07-08", "2024-07-08"),
    ],
)
def test_an_acts_time_of_day_cues(text: str, earliest: str, latest: str) -> None:
    (found,) = find_date_cues(text, TUESDAY)
    assert (found.earliest.isoformat(), found.latest.isoformat(), found.precision) == (
        earliest,
        latest,
        1,
    )


SCREENED_CASES = [
    "Troops shelled the village on Tuesday, a day after talks broke down.",
    "LAGOS, 3 March 2024 (wire) - Gunmen struck overnight into Sunday.",
    "Protesters gathered at dawn and again late on Friday, police said.",
    "Fighting that began in mid-April went on over the past 24 hours.",
    "The militia had seized the town two weeks ago; earlier this week it withdrew.",
    "Last weekend's strikes, and those of the night of 4 to 5 July, killed nine.",
    "No date here at all, only a siege that has lasted for years.",
    "YESTERDAY'S RAID AND THIS MONTH'S AMBUSH WERE CLAIMED ON 2024-06-01.",
]


@pytest.mark.parametrize("text", SCREENED_CASES)
def test_screened_patterns_find_the_cues_of_every_pattern(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frontlines import dates

    published = date(2024, 7, 10)
    screened = find_date_cues(text, published, date(2024, 7, 8))

    class Unscreened:
        def alive(self, _text: str) -> set[int]:
            return {id(pattern) for _kind, pattern in dates._PATTERNS}

    monkeypatch.setattr(dates, "_SCREEN", Unscreened())
    assert screened == find_date_cues(text, published, date(2024, 7, 8))
    if not text.startswith("No date"):
        assert screened  # each case holds at least one cue, so the test can fail
