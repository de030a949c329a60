"""Figures of dead, one rule per test, on sentences we wrote."""

from __future__ import annotations

from datetime import date

import pytest

from frontlines.extract import find_fatalities
from frontlines.figures import _number_value, fatality_figures, read_figures
from frontlines.nlp import sentences_of


def values(text: str) -> list[int]:
    return [value for _, value in find_fatalities(text)]


def act_values(text: str) -> list[int]:
    return [value for _, _, value in fatality_figures(text, tolls=False)]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("17", 17),
        ("1,250", 1250),
        ("seven", 7),
        ("twenty-three", 23),
        ("forty one", 41),
        ("two hundred", 200),
        ("dozens", 12),
        ("a dozen", 12),
        ("hundreds", 100),
        ("tens", 10),
        ("several", 10),
        ("many", 10),
        ("a few", 3),
        ("walls", None),
    ],
)
def test_number_values(raw: str, value: int | None) -> None:
    assert _number_value(raw) == value


# ---- verbs, every inflection and voice


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("A roadside bomb kills five police officers near the border.", 5),
        ("The mortar round killed at least nine shoppers.", 9),
        ("Troops shot dead two protesters outside the governor's office.", 2),
        ("Riot police shot three demonstrators dead at the bridge.", 3),
        ("Bandits gunned down eleven farmers in their fields.", 11),
        ("The militia executed fourteen captives, residents said.", 14),
        ("Insurgents massacred dozens of herders overnight.", 12),
        ("Unknown assailants murdered four aid workers.", 4),
        ("The blast claimed the lives of 23 worshippers.", 23),
    ],
)
def test_active_verb_with_the_dead_after_it(text: str, figure: int) -> None:
    assert values(text) == [figure]


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("Four soldiers were killed when their convoy hit a mine.", 4),
        ("Six villagers have been killed in the raid.", 6),
        ("Three students were shot and killed near the campus.", 3),
        ("At least 30 people had been killed by nightfall.", 30),
        ("Seven miners died when the depot was shelled.", 7),
        ("Eight passengers lost their lives in the ambush.", 8),
        ("Twenty-five fighters perished in the assault.", 25),
        ("Twelve Killed In Market Bombing", 12),
    ],
)
def test_passive_and_intransitive_with_the_dead_before(text: str, figure: int) -> None:
    assert values(text) == [figure]


def test_the_count_before_an_active_verb_is_the_attackers() -> None:
    assert values("Two gunmen killed three shepherds.") == [3]


# ---- nouns that name the deaths


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("The deaths of three journalists drew condemnation.", 3),
        ("The killing of dozens of mourners shocked the region.", 12),
        ("Officials confirmed the massacre of 40 villagers.", 40),
        ("The ministry reported five civilian deaths in the shelling.", 5),
        ("Medics recorded 19 fatalities after the strike.", 19),
        ("The explosion left 17 dead.", 17),
        ("The ambush left at least nine people dead and 20 wounded.", 9),
        ("By dusk there were 17 people dead in the square.", 17),
    ],
)
def test_nouns_that_name_the_deaths(text: str, figure: int) -> None:
    assert values(text) == [figure]


def test_an_acts_own_toll_is_its_figure() -> None:
    assert act_values("The death toll of 12 in the attack on the market was confirmed.") == [12]
    assert act_values("The death toll from Monday's bombing rose to 31.") == [31]


# ---- one person


@pytest.mark.parametrize(
    "text",
    [
        "A stray shell killed a woman in her garden.",
        "A soldier was killed at the checkpoint.",
        "A teenager died after police fired on the crowd.",
        "Clashes at the rally led to Karimov's death.",
    ],
)
def test_one_person_counts_one(text: str) -> None:
    assert values(text) == [1]


def test_a_singular_attacker_is_not_a_victim() -> None:
    assert values("A gunman killed two guards.") == [2]


def test_a_named_victim_is_read_from_the_parse() -> None:
    (sentences,) = sentences_of(["Amina Yusuf was killed by a sniper on the main road."])
    (sentence,) = sentences
    figures = read_figures(sentence.text, sentence.span)
    assert [f.value for f in figures] == [1]
    assert figures[0].rule.startswith("parse:")


# ---- counting rules


def test_coordinated_victims_are_added_up() -> None:
    assert values("Three soldiers and two civilians were killed.") == [5]
    assert values("Two of his guards and a driver were also killed.") == [3]


def test_a_subset_is_not_the_figure() -> None:
    assert values("Fifteen people, including four children, were killed.") == [15]


def test_a_range_counts_its_lowest_figure() -> None:
    assert min(values("Between 10 and 15 people were killed.")) == 10


def test_several_counts_three_for_one_small_group() -> None:
    assert values("Several members of one family were killed.") == [3]
    assert values("Several soldiers were killed.") == [10]


def test_counts_of_things_are_not_the_dead() -> None:
    assert values("Air defences shot down 12 drones, killing nobody.") == []
    assert values("The convoy was hit 5 km from the town and two drivers died.") == [2]


def test_years_are_not_counts() -> None:
    assert values("The massacre of 1994 killed countless people.") == []


# ---- injuries never count


@pytest.mark.parametrize(
    "text",
    [
        "Three soldiers were wounded.",
        "Nine people were injured in the blast.",
        "Twenty people were killed or injured.",
        "Dozens of people were killed or wounded, medics said.",
    ],
)
def test_injuries_never_count(text: str) -> None:
    assert values(text) == []


def test_killed_and_wounded_asserts_deaths_killed_or_wounded_does_not() -> None:
    assert values("Dozens of gunmen were killed and wounded in the assault.") == [12]
    assert values("Dozens of gunmen were killed or wounded in the assault.") == []


def test_the_dead_are_told_apart_from_the_wounded() -> None:
    assert values("The attack killed two and injured 30.") == [2]
    assert values("Nearly 300 were wounded and 14 killed.") == [14]


# ---- running tolls


@pytest.mark.parametrize(
    "text",
    [
        "The toll has risen to 300, the ministry said.",
        "At least 420 people have been killed since the war began.",
        "Some 90 civilians have been killed so far this year.",
        "More than 600 people have died since January.",
        "A total of 75 fighters were killed in weeks of fighting.",
    ],
)
def test_running_tolls_are_not_an_acts_figure(text: str) -> None:
    assert values(text)  # still read (claims keep them) ...
    assert act_values(text) == []  # ... but no act's dead


def test_an_acts_figure_survives_a_running_toll_beside_it() -> None:
    text = "A drone strike killed six people on Sunday, bringing the toll since May to 210."
    assert values(text) == [6, 210]
    assert act_values(text) == [6]


def test_explain_names_the_rule_behind_each_figure() -> None:
    from frontlines.explain import explain_articles
    from frontlines.ingest import parse_text

    text = (
        "Gunmen killed four farmers near Kaduna on Monday. "
        "The toll since the start of the year has risen to 300."
    )
    article = parse_text(text, "own-words.txt", published=date(2024, 3, 5), doc_id="own-words")
    lines = "\n".join(explain_articles([article]))
    assert "dead     'four' -> 4 (figures:object:count; an act's dead)" in lines
    assert "-> 300 (figures:toll; a running toll, no act's figure)" in lines


def test_one_victim_with_an_appositive_and_a_martyrdom_are_one_dead() -> None:
    from frontlines.figures import read_figures
    from frontlines.nlp import sentences_of

    for text in (
        "In Kano, an unidentified young man, about 25 years old, was killed in the clash.",
        "The governor mourned the martyrdom of a police sub-inspector in the attack.",
    ):
        ((sentence,),) = list(sentences_of([text]))
        assert [f.value for f in read_figures(sentence.text, sentence.span)] == [1], text
