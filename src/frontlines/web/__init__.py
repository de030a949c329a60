"""The web UI of `frontlines serve`: static files only (no build step), served by api.py."""

from pathlib import Path

STATIC = Path(__file__).parent / "static"

# Map colours of the ACLED event types; the UI reads them from /api/meta.
TYPE_COLORS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#1f77b4",
    "Riots": "#e377c2",
    "Strategic developments": "#2ca02c",
}
OTHER_COLOR = "#607d8b"
