"""The web UI of `frontlines serve`: static files only (no build step), served by api.py."""

from pathlib import Path

STATIC = Path(__file__).parent / "static"
