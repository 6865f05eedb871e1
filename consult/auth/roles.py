"""Who may use a route: checked on the server for every request."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..models import Role


def role_required(*roles: Role):
    """Anonymous visitors are sent to log in; signed-in users without the role get 403.

    Admins may use every staff route.
    """
    allowed = frozenset(roles) | {Role.ADMIN}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def participant_required(view):
    """Answering is for participants only, admins included: staff carry no age band or country."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role is not Role.PARTICIPANT:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
