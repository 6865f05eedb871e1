"""Shares are written the reader's way, not always with an English decimal point."""

import pytest
from flask_babel import force_locale

from consult.i18n import percent


@pytest.mark.parametrize(("language", "number"), [("en", "12.5"), ("fr", "12,5"), ("es", "12,5"), ("ru", "12,5")])
def test_a_share_is_formatted_for_the_locale(app, language, number):
    with app.test_request_context("/"), force_locale(language):
        written = percent(12.46)
    assert written.startswith(number) and written.endswith("%")
    if language != "en":
        assert written[len(number)] in "\u00a0\u202f"  # a no-break space before the sign, as CLDR says


def test_whole_numbers_keep_no_useless_decimal(app):
    with app.test_request_context("/"), force_locale("en"):
        assert percent(50.0) == "50%"
