"""Ids and numbers a probe can send: too large, negative or zero never reach the database as a crash.

The walk fills every integer argument of every route with 0, -1, 2**63 and 10**20 (and the pages'
numeric query parameters with huge values) as each kind of user, on both databases: no answer is a 5xx,
and anything under /api/ answers in JSON.
"""

from __future__ import annotations

import pytest
from test_authorization_map import IDENTITIES, LAST, _values, world  # noqa: F401 - world is a fixture
from werkzeug.routing import IntegerConverter

HOSTILE = ("0", "-1", str(2**63), str(10**20))
QUERIES = ("page", "after", "before", "per_page")


def _hostile_paths(app, world) -> list[tuple[str, str, str]]:  # noqa: F811
    paths = []
    for rule in app.url_map.iter_rules():
        numeric = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        if not numeric or (rule.endpoint, "GET") in LAST:
            continue
        values = {name: str(value) for name, value in _values(rule.endpoint, world).items()}
        for name in numeric:
            for hostile in HOSTILE:
                filled = {**values, name: hostile}
                path = "".join(filled[part] if is_dynamic else part for is_dynamic, part in rule._trace[1:])
                for method in ("GET", "POST"):
                    if method in rule.methods and (rule.endpoint, method) not in LAST:
                        paths.append((rule.endpoint, method, path))
    return paths


@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_integer_in_a_url_crashes_a_route(app, client, login, world, identity):  # noqa: F811
    if identity != "anonymous":
        login(world.users[identity])
    paths = _hostile_paths(app, world)
    assert len(paths) > 40, "the walk should cover every route with an id"
    crashed = []
    for endpoint, method, path in paths:
        response = client.open(path, method=method, data={} if method == "POST" else None)
        if response.status_code >= 500:
            crashed.append(f"{method} {path} ({endpoint}): {response.status_code}")
        if path.startswith("/api/") and response.status_code >= 400:
            assert response.is_json, f"{path} answered {response.content_type}"
        response.close()
    assert crashed == []


def test_an_id_beyond_the_database_range_is_not_found(client, world):  # noqa: F811
    for number in ("99999999999999999999", "2147483648"):
        path = f"/archive/{world.summarised_slug}/v{number}"
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("identity", ("anonymous", "moderator", "safeguarder"))
def test_no_numeric_query_parameter_crashes_a_page(app, client, login, world, identity):  # noqa: F811
    if identity != "anonymous":
        login(world.users[identity])
    pages = [f"/consultations/{world.open_slug}", f"/api/v1/consultations/{world.open_slug}/responses",
             f"/moderation/{world.open_slug}/", f"/moderation/{world.open_slug}/audit", "/safeguarding/"]  # fmt: skip
    crashed = []
    for page in pages:
        for name in QUERIES:
            for hostile in (*HOSTILE, "9" * 18, "²", "1e9", ""):
                response = client.get(page, query_string={name: hostile})
                if response.status_code >= 500:
                    crashed.append(f"{page}?{name}={hostile}: {response.status_code}")
    assert crashed == []


def test_api_errors_are_json_even_when_no_route_matches(client):
    for path in ("/api/v1/nothing-here", "/api/v1/consultations/x/summaries/99999999999999999999"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.get_json() == {"error": {"status": 404, "message": "Not Found"}}
