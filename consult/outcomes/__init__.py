"""The outcome of a consultation: what the meeting did with each theme, and what each participant is told of it."""
