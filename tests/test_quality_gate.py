"""The quality gate's floors, and the seed report's key events.

The gate itself is `make eval` (run by `make test` and CI with ../shared beside the clone):
it analyses the three shared sets and fails when a figure falls below its floor in
quality_floors.json. Raise the floors when quality improves, never lower them quietly.
"""

import pytest

from frontlines.evaluate import load_floors

from .conftest import CORPUS, REPO


def test_every_shared_set_has_its_headline_floors() -> None:
    """The gate can only hold what the floors file names."""
    assert {"event_f1", "row_f1", "claim_recall"} <= set(
        load_floors(REPO / "quality_floors.json", "dev", "events")
    )
    assert {"event_f1", "row_f1"} <= set(
        load_floors(REPO / "quality_floors.json", "world", "events")
    )
    assert {"weighted_f1", "none_rate"} <= set(
        load_floors(REPO / "quality_floors.json", "sentences", "sentences")
    )


@pytest.mark.skipif(
    not (CORPUS / "dev").is_dir(), reason="../shared/corpus is not beside this clone"
)
def test_the_seed_report_yields_its_key_events() -> None:
    """Issue 2's bar: strikes near Morek and on Hama, the Khanasir clash, Latakia's drones."""
    import frontlines

    seed = next((CORPUS / "dev").glob("00_seed_*.txt"))
    events = frontlines.analyze(seed.read_text(encoding="utf-8"), published="2024-12-04")

    def near(lat: float, lon: float, sub: str) -> list:
        from frontlines.evaluate import haversine_km

        return [
            e
            for e in events
            if e.place
            and e.sub_event_type == sub
            and haversine_km(e.place.latitude, e.place.longitude, lat, lon) <= 25
        ]

    morek = near(35.376, 36.690, "Air/drone strike")
    assert morek and morek[0].event_date and morek[0].actor1
    khanasir = near(35.79, 37.50, "Armed clash")
    assert khanasir and {a.key for a in khanasir[0].actors} >= {"SYR_GOV"}
    latakia = near(35.531, 35.791, "Disrupted weapons use")
    assert latakia and latakia[0].actor1 and latakia[0].actor1.key == "SYR_GOV"
    hama = [
        e
        for e in events
        if e.place
        and e.place.admin1 == "Hama"
        and e.event_type in ("Explosions/Remote violence", "Battles")
    ]
    assert hama
