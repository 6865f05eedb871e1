"""URL converters that never hand the database a number it cannot hold.

Werkzeug's ``int`` converter accepts any number of digits; SQLite raises OverflowError past 2**63 and
PostgreSQL's ``integer`` ends at 2**31 - 1. Every id the app makes fits in 32 bits, so anything larger
names nothing: the route does not match and the visitor gets the ordinary 404.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

# The smallest integer column the app uses (PostgreSQL's ``integer``); ids and version numbers fit.
LARGEST_ID = 2**31 - 1


def database_id(raw: str | None) -> int | None:
    """An id typed in a query string (a page cursor): plain ASCII digits within LARGEST_ID, else None."""
    # isascii: str.isdigit() also accepts characters such as "²" that int() refuses.
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) > LARGEST_ID:
        return None
    return int(raw)


class DatabaseInteger(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=LARGEST_ID if max is None else max,
                         signed=signed)  # fmt: skip


def register(app: Flask) -> None:
    """Before any blueprint is registered: rules pick their converter when they are added."""
    app.url_map.converters["int"] = DatabaseInteger
