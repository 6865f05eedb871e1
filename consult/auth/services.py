"""Accounts: pseudonyms, passwords, age bands and sign-up."""

from __future__ import annotations

import hmac
import secrets
import unicodedata
from functools import cache
from importlib.resources import files

import click
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import AGE_BANDS, Role, User
from ..text import pseudonym_key

_ADJECTIVES = (
    "Brave", "Bright", "Calm", "Clever", "Curious", "Gentle", "Happy", "Kind", "Lucky",
    "Mighty", "Quick", "Quiet", "Sunny", "Swift", "Wise", "Bold", "Cheerful", "Daring",
)  # fmt: skip
_ANIMALS = (
    "Otter", "Falcon", "Panda", "Dolphin", "Fox", "Owl", "Tiger", "Koala", "Heron", "Lynx",
    "Turtle", "Zebra", "Badger", "Camel", "Gazelle", "Penguin", "Robin", "Whale",
)  # fmt: skip


def age_band_for(age: int) -> str:
    for code, low, high, _label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return code
    raise ValueError(age)


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def _normalised(password: str) -> str:
    # Keyboards compose accents differently; the same password must work from any device (NIST SP 800-63B).
    return unicodedata.normalize("NFKC", password)


@cache
def _common_passwords() -> frozenset[str]:
    lines = files("consult").joinpath("data/common-passwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))


def password_weakness(password: str, pseudonym: str | None = None):
    """Why a password would be easy to guess, in the user's language; None when it is fine.

    No composition rules (NIST SP 800-63B): only the most common passwords and the pseudonym itself.
    """
    folded = "".join(_normalised(password).casefold().split())
    if folded in _common_passwords():
        return _l("This password is one of the most common ones, so it is easy to guess. Please choose another.")
    if pseudonym and folded == "".join(pseudonym_key(pseudonym).split()):
        return _l("Your password cannot be the same as your pseudonym.")
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(_normalised(password))


# Verified against when the pseudonym is unknown, so timing does not reveal which accounts exist.
_DUMMY_HASH: dict[tuple, str] = {}


def _dummy_hash() -> str:
    key = (current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"])
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hash_password(secrets.token_hex(16))
    return _DUMMY_HASH[key]


def verify_password(user: User | None, password: str) -> bool:
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    try:
        _hasher().verify(stored, _normalised(password))
    except (VerificationError, InvalidHashError):
        return False
    return user is not None and user.password_hash is not None


def find_user(pseudonym: str) -> User | None:
    return db.session.scalar(select(User).where(User.pseudonym_key == pseudonym_key(pseudonym)))


def account_named(name: str) -> User:
    """The account called NAME (compared as at login), or a command-line error."""
    user = find_user(name)
    if user is None:
        raise click.ClickException(f"no account called {name!r}")
    return user


def pseudonym_taken(pseudonym: str) -> bool:
    return find_user(pseudonym) is not None


def suggest_pseudonym() -> str:
    """A friendly, free pseudonym such as "Brave Otter 47"."""
    rng = secrets.SystemRandom()
    for _ in range(20):
        candidate = f"{rng.choice(_ADJECTIVES)} {rng.choice(_ANIMALS)} {rng.randint(10, 99)}"
        if not pseudonym_taken(candidate):
            return candidate
    return f"{rng.choice(_ADJECTIVES)} {rng.choice(_ANIMALS)} {rng.randint(1000, 999999)}"


def load_user(session_user_id: str) -> User | None:
    """The account a session cookie names (see ``User.get_id``), unless its password changed since."""
    ident, _, fingerprint = str(session_user_id).partition(".")
    if not (ident.isascii() and ident.isdigit()):
        return None
    user = db.session.get(User, int(ident))
    if user is None or not hmac.compare_digest(fingerprint, user.password_fingerprint()):
        return None  # the password changed since this session began
    return user


def change_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    db.session.flush()


def authenticate(pseudonym: str, password: str) -> User | None:
    user = find_user(pseudonym)
    if verify_password(user, password) and user.active:
        return user
    return None


def create_user(
    pseudonym: str,
    password: str | None,
    role: Role = Role.PARTICIPANT,
    *,
    age_band: str | None = None,
    country: str | None = None,
    locale: str = "en",
    consent_version: str | None = None,
    external_ref: str | None = None,
    active: bool = True,
) -> User:
    user = User(
        pseudonym=pseudonym,
        pseudonym_key=pseudonym_key(pseudonym),
        password_hash=hash_password(password) if password else None,
        role=role,
        age_band=age_band,
        country=country,
        locale=locale,
        consent_version=consent_version,
        consented_at=clock.utcnow() if consent_version else None,
        external_ref=external_ref,
        active=active,
    )
    db.session.add(user)
    db.session.flush()
    return user


def register_participant(pseudonym: str, password: str, age: int, country: str, locale: str,
                         publication_notices: bool = False) -> User:  # fmt: skip
    # A savepoint: when someone took the name a moment before, the page can still read (a fresh suggestion).
    with db.session.begin_nested():
        user = create_user(
            pseudonym,
            password,
            Role.PARTICIPANT,
            age_band=age_band_for(age),
            country=country,
            locale=locale,
            consent_version=current_app.config["PRIVACY_NOTICE_VERSION"],
        )
        # Told on the account page of what is published from now on (consult/outcomes/notices.py).
        user.publication_notices_since = clock.utcnow() if publication_notices else None
        return user


def record_consent(user: User) -> None:
    """The participant agreed to the privacy notice as it is now."""
    user.consent_version = current_app.config["PRIVACY_NOTICE_VERSION"]
    user.consented_at = clock.utcnow()
    db.session.flush()


def privacy_update_needed() -> bool:
    """A signed-in participant agreed to an earlier privacy notice than the current one (staff consent elsewhere)."""
    return (
        getattr(current_user, "is_authenticated", False)
        and current_user.role is Role.PARTICIPANT
        and current_user.consent_version is not None  # imported accounts never signed in
        and current_user.consent_version != current_app.config["PRIVACY_NOTICE_VERSION"]
    )
