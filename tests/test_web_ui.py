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
from datetime import date
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


def settled_markers(page: Any, expected: int, tries: int = 20) -> int:
    """The events on the map once a cluster animation is over: while one runs, the old
    and the new markers are both in the pane and count twice."""
    shown = shown_markers(page)
    for _ in range(tries):
        if shown == expected:
            break
        page.wait_for_timeout(250)
        shown = shown_markers(page)
    return shown


def in_view(page: Any, selector: str) -> list[Any]:
    """The elements matching `selector` whose centre lies inside the map."""
    box = page.locator("#map").bounding_box()
    found = []
    # element handles, not locators: a marker that a cluster animation removes meanwhile
    # reads as gone (None) instead of being waited for
    for el in page.locator(selector).element_handles():
        b = el.bounding_box()
        if b is None:
            continue
        x, y = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
        if box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]:
            found.append(el)
    return found


def click_first_in_view(page: Any, selector: str) -> str | None:
    """Click the first element in view; one that a cluster animation re-renders under
    the click is looked up again. Returns its data-event-id."""
    for _ in range(5):
        found = in_view(page, selector)
        if not found:
            page.wait_for_timeout(300)
            continue
        try:
            event_id = found[0].get_attribute("data-event-id")
            found[0].click(timeout=5_000)
            return event_id
        except sync_api.Error:
            page.wait_for_timeout(300)  # detached meanwhile: look again
    raise AssertionError(f"no clickable {selector} in view")


def placed(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in features if f["geometry"] is not None]


def test_map_shows_every_placed_event_over_bundled_borders(page: Any, server: str) -> None:
    open_map(page, server)
    page.wait_for_selector("html[data-borders=loaded]")
    expected = placed(api(server, "/api/events", format="geojson", limit=10000)["features"])
    assert expected
    page.wait_for_function("n => document.querySelectorAll('.fl-item').length > 0", arg=0)
    assert settled_markers(page, len(expected)) == len(expected)
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
    # open clusters until a single marker shows in the view
    for _ in range(10):
        if in_view(page, ".leaflet-marker-pane .fl-dot"):
            break
        click_first_in_view(page, ".leaflet-marker-pane .fl-cluster-dot")
        page.wait_for_timeout(500)
    event_id = click_first_in_view(page, ".leaflet-marker-pane .fl-dot")
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
    assert settled_markers(page, len(inside)) == len(inside)
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
    assert settled_markers(page, len(placed(everything))) == len(placed(everything))


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


# ---------------------------------------------------------------- navigating the map


def hash_state(page: Any) -> dict[str, str]:
    raw = page.evaluate("location.hash").lstrip("#")
    return dict(kv.split("=", 1) for kv in raw.split("&") if "=" in kv)


def map_bounds(page: Any) -> dict[str, float]:
    return dict(
        page.evaluate(
            "() => { const b = frontlines.map.getBounds(); return {s: b.getSouth(), "
            "w: b.getWest(), n: b.getNorth(), e: b.getEast()}; }"
        )
    )


def contains(bounds: dict[str, float], feature: dict[str, Any]) -> bool:
    lon, lat = feature["geometry"]["coordinates"]
    return bounds["s"] <= lat <= bounds["n"] and bounds["w"] <= lon <= bounds["e"]


def apply_filter(page: Any, name: str, value: str) -> None:
    page.evaluate("document.documentElement.removeAttribute('data-events')")
    page.fill(f"input[name={name}]", value)
    page.press(f"input[name={name}]", "Enter")
    page.wait_for_selector("html[data-events=loaded]")
    page.wait_for_timeout(200)


def test_place_labels_by_zoom_and_a_fine_coast_up_close(page: Any, server: str) -> None:
    open_map(page, server, "view=35.52,35.79,4")
    page.wait_for_selector("html[data-borders=loaded]")
    far = page.locator(".fl-label").all_inner_texts()
    assert far and "Latakia" not in far  # a town of 400,000 waits for a closer zoom
    pops = [int(p) for p in page.eval_on_selector_all(".fl-label:not(.fl-capital)", "els => els.map(e => e.dataset.population)")]  # fmt: skip
    assert pops and min(pops) >= 1_000_000
    page.evaluate("() => { frontlines.map.setView([35.52, 35.79], 9, {animate: false}); }")
    page.wait_for_function("() => (document.documentElement.dataset.fine || '').split(' ').includes('760')")  # fmt: skip
    page.wait_for_function("() => Array.from(document.querySelectorAll('.fl-label')).some(e => e.textContent === 'Latakia')")  # fmt: skip
    # the coarse outline gives way to Syria's 1:10m one
    hidden = page.evaluate(
        "() => { let n = 0; frontlines.map.eachLayer(l => { if (l.feature && "
        "l.feature.properties.iso_n3 === '760' && l.options.fillOpacity === 0) n++; }); return n; }"
    )
    assert hidden >= 1
    labels = page.locator(".fl-label")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    for i, a in enumerate(boxes):  # no two labels overlap
        for b in boxes[i + 1 :]:
            assert (
                a["x"] + a["width"] <= b["x"] + 6
                or b["x"] + b["width"] <= a["x"] + 6
                or a["y"] + a["height"] <= b["y"] + 3
                or b["y"] + b["height"] <= a["y"] + 3
            )


def test_selecting_from_the_list_zooms_no_closer_than_9(page: Any, server: str) -> None:
    open_map(page, server)
    item = page.locator(".fl-item").first
    event_id = item.get_attribute("data-event-id")
    item.click()
    page.wait_for_function("id => document.documentElement.dataset.focused === id", arg=event_id)
    zoom = page.evaluate("frontlines.map.getZoom()")
    assert 7 <= zoom <= 9
    # the event itself (or the cluster fanned out around it) stands out on the map
    assert page.locator(".leaflet-marker-pane .fl-selected").count() == 1
    page.wait_for_selector("#detail .fl-evidence li")


def test_filters_and_a_country_refit_the_view(page: Any, server: str) -> None:
    open_map(page, server)
    everything = placed(api(server, "/api/events", format="geojson", limit=10000)["features"])
    start = map_bounds(page)
    assert all(contains(start, f) for f in everything)
    georgia = placed(api(server, "/api/events", format="geojson", country="GE")["features"])
    assert georgia and len(georgia) < len(everything)
    apply_filter(page, "country", "GEO")  # alpha-3, resolved by the API
    close = map_bounds(page)
    assert all(contains(close, f) for f in georgia)
    assert (close["n"] - close["s"]) < (start["n"] - start["s"]) / 2  # zoomed in on it
    assert settled_markers(page, len(georgia)) == len(georgia)
    # a country with no events: the view goes there and the status says which filter
    apply_filter(page, "country", "Kenya")
    centre = page.evaluate("frontlines.map.getCenter()")
    assert -5 < centre["lat"] < 5 and 33 < centre["lng"] < 42
    assert "no event matches country=Kenya" in page.locator("#status").inner_text()
    assert settled_markers(page, 0) == 0


def test_the_list_shows_the_filter_with_those_outside_the_view(page: Any, server: str) -> None:
    everything = api(server, "/api/events", format="geojson", limit=10000)["features"]
    open_map(page, server, "view=41.70,44.80,9")  # Tbilisi: most events are in Syria
    page.wait_for_function("n => document.querySelectorAll('.fl-item').length === n", arg=len(everything))  # fmt: skip
    assert page.locator("#list-count").inner_text() == f"({len(everything)})"
    here = map_bounds(page)
    outside = [f for f in placed(everything) if not contains(here, f)]
    assert outside
    assert f"{len(outside)} outside the view" in page.locator("#list-outside").inner_text()
    assert page.locator(".fl-item.fl-outside").count() == len(outside)
    page.click("#fit-all")
    page.wait_for_function("() => !document.querySelector('#fit-all')")
    assert all(contains(map_bounds(page), f) for f in placed(everything))


def test_reset_clears_the_filters_and_the_view(page: Any, server: str) -> None:
    everything = placed(api(server, "/api/events", format="geojson", limit=10000)["features"])
    open_map(page, server, "event_type=Battles&since=2024-12-01&view=41.70,44.80,9")
    page.evaluate("document.documentElement.removeAttribute('data-events')")
    page.click("#reset")
    page.wait_for_selector("html[data-events=loaded]")
    page.wait_for_timeout(300)
    state = hash_state(page)
    assert not {"event_type", "since", "until", "event"} & set(state)
    assert page.locator("select[name=event_type]").input_value() == ""
    assert page.evaluate("frontlines.map.getZoom()") < 9
    assert all(contains(map_bounds(page), f) for f in everything)
    assert settled_markers(page, len(everything)) == len(everything)


def test_the_list_works_from_the_keyboard(page: Any, server: str) -> None:
    open_map(page, server)
    page.wait_for_selector(".fl-item")
    page.locator("input[name=q]").focus()
    for _ in range(40):  # Tab from the filters reaches the list
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('fl-item')"):
            break
    else:
        raise AssertionError("Tab never reached the list")
    items = page.locator(".fl-item")
    first = items.nth(0).get_attribute("data-event-id")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.dataset.eventId")
    assert second == items.nth(1).get_attribute("data-event-id") and second != first
    page.keyboard.press("Enter")
    page.wait_for_selector("#detail .fl-evidence li")
    assert hash_state(page)["event"] == second
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.getElementById('detail').hidden")
    # one tab stop: the list is passed over with a single Tab
    page.locator(".fl-item[tabindex='0']").focus()
    page.keyboard.press("Tab")
    assert not page.evaluate("document.activeElement.classList.contains('fl-item')")


def test_the_filter_bar_fits_one_row_at_1280(page: Any, server: str) -> None:
    open_map(page, server)
    assert page.viewport_size["width"] == 1280
    tops = page.eval_on_selector_all(
        "#filters > label, #filters > button, #filters > details",
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))",
    )
    assert len(tops) >= 7 and max(tops) - min(tops) <= 4
    header = page.locator(".fl-header").bounding_box()
    assert header["height"] < 44
    form = page.locator("#filters").bounding_box()
    assert form["x"] + form["width"] <= 1280
    # the rarely used filters are one click away and say when they are set
    page.click(".fl-more-filters summary")
    page.fill("input[name=actor]", "HTS")
    page.press("input[name=actor]", "Enter")
    page.wait_for_function("() => location.hash.includes('actor=HTS')")
    assert page.locator("#more-count").inner_text() == " (1)"


def test_the_trend_panel_counts_the_filter_by_week(page: Any, server: str) -> None:
    open_map(page, server, "event_type=Battles")
    battles = api(server, "/api/events", event_type="Battles", limit=10000)["events"]
    dated = [e for e in battles if e["event_date"]]
    page.wait_for_selector("#trend rect[data-events]")
    counts = page.eval_on_selector_all("#trend rect[data-events]", "els => els.map(e => [e.dataset.type, +e.dataset.events])")  # fmt: skip
    assert {t for t, _ in counts} == {"Battles"}
    assert sum(n for _, n in counts) == len(dated)
    killed = page.eval_on_selector_all("#trend rect[data-fatalities]", "els => els.map(e => +e.dataset.fatalities)")  # fmt: skip
    assert sum(killed) == sum(e["fatalities"] for e in dated)
    weeks = page.eval_on_selector_all("#trend rect[data-events]", "els => els.map(e => e.dataset.week)")  # fmt: skip
    assert all(date.fromisoformat(w).weekday() == 0 for w in weeks)  # weeks from Monday


def test_an_event_the_filters_exclude_is_closed(page: Any, server: str) -> None:
    battles = api(server, "/api/events", event_type="Battles")["events"]
    open_map(page, server, f"event={battles[0]['event_id']}")
    page.wait_for_selector("#detail .fl-evidence li")
    page.evaluate("document.documentElement.removeAttribute('data-events')")
    page.select_option("select[name=event_type]", "Protests")
    page.wait_for_selector("html[data-events=loaded]")
    assert page.locator("#detail").is_hidden()
    assert "event" not in hash_state(page)
    assert page.locator(f".fl-dot[data-event-id='{battles[0]['event_id']}']").count() == 0


def test_screenshots_of_the_main_views(page: Any, server: str, tmp_path: Path) -> None:
    """Initial view, a selected event, a filtered country: written to the test's folder
    (their paths are printed) for a person to look at."""
    shots = []
    open_map(page, server)
    page.wait_for_selector("html[data-borders=loaded]")
    page.wait_for_timeout(500)
    shots.append(tmp_path / "initial.png")
    page.screenshot(path=str(shots[-1]))
    page.locator(".fl-item").first.click()
    page.wait_for_selector("html[data-focused]")
    page.wait_for_selector("#detail .fl-evidence mark")
    page.wait_for_timeout(500)
    shots.append(tmp_path / "selected.png")
    page.screenshot(path=str(shots[-1]))
    page.keyboard.press("Escape")
    apply_filter(page, "country", "Georgia")
    page.wait_for_timeout(500)
    shots.append(tmp_path / "country.png")
    page.screenshot(path=str(shots[-1]))
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
        print(f"screenshot: {shot}")
