"""Every error a user sees comes from here, with a one-line message naming the input."""

from __future__ import annotations


class FrontlinesError(Exception):
    """Base class: the message is shown to the user as one line."""

    exit_code = 1

    def __str__(self) -> str:
        return " ".join(super().__str__().split())


class InputError(FrontlinesError):
    """An input could not be read or understood."""

    def __init__(self, origin: str, problem: str) -> None:
        self.origin = origin
        self.problem = problem
        super().__init__(f"{origin}: {problem}")


class FieldError(InputError):
    """A field of a document record has the wrong type or length (`FILE:LINE: field
    'outlet' must be a string`); the HTTP API answers it with 422."""

    def __init__(self, origin: str, field: str, problem: str) -> None:
        self.field = field
        super().__init__(origin, problem)


class SkippedInput(InputError):
    """A document that is valid but not analysable (not English, no text).

    In a batch it is counted and skipped; on its own it is an error.
    """


class UsageError(FrontlinesError):
    """Bad options or arguments."""

    exit_code = 2


class StoreError(FrontlinesError):
    """The store could not be opened, migrated or written."""


class GazetteerError(FrontlinesError):
    """A gazetteer file could not be loaded."""


class ActorDataError(FrontlinesError):
    """An actor knowledge-base file (data/actors.yaml or a user file) is malformed."""

    def __init__(self, origin: str, entry: str, problem: str) -> None:
        self.origin = origin
        self.entry = entry
        self.problem = problem
        super().__init__(f"{origin}: {entry}: {problem}")


class ClassifierError(InputError):
    """The event classifier's model or weights are missing, unreadable or mismatched."""
