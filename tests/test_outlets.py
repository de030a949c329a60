"""Naming who published a report: outlet, URL host through outlets.yaml, wires after it."""

from __future__ import annotations

from datetime import date

from frontlines.models import Article
from frontlines.outlets import joined_source, outlet_of_url, url_host, with_outlet
from frontlines.pipeline import analyze_articles

TEXT = (
    "Government forces shelled the town of Ariha in Idlib province on Friday, killing "
    "three civilians, the White Helmets said."
)


def test_url_host_drops_www_and_ignores_what_is_no_url() -> None:
    assert url_host("https://www.Example.org/a/b?c=1") == "example.org"
    assert url_host("(no address known)") == ""
    assert url_host(None) == ""


def test_listed_hosts_and_their_subdomains_name_the_outlet() -> None:
    assert outlet_of_url("https://www.kurdistan24.net/en/story/1") == "Kurdistan24"
    assert outlet_of_url("https://en.irna.ir/news/2") == "IRNA"  # a subdomain of irna.ir
    assert outlet_of_url("https://www.reuters.com/world/") == "Reuters"  # a wire's own site
    # an unlisted host names itself rather than nothing
    assert outlet_of_url("https://news.example-daily.com/x") == "news.example-daily.com"


def test_a_named_outlet_wins_over_the_url() -> None:
    named = Article(id="a", text=TEXT, url="https://rudaw.net/x", outlet="Our Desk")
    assert with_outlet(named).outlet == "Our Desk"
    unnamed = Article(id="a", text=TEXT, url="https://rudaw.net/x")
    assert with_outlet(unnamed).outlet == "Rudaw"
    nothing = Article(id="a", text=TEXT)
    assert with_outlet(nothing).outlet is None  # empty beats a guess


def test_wires_follow_the_outlets_unless_an_outlet_credits_them() -> None:
    assert joined_source(["bluewin.ch"], ["dpa"]) == "bluewin.ch; dpa"
    assert joined_source(["MIA (dpa)"], ["dpa"]) == "MIA (dpa)"
    assert joined_source(["Reuters", "KYMA"], ["AP", ""]) == "Reuters; KYMA; AP"
    assert joined_source([""], ["AFP"]) == "AFP"
    assert joined_source(["", ""], []) == ""


def test_events_name_the_url_outlet_and_the_dateline_wire() -> None:
    text = "DAMASCUS (AP) — " + TEXT
    article = Article(
        id="w", text=text, published=date(2024, 12, 6), url="https://www.kyma.com/news/1"
    )
    [result] = list(analyze_articles([article]))
    assert result.article.outlet == "KYMA"  # stored with the document
    assert result.events
    for event in result.events:
        assert event.source == "KYMA; AP"
        assert event.source_scale == "International"  # an AP story about Syria
