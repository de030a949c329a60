"""frontlines: conflict reporting to an attributed, geolocated event dataset."""

from __future__ import annotations

from frontlines.errors import FrontlinesError, InputError, UsageError
from frontlines.models import (
    Actor,
    Article,
    Claim,
    Event,
    Evidence,
    Place,
    PlaceMention,
)

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "Article",
    "Claim",
    "Event",
    "Evidence",
    "FrontlinesError",
    "InputError",
    "Place",
    "PlaceMention",
    "UsageError",
    "__version__",
    "analyze",
]


def analyze(text: str, published: object = None, **kwargs: object) -> list[Event]:
    """Analyse one report and return its events (see frontlines.pipeline.analyze_text)."""
    from frontlines.pipeline import analyze_text

    return analyze_text(text, published=published, **kwargs)  # type: ignore[arg-type]
