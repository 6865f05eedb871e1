"""Forms for meetings and consultations. Every time is entered in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .. import languages
from ..i18n import language_name

UTC_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
EXTRA_QUESTION_ROWS = 2
# InputRequired, not DataRequired: a date typed in the wrong form must say so, not "give a date".
DATE_REQUIRED = InputRequired(_l("Give a date and time."))


def as_utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class MeetingTitleEntry(Form):
    """The meeting's title in one other language; the view labels it with the language's name."""

    language = HiddenField()
    title = StringField(validators=[Optional(), Length(max=200)])


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    # A post without it (a script's) keeps the meeting's language, or English as before titles were translated.
    source_language = SelectField(_l("Written in"), default="en")
    starts_at = DateTimeLocalField(_l("Starts at (UTC)"), format=UTC_FORMATS, validators=[DATE_REQUIRED])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    translations = FieldList(FormField(MeetingTitleEntry))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_language.choices = [(code, language_name(code)) for code in languages.codes()]


class QuestionEntry(Form):
    id = HiddenField()
    prompt = TextAreaField(_l("Question"), validators=[Optional(), Length(max=2000)])
    max_length = IntegerField(
        _l("Longest answer (characters)"),
        default=1000,
        validators=[Optional(), NumberRange(10, 10000)],
    )


class ConfirmForm(FlaskForm):
    """A confirmation carries nothing but its CSRF token and the one button."""


class ConsultationForm(FlaskForm):
    meeting_id = SelectField(_l("Meeting"), coerce=int)
    slug = StringField(
        _l("Web address"),
        validators=[DataRequired(), Length(3, 80)],
        description=_l("Lowercase letters, digits and hyphens, as in cwg-cop-2027-youth."),
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Paragraphs, lists, bold, italics and https links are kept; other markup is removed."),
    )
    source_language = SelectField(_l("Written in"))
    opens_at = DateTimeLocalField(_l("Opens at (UTC)"), format=UTC_FORMATS, validators=[DATE_REQUIRED])
    closes_at = DateTimeLocalField(
        _l("Closes at (UTC)"),
        format=UTC_FORMATS,
        validators=[Optional()],
        description=_l("Leave empty for the default one-day window."),
    )
    questions = FieldList(FormField(QuestionEntry), min_entries=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_language.choices = [(code, language_name(code)) for code in languages.codes()]


class TranslatedPromptEntry(Form):
    question_id = HiddenField()
    prompt = TextAreaField(_l("Question"), validators=[Optional(), Length(max=2000)])


class TranslationForm(FlaskForm):
    """A consultation's title, description and question prompts in one of its other languages."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Paragraphs, lists, bold, italics and https links are kept; other markup is removed."),
    )
    prompts = FieldList(FormField(TranslatedPromptEntry))
