"""Deny by default: every endpoint declares who may use it, and undeclared ones answer 403.

The view decorators (``role_required``, ``participant_required``, ``safeguarding_required``)
still guard each view; this registry is the second, central lock that makes a forgotten
decorator or a new route without a rule fail closed. ``tests/test_authorization_map.py``
requests every route as every kind of user and checks both agree.
"""

from __future__ import annotations

import enum

from flask import Flask, abort, request
from flask_login import current_user

from .extensions import login_manager
from .models import Role, may_safeguard


class Access(enum.Enum):
    PUBLIC = "public"  # anyone, signed in or not
    SIGNED_IN = "signed-in"  # anyone signed in, staff included
    PARTICIPANT = "participant"  # signed-in participants only; staff carry no age band or country
    MODERATOR = "moderator"  # moderators and admins
    SAFEGUARDING = "safeguarding"  # moderators and admins with the safeguarding permission
    SECRETARIAT = "secretariat"  # secretariat and admins
    FACILITATOR = "facilitator"  # facilitators of classroom workshops and admins
    ADMIN = "admin"


ACCESS: dict[str, Access] = {
    "static": Access.PUBLIC,
    # auth
    "auth.signup": Access.PUBLIC,
    "auth.login": Access.PUBLIC,
    "auth.logout": Access.PUBLIC,
    "auth.choose_language": Access.PUBLIC,
    "auth.privacy": Access.PUBLIC,
    "auth.agree_privacy": Access.PARTICIPANT,
    "auth.change_own_password": Access.SIGNED_IN,
    "auth.own_sessions": Access.SIGNED_IN,
    "auth.end_session": Access.SIGNED_IN,
    "auth.end_other_sessions": Access.SIGNED_IN,
    "auth.account": Access.PARTICIPANT,
    "auth.download_data": Access.PARTICIPANT,
    "auth.delete_own_account": Access.PARTICIPANT,
    # consultations
    "consultations.home": Access.PUBLIC,
    "consultations.detail": Access.PUBLIC,
    "consultations.get_help": Access.PUBLIC,
    "consultations.public_response": Access.PUBLIC,
    "consultations.report": Access.SIGNED_IN,
    "consultations.respond": Access.PARTICIPANT,
    "consultations.edit": Access.PARTICIPANT,
    "consultations.withdraw": Access.PARTICIPANT,
    "consultations.endorse": Access.PARTICIPANT,
    "consultations.withdraw_endorsement": Access.PARTICIPANT,
    # moderation
    "moderation.index": Access.MODERATOR,
    "moderation.queue": Access.MODERATOR,
    "moderation.next_item": Access.MODERATOR,
    "moderation.start_review": Access.MODERATOR,
    "moderation.bulk": Access.MODERATOR,
    "moderation.item": Access.MODERATOR,
    "moderation.decide": Access.MODERATOR,
    "moderation.decide_inline": Access.MODERATOR,
    "moderation.release": Access.MODERATOR,
    "moderation.dashboard": Access.MODERATOR,
    "moderation.audit": Access.MODERATOR,
    "moderation.audit_csv": Access.MODERATOR,
    "safeguarding.index": Access.SAFEGUARDING,
    "safeguarding.detail": Access.SAFEGUARDING,
    "safeguarding.record_action": Access.SAFEGUARDING,
    "safeguarding.close": Access.SAFEGUARDING,
    "safeguarding.reported": Access.SAFEGUARDING,
    # secretariat
    "secretariat.dashboard": Access.SECRETARIAT,
    "secretariat.edit_meeting": Access.SECRETARIAT,
    "secretariat.edit_consultation": Access.SECRETARIAT,
    "secretariat.edit_translation": Access.SECRETARIAT,
    "secretariat.preview": Access.SECRETARIAT,
    "secretariat.publish": Access.SECRETARIAT,
    "secretariat.close_now": Access.SECRETARIAT,
    "secretariat.live_reach": Access.SECRETARIAT,
    "reach.public_reach": Access.PUBLIC,
    "workshops.manage_facilitators": Access.SECRETARIAT,
    "workshops.grant": Access.SECRETARIAT,
    "workshops.revoke": Access.SECRETARIAT,
    # classroom workshops
    "workshops.index": Access.FACILITATOR,
    "workshops.submit": Access.FACILITATOR,
    "workshops.upload": Access.FACILITATOR,
    # summaries, archive and open data
    "summaries.archive": Access.PUBLIC,
    "summaries.public_latest": Access.PUBLIC,
    "summaries.public_version": Access.PUBLIC,
    "summaries.document": Access.PUBLIC,
    "summaries.open_data": Access.PUBLIC,
    "summaries.manage": Access.SECRETARIAT,
    "summaries.generate": Access.SECRETARIAT,
    "summaries.progress": Access.SECRETARIAT,
    "summaries.staff_document": Access.SECRETARIAT,
    "summaries.review": Access.SECRETARIAT,
    "summaries.edit": Access.SECRETARIAT,
    "summaries.confirm_publish": Access.SECRETARIAT,
    "summaries.publish": Access.SECRETARIAT,
    # what the meeting did, and what each participant is told of it
    "outcomes.edit": Access.SECRETARIAT,
    "outcomes.edit_translation": Access.SECRETARIAT,
    "outcomes.what_happened": Access.PUBLIC,
    "outcomes.notice_preference": Access.PARTICIPANT,
    "outcomes.dismiss_notices": Access.PARTICIPANT,
    # read-only JSON
    "api.index": Access.PUBLIC,
    "api.consultations": Access.PUBLIC,
    "api.consultation": Access.PUBLIC,
    "api.responses": Access.PUBLIC,
    "api.summary": Access.PUBLIC,
    "api.summary_version": Access.PUBLIC,
    "api.outcome": Access.PUBLIC,
}

STAFF_ROLES = {
    Access.MODERATOR: frozenset({Role.MODERATOR, Role.ADMIN}),
    Access.SECRETARIAT: frozenset({Role.SECRETARIAT, Role.ADMIN}),
    Access.FACILITATOR: frozenset({Role.FACILITATOR, Role.ADMIN}),
    Access.ADMIN: frozenset({Role.ADMIN}),
}


def may_use(user, access: Access) -> bool:
    """Whether a signed-in ``user`` passes the rule."""
    if access in (Access.PUBLIC, Access.SIGNED_IN):
        return True
    if access is Access.PARTICIPANT:
        return user.role is Role.PARTICIPANT
    if access is Access.SAFEGUARDING:
        return may_safeguard(user)
    return user.role in STAFF_ROLES[access]


def check_access():
    """Refuse a request whose endpoint has no rule, or whose user the rule does not admit."""
    if request.endpoint is None:  # no route matched: the 404 or 405 follows
        return None
    access = ACCESS.get(request.endpoint)
    if access is None:
        abort(403)
    if access is Access.PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not may_use(current_user, access):
        abort(403)
    return None


def register(app: Flask) -> None:
    app.before_request(check_access)
