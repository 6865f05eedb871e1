"""What a stored screening score means (``Submission.screening_score``).

Flask-free, at the bottom of the house: screening writes the score (``moderation/screening``), and
deleting an account (``auth/account.py``), which sits below moderation, must read it the same way so that
it never erases an answer the classifier read as a possible disclosure.
"""

#: Added to a possible disclosure's stored score (the classifier's "watch"; see ``Screening.stored_score``):
#: such an answer is first in the queue, never approved in bulk, and kept for the safeguarding team when
#: its author withdraws it or deletes the account.
WATCH_BAND = 1000
