"""Sign-up and login forms."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from .. import languages
from ..models import User
from ..text import clean_single_line, pseudonym_key
from .services import password_weakness, pseudonym_taken

PSEUDONYM_MIN, PSEUDONYM_MAX = 3, 40
# Compatibility forms can grow a lot: "\ufdfa" alone becomes 18 characters.
PSEUDONYM_KEY_MAX = User.__table__.c.pseudonym_key.type.length
PASSWORD_MIN, PASSWORD_MAX = 8, 128
_PSEUDONYM_PUNCTUATION = frozenset(" -_.'")
# The same words whoever holds the name, staff or participant: sign-up never confirms a staff account's name.
PSEUDONYM_TAKEN = _l("This pseudonym cannot be used. Please choose another one.")


def validate_pseudonym_characters(pseudonym: str) -> None:
    """Letters and digits of any script, spaces and a little punctuation."""
    for char in pseudonym:
        if char in _PSEUDONYM_PUNCTUATION:
            continue
        if unicodedata.category(char)[0] not in ("L", "N", "M"):
            raise ValidationError(_l("Use only letters, numbers, spaces and - _ . ' in your pseudonym."))
    if not any(unicodedata.category(char)[0] in ("L", "N") for char in pseudonym):
        raise ValidationError(_l("Your pseudonym needs at least one letter or number."))
    if len(pseudonym_key(pseudonym)) > PSEUDONYM_KEY_MAX:
        raise ValidationError(_l("Your pseudonym is too long. Please choose a shorter one."))


class AgeField(IntegerField):
    """Text that is not a whole number gets the same kind message as an age out of range."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


class SignupForm(FlaskForm):
    pseudonym = StringField(
        _l("Pseudonym"),
        filters=[clean_single_line],
        validators=[
            DataRequired(_l("Choose a pseudonym.")),
            Length(
                PSEUDONYM_MIN,
                PSEUDONYM_MAX,
                _l("Your pseudonym must be %(min)d to %(max)d characters long."),
            ),
        ],
        description=_l("Not your real name. Other people will see it next to your answers."),
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                PASSWORD_MIN,
                PASSWORD_MAX,
                _l("Your password must be %(min)d to %(max)d characters long."),
            ),
        ],
        description=_l(
            "At least 8 characters. A few words you will remember work well. A forgotten password cannot be "
            "recovered, because we never ask for an e-mail address: write your pseudonym and password down "
            "somewhere safe."
        ),
    )
    age = AgeField(
        _l("How old are you?"),
        validators=[
            InputRequired(_l("Tell us your age in years.")),
            NumberRange(1, 120, _l("Enter your age in years, for example 15.")),
        ],
        description=_l("We only keep your age group, never your exact age."),
    )
    country = SelectField(_l("Country where you live"), validators=[DataRequired()])
    language = SelectField(_l("Language"), choices=languages.codes)
    consent = BooleanField(
        _l("I have read the privacy notice and I agree to take part."),
        validators=[DataRequired(_l("You need to agree to the privacy notice to take part."))],
    )
    publication_notices = BooleanField(
        _l("Tell me on my account page when the summary and the outcome of what I answered are published")
    )

    def validate_pseudonym(self, field) -> None:
        validate_pseudonym_characters(field.data)
        if pseudonym_taken(field.data):
            raise ValidationError(PSEUDONYM_TAKEN)

    def validate_password(self, field) -> None:
        weakness = password_weakness(field.data or "", self.pseudonym.data)
        if weakness is not None:
            raise ValidationError(weakness)


class LoginForm(FlaskForm):
    # Cleaned as at sign-up, so a pseudonym logs in when typed exactly as it was chosen.
    username = StringField(
        _l("Pseudonym"), filters=[clean_single_line], validators=[DataRequired(_l("Enter your pseudonym."))]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class LanguageForm(FlaskForm):
    lang = SelectField(choices=languages.codes)


class EndSessionsForm(FlaskForm):
    """Ending a session changes state: the form carries nothing but its CSRF token."""


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Enter your password to confirm it is you."))]
    )
    confirm = BooleanField(
        _l("I understand that my account and my unpublished answers will be deleted for good."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(PASSWORD_MIN, PASSWORD_MAX, _l("Your password must be %(min)d to %(max)d characters long.")),
        ],
        description=_l("At least 8 characters. A few words you will remember work well."),
    )

    def __init__(self, *args, pseudonym: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._pseudonym = pseudonym

    def validate_new_password(self, field) -> None:
        weakness = password_weakness(field.data or "", self._pseudonym)
        if weakness is not None:
            raise ValidationError(weakness)


class AgreeForm(FlaskForm):
    """Agreeing to a privacy notice that changed since the participant signed up."""

    consent = BooleanField(
        _l("I have read the new privacy notice and I agree."),
        validators=[DataRequired(_l("Tick the box to agree, or keep reading: nothing changes until you do."))],
    )
