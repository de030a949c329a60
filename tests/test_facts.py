"""The per-sentence facts the event extractor and the claim reader share (facts.py), on
sentences written for these tests, parsed by the real spaCy model."""

import re
from datetime import date

from frontlines.actors import ActorMention, get_actor_kb
from frontlines.dates import DateCue, find_date_cues
from frontlines.facts import (
    COORDINATED_PLACES,
    TOWN_ANAPHOR,
    SourceCarry,
    TownSalience,
    clause_before,
    clause_span,
    evidence_of,
    find_attribution,
    find_certainty,
    first_matches,
    home_forces,
    in_other_clause,
    in_sentence,
    is_possessor,
    looks_back,
    merge_framing,
    names_actor_or_source,
    nearest_cue,
    only_locates,
    phrase,
    read_facts,
    root_subject,
    sentence_mentions,
    source_words,
    unique_by,
)
from frontlines.lexicon import get_lexicon
from frontlines.models import Actor, Article, Place, PlaceMention
from frontlines.nlp import Sentence, sentences_of

PUBLISHED = date(2025, 3, 12)


def parse(text: str) -> list[Sentence]:
    (sentences,) = list(sentences_of([text]))
    return sentences


def town(name: str, start: int, precision: int = 1) -> PlaceMention:
    place = Place(name, 1.0, 2.0, "XX", "Nowhere", "Region", "", 1, "P", "PPL")
    return PlaceMention(start, start + len(name), name, place, precision)


# ---------------------------------------------------------------- attribution


def test_attribution_names_the_subject_of_a_reporting_verb():
    (sentence,) = parse("A local council spokesman said the bridge was shelled overnight.")
    assert find_attribution(get_lexicon(), sentence) == (
        "a local council spokesman",
        "a local council spokesman",
    )


def test_attribution_reads_according_to_and_known_sources():
    (sentence,) = parse("Two villages were burned, according to the Syrian Observatory.")
    source, raw = find_attribution(get_lexicon(), sentence)
    assert source == "SOHR"  # sources.yaml names the monitor
    assert raw == "the Syrian Observatory"


def test_an_anaphoric_source_is_only_raw_words():
    (sentence,) = parse("The group said its fighters had entered the market.")
    assert find_attribution(get_lexicon(), sentence) == ("", "the group")


def test_a_passive_report_names_no_source():
    (sentence,) = parse("Heavy shelling was reported near the dam.")
    assert find_attribution(get_lexicon(), sentence) == ("", "")


def test_source_carry_resolves_anaphors_and_reported_speech_to_the_last_source():
    sentences = parse(
        "A harbour official told reporters that the port was closed. "
        "The navy had moved its ships before dawn. "
        "The group said the road was open. "
        "Farmers harvested wheat."
    )
    carry, lex = SourceCarry(), get_lexicon()
    read = [carry.read(lex, s, i)[0] for i, s in enumerate(sentences)]
    # past perfect right after a cited sentence goes on in its words; "the group said"
    # refers back; a plain sentence two later cites nobody
    assert read == ["a harbour official", "a harbour official", "a harbour official", ""]


def test_source_carry_keeps_reported_speech_to_the_very_next_sentence():
    sentences = parse(
        "A harbour official told reporters that the port was closed. "
        "Farmers harvested wheat. "
        "The navy had moved its ships before dawn."
    )
    carry, lex = SourceCarry(), get_lexicon()
    assert [carry.read(lex, s, i)[0] for i, s in enumerate(sentences)][2] == ""


def test_source_words_are_tidied():
    assert source_words("BEIRUT (AP) — The Syrian Observatory,") == "the Syrian Observatory"
    assert source_words("a statement from the  ministry") == "the ministry"
    assert len(source_words(" ".join(["word"] * 20)).split()) == 12
    # datelines with a day, hyphenated cities and agencies
    assert (
        source_words("BANGKOK, Aug 3 - An alliance of armed groups")
        == "an alliance of armed groups"
    )
    assert source_words("PORT-AU-PRINCE, Oct 4 (Reuters) - Police") == "Police"
    assert source_words("Goma, Jan 27 - The army") == "the army"
    # a source's own apposition is no dateline
    assert source_words("The Observatory - a monitor") == "the Observatory - a monitor"


def test_certainty_from_cue_words():
    lex = get_lexicon()
    assert find_certainty(lex, "The ministry denied that the base was hit.") == "denied"
    assert find_certainty(lex, "Reports of a ceasefire are untrue.") == "denied"
    assert find_certainty(lex, "Nobody spoke about the base.") == "reported"


# ---------------------------------------------------------------- the parse


def test_phrase_and_root_subject():
    (sentence,) = parse("The tired border guards of the eastern post left their trenches.")
    subject = root_subject(sentence)
    assert subject is not None and subject.text == "The tired border guards of the eastern post"
    assert phrase(subject.root).text == subject.text
    (passive,) = parse("Two bridges were destroyed overnight.")
    subject = root_subject(passive)
    assert subject is not None and subject.text == "Two bridges"
    (verbless,) = parse("Gunfire.")
    assert root_subject(verbless) is None


# ---------------------------------------------------------------- actors


def test_home_forces_are_the_report_countrys_state_forces():
    home = home_forces([], "SY")
    assert home is not None and home.key == "SYR_GOV"
    # a country the actor file lacks is named from a resolved place of it
    place = Place("Oldtown", 1.0, 2.0, "XQ", "Ruritania", "North", "", 9, "P", "PPL")
    home = home_forces([PlaceMention(0, 7, "Oldtown", place)], "XQ")
    assert home is not None and (home.key, home.inter) == ("XQ_GOV", 1)
    assert "Ruritania" in home.name


def test_sentence_mentions_merge_a_label_into_the_group_it_frames():
    home = get_actor_kb().state_forces("SY")
    text = "Fighters of HTS, Takfiri terrorists, shelled the village."
    keys = [(m.actor.key, m.framing) for m in sentence_mentions(text, "SY", home)]
    assert keys == [("HTS", ""), ("HTS", "Takfiri terrorists")]
    (army,) = sentence_mentions("The army shelled the village.", "SY", home)
    assert army.actor.key == "SYR_GOV"


def test_a_loaded_label_beside_a_named_group_frames_it():
    group = Actor("GRP", "Some Front", 2, "XX")
    generic = Actor("OPPOSITION", "Armed opposition", 2, "XX")
    mentions = [
        ActorMention(0, 10, group),
        ActorMention(11, 21, generic, framing="terrorists"),
    ]
    named, label = merge_framing(mentions)
    assert (named.actor.key, named.framing) == ("GRP", "")
    assert (label.actor.key, label.framing, label.start, label.end) == ("GRP", "terrorists", 11, 21)
    far = [ActorMention(0, 10, group), ActorMention(40, 50, generic, framing="terrorists")]
    assert [m.actor.key for m in merge_framing(far)] == ["GRP", "OPPOSITION"]


# ---------------------------------------------------------------- clauses and dates


def test_clause_before_starts_after_the_last_break():
    text = "The minister said militia fighters raided the depot"
    assert clause_before(text, text.index("raided")) == " militia fighters "
    text = "Rain fell, and the convoy was ambushed"
    assert clause_before(text, text.index("ambushed")) == " and the convoy was "


def test_clause_span_is_cut_by_semicolons_and_contrasts_not_commas():
    text = "The militia, its leader said, took the hill; the army held the valley"
    assert text[slice(*clause_span(text, text.index("took")))] == (
        "The militia, its leader said, took the hill"
    )
    assert text[slice(*clause_span(text, text.index("held")))].strip() == "the army held the valley"
    text = "Rebels entered the town while the army shelled it"
    assert text[slice(*clause_span(text, 0))] == "Rebels entered the town"


def test_a_date_in_an_after_clause_belongs_to_the_other_act():
    text = "Troops retook the hill, two days after rebels seized it on Monday."
    (monday,) = [c for c in find_date_cues(text, PUBLISHED) if c.text.endswith("Monday")]
    assert in_other_clause(text, monday, text.index("retook"))
    assert not in_other_clause(text, monday, text.index("seized"))


def test_nearest_cue_by_start():
    cues = [
        DateCue(PUBLISHED, PUBLISHED, 1, "x", 5, 6),
        DateCue(PUBLISHED, PUBLISHED, 1, "y", 30, 31),
    ]
    assert nearest_cue(cues, 24) is cues[1]
    assert nearest_cue(cues, 10) is cues[0]
    assert nearest_cue([], 10) is None


def test_a_sentence_about_an_earlier_year_looks_back():
    old = "The army took the town in 2019."
    assert looks_back(old, PUBLISHED, find_date_cues(old, PUBLISHED))
    mixed = "Militants who fled in 2019 returned on 3 March 2025."
    assert not looks_back(mixed, PUBLISHED, find_date_cues(mixed, PUBLISHED))
    assert not looks_back(old, None, [])  # no publication date: nothing is earlier


# ---------------------------------------------------------------- places


def test_a_toponym_inside_an_actor_or_source_name_is_no_place():
    lex = get_lexicon()
    text = "The Syrian Observatory for Human Rights said shells hit Millford."
    assert names_actor_or_source(lex, text, 4, 10, [])  # "Syrian" of the monitor's name
    assert not names_actor_or_source(lex, text, text.index("Millford"), len(text) - 1, [])
    guards = ActorMention(0, 20, Actor("XQ_GOV", "Military Forces of Ruritania", 1, "XQ"))
    text = "Ruritanian border guards fired."
    assert names_actor_or_source(lex, text, 0, 10, [guards])


def test_a_place_after_a_distance_only_locates():
    text = "Greenfield, 40 km north of Bridgetown"
    assert only_locates(text, text.index("Bridgetown"))
    assert not only_locates(text, 0)
    text = "clashes 12 miles from the town of Millford"
    assert only_locates(text, text.index("Millford"))


def test_coordinated_places():
    for between in (" and ", ", ", " as well as in the town of ", " and the province of ", "/"):
        assert COORDINATED_PLACES.fullmatch(between), between
    for between in (" near ", " in the countryside of ", ", 20 km from "):
        assert not COORDINATED_PLACES.fullmatch(between), between


def test_the_town_anaphor_is_not_the_start_of_a_name():
    anaphor = re.compile(TOWN_ANAPHOR, re.I)
    assert anaphor.search("Shells fell on the town at dawn.")
    assert anaphor.search("The city officials fled.")
    assert not anaphor.search("Shells fell on the city of Millford.")
    assert not anaphor.search("The townspeople fled.")


def test_is_possessor():
    text = "Ruritania's Oldtown region"
    assert is_possessor(text, len("Ruritania"))
    assert not is_possessor("Oldtown region", len("Oldtown"))


def test_the_salient_town_is_the_most_named_so_far_and_the_report_town_before():
    bridge, mill = town("Bridgetown", 0), town("Millford", 40)
    late_mill = town("Millford", 90)
    region = town("Upper Valley", 60, precision=3)
    salience = TownSalience.of_report([bridge, mill, late_mill, region])
    assert salience.salient() is mill  # before any sentence: the report's most named town
    salience.note(1, 1, [bridge, region])
    assert salience.salient() is bridge  # a region is no town
    salience.note(2, 1, [mill])
    assert salience.salient() is mill  # a tie: the latest named
    lead = TownSalience()
    lead.note(0, 0, [bridge])
    lead.note(1, 1, [mill])
    assert lead.salient() is bridge  # the headline and lead count double


def test_evidence_of_a_sentence():
    (first, second) = parse("Shells hit Bridgetown. Millford was quiet.")
    article = Article(id="doc-1", text="Shells hit Bridgetown. Millford was quiet.")
    evidence = evidence_of(article, second, "quiet")
    assert (evidence.text, evidence.start, evidence.end) == ("Millford was quiet.", 23, 42)
    assert (evidence.article_id, evidence.trigger) == ("doc-1", "quiet")


def test_in_sentence_keeps_the_mentions_inside_its_offsets():
    (first, second) = parse("Shells hit Bridgetown. Millford was quiet.")
    mentions = [town("Bridgetown", 11), town("Millford", 23)]
    assert [m.text for m in in_sentence(mentions, second)] == ["Millford"]
    assert [m.text for m in in_sentence(mentions, first)] == ["Bridgetown"]


def test_first_matches_prefer_earlier_entries_and_come_in_text_order():
    entries = [("long", re.compile(r"air strikes?")), ("short", re.compile(r"strikes?"))]
    text = "Strikes and air strikes hit; more strikes followed."
    found = first_matches(entries, lambda e: e[1], text.lower())
    assert [(name, m.group(0)) for (name, _), m in found] == [
        ("short", "strikes"),
        ("long", "air strikes"),
        ("short", "strikes"),
    ]
    assert [m.start() for _, m in found] == sorted(m.start() for _, m in found)


def test_unique_by_keeps_the_first_of_each_key_in_order():
    assert unique_by(["bb", "a", "cc", "d"], len) == ["bb", "a"]


# ---------------------------------------------------------------- a report's facts


def test_read_facts_gives_each_sentence_its_source_certainty_actors_and_figures():
    sentences = parse(
        "The army shelled the market, a local official said. "
        "It added that 12 people were killed. "
        "The death toll has risen to 40, the ministry denied."
    )
    home = get_actor_kb().state_forces("SY")
    first, second, third = read_facts(get_lexicon(), sentences, "SY", home)
    assert (first.source, first.certainty) == ("a local official", "reported")
    assert [m.actor.key for m in first.mentions] == ["SYR_GOV"]
    # "it added": the source carried on, its own words kept
    assert (second.source, second.raw_source) == ("a local official", "It")
    assert second.figures_of(tolls=False) == [(14, "12", 12)]
    # a running toll is a claim's figure, never an act's
    assert third.figures_of(tolls=False) == []
    assert third.figures_of(tolls=True) == [(28, "40", 40)]
    assert (third.source, third.certainty) == ("the ministry", "denied")


def test_a_country_after_by_is_an_agent_not_a_place() -> None:
    from frontlines.facts import country_as_agent
    from frontlines.places import find_place_mentions

    text = "Talks mediated by Angola ended in Luanda."
    angola, luanda = find_place_mentions(text)
    assert country_as_agent(text, angola.start, angola)
    assert not country_as_agent(text, luanda.start, luanda)
