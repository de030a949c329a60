"""Browser tests of the web UI: the real server (uvicorn, in a thread) over a store built
from the bundled examples, driven in headless Debian Chromium by Playwright.

Skipped, saying why, where Chromium or Playwright is missing (.ci/run installs both).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from frontlines.api import create_app, server_url
from frontlines.ingest import iter_articles, parse_jsonl
from frontlines.models import AnalysisResult
from frontlines.pipeline import analyze_articles
from frontlines.store import Store

from .conftest import EXAMPLES, REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("no Chromium: apt-get install chromium (.ci/run does)", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')"
)

# Without the networking flags Chromium phones home at start and its connections are refused.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = REPO / "docs" / "screenshot.png"

# A report whose words look like markup: the UI must show them as text, never run them.
HOSTILE = {
    "id": "hostile",
    "published": "2024-12-06",
    "outlet": "<b>Tester</b>",
    "title": "<img src=x onerror=alert(1)>",
    "text": "Government forces shelled the town of Ariha in Idlib on Friday, killing three "
    'civilians <img src=x onerror="window.pwned=1">, the White Helmets said.',
}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ui") / "example.db"
    items = list(iter_articles([str(EXAMPLES)]))
    items += list(parse_jsonl(json.dumps(HOSTILE), "hostile"))
    with Store(path) as store:
        for result in analyze_articles(items):
            assert isinstance(result, AnalysisResult), result
            store.ingest(result.article, result.events, result.claims)
    return path


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[str]:
    import uvicorn

    config = uvicorn.Config(create_app(store_path), host="127.0.0.1", port=0, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield server_url(srv, "127.0.0.1")
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.set_default_timeout(15_000)
    try:
        yield pg
    finally:
        context.close()
    assert errors == [], errors


def api(server: str, path: str, **params: Any) -> Any:
    return httpx.get(server + path.lstrip("/"), params=params, timeout=10).json()


def open_map(page: Any, server: str, hash_: str = "") -> None:
    page.goto(server + (f"#{hash_}" if hash_ else ""))
    page.wait_for_selector("html[data-events=loaded]")


def shown_markers(page: Any) -> int:
    """Events on the map: single markers plus the counts inside cluster markers."""
    return int(
        page.evaluate(
            """() => document.querySelectorAll('.leaflet-marker-pane .fl-dot').length +
            Array.from(document.querySelectorAll('.leaflet-marker-pane .fl-cluster-dot'))
              .reduce((n, el) => n + Number(el.textContent), 0)"""
        )
    )


def placed(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in features if f["geometry"] is not None]


def test_map_shows_every_placed_event_over_bundled_borders(page: Any, server: str) -> None:
    open_map(page, server)
    page.wait_for_selector("html[data-borders=loaded]")
    expected = placed(api(server, "/api/events", format="geojson", limit=10000)["features"])
    assert expected
    page.wait_for_function("n => document.querySelectorAll('.fl-item').length > 0", arg=0)
    assert shown_markers(page) == len(expected)
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1  # the borders
    credits = page.locator("footer").inner_text() + page.locator(".leaflet-control-attribution").inner_text()  # fmt: skip
    assert "GeoNames" in credits and "CC BY 4.0" in credits and "Natural Earth" in credits
    colours = page.evaluate(
        "() => new Set(Array.from(document.querySelectorAll('.fl-dot, .fl-cluster-dot'))"
        ".map(el => el.style.background)).size"
    )
    assert colours >= 2  # coloured by event type


def test_clicking_a_marker_shows_its_evidence_with_the_trigger_marked(
    page: Any, server: str
) -> None:
    open_map(page, server)
    # zoom into clusters until a single marker shows
    for _ in range(10):
        if page.locator(".leaflet-marker-pane .fl-dot").count():
            break
        page.locator(".leaflet-marker-pane .fl-cluster-dot").first.click()
        page.wait_for_timeout(450)
    dot = page.locator(".leaflet-marker-pane .fl-dot").first
    event_id = dot.get_attribute("data-event-id")
    dot.click()
    page.wait_for_selector("#detail .fl-evidence li")
    detail = api(server, f"/api/events/{event_id}")
    shown = page.locator("#detail .fl-evidence li").all_inner_texts()
    for ev in detail["event"]["evidence"]:
        assert any(ev["text"] in text for text in shown)
    marks = {m.lower() for m in page.locator("#detail .fl-evidence mark").all_inner_texts()}
    assert marks and marks <= {ev["trigger"].lower() for ev in detail["event"]["evidence"]}
    panel = page.locator("#detail").inner_text()
    assert detail["event"]["certainty"] in panel and detail["event"]["sub_event_type"] in panel
    assert f"event={event_id}" in page.evaluate("location.hash")


def test_report_text_is_rendered_as_text(page: Any, server: str) -> None:
    [event] = [
        e
        for e in api(server, "/api/events", level="report", article_id="hostile")["events"]
        if "<img" in e["evidence"][0]["text"]
    ][:1]
    open_map(page, server, f"level=report&event={event['event_id']}")
    page.wait_for_selector("#detail .fl-evidence li")
    panel = page.locator("#detail")
    assert '<img src=x onerror="window.pwned=1">' in panel.inner_text()
    assert "<b>Tester</b>" in panel.inner_text()
    assert panel.locator("img, b").count() == 0
    assert page.evaluate("window.pwned") is None


def test_brushing_the_timeline_filters_the_map_and_the_url(page: Any, server: str) -> None:
    open_map(page, server)
    everything = api(server, "/api/events", format="geojson", limit=10000)["features"]
    page.wait_for_function("() => document.querySelectorAll('#timeline .fl-bars rect').length")
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] / 2
    # drag over the first half of the timeline
    page.mouse.move(box["x"] + 36, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, y, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=5)
    page.mouse.up()
    page.wait_for_function("() => location.hash.includes('until=')")
    state = dict(
        kv.split("=") for kv in page.evaluate("location.hash").lstrip("#").split("&") if "=" in kv
    )
    since, until = state["since"], state["until"]
    inside = [
        f
        for f in placed(everything)
        if f["properties"]["event_date"] and since <= f["properties"]["event_date"] <= until
    ]
    assert 0 < len(inside) < len(placed(everything))
    page.wait_for_timeout(300)
    assert shown_markers(page) == len(inside)
    # the server agrees with the browser's filter
    served = api(server, "/api/events", since=since, until=until, limit=10000)
    assert len([e for e in served["events"] if e["latitude"] is not None]) == len(inside)
    for item in page.locator(".fl-item span:nth-child(2)").all_inner_texts():
        assert since <= item <= until
    assert page.locator("#range").inner_text() == f"{since} to {until}"
    # a click on the timeline clears the range
    page.mouse.click(box["x"] + box["width"] * 0.7, y)
    page.wait_for_function("() => !location.hash.includes('until=')")
    page.wait_for_timeout(300)
    assert shown_markers(page) == len(placed(everything))


def test_the_url_restores_filters_and_selection(page: Any, server: str) -> None:
    battles = api(server, "/api/events", event_type="Battles")["events"]
    assert battles
    chosen = battles[0]["event_id"]
    open_map(page, server, f"event_type=Battles&event={chosen}")
    page.wait_for_selector("#detail .fl-evidence li")
    assert page.locator("select[name=event_type]").input_value() == "Battles"
    on_map = page.evaluate("() => frontlines.cluster.getLayers().length")
    assert on_map == len([e for e in battles if e["latitude"] is not None])
    types = page.evaluate(
        "() => Array.from(document.querySelectorAll('.fl-dot')).map(el => el.dataset.type)"
    )
    assert set(types) <= {"Battles"}
    # changing a filter in the form updates the URL
    page.fill("input[name=q]", "Aleppo")
    page.press("input[name=q]", "Enter")
    page.wait_for_function("() => location.hash.includes('q=Aleppo')")


def test_screenshot_of_the_example(page: Any, server: str, tmp_path: Path) -> None:
    """The README's picture: the example store with an event open. Written to
    docs/screenshot.png when that is missing or FRONTLINES_SCREENSHOT=1."""
    shelling = [
        e
        for e in api(server, "/api/events")["events"]
        if e["fatalities"] and "hostile" not in e["article_ids"]
    ]
    chosen = f"&event={shelling[0]['event_id']}" if shelling else ""
    open_map(page, server, f"view=35.0,37.6,6.5{chosen}")
    page.wait_for_selector("html[data-borders=loaded]")
    if chosen:
        page.wait_for_selector("#detail .fl-evidence mark")
    page.wait_for_timeout(400)  # let marker animations settle
    out = tmp_path / "screenshot.png"
    page.screenshot(path=str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000
    if os.environ.get("FRONTLINES_SCREENSHOT") == "1" or not SCREENSHOT.exists():
        shutil.copy(out, SCREENSHOT)
