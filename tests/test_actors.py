import pytest

import frontlines
from frontlines.actors import ActorTracker, get_actor_kb, load_actor_data, validate_actor_data
from frontlines.errors import ActorDataError
from frontlines.models import TAXONOMY


def keys(text: str, country: str = "SY") -> list[str]:
    return [m.actor.key for m in get_actor_kb().find(text, country)]


def test_named_groups_and_state_forces():
    assert keys("Syrian helicopters struck positions of Hayat Tahrir al-Sham") == [
        "SYR_GOV",
        "HTS",
    ]
    assert keys("Russian jets and Turkish drones") == ["RUS_MIL", "TUR_MIL"]


def test_coordinated_nationalities_give_both_forces():
    assert keys("Syrian and Russian warplanes bombed the town") == ["SYR_GOV", "RUS_MIL"]
    assert keys("the Syrian-Russian reprisal") == ["SYR_GOV", "RUS_MIL"]


def test_backed_is_not_the_backer():
    assert keys("the Russian-backed Syrian government") == ["SYR_GOV"]
    assert keys("Turkish-backed factions advanced") == ["SNA"]


def test_specific_names_win_over_nationality_reading():
    assert keys("the Syrian National Army and the Syrian Democratic Forces") == ["SNA", "SDF"]


def test_loaded_labels_are_kept_as_framing_with_a_neutral_actor():
    mentions = get_actor_kb().find("foreign-backed Takfiri terrorists attacked", "SY")
    assert [(m.actor.key, m.framing) for m in mentions] == [("OPPOSITION", "Takfiri terrorists")]
    regime = get_actor_kb().find("regime forces withdrew", "SY")
    assert [(m.actor.key, m.framing) for m in regime] == [("SYR_GOV", "regime forces")]


def test_bare_army_is_the_state_forces_of_the_report_country():
    assert keys("the army retook the village", "SY") == ["SYR_GOV"]
    assert keys("the army retook the village", "UA") == ["UKR_GOV"]
    assert keys("the army retook the village", "") == []


def test_modifier_use_of_a_group_name_is_not_the_group():
    assert keys("HTS-affiliated media said") == []


def test_inter_codes_follow_acled():
    kb = get_actor_kb()
    assert kb.state_forces("SY").inter == 1
    assert kb.by_key("HTS").inter == 2
    assert kb.by_key("CIVILIANS").inter == 7
    assert kb.by_key("PROTESTERS").inter == 6


def test_knowledge_base_file_is_well_formed():
    data = load_actor_data()
    seen = set()
    for item in data["actors"]:
        assert item["key"] not in seen
        seen.add(item["key"])
        assert 1 <= int(item["inter"]) <= 8
        assert item["patterns"]
    assert len(TAXONOMY) == 6


def test_user_file_extends_the_knowledge_base(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "actors:\n  - key: WAGNER\n    name: Wagner Group\n    inter: 8\n"
        "    country: RU\n    patterns: ['wagner(?: group)?']\n",
        encoding="utf-8",
    )
    from frontlines.actors import get_actor_kb as kb_for

    mentions = kb_for(extra).find("Wagner fighters attacked the base", "ML")
    assert mentions[0].actor.key == "WAGNER"


def test_environment_names_a_user_actor_file(tmp_path, monkeypatch):
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "actors:\n  - key: LOCAL_MILITIA\n    name: Eastern Guards\n    inter: 4\n"
        "    country: SY\n    patterns: ['eastern guards']\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FRONTLINES_ACTORS", str(extra))
    mentions = get_actor_kb().find("The Eastern Guards attacked a checkpoint", "SY")
    assert [m.actor.key for m in mentions] == ["LOCAL_MILITIA"]


# ---------------------------------------------------------------- actors anywhere


def names(text: str, country: str = "") -> list[tuple[str, int]]:
    return [(m.actor.name, m.actor.inter) for m in get_actor_kb().find(text, country)]


def test_police_are_police_of_the_report_country():
    assert names("Riot police fired tear gas on the crowd", "KE")[0] == (
        "Police Forces of Kenya",
        1,
    )
    assert names("Nigerian police arrested two suspects")[0] == ("Police Forces of Nigeria", 1)


def test_named_police_units_are_police():
    assert names("GSU officers blocked the road", "KE")[0] == ("Police Forces of Kenya", 1)
    assert names("the CTD raided a compound", "PK")[0] == ("Police Forces of Pakistan", 1)


def test_any_country_gets_its_military_from_a_demonym():
    assert names("Malawian troops were deployed")[0] == ("Military Forces of Malawi", 1)


def test_country_name_before_a_military_noun_is_its_forces():
    assert names("the Kenya Defence Forces moved north", "SO")[0] == ("Military Forces of Kenya", 8)
    assert names("the Myanmar military bombed a school", "MM")[0][0] == "Military Forces of Myanmar"


def test_state_forces_abroad_keep_their_name_and_are_external():
    assert names("Rwandan soldiers crossed into the province", "CD") == [
        ("Military Forces of Rwanda", 8)
    ]
    assert names("Rwandan soldiers patrolled the capital", "RW") == [
        ("Military Forces of Rwanda", 1)
    ]


def test_unidentified_armed_group_is_named_for_the_country():
    assert names("unknown gunmen opened fire on a bus", "PK")[0] == (
        "Unidentified Armed Group (Pakistan)",
        3,
    )
    assert names("armed men stormed the market")[0] == ("Unidentified Armed Group", 3)


def test_gangs_bandits_and_mobs_have_their_own_codes():
    assert names("armed gangs torched homes", "HT")[0] == ("Unidentified Gang (Haiti)", 3)
    assert names("bandits abducted travellers", "NG")[0] == ("Bandits (Nigeria)", 3)
    assert names("an angry mob burned the suspect", "KE")[0] == ("Rioters (Kenya)", 5)


def test_classes_take_the_nationality_before_them():
    assert names("settlers attacked Palestinian farmers", "IL") == [
        ("Settlers (Israel)", 4),
        ("Civilians (Palestine)", 7),
    ]
    assert names("demonstrators marched in the capital", "BD") == [("Protesters (Bangladesh)", 6)]


def test_groups_of_todays_conflicts_are_named():
    cases = [
        ("the RSF shelled the market", "SD", "RSF"),
        ("MNDAA fighters entered the town", "MM", "MNDAA"),
        ("the Arakan Army seized the base", "MM", "ARAKAN_ARMY"),
        ("the AA seized the base", "MM", "ARAKAN_ARMY"),
        ("CODECO militiamen raided a camp", "CD", "CODECO"),
        ("JNIM claimed the ambush", "ML", "JNIM"),
        ("ISWAP fighters overran the barracks", "NG", "ISWAP"),
        ("Boko Haram abducted girls", "NG", "BOKO_HARAM"),
        ("Viv Ansanm gangs attacked the commune", "HT", "VIV_ANSANM"),
        ("the CJNG ambushed soldiers", "MX", "CJNG"),
        ("the TTP attacked a checkpoint", "PK", "TTP"),
        ("the BLA claimed the bombing", "PK", "BLA"),
        ("Fano fighters took the town", "ET", "FANO"),
        ("the ELN bombed a pipeline", "CO", "ELN"),
        ("Hezbollah fired rockets", "LB", "HEZBOLLAH"),
        ("the Houthis launched a drone", "YE", "HOUTHIS"),
        ("al-Shabaab fighters stormed the base", "SO", "AL_SHABAAB"),
    ]
    for text, country, key in cases:
        assert keys(text, country)[0] == key, text


def test_a_groups_head_noun_is_part_of_its_mention():
    mentions = get_actor_kb().find("Hamas militants fired rockets", "IL")
    assert [(m.actor.key, m.actor.mention) for m in mentions] == [("HAMAS", "Hamas militants")]


def test_ambiguous_acronyms_are_read_in_the_reports_country():
    assert keys("SNA troops repelled the attack", "SO") == ["SOM_MIL"]
    assert keys("SNA troops repelled the attack", "SY") == ["SNA"]
    assert keys("the AA said", "TR") == []  # an outlet's initials outside Myanmar


def test_state_unit_names_are_the_states_forces():
    assert keys("FARDC soldiers retreated", "CD") == ["COD_MIL"]
    assert keys("the Tatmadaw shelled the village", "MM") == ["MMR_MIL"]
    assert keys("the SAF retook the bridge", "SD") == ["SDN_GOV"]


def test_unlisted_group_from_a_capitalised_name_and_a_group_head():
    mentions = get_actor_kb().find("the Northern Hills Liberation Front attacked a post", "TD")
    assert [(m.actor.name, m.actor.inter) for m in mentions] == [
        ("Northern Hills Liberation Front", 2)
    ]
    assert names("the Salvation Army handed out food") == []
    assert names("fighting on the Eastern Front") == []
    assert names("the 12th Mountain Brigade held the pass", "UA") == []


def test_a_peoples_militia_is_an_identity_militia():
    assert names("Fulani militiamen raided the farms", "NG") == [
        ("Fulani Ethnic Militia (Nigeria)", 4)
    ]


def test_loaded_labels_of_state_forces_are_framing():
    found = get_actor_kb().find("the Zionist enemy shelled the border village", "LB")
    assert [(m.actor.key, m.actor.inter, m.framing) for m in found] == [
        ("ISR_MIL", 8, "Zionist enemy")
    ]
    found = get_actor_kb().find("Russian occupiers shelled the bridge", "UA")
    assert [(m.actor.key, m.framing) for m in found] == [("RUS_MIL", "Russian occupiers")]
    found = get_actor_kb().find("Houthi terrorists fired a missile", "YE")
    assert [(m.actor.key, m.framing) for m in found] == [("HOUTHIS", "terrorists")]


def test_same_side_reads_the_camps_in_the_file():
    kb = get_actor_kb()
    saf, rsf = kb.state_forces("SD"), kb.by_key("RSF")
    joint = kb.by_key("SDN_JOINT_FORCES")
    assert saf is not None and rsf is not None and joint is not None
    assert kb.same_side(saf, joint)
    assert not kb.same_side(saf, rsf)
    fardc, m23, rwanda = kb.state_forces("CD"), kb.by_key("M23"), kb.state_forces("RW")
    assert fardc is not None and m23 is not None and rwanda is not None
    assert kb.same_side(m23, rwanda) and not kb.same_side(fardc, m23)
    police = kb.police_forces("CD")
    assert police is not None and kb.same_side(fardc, police)


def test_same_side_falls_back_to_acled_classes():
    kb = get_actor_kb()
    army, generic = kb.state_forces("CL"), kb.by_key("OPPOSITION")
    assert army is not None and generic is not None
    assert not kb.same_side(army, generic)
    assert kb.same_side(generic, generic)


# ---------------------------------------------------------------- discourse


def resolve(sentences: list[tuple[str, str]]) -> list[list[str]]:
    kb = get_actor_kb()
    tracker = ActorTracker(kb)
    return [[m.actor.key for m in tracker.read(t, kb.find(t, c))] for t, c in sentences]


def test_definite_description_resolves_to_the_last_named_group():
    assert resolve(
        [
            ("ADF fighters attacked a village near the river.", "CD"),
            ("The militants burned twenty houses.", "CD"),
        ]
    ) == [["ADF"], ["ADF"]]


def test_the_group_resolves_to_the_last_named_group():
    assert resolve(
        [("Al-Shabaab ambushed a convoy.", "SO"), ("The group later claimed the attack.", "SO")]
    ) == [["AL_SHABAAB"], ["AL_SHABAAB"]]


def test_pronoun_subject_resolves_to_the_previous_sentences_actor():
    assert resolve(
        [("M23 rebels advanced on the town.", "CD"), ("They seized the airport.", "CD")]
    ) == [["M23"], ["M23"]]


def test_indefinite_and_unidentified_classes_are_not_resolved():
    assert resolve(
        [("ISWAP fighters raided a base.", "NG"), ("Unidentified gunmen shot two farmers.", "NG")]
    )[1] == ["UNIDENTIFIED", "CIVILIANS"]


def test_nothing_resolves_without_a_named_antecedent():
    assert resolve([("The militants attacked a bus.", "KE")]) == [["OPPOSITION"]]


def test_reset_forgets_the_named_actors():
    kb = get_actor_kb()
    tracker = ActorTracker(kb)
    tracker.read("Hamas fired rockets.", kb.find("Hamas fired rockets.", "IL"))
    tracker.reset()
    text = "The group said it fired rockets."
    assert tracker.read(text, kb.find(text, "IL")) == []


# ---------------------------------------------------------------- validation


def write(tmp_path, body: str):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_bad_inter_code_names_the_file_and_entry(tmp_path):
    path = write(tmp_path, "actors:\n  - key: X\n    name: X\n    inter: 9\n    patterns: [x]\n")
    with pytest.raises(ActorDataError, match=r"bad\.yaml: actors\[0\] \(X\): `inter`"):
        load_actor_data(path)


def test_a_bad_pattern_names_the_file_and_entry(tmp_path):
    path = write(tmp_path, "actors:\n  - key: Y\n    name: Y\n    inter: 2\n    patterns: ['(']\n")
    with pytest.raises(ActorDataError, match=r"actors\[0\] \(Y\): `patterns` pattern"):
        load_actor_data(path)


def test_a_repeated_key_and_a_bad_side_are_errors():
    with pytest.raises(ActorDataError, match="repeats a key"):
        validate_actor_data(
            {"actors": [{"key": "A", "name": "A", "inter": 2, "patterns": ["a"]}] * 2}
        )
    with pytest.raises(ActorDataError, match="`side`"):
        validate_actor_data(
            {"actors": [{"key": "A", "name": "A", "inter": 2, "patterns": ["a"], "side": "x"}]}
        )


def test_the_shipped_file_passes_validation():
    validate_actor_data(load_actor_data())


def test_opposition_words_never_refer_to_the_states_allies():
    kb = get_actor_kb()
    tracker = ActorTracker(kb, kb.state_forces("NG"))
    first = "The CJTF guarded the market."
    tracker.read(first, kb.find(first, "NG"))
    second = "The militants attacked at dawn."
    assert [m.actor.key for m in tracker.read(second, kb.find(second, "NG"))] == ["OPPOSITION"]


def test_a_bare_opposition_word_takes_the_reports_only_rebel_group():
    kb = get_actor_kb()
    tracker = ActorTracker(kb, kb.state_forces("SD"))
    report = "Rebels shelled the town. The RSF later withdrew from it."
    tracker.prime(kb.find(report, "SD"))
    first = "Rebels shelled the town."
    assert [m.actor.key for m in tracker.read(first, kb.find(first, "SD"))] == ["RSF"]


def test_two_rebel_groups_prime_nothing():
    kb = get_actor_kb()
    tracker = ActorTracker(kb, kb.state_forces("MM"))
    tracker.prime(kb.find("The TNLA and the Arakan Army advanced.", "MM"))
    first = "Rebels shelled the town."
    assert [m.actor.key for m in tracker.read(first, kb.find(first, "MM"))] == ["OPPOSITION"]


def test_a_class_is_named_for_a_country_on_request():
    protesters = get_actor_kb().class_in_country("PROTESTERS", "MZ")
    assert protesters is not None and protesters.name == "Protesters (Mozambique)"


def test_a_bare_state_head_refers_to_the_force_just_named_with_it():
    kb = get_actor_kb()
    tracker = ActorTracker(kb, kb.state_forces("LB"))
    first = "Israel's military said it hit a depot."
    tracker.read(first, kb.find(first, "LB"))
    second = "The military also said rockets were fired."
    assert [m.actor.key for m in tracker.read(second, kb.find(second, "LB"))] == ["ISR_MIL"]
    third = "Nothing else was said."
    tracker.read(third, kb.find(third, "LB"))
    fourth = "Later the military said it had withdrawn."
    assert [m.actor.key for m in tracker.read(fourth, kb.find(fourth, "LB"))] == ["LBN_GOV"]


def test_one_victim_named_by_occupation_is_a_civilian():
    assert keys("soldiers shot a farmer near the well", "ML") == ["MLI_MIL", "CIVILIANS"]
    assert keys("a resident said the shooting lasted an hour", "ML") == []


def test_a_state_force_after_its_belongs_to_the_force_named_before() -> None:
    (event,) = frontlines.analyze(
        "The Israeli military said on Wednesday that its air force had struck a Hezbollah "
        "depot near Nabatieh.",
        published="2024-12-04",
    )
    assert event.actor1 is not None and event.actor1.key == "ISR_MIL"
    assert event.actor1.mention == "air force"


def test_police_whose_station_or_van_is_attacked_are_the_target() -> None:
    (event,) = frontlines.analyze(
        "Militants attacked a police station in Bannu, Pakistan, late on Tuesday.",
        published="2024-12-04",
    )
    assert event.actor2 is not None and event.actor2.name.startswith("Police Forces of")
    sources = [
        m.actor.key for m in get_actor_kb().find("The police chief said the road was closed.", "PK")
    ]
    assert sources == []


def test_one_aircraft_or_soldier_names_its_state_forces_as_many_do():
    assert keys("A Russian drone hit a block of flats", "UA") == ["RUS_MIL"]
    assert keys("an Israeli warplane struck a car", "LB") == ["ISR_MIL"]
    assert keys("a Turkish soldier was wounded", "IQ") == ["TUR_MIL"]


def test_a_nations_assaults_name_its_forces():
    assert keys("troops repelled Russian assaults near the village", "UA") == ["UKR_GOV", "RUS_MIL"]
