"""Locale choice, text direction and locale-aware formatting helpers.

The locale chain: the signed-in user's saved language, then an explicit
choice kept in a cookie, then the browser's Accept-Language, then English.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache

from babel import Locale, dates, numbers
from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept

from . import languages

LANGUAGE_COOKIE = "consult_lang"
LOGIN_MESSAGE = _l("Please log in to see this page.")

# Codes that are not countries, or are not ISO 3166-1 alpha-2 assignments.
_NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"})


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and languages.supported(current_user.locale):
        return current_user.locale
    return reader_locale(request.cookies.get(LANGUAGE_COOKIE), request.accept_languages,
                         current_app.config["BABEL_DEFAULT_LOCALE"])  # fmt: skip


def reader_locale(chosen: str | None, accepted: LanguageAccept, default: str) -> str:
    """A reader without an account: the language chosen (the cookie), else the browser's, else the default.
    The page cache in front of the app (consult/page_cache.py) keys anonymous pages on it."""
    if languages.supported(chosen):
        return chosen
    return accepted.best_match(languages.codes()) or default


def current_language() -> str:
    return str(get_locale() or "en").split("_")[0]


def is_rtl(language: str | None = None) -> bool:
    return languages.is_rtl(language or current_language())


def language_name(code: str) -> str:
    """A language's name in itself, as the language switcher shows it."""
    row = languages.language(code)
    return row.autonym if row else _babel_name(code)


@cache
def _babel_name(code: str) -> str:
    locale = Locale.parse(code)
    return locale.get_display_name(locale) or code


@cache
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(language).territories
    countries = [
        (code, name) for code, name in names.items() if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    return tuple(sorted(countries, key=lambda item: item[1].casefold()))


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return Locale.parse(current_language()).territories.get(code, code)


_ONE_DECIMAL = Decimal("0.1")


def percent(value: float | Decimal) -> str:
    """A share out of 100, written the reader's way (12.5%, 12,5 %…), rounded half-even to one decimal.

    The one place a share becomes text: through ``Decimal`` (from the float's shortest repr), so that no
    binary noise such as 57.10000000000001 can reach a page or a document.
    """
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    rounded = exact.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_EVEN)
    return numbers.format_percent(rounded / 100, locale=get_locale(), decimal_quantization=False)


def count(value: int | str | None) -> str:
    """A count written the reader's way (10,000, 10 000, 10.000); a suppressed one ("<10", "x") as it is."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int):
        return str(value)
    return numbers.format_decimal(value, locale=get_locale())


def format_utc(value: datetime) -> str:
    """A moment shown in UTC, whatever the configured display zone: to the minute, as people read a clock."""
    locale = get_locale() or Locale("en")
    # Babel names no "medium date, short time" format: CLDR's own way of joining the two for this language.
    moment = str(locale.datetime_formats["medium"]).format(
        dates.format_time(value, "short", tzinfo=UTC, locale=locale), dates.format_date(value, "medium", locale=locale)
    )
    return moment + " UTC"


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def inject_locale():
        language = current_language()
        return {
            "locale": language,
            "rtl": is_rtl(language),
            "languages": [(code, language_name(code)) for code in languages.codes()],
        }

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["utc"] = format_utc
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["number"] = count
    app.jinja_env.filters["country"] = country_name
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.globals["is_rtl"] = is_rtl
