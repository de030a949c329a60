"""Toponym recognition and resolution on the default offline gazetteer.

The index is built at most once (into $FRONTLINES_CACHE or ~/.cache/frontlines)
and reused from disk after that.
"""

from __future__ import annotations

import json

import pytest

from frontlines.gazetteer import Gazetteer, get_gazetteer
from frontlines.places import find_place_mentions, places_records, resolve_spans, text_entities


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    """The default index: built once per machine into the on-disk cache, then reused."""
    return get_gazetteer()


def _by_text(text: str, gaz: Gazetteer) -> dict[str, object]:
    return {m.text: m for m in find_place_mentions(text, gazetteer=gaz)}


def test_town_in_countryside_of_city(gaz: Gazetteer) -> None:
    text = (
        "Warplanes hit armored vehicles trying to escape towards the town of Morek in "
        "the northern countryside of the city of Hama on Wednesday."
    )
    found = _by_text(text, gaz)
    morek = found["Morek"]
    assert morek.place is not None
    assert morek.place.country_code == "SY" and morek.place.admin1 == "Hama"
    assert abs(morek.place.latitude - 35.376) < 0.05 and abs(morek.place.longitude - 36.690) < 0.05
    assert morek.geo_precision == 1
    assert found["Hama"].geo_precision == 3


def test_precision_cues(gaz: Gazetteer) -> None:
    found = _by_text(
        "Clashes near the city of Khanasir and in Aleppo Province, north of Hama.", gaz
    )
    assert found["Khanasir"].geo_precision == 2 and found["Khanasir"].place.admin1 == "Aleppo"
    # ACLED codes a region to its main town, keeping precision 3
    assert found["Aleppo"].geo_precision == 3 and found["Aleppo"].cue == "province"
    assert found["Aleppo"].place.name == "Aleppo" and found["Aleppo"].place.feature_class == "P"
    assert found["Hama"].geo_precision == 2 and found["Hama"].place.feature_class == "P"


def test_list_of_provinces_and_country_region(gaz: Gazetteer) -> None:
    found = _by_text(
        "Russian jets struck in northern Syria and in Idlib and Aleppo provinces.", gaz
    )
    # "northern Syria": the largest town of the north; provinces: their main towns
    assert found["Syria"].geo_precision == 3 and found["Syria"].place.name == "Aleppo"
    assert found["Idlib"].place.feature_class == "P" and found["Idlib"].geo_precision == 3
    assert found["Idlib"].place.admin1 == "Idlib"
    assert found["Aleppo"].place.name == "Aleppo" and found["Aleppo"].geo_precision == 3
    assert "Russian" not in found


def test_transliteration_variants(gaz: Gazetteer) -> None:
    found = _by_text("Shelling hit Saraqeb, Al-Dana and Safira, and Lattakia.", gaz)
    assert found["Saraqeb"].place.name == "Saraqib"
    assert found["Al-Dana"].place.admin1 == "Idlib"
    assert found["Safira"].place.admin1 == "Aleppo"
    assert found["Lattakia"].place.admin1 == "Latakia"


def test_unknown_village_coded_to_nearby_town(gaz: Gazetteer) -> None:
    text = "A strike hit Kafr Dariyan village on the outskirts of the city of Idlib."
    found = _by_text(text, gaz)
    village = found["Kafr Dariyan"]
    assert village.place is not None and village.place.name == "Idlib"
    assert village.geo_precision == 2
    assert "Dariyan" not in found


def test_adjectives_and_people_are_not_places(gaz: Gazetteer) -> None:
    found = _by_text("The Syrian army said President Bashar al-Assad visited troops.", gaz)
    assert not found


def test_homonym_from_context(gaz: Gazetteer) -> None:
    found = _by_text("Police in Paris, Texas arrested a man.", gaz)
    assert found["Paris"].place.country_code == "US"
    assert found["Paris"].place.admin1 == "Texas"
    found = _by_text("Protesters marched in Paris and Lyon.", gaz)
    assert found["Paris"].place.country_code == "FR"


def test_resolve_spans_and_demonyms(gaz: Gazetteer) -> None:
    text = "Russian officials met in Moscow."
    out = resolve_spans(text, [(0, 7), (25, 31)], gazetteer=gaz)
    assert [m.text for m in out] == ["Russian", "Moscow"]
    assert out[0].place is not None and out[0].place.country_code == "RU"
    assert out[1].place is not None and out[1].place.name == "Moscow"


def test_places_records(gaz: Gazetteer) -> None:
    docs = [
        {"id": "a", "text": "Shelling near Idlib.", "toponyms": [{"start": 14, "end": 19}]},
        {"id": "b", "text": "Fighting in Homs."},
    ]
    rows = list(places_records(docs, gazetteer_path=gaz.path))
    assert [(r["id"], r["text"]) for r in rows] == [("a", "Idlib"), ("b", "Homs")]
    assert rows[0]["country"] == "SY" and rows[0]["geonameid"]
    json.dumps(rows)


def test_the_provinces_of_x_and_y_are_regions(gaz: Gazetteer) -> None:
    found = _by_text("Clashes raged in the provinces of Idlib and Aleppo on Friday.", gaz)
    assert found["Idlib"].geo_precision == 3 and found["Aleppo"].geo_precision == 3


def _with_entities(text: str, gaz: Gazetteer, **kwargs: bool) -> dict[str, object]:
    entities = text_entities([text])[0]
    found = find_place_mentions(text, gazetteer=gaz, entities=entities, **kwargs)
    return {m.text: m for m in found}


def test_names_inside_peoples_names_are_not_places(gaz: Gazetteer) -> None:
    text = "Secretary of State Antony Blinken met officials in Cairo on Monday."
    found = _with_entities(text, gaz)
    assert "Antony" not in found
    assert found["Cairo"].place.country_code == "EG"  # type: ignore[attr-defined]


def test_surname_after_full_name_is_the_person(gaz: Gazetteer) -> None:
    text = (
        "Police chief Daniel Lincoln told reporters in Denver that the suspect fled. "
        "Lincoln said officers were searching the area."
    )
    found = _with_entities(text, gaz)
    assert "Lincoln" not in found
    assert "Denver" in found


def test_capitalised_common_word_needs_support(gaz: Gazetteer) -> None:
    text = "House prices rose in Leeds. The house on the corner was sold last week."
    found = _with_entities(text, gaz)
    assert "House" not in found
    assert "Leeds" in found


def test_two_letter_country_abbreviation(gaz: Gazetteer) -> None:
    text = "Officials said US and UK envoys imposed new sanctions on Monday."
    found = _with_entities(text, gaz)
    assert found["US"].place.country_code == "US"  # type: ignore[attr-defined]
    assert found["UK"].place.country_code == "GB"  # type: ignore[attr-defined]
    assert "us" not in {k.lower() for k in _with_entities("Join us in Lyon.", gaz)} - {"lyon"}


def test_all_toponyms_lists_demonyms_and_divisions_as_themselves(gaz: Gazetteer) -> None:
    text = "Kenyan police said protests spread across Texas and into Oklahoma."
    sites = _with_entities(text, gaz)
    assert "Kenyan" not in sites  # an event never sits at a demonym
    listed = _with_entities(text, gaz, all_toponyms=True)
    assert listed["Kenyan"].place.country_code == "KE"  # type: ignore[attr-defined]
    assert listed["Kenyan"].cue == "demonym"  # type: ignore[attr-defined]
    texas = listed["Texas"].place  # type: ignore[attr-defined]
    assert texas.feature_code == "ADM1" and texas.admin1 == "Texas"


def test_town_in_an_institutions_name_is_no_event_site(gaz: Gazetteer) -> None:
    text = "Students of Oxford Brookes University marched through Leeds on Friday."
    found = _with_entities(text, gaz)
    assert "Leeds" in found
    assert not any(k.startswith("Oxford") for k in found)


def test_counties_in_a_list_are_counties(gaz: Gazetteer) -> None:
    text = "Snow closed roads in Clay and Becker counties, Minnesota officials said."
    found = _by_text(text, gaz)
    clay = found["Clay"].place
    assert clay.feature_code == "ADM2" and clay.admin1 == "Minnesota"  # type: ignore[attr-defined]
    assert clay.geonameid  # type: ignore[attr-defined]
    assert found["Becker"].place.admin1 == "Minnesota"  # type: ignore[attr-defined]


def test_a_bare_county_name_is_a_town_first(gaz: Gazetteer) -> None:
    found = _by_text("The mayor of Decatur, Illinois, opened the new bridge.", gaz)
    decatur = found["Decatur"].place
    assert decatur.feature_class == "P" and decatur.admin1 == "Illinois"  # type: ignore[attr-defined]


def test_a_street_named_after_a_town_is_no_place(gaz: Gazetteer) -> None:
    text = "Officers were called to a house on Memphis Street in Alexandria, Louisiana."
    found = _by_text(text, gaz)
    assert "Memphis" not in found
    assert found["Alexandria"].place.admin1 == "Louisiana"  # type: ignore[attr-defined]
    listed = _with_entities(text, gaz, all_toponyms=True)
    assert listed["Memphis"].place is None and listed["Memphis"].cue == "street"  # type: ignore[attr-defined]


def test_a_country_qualifying_an_office_is_no_site(gaz: Gazetteer) -> None:
    text = "The US secretary of state said Sudan army units shelled Omdurman."
    found = _with_entities(text, gaz)
    assert "US" not in found and "Sudan" not in found
    assert found["Omdurman"].place.country_code == "SD"  # type: ignore[attr-defined]
    listed = _with_entities(text, gaz, all_toponyms=True)
    assert listed["Sudan"].place.country_code == "SD"  # type: ignore[attr-defined]


def test_a_place_as_the_head_of_an_organisation_name_is_no_toponym(gaz: Gazetteer) -> None:
    text = "Students of the University of Florida rallied in Gainesville on Friday."
    listed = _with_entities(text, gaz, all_toponyms=True)
    assert "University" not in listed
    assert listed["Florida"].place.admin1 == "Florida"  # type: ignore[attr-defined]


def test_a_division_and_its_city_under_another_spelling_is_the_city() -> None:
    (mention,) = find_place_mentions("The clashes in Chittagong began at 3 pm on Tuesday.")
    assert mention.place is not None and mention.place.feature_class == "P"
    assert mention.geo_precision == 1


def test_small_towns_that_agree_on_a_county_beat_larger_namesakes(gaz: Gazetteer) -> None:
    text = (
        "A driver from Albany was hurt in a crash on Monday; she was taken to a "
        "hospital in Alexandria, the Douglas County sheriff said."
    )
    found = _by_text(text, gaz)
    for name in ("Albany", "Alexandria", "Douglas County"):
        assert found[name].place.admin1 == "Minnesota", name  # type: ignore[attr-defined]
    assert found["Alexandria"].place.admin2 == "Douglas County"  # type: ignore[attr-defined]


def _all_toponyms(text: str, gaz: Gazetteer) -> list[str]:
    entities = text_entities([text])[0]
    return [
        m.text
        for m in find_place_mentions(text, gazetteer=gaz, entities=entities, all_toponyms=True)
    ]


def test_agent_after_by_is_no_evidence_of_a_place(gaz: Gazetteer) -> None:
    # "driven by Clark" names who drove; Clark is also a small US town. The
    # "by" cue must not make every later "Clark" of the report a place.
    text = (
        "Officers stopped a pickup driven by Clark on a county road near Charleston, "
        "West Virginia. Clark was arrested and held overnight. A judge said Clark "
        "would appear in court next week."
    )
    found = _all_toponyms(text, gaz)
    assert "Clark" not in found
    assert "Charleston" in found and "West Virginia" in found


def test_abbreviated_title_is_not_a_place(gaz: Gazetteer) -> None:
    text = "Sen. Maria Lopez met farmers in Lubbock, Texas, on Friday. Rep. Dan Ortiz joined them."
    found = _all_toponyms(text, gaz)
    assert "Sen" not in found and "Rep" not in found
    assert "Lubbock" in found and "Texas" in found


def test_title_before_a_name_is_not_a_place(gaz: Gazetteer) -> None:
    # Justice is also a town in Illinois.
    text = "In the court in Dallas, Texas, Justice Mary Ortiz sentenced him to ten years."
    found = _all_toponyms(text, gaz)
    assert "Justice" not in found
    assert "Dallas" in found


def test_capital_of_the_reports_country_over_namesakes(gaz: Gazetteer) -> None:
    # In a report about the United States a bare "Washington" is its capital, not
    # the state of Washington (larger) nor one of the towns of that name.
    text = (
        "The Senate in Washington passed the farm bill on Tuesday, and governors "
        "across the United States welcomed it."
    )
    span = (text.index("Washington"), text.index("Washington") + len("Washington"))
    (washington,) = resolve_spans(text, [span], gazetteer=gaz)
    assert washington.place is not None
    assert washington.place.admin1 == "District of Columbia"


def _resolve_one(text: str, phrase: str, gaz: Gazetteer):  # type: ignore[no-untyped-def]
    start = text.index(phrase)
    (mention,) = resolve_spans(text, [(start, start + len(phrase))], gazetteer=gaz)
    return mention.place


def test_division_named_with_another_kind_word(gaz: Gazetteer) -> None:
    # Daraa is a governorate; "Daraa district" must not become the Afghan district
    # whose name happens to be written that way in full.
    text = "Shelling hit villages in Daraa district, in southern Syria, on Sunday."
    place = _resolve_one(text, "Daraa district", gaz)
    assert place is not None and place.country_code == "SY"


def test_country_not_its_namesake_division(gaz: Gazetteer) -> None:
    # The towns of another country nearby make no case for the Mexican state of
    # Mexico over the country itself.
    text = "The farm workers came from Mexico and settled near Fresno, California, in the 1990s."
    place = _resolve_one(text, "Mexico", gaz)
    assert place is not None and place.feature_code == "PCLI" and place.country_code == "MX"


def test_state_abbreviations_in_given_spans(gaz: Gazetteer) -> None:
    # A span may leave out an abbreviation's dot; "KY" is the postal code.
    dotted = _resolve_one("Shops in Lexington, Ky. closed early in the storm.", "Ky", gaz)
    postal = _resolve_one("The new plant opens in Bowling Green, KY next spring.", "KY", gaz)
    assert dotted is not None and dotted.name == "Kentucky"
    assert postal is not None and postal.name == "Kentucky"


def test_continent_adjectives(gaz: Gazetteer) -> None:
    text = "Asian markets fell on Monday while European leaders met in Brussels."
    asian = _resolve_one(text, "Asian", gaz)
    assert asian is not None and asian.name == "Asia" and asian.feature_code == "CONT"
    found = {
        m.text: m.place
        for m in find_place_mentions(
            text, gazetteer=gaz, entities=text_entities([text])[0], all_toponyms=True
        )
    }
    assert "Brussels" in found
    europe = found.get("European")
    assert europe is not None and europe.name == "Europe"


def test_word_known_only_as_an_alias_needs_evidence(gaz: Gazetteer) -> None:
    # "Passover" is an old alternate name of a small US town, which bears another
    # name today: without a place label or cue the word is the holiday.
    text = "Families in Brooklyn, New York, gathered for Passover dinners on Friday."
    found = _all_toponyms(text, gaz)
    assert "Passover" not in found
    assert "Brooklyn" in found and "New York" in found


def test_peoples_adjective_is_not_the_place_of_that_name(gaz: Gazetteer) -> None:
    # "Somali" is also a region of Ethiopia, "Spanish" a town in Ontario: as
    # adjectives they name a people, and as toponyms their country.
    text = (
        "Somali troops and Kenyan police patrolled the border near Mandera on Monday, "
        "helped by Spanish instructors."
    )
    sites = {m.text: m.place for m in find_place_mentions(text, gazetteer=gaz)}
    assert "Somali" not in sites and "Spanish" not in sites
    assert sites["Mandera"] is not None and sites["Mandera"].country_code == "KE"
    toponyms = {
        m.text: m.place
        for m in find_place_mentions(
            text, gazetteer=gaz, entities=text_entities([text])[0], all_toponyms=True
        )
    }
    somali, spanish = toponyms.get("Somali"), toponyms.get("Spanish")
    assert somali is None or somali.country_code == "SO"  # listed only where spaCy agrees
    assert spanish is not None and spanish.country_code == "ES"


def test_place_located_by_a_direction_from_another(gaz: Gazetteer) -> None:
    # "X, east of Y" places X near Y: here the Tennessee town, not the country.
    text = "Storms hit Lebanon, east of Nashville, on Sunday night."
    place = _resolve_one(text, "Lebanon", gaz)
    assert place is not None and place.country_code == "US" and place.admin1 == "Tennessee"


def test_district_of_a_city_is_coded_to_the_city(gaz: Gazetteer) -> None:
    # "Kharkiv's Kyivskyi district": a district of Kharkiv, not the namesake district
    # in another province; coded to the city with precision 2 (part of the town).
    text = "Russian missiles struck Kharkiv's Kyivskyi district on Tuesday, the governor said."
    found = {m.text: m for m in find_place_mentions(text, gazetteer=gaz)}
    district = found["Kyivskyi"]
    assert district.place is not None and district.place.name == "Kharkiv"
    assert district.geo_precision == 2


def test_name_of_the_reports_country_after_in_is_a_place(gaz: Gazetteer) -> None:
    # The small model reads "Lashkar Gah" as a person; "officials in" says a place.
    text = (
        "KABUL, Afghanistan - Taliban fighters seized a district in Helmand province, "
        "officials in Lashkar Gah said."
    )
    found = {
        m.text: m.place
        for m in find_place_mentions(
            text, gazetteer=gaz, entities=text_entities([text])[0], all_toponyms=True
        )
    }
    assert found.get("Lashkar Gah") is not None and found["Lashkar Gah"].country_code == "AF"


def test_acronyms_iso_codes_and_street_words_are_no_toponyms() -> None:
    from frontlines.places import find_place_mentions

    def names(text: str) -> list[str]:
        return [m.place.name for m in find_place_mentions(text) if m.place]

    assert names("Fifteen women were attacked near Goma, a local NGO said.") == ["Goma"]
    assert names("The bomb went off at Kir kot Road in the Wana bazaar.") == ["Wana"]
    assert "United Arab Emirates" in names("Talks were held in the UAE on Monday.")


def test_a_part_of_a_country_is_coded_to_the_division_named_for_it() -> None:
    from frontlines.places import find_place_mentions

    def seat(text: str) -> str:
        (mention,) = [m for m in find_place_mentions(text) if m.place]
        assert mention.geo_precision == 3
        return mention.place.name if mention.place else ""

    # the Northern District's, the South Governorate's and the Northern Region's main towns
    assert seat("Rockets hit two areas in Israel's north on Wednesday.") == "Nazareth"
    assert seat("Shelling was reported in southern Lebanon.") == "Sidon"
    assert seat("Attacks continued in northern Ghana.") == "Tamale"
    # a possessive part before a named place only locates that place: Iraq stays Iraq
    iraq, anbar = find_place_mentions("Fighters stormed a town in Iraq's western Anbar province.")
    assert iraq.place is not None and iraq.place.feature_code.startswith("PCL")
    assert anbar.place is not None and anbar.place.name == "Ramadi"


def test_the_centre_of_a_town_is_the_town(gaz: Gazetteer) -> None:
    # spaCy's small model reads the lone name as a person; the phrase says it is a place
    text = "Artillery hit the centre of Kherson on Sunday, officials said."
    found = _with_entities(text, gaz)
    kherson = found["Kherson"]
    assert kherson.place is not None and kherson.place.country_code == "UA"  # type: ignore[attr-defined]
    assert kherson.geo_precision == 1  # type: ignore[attr-defined]


def test_a_name_read_outside_the_region_said_to_hold_it_falls_back_to_the_region(
    gaz: Gazetteer,
) -> None:
    # "Boni" is only an alternate name of Bonn in the index: not a village of Mali
    found = _by_text("Militants ambushed a patrol near Boni in Mopti region on Monday.", gaz)
    boni = found["Boni"]
    assert boni.place is not None and boni.place.country_code == "ML"  # type: ignore[attr-defined]
    assert boni.geo_precision == 3  # type: ignore[attr-defined]


def test_a_lone_short_alternate_name_is_left_unplaced(gaz: Gazetteer) -> None:
    # "Ber", a town of Mali the index lacks, is an old name of Veroia in Greece
    found = _by_text("Soldiers left the town of Ber on Monday after a week of fighting.", gaz)
    assert "Ber" not in found or found["Ber"].place is None  # type: ignore[attr-defined]
    # the same short name beside a place of that country is still read
    found = _by_text("Fighting was reported in Ber and in Thessaloniki on Monday.", gaz)
    assert found["Ber"].place is not None  # type: ignore[attr-defined]
    assert found["Ber"].place.country_code == "GR"  # type: ignore[attr-defined]


def test_a_village_is_no_city_that_shares_an_alternate_name(gaz: Gazetteer) -> None:
    # "Tillia" is a town of Niger and an old name of Tilburg; no city of 200,000 is a village
    found = _by_text("Gunmen raided the village of Tillia on Monday, residents said.", gaz)
    tillia = found["Tillia"]
    assert tillia.place is not None and tillia.place.country_code == "NE"  # type: ignore[attr-defined]


def test_a_sea_named_as_a_sea_is_no_division_of_the_same_name(gaz: Gazetteer) -> None:
    # Sudan and Egypt have a "Red Sea" division; "in the Red Sea" is the water
    found = _by_text("A missile hit a tanker in the Red Sea on Monday.", gaz)
    assert "Red Sea" not in found or found["Red Sea"].place is None  # type: ignore[attr-defined]
    found = _by_text("Floods hit Port Sudan in the Red Sea state on Monday.", gaz)
    assert found["Red Sea"].place is not None  # type: ignore[attr-defined]


def test_a_possessive_country_before_a_county_is_its_container(gaz: Gazetteer) -> None:
    found = _by_text("Militants burned a school in Kenya's Mandera county on Monday.", gaz)
    mandera = found["Mandera"]
    assert mandera.place is not None and mandera.place.country_code == "KE"  # type: ignore[attr-defined]


def test_a_village_read_abroad_beside_its_state_falls_back_to_the_state(gaz: Gazetteer) -> None:
    # "Kuriga" is an alternate name of Khouribga (Morocco); ", Kaduna state" says where
    found = _by_text(
        "Gunmen seized pupils from a school in Kuriga, Kaduna state, on Thursday.", gaz
    )
    kuriga = found["Kuriga"]
    assert kuriga.place is not None and kuriga.place.country_code == "NG"  # type: ignore[attr-defined]


def test_a_town_and_its_division_in_brackets_are_places(gaz: Gazetteer) -> None:
    # the note's "Town (Province)" shape, whatever the tagger reads in the names
    found = _with_entities("On 4 May 2024, soldiers retook Mallam Fatori (Borno) from ISWAP.", gaz)
    assert found["Mallam Fatori"].place is not None  # type: ignore[attr-defined]
    assert found["Mallam Fatori"].geo_precision == 1  # type: ignore[attr-defined]
    # one name for a town and its province: the town before the bracket, the division in it
    town = next(
        m for m in find_place_mentions("a mob beat a man in Kisumu (Kisumu).", gazetteer=gaz)
    )
    assert town.place is not None and town.place.feature_class == "P"
    assert town.geo_precision == 1


def test_a_place_in_a_countrys_division_is_held_by_the_division(gaz: Gazetteer) -> None:
    # "Pont-Sonde" is not in the index: coded to the department the possessive names
    found = _by_text("Gangs attacked the town of Pont-Sonde in Haiti's Artibonite department.", gaz)
    site = found["Pont-Sonde"]
    assert site.place is not None and not site.place.feature_code.startswith("PCL")  # type: ignore[attr-defined]
