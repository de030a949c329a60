from frontlines.actors import get_actor_kb, load_actor_data
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
