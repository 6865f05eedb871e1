"""The server's clock: the only source of "now" for consultation windows.

Tests replace ``utcnow`` to stand at a window's exact boundaries.
"""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
