"""The facilitator's forms (a workshop's answers typed in, or uploaded) and the secretariat's grant form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .. import languages
from ..auth.forms import PASSWORD_MAX, PASSWORD_MIN, PSEUDONYM_MAX, PSEUDONYM_MIN, validate_pseudonym_characters
from ..auth.services import password_weakness
from ..i18n import language_name
from ..models import AGE_BAND_LABELS
from ..text import clean_plain_text, clean_single_line
from .services import MAX_GROUP_SIZE


def _at_least_one(field) -> None:
    if not field.data:
        raise ValidationError(_l("Choose at least one age band."))


class Attestation(FlaskForm):
    consented = BooleanField(
        _l("The young people agreed to take part."),
        validators=[DataRequired(_l("Confirm that the young people agreed to take part."))],
    )
    no_names = BooleanField(
        _l("No names are included in the answers."),
        validators=[DataRequired(_l("Confirm that no names are included."))],
    )


class WorkshopForm(Attestation):
    group_size = IntegerField(
        _l("How many young people took part"),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_GROUP_SIZE)],
    )
    age_bands = SelectMultipleField(
        _l("Their age bands"),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        # Not DataRequired: its "required" flag would mark every box, as if each had to be ticked.
        validators=[lambda _form, field: _at_least_one(field)],
    )
    country = SelectField(_l("Country of the workshop"), validators=[DataRequired()])
    language = SelectField(
        _l("Language of the answers"), choices=lambda: [(c, language_name(c)) for c in languages.codes()]
    )
    # One box per question, in the consultation's order; blank lines separate two answers.
    answers = FieldList(
        TextAreaField(filters=[clean_plain_text], description=_l("Leave a blank line between two answers.")),
    )

    def __init__(self, *args, questions: int, age_bands: tuple[str, ...], countries, **kwargs):
        super().__init__(*args, **kwargs)
        while len(self.answers) < questions:
            self.answers.append_entry()
        del self.answers.entries[questions:]
        self.age_bands.choices = [(code, AGE_BAND_LABELS[code]) for code in age_bands]
        self.country.choices = [("", _l("Choose the country")), *countries]


class UploadForm(Attestation):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose the file to upload."))])


class GrantForm(FlaskForm):
    name = StringField(
        _l("Account name"),
        filters=[clean_single_line],
        validators=[DataRequired(), Length(min=PSEUDONYM_MIN, max=PSEUDONYM_MAX)],
    )
    password = PasswordField(
        _l("Password for a new account"),
        validators=[Optional(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
    )

    def validate_name(self, field) -> None:
        validate_pseudonym_characters(field.data)

    def validate_password(self, field) -> None:
        weakness = password_weakness(field.data, self.name.data)
        if weakness is not None:
            raise ValidationError(weakness)


class RevokeForm(FlaskForm):
    pass
