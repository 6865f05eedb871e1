"""Warning signs a young person gives before or around self-harm, abuse or coercion, in every language.

The sentences are written for this test, not taken from the corpus: goodbye letters, giving things
away, looking up a method, "I won't be around much longer", hurting oneself until it bleeds, being
hit with a belt or locked out overnight, threats against the family if the child tells. Beside them,
hard negatives with the same words (policy talk, news, essays, hyperbolic jokes) that must stay out.
"""

from __future__ import annotations

import pytest

from consult.moderation.screening import screen


def _flagged(text: str, lang: str) -> bool:
    return "safeguarding" in screen(text, lang).flags


# A phrase whose first word runs into a parenthesis ("i('m| am) not safe at home") is tried only in
# texts holding a word it requires; that word was once the longest of the phrase, alternatives
# included, so "i'm scared to go home" needed "frightened" in the text to be found.
@pytest.mark.parametrize(
    "text",
    ["i'm scared to go home", "i'm not safe at home", "i've been cutting again", "I'm afraid of my stepdad"],
)
def test_a_phrase_starting_with_alternatives_is_found_without_its_longest_alternative(text):
    assert _flagged(text, "en")
