"""The response form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from .. import languages
from ..i18n import language_name
from ..text import clean_plain_text, length_over

AUTO = "auto"  # the participant leaves the language to detection


class ResponseForm(FlaskForm):
    class Meta:
        # CSRFProtect checks every POST before any view runs (tests/test_csrf.py); a second token
        # inside the form would only sign it again on the answer's path.
        csrf = False

    body = TextAreaField(
        _l("Your answer"),
        filters=[clean_plain_text],
        validators=[DataRequired(_l("Write your answer before sending it."))],
    )
    language = SelectField(_l("Language of your answer"), default=AUTO)

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        self.language.choices = [
            (AUTO, _l("Detect automatically")),
            *((code, language_name(code)) for code in languages.codes()),
        ]

    def validate_body(self, field) -> None:
        # Characters as a reader counts them (README, "Answering on a phone"): an emoji is one, not two or eleven.
        if length := length_over(field.data, self.max_length):
            raise ValidationError(
                _l(
                    "Your answer is %(length)d characters long; the limit is %(max)d. "
                    "Please shorten it: your text is still here.",
                    length=length,
                    max=self.max_length,
                )
            )
