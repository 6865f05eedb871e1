"""What people read for moderation's codes: moderators see plain labels, participants kind words."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ..models import Submission, SubmissionStatus
from .models import ModerationAction, RejectReason
from .reports import ReportReason
from .services import PublishedVersion

REJECT_REASONS = {
    RejectReason.OFF_TOPIC: _l("Off topic"),
    RejectReason.PERSONAL_INFO: _l("Personal information"),
    RejectReason.ABUSIVE: _l("Abusive"),
    RejectReason.SPAM: _l("Spam"),
    RejectReason.DUPLICATE: _l("Duplicate"),
    RejectReason.OTHER: _l("Other (say why in the note)"),
}

REPORT_REASONS = {
    ReportReason.PERSONAL_INFO: _l("It shows someone's personal details"),
    ReportReason.ABUSIVE: _l("It is unkind, rude or hateful"),
    ReportReason.DANGER: _l("Someone may be in danger"),
    ReportReason.SPAM: _l("It is spam or advertising"),
    ReportReason.OTHER: _l("Something else"),
}

FLAGS = {
    "safeguarding": _l("Possible safeguarding concern"),
    "pii": _l("Personal information"),
    "abuse": _l("Abusive language"),
    "reported": _l("Reported by readers"),
    "none": _l("No flag"),
}

PII_KINDS = {
    "email": _l("e-mail address"),
    "social": _l("social media account"),
    "url": _l("web address"),
    "iban": _l("bank account number"),
    "card": _l("card number"),
    "id": _l("identity number"),
    "phone": _l("phone number"),
    "address": _l("street address"),
    "postcode": _l("postcode"),
    # Schools, and the clubs, centres, places of worship and hospitals the rules find the same way.
    "school": _l("school or other institution"),
    "name": _l("name"),
}

ACTIONS = {
    ModerationAction.SCREENED: _l("Screened"),
    ModerationAction.APPROVED: lazy_pgettext("moderation action", "Approved"),
    ModerationAction.REJECTED: lazy_pgettext("moderation action", "Rejected"),
    ModerationAction.ESCALATED: _l("Escalated to safeguarding"),
    ModerationAction.REPORTED: _l("Reported by a reader"),
    ModerationAction.HIDDEN: _l("Taken down after reports"),
    ModerationAction.SAFEGUARDING_ACTION: _l("Safeguarding action"),
    ModerationAction.EDITED: _l("Changed by its author"),
    ModerationAction.WITHDRAWN: _l("Withdrawn by its author"),
}

VERSIONS = {
    PublishedVersion.AS_WRITTEN: _l("as written"),
    PublishedVersion.SUGGESTED: _l("with the suggested redaction"),
    PublishedVersion.EDITED: _l("with the moderator's edits"),
}

STATUSES = {
    SubmissionStatus.PENDING: lazy_pgettext("response status", "Waiting"),
    SubmissionStatus.APPROVED: lazy_pgettext("response status", "Published"),
    SubmissionStatus.REJECTED: lazy_pgettext("response status", "Rejected"),
    SubmissionStatus.ESCALATED: _l("With the safeguarding team"),
}


def reason_label(code: str | None) -> str:
    """A reason of the audit trail (a rejection's, a report's or an approval's version) in words."""
    for labels in (REJECT_REASONS, VERSIONS, REPORT_REASONS):
        if code in labels:
            return str(labels[code])
    return code or ""


# Said to the young person who wrote a rejected answer: what happened and what they can do.
_WHY_NOT_PUBLISHED = {
    RejectReason.OFF_TOPIC: _l("It did not answer this question. You are welcome to answer again."),
    RejectReason.PERSONAL_INFO: _l(
        "It included personal details, like a name or contact. Please answer again without them."
    ),
    RejectReason.ABUSIVE: _l(
        "It included words that could hurt or upset others. You are welcome to answer again in other words."
    ),
    RejectReason.SPAM: _l("It looked like advertising or repeated text rather than an answer."),
    RejectReason.DUPLICATE: _l("It was the same as another answer that was already sent."),
    RejectReason.OTHER: _l("A moderator decided it could not be published. You are welcome to answer again."),
}


@dataclass(frozen=True)
class ParticipantStatus:
    key: str  # "pending", "approved" or "rejected", for the page's colours; never "escalated"
    label: str
    explanation: str | None = None
    public_text: str | None = None  # what others read, when a moderator removed something


def participant_status(submission: Submission) -> ParticipantStatus:
    """A response's status as its author sees it. An escalation is never revealed: it is "waiting"."""
    if submission.status is SubmissionStatus.APPROVED:
        if submission.published_text != submission.body:
            return ParticipantStatus(
                "approved",
                lazy_pgettext("response status", "Published"),
                _l("A moderator removed some details to keep you safe. This is what others can read:"),
                submission.published_text,
            )
        return ParticipantStatus("approved", lazy_pgettext("response status", "Published"))
    if submission.status is SubmissionStatus.REJECTED:
        reason = RejectReason(submission.reject_reason or RejectReason.OTHER)
        return ParticipantStatus("rejected", _l("Not published"), _WHY_NOT_PUBLISHED[reason])
    return ParticipantStatus("pending", _l("Waiting for a moderator"))
