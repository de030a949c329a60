"""Claims: control, withdrawal, tolls and denials, from our own sentences through the
real pipeline (spaCy, gazetteer), stored in real SQLite files, linked as contradictions."""

import json
from dataclasses import replace
from datetime import date

import pytest
from click.testing import CliRunner

from frontlines.actors import get_actor_kb
from frontlines.claims import (
    conflict,
    contradiction,
    control_timeline,
    disputing,
    extract_claims,
    position,
)
from frontlines.cli import main
from frontlines.errors import LexiconError
from frontlines.evaluate import load_docs, score_claims
from frontlines.facts import read_facts
from frontlines.lexicon import get_claim_lexicon, get_lexicon, load_claim_lexicon
from frontlines.models import Actor, Article, Claim, Evidence, Place, claim_from_json, claim_to_json
from frontlines.nlp import sentences_of
from frontlines.pipeline import analyze_articles
from frontlines.places import find_place_mentions
from frontlines.store import Store

from .conftest import CORPUS

HAMA = Place("Hamah", 35.13179, 36.75783, "SY", "Syria", "Hama", "", 170017, "P", "PPLA")
SYR = Actor("SYR_GOV", "Military Forces of Syria", 1, "SY")
HTS = Actor("HTS", "Hayat Tahrir al-Sham", 2, "SY")


def claims_of(text: str, published: date = date(2025, 3, 10), outlet: str = "Test Wire"):
    article = Article(id="t", text=text, published=published, outlet=outlet)
    (result,) = list(analyze_articles([article], check_lang=False))
    return result.claims


def about(claims, kind):
    return [c for c in claims if c.kind == kind]


def test_control_claim_names_holder_place_source_and_date():
    claims = claims_of(
        "Jets struck the outskirts of Hama on Sunday.\n"
        "According to local radio, the city has come back under the control of the Syrian army."
    )
    (claim,) = about(claims, "controls")
    assert claim.subject is not None and claim.subject.key == "SYR_GOV"
    assert claim.place is not None and claim.place.name == "Hamah"  # "the city" = Hama
    assert claim.stance == "asserts"
    assert claim.attributed_to == "local radio"
    assert claim.outlet == "Test Wire" and claim.claim_date == date(2025, 3, 10)
    assert "under the control of" in claim.evidence.trigger
    assert position(claim) == "held by SYR_GOV"


def test_redeployment_outside_the_city_is_a_withdrawal():
    claims = claims_of(
        "Fighting raged in Homs on Monday.\n"
        "The army said its units had redeployed outside the city to spare civilians."
    )
    (claim,) = about(claims, "withdrew")
    assert (claim.subject.key, claim.place.name, claim.stance) == ("SYR_GOV", "Homs", "asserts")


def test_a_denial_of_reports_carries_the_claim_it_denies():
    claims = claims_of(
        "The Defence Ministry said reports of the army's withdrawal from Hama are untrue."
    )
    by_stance = {c.stance: c for c in about(claims, "withdrew")}
    assert set(by_stance) == {"asserts", "denies"}
    assert by_stance["denies"].attributed_to.lower() == "the defence ministry"
    assert by_stance["asserts"].attributed_to == "unnamed reports"
    assert {c.subject.key for c in by_stance.values()} == {"SYR_GOV"}


def test_dismissing_the_reports_denies_the_claim_told_just_before():
    claims = claims_of(
        "Opposition media reported that government forces had pulled out of Saraqib.\n"
        "The military dismissed the reports as lies."
    )
    asserted, denied = about(claims, "withdrew")
    assert (asserted.stance, denied.stance) == ("asserts", "denies")
    assert denied.place == asserted.place and denied.subject == asserted.subject
    assert denied.attributed_to.lower() == "the military"
    assert "dismissed" in denied.evidence.text


def test_negation_and_irrealis():
    claims = claims_of(
        "Government troops did not withdraw from Idlib, the ministry said.\n"
        "Rebels vowed to capture Hama within days."
    )
    (claim,) = about(claims, "withdrew")
    assert claim.stance == "denies"
    assert about(claims, "controls") == []  # a vow is not a claim that it happened


def test_the_rebels_are_the_group_the_report_says_leads_them():
    claims = claims_of(
        "An alliance of insurgents led by Hayat Tahrir al-Sham took control of Aleppo.\n"
        "The rebels also entered Hama on Sunday."
    )
    assert {(c.place.name, c.subject.key) for c in about(claims, "controls")} == {
        ("Aleppo", "HTS"),
        ("Hamah", "HTS"),
    }


def test_a_toll_is_a_claim_with_its_number_and_source():
    claims = claims_of(
        "Air strikes on Idlib killed at least 12 people on Monday, the observatory said."
    )
    (toll,) = about(claims, "killed")
    assert (toll.quantity, toll.attributed_to, toll.place.name) == (12, "SOHR", "Idlib")
    assert toll.event_id  # it counts the dead of the strike event


def claim(article_id: str, kind: str, subject: Actor, stance: str, day: date, **changes) -> Claim:
    text = f"{article_id}: {kind} {subject.key} {stance}"
    base = Claim(
        article_id=article_id,
        kind=kind,
        place_text="Hama",
        place=HAMA,
        subject=subject,
        stance=stance,
        attributed_to="someone",
        outlet=f"Outlet {article_id}",
        claim_date=day,
        evidence=Evidence(text, 0, len(text), article_id, kind),
    )
    return replace(base, **changes)


D1, D2, D3, D9 = date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 3), date(2025, 3, 9)


def test_one_named_person_killed_is_a_toll_of_one():
    # the claim reads the figures the event extractor reads, a parsed victim included
    claims = claims_of(
        "Gunmen killed Ahmad Khalil, the mayor of Homs, on Saturday, the governor said."
    )
    (toll,) = about(claims, "killed")
    assert toll.quantity == 1 and toll.attributed_to == "the governor"
    assert toll.place is not None and toll.place.name == "Homs"


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        # a denial days after the report it denies
        (("withdrew", SYR, "asserts", D1), ("withdrew", SYR, "denies", D3), "asserted and denied"),
        # two holders of one place on one day
        (("controls", SYR, "asserts", D1), ("controls", HTS, "asserts", D1), "different holders"),
        # the army holds it and withdrew from it, the same day
        (("controls", SYR, "asserts", D1), ("withdrew", SYR, "asserts", D1), "held and given up"),
        # a change of hands from one day to the next is no contradiction
        (("controls", SYR, "asserts", D1), ("controls", HTS, "asserts", D2), ""),
        # a denial long after is about something else
        (("withdrew", SYR, "asserts", D1), ("withdrew", SYR, "denies", D9), ""),
        # the army withdrew and the rebels hold it: one story
        (("withdrew", SYR, "asserts", D1), ("controls", HTS, "asserts", D1), ""),
    ],
)
def test_when_two_claims_contradict(a, b, reason):
    assert conflict(claim("x", *a), claim("y", *b)) == reason


def test_disputing_keeps_the_claims_that_still_contradict_one_left():
    asserted = claim("a", "withdrew", SYR, "asserts", D1)
    denied = claim("b", "withdrew", SYR, "denies", D2)
    agreeing = claim("c", "withdrew", SYR, "asserts", D1, attributed_to="another")
    keep, reasons = disputing([asserted, denied, agreeing])
    assert keep == {asserted.claim_id, denied.claim_id, agreeing.claim_id}
    assert reasons == {"asserted and denied"}
    # the denial's document gone: the two that agree dispute nothing
    assert disputing([asserted, agreeing]) == (set(), set())


def test_a_contradiction_groups_its_claims_by_side_and_names_its_question():
    late = claim("a", "withdrew", SYR, "asserts", D2)
    early = claim("b", "withdrew", SYR, "denies", D1)
    found = contradiction(
        "gn:170017", "SYR_GOV withdrew", "x", ["asserted and denied"], [late, early]
    )
    assert found is not None
    assert found.question == "did SYR_GOV withdraw from Hamah"
    assert found.claims == (early, late)  # by date
    assert [side.position for side in found.sides] == [
        "SYR_GOV did not withdraw",
        "SYR_GOV withdrew",
    ]
    holders = [
        claim("a", "controls", SYR, "asserts", D1),
        claim("b", "controls", HTS, "asserts", D1),
    ]
    assert contradiction("k", "p", "q", [], holders).question == "who holds Hamah"
    # one position left: no dispute
    assert contradiction("k", "p", "q", [], [late]) is None


def ingest_claims(db, *claims_by_article):
    with Store(db) as store:
        for article_id, claims in claims_by_article:
            article = Article(
                id=article_id,
                text=f"text {article_id}",
                published=D1,
                outlet=f"Outlet {article_id}",
            )
            store.ingest(article, [], claims)


def test_contradictions_link_claims_across_documents_and_outlets(store_location):
    db = store_location
    ingest_claims(
        db,
        ("a", [claim("a", "withdrew", SYR, "asserts", D1, attributed_to="opposition media")]),
        ("b", [claim("b", "withdrew", SYR, "asserts", D1, attributed_to="a monitor")]),
        ("c", [claim("c", "withdrew", SYR, "denies", D2, attributed_to="Defence Ministry")]),
    )
    with Store(db) as store:
        assert len(store.claims()) == 3
        (dispute,) = store.contradictions("Hama")
        assert store.contradictions("Aleppo") == []
    record = dispute.to_record()
    assert record["type"] == "contradiction" and record["reasons"] == ["asserted and denied"]
    sides = {s["position"]: s["claims"] for s in record["sides"]}
    assert [c["outlet"] for c in sides["SYR_GOV withdrew"]] == ["Outlet a", "Outlet b"]
    assert [c["attributed_to"] for c in sides["SYR_GOV did not withdraw"]] == ["Defence Ministry"]


def test_replacing_a_document_drops_its_claims_and_their_contradictions(store_location):
    db = store_location
    ingest_claims(
        db,
        ("a", [claim("a", "withdrew", SYR, "asserts", D1)]),
        ("b", [claim("b", "withdrew", SYR, "denies", D1)]),
    )
    with Store(db) as store:
        store.ingest(Article(id="b", text="corrected", published=D1), [], [])
        assert len(store.claims()) == 1 and store.contradictions() == []


def test_claims_and_control_commands(store_location):
    db = store_location
    ingest_claims(
        db,
        ("a", [claim("a", "controls", SYR, "asserts", D1)]),
        ("b", [claim("b", "controls", HTS, "asserts", D1)]),
        ("c", [claim("c", "withdrew", SYR, "asserts", D3)]),
    )
    runner = CliRunner()
    result = runner.invoke(main, ["claims", "--db", str(db), "--place", "Hama"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["type"] for r in lines] == ["claim"] * 3 + ["contradiction"]
    assert lines[-1]["question"] == "who holds Hamah"
    text = runner.invoke(main, ["control", "--place", "Hama", "--db", str(db)])
    assert text.exit_code == 0, text.output
    assert "2025-03-01  claimed holder: SYR_GOV / HTS" in text.stdout
    assert "CONTRADICTED (different holders)" in text.stdout
    assert "2025-03-02  no new claims; last claimed: SYR_GOV / HTS" in text.stdout
    assert "SYR_GOV withdrew" in text.stdout
    days = runner.invoke(main, ["control", "--place", "Hama", "--db", str(db), "--format", "jsonl"])
    assert [json.loads(line)["date"] for line in days.stdout.splitlines()] == [
        "2025-03-01",
        "2025-03-02",
        "2025-03-03",
    ]
    missing = runner.invoke(main, ["control", "--place", "Atlantis", "--db", str(db)])
    assert missing.exit_code == 1 and "no control or withdrawal claims" in missing.stderr


def test_control_timeline_carries_the_last_claimed_holder():
    days = control_timeline(
        [claim("a", "controls", SYR, "asserts", D1), claim("b", "controls", HTS, "asserts", D3)],
        [],
    )
    assert [d.last_holder for d in days] == ["SYR_GOV", "SYR_GOV", "HTS"]


def test_claim_recall_scoring():
    predicted = {
        "d": [claim("d", "controls", Actor("OPPOSITION", "Armed opposition", 2), "asserts", D1)]
    }
    gold = [
        {
            "doc": "d",
            "place": "Hama city",
            "admin1": "Hama",
            "controller": "HTS",
            "stance": "asserts",
        }
    ]
    figures = score_claims(predicted, gold).figures()
    assert figures["claim_recall"] == 0.0  # the subject differs...
    assert figures["claim_recall_family"] == 1.0  # ...but generic rebels for HTS counts here


def test_extract_claims_without_places_finds_nothing():
    assert extract_claims(Article(id="x", text="Nothing here."), [], []) == []


@pytest.mark.skipif(
    not (CORPUS / "dev").is_dir(), reason="../shared/corpus is not beside this clone"
)
def test_dev_reports_together_surface_the_hama_withdrawal_contradiction(tmp_path):
    """Issue 5's bar: the ministry's denial against the reports of a withdrawal from Hama,
    several sources on one consolidated act, and claim recall on claims_dev.jsonl."""
    from frontlines.ingest import parse_text

    docs = load_docs(CORPUS / "docs_dev.tsv")
    articles = []
    for file in sorted((CORPUS / "dev").glob("*.txt")):
        info = docs[file.stem]
        articles.append(
            parse_text(
                file.read_text("utf-8"),
                str(file),
                published=info.published,
                outlet=info.outlet,
                doc_id=file.stem,
            )
        )
    claims = {}
    with Store(tmp_path / "dev.db") as store:
        for result in analyze_articles(articles, check_lang=False):
            store.ingest(result.article, result.events, result.claims)
            claims[result.article.id] = list(result.claims)
        disputes = store.contradictions("Hama")
        consolidated = list(store.consolidated_events())
    withdrawal = [
        x
        for x in disputes
        if {s.position for s in x.sides} == {"SYR_GOV withdrew", "SYR_GOV did not withdraw"}
    ]
    deniers = {
        c.attributed_to.lower() for x in withdrawal for c in x.claims if c.stance == "denies"
    }
    assert any("ministry" in d for d in deniers), deniers
    assert max(e.independent_sources for e in consolidated) >= 3
    # claim recall from the claims just found (the gate, `make eval`, scores it too, on
    # the reports as `frontlines eval` reads them)
    gold = [json.loads(line) for line in (CORPUS / "claims_dev.jsonl").open() if line.strip()]
    figures = score_claims(claims, gold).figures()
    assert figures["claim_recall"] >= 0.85, figures


def test_the_claim_cues_load_and_a_bad_entry_names_itself():
    lexicon = get_claim_lexicon()
    assert lexicon.cues and {c.kind for c in lexicon.cues} == {"controls", "withdrew"}
    assert [c.priority for c in lexicon.cues] == sorted(
        (c.priority for c in lexicon.cues), reverse=True
    )
    patterns = "\n".join(
        f"{name}: 'x'"
        for name in (
            "not_ground",
            "negation",
            "irrealis",
            "realis_to",
            "reports",
            "reports_by",
            "denial_of_reports",
            "leader_before",
            "leader_after",
        )
    )
    good = "cues:\n  - {kind: controls, subject: before, place: after, priority: 5, pattern: 'seized'}\n"
    assert load_claim_lexicon(good + patterns, "mine.yaml").cues[0].pattern.search("they seized it")
    bad_slot = good.replace("place: after", "place: beside")
    with pytest.raises(LexiconError, match="mine.yaml: cue 1: place must be one of before, after"):
        load_claim_lexicon(bad_slot + patterns, "mine.yaml")
    with pytest.raises(LexiconError, match="mine.yaml: cue 1: unknown kind 'holds'"):
        load_claim_lexicon(good.replace("controls", "holds") + patterns, "mine.yaml")
    with pytest.raises(LexiconError, match="mine.yaml: missing leader_after"):
        load_claim_lexicon(good + patterns.replace("leader_after: 'x'", ""), "mine.yaml")
    with pytest.raises(LexiconError, match="mine.yaml: cue 1: bad pattern"):
        load_claim_lexicon(good.replace("'seized'", "'seized('") + patterns, "mine.yaml")


def test_claim_json_round_trip_is_exact():
    original = replace(claim("a", "killed", SYR, "asserts", D1), quantity=12, event_id="e1")
    assert claim_from_json(claim_to_json(original)) == original
    placeless = replace(
        claim("b", "controls", HTS, "denies", D1), place=None, subject=None, claim_date=None
    )
    assert claim_from_json(claim_to_json(placeless)) == placeless


def test_claims_read_the_facts_they_are_given():
    # the pipeline reads each sentence's facts once, for events and claims alike
    text = "Rebels took control of Hama on Sunday, a local official said."
    article = Article(id="f", text=text, published=date(2025, 3, 10), outlet="Test Wire")
    (sentences,) = list(sentences_of([text]))
    places = find_place_mentions(text)
    home = get_actor_kb().state_forces("SY")
    facts = read_facts(get_lexicon(), sentences, "SY", home)
    (own,) = about(extract_claims(article, sentences, places, "SY", facts=facts), "controls")
    assert own.attributed_to == "a local official"
    facts = [replace(facts[0], source="a second official")]
    (given,) = about(extract_claims(article, sentences, places, "SY", facts=facts), "controls")
    assert given.attributed_to == "a second official"
