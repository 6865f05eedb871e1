"""What a service refuses, and how the refusal reaches the person: a message in their language and an HTTP status.

Flask-free, at the bottom of the house, so every service may raise these. The contract with the one commit
point (consult/transactions.py): a service that raises a ``DomainError`` has kept nothing of its own work (it
refuses before it writes, or undoes its writes within a savepoint), and the request that meets one is rolled
back. A view either lets the error through, to be shown on the translated error page with the typed text
kept, or catches it to show the message on its own form, answering with a 4xx status.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal. ``message`` is a lazily translated string (``lazy_gettext``), or None for the status's own words."""

    status_code = 400

    def __init__(self, message=None, *, status_code: int | None = None):
        super().__init__(message if message is not None else type(self).__name__)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class Invalid(DomainError):
    """What was sent breaks a rule."""

    status_code = 400


class NotAllowed(DomainError):
    """This person may not do this."""

    status_code = 403


class NotFound(DomainError):
    """No such thing, as far as this person can tell."""

    status_code = 404


class Conflict(DomainError):
    """The world moved on: decided by someone else, edited meanwhile, or outside its time window."""

    status_code = 409


class TooMany(DomainError):
    """Too many of these in a short time."""

    status_code = 429
