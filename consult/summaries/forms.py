"""Forms of the secretariat's summary pages (per-theme fields are read by name in the view)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from .models import Purpose
from .themes import MAX_THEMES_OVERRIDE


class GenerateForm(FlaskForm):
    themes = IntegerField(
        _l("Themes per question"),
        validators=[Optional(), NumberRange(min=1, max=MAX_THEMES_OVERRIDE)],
        description=_l("Leave empty to let consult choose (between 2 and 12, more for more responses)."),
    )
    purpose = RadioField(
        _l("Document"),
        choices=[
            SelectChoice(Purpose.INPUT.value, _l("Input document for the meeting")),
            SelectChoice(Purpose.INTERIM.value, _l("Interim update")),
        ],
        default=Purpose.INPUT.value,
        description=_l(
            "An interim update may be made while the consultation is open; the input document for "
            "the meeting only once it has closed."
        ),
    )


class EditForm(FlaskForm):
    document_number = StringField(_l("Document number"), validators=[Optional(), Length(max=80)])
    intro = TextAreaField(
        _l("Introduction"), validators=[Optional(), Length(max=5000)],
        description=_l("Shown as the abstract; leave empty for a generated one."),
    )  # fmt: skip
    key_messages = TextAreaField(
        _l("Key messages"), validators=[Optional(), Length(max=5000)],
        description=_l("One per line; leave empty to list the largest themes."),
    )  # fmt: skip


class PublishForm(FlaskForm):
    """Sent only by the confirmation page, which shows the warnings first."""

    CONFIRMED = "yes"
    confirm = HiddenField()  # no default: a POST from anywhere else lacks it
