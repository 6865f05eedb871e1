"""Forms of the safeguarding team: record what was done, then close the item."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..text import clean_plain_text
from .labels import REJECT_REASONS
from .models import RejectReason
from .safeguarding import ACTION_LABELS, SafeguardingAction

NOTE_MAX = 4000


class SafeguardingActionForm(FlaskForm):
    action = RadioField(
        _l("What did the team do?"),
        choices=[SelectChoice(action.value, label) for action, label in ACTION_LABELS.items()],
        validators=[InputRequired(_l("Choose what the team did."))],
    )
    note = TextAreaField(
        _l("Note"),
        filters=[clean_plain_text],
        validators=[Length(max=NOTE_MAX, message=_l("Keep the note under %(max)d characters."))],
        description=_l("Who did what, and what happens next. Seen by the safeguarding team only."),
    )

    def validate_note(self, field) -> None:
        if self.action.data == SafeguardingAction.OTHER and not field.data:
            raise ValidationError(_l("Describe what the team did."))


class ApproveEscalatedForm(FlaskForm):
    published_text = TextAreaField(
        _l("Text to publish"),
        filters=[clean_plain_text],
        validators=[DataRequired(_l("Give the text to publish.")), Length(max=20000)],
        description=_l("Anything that could identify the young person or put them at risk must come out."),
    )
    confirm = BooleanField(
        _l("I have checked that publishing this text is safe for the young person who wrote it."),
        validators=[DataRequired(_l("Confirm that publishing this text is safe."))],
    )


class RejectEscalatedForm(FlaskForm):
    reason = SelectField(
        _l("Reason"),
        choices=[
            SelectChoice("", _l("Choose a reason")),
            *(SelectChoice(reason.value, label) for reason, label in REJECT_REASONS.items()),
        ],
        validators=[DataRequired(_l("Choose a reason."))],
    )
    note = TextAreaField(
        _l("Note for the audit trail"),
        filters=[clean_plain_text],
        validators=[Length(max=2000, message=_l("Keep the note under %(max)d characters."))],
        description=_l("Kept for good in the audit trail: write no personal details here."),
    )

    def validate_note(self, field) -> None:
        if self.reason.data == RejectReason.OTHER and not field.data:
            raise ValidationError(_l("Say why in a note when the reason is “Other”."))


class DangerReportForm(FlaskForm):
    """The team's answer to a reader's report that someone may be in danger (danger_reports.py)."""

    # Which button was pressed: "escalate" (take it down into the queue) or "reviewed" (leave it published).
    decision = SelectField(choices=["escalate", "reviewed"], validate_choice=True)

    note = TextAreaField(
        _l("Note"),
        filters=[clean_plain_text],
        validators=[Length(max=NOTE_MAX, message=_l("Keep the note under %(max)d characters."))],
        description=_l("Who did what, and what happens next. Seen by the safeguarding team only."),
    )
