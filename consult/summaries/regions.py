"""ITU regions, derived from a participant's country with the mapping kept in ``consult/data/itu_regions.csv``."""

from __future__ import annotations

import csv
from functools import cache

from flask_babel import lazy_gettext as _l

from ..config import PACKAGE_DIR

REGIONS_FILE = PACKAGE_DIR / "data" / "itu_regions.csv"
UNKNOWN = "unknown"
REGION_LABELS = {
    "africa": _l("Africa"),
    "americas": _l("Americas"),
    "arab_states": _l("Arab States"),
    "asia_pacific": _l("Asia & Pacific"),
    "cis": _l("CIS"),
    "europe": _l("Europe"),
    UNKNOWN: _l("Not known"),
}
REGIONS = tuple(REGION_LABELS)  # in the order ITU lists them, "not known" last


@cache
def region_by_country() -> dict[str, str]:
    with REGIONS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        mapping = {row["country"].strip().upper(): row["region"].strip() for row in rows}
    unknown = set(mapping.values()) - set(REGIONS)
    if unknown:
        raise ValueError(f"{REGIONS_FILE.name}: unknown regions {sorted(unknown)}")
    return mapping


def region_of(country: str | None) -> str:
    return region_by_country().get((country or "").upper(), UNKNOWN)


def region_label(code: str) -> str:
    return str(REGION_LABELS.get(code, code))
