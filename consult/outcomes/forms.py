"""Forms for recording the outcome, translating it, and a participant's publication notices.

Each theme's decision and note are posted as ``decision-<key>`` and ``note-<key>`` (the themes are the
summary's, known only at request time) and read by the view; the service checks them all.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField

from .. import languages
from ..i18n import language_name


class OutcomeForm(FlaskForm):
    source_language = SelectField(_l("Written in"))
    document_number = StringField(_l("Document number"))
    document_title = StringField(_l("Title of the meeting's report or document"))
    document_url = StringField(_l("Link to the document"), description=_l("A web address starting with https://"))
    publish = BooleanField(_l("Published: shown to the public and to each participant"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_language.choices = [(code, language_name(code)) for code in languages.codes()]


class OutcomeTranslationForm(FlaskForm):
    document_title = StringField(_l("Title of the meeting's report or document"))


class NoticesForm(FlaskForm):
    wanted = BooleanField(
        _l("Tell me on my account page when the summary and the outcome of what I answered are published")
    )


class DismissForm(FlaskForm):
    """Carries nothing but its CSRF token."""
