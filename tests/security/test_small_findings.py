"""The probe's small findings: drafts kept from moderators, one charset per download."""

from __future__ import annotations

import pytest
from test_authorization_map import world  # noqa: F401 - a fixture

from consult.models import ConsultationStatus, Role
from consult.summaries.formats import FORMATS, Kind


def test_moderators_never_see_a_draft_consultation(client, login, make_user, make_consultation):
    draft = make_consultation(status=ConsultationStatus.DRAFT, title="Secret plans for the next consultation")
    published = make_consultation(open=True, title="Open consultation on safer apps")
    login(make_user(Role.MODERATOR))

    index = client.get("/moderation/").text
    assert "Open consultation on safer apps" in index
    assert "Secret plans" not in index
    for path in (f"/moderation/consultations/{draft.slug}", f"/moderation/consultations/{draft.slug}/audit",
                 f"/moderation/consultations/{draft.slug}/dashboard"):  # fmt: skip
        assert client.get(path).status_code == 404, path
    assert client.get(f"/moderation/consultations/{published.slug}").status_code == 200


def test_the_secretariat_still_sees_its_drafts(client, login, make_user, make_consultation):
    make_consultation(status=ConsultationStatus.DRAFT, title="Secret plans for the next consultation")
    login(make_user(Role.SECRETARIAT))
    assert "Secret plans" in client.get("/secretariat/").text


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_download_names_its_charset_once(client, login, world, name):  # noqa: F811
    output = FORMATS[name]
    if output.kind is Kind.DATA:
        response = client.get(f"/archive/{world.summarised_slug}/data.{output.extension}")
    else:
        path = f"/archive/{world.summarised_slug}/v1/document.{output.extension}"
        client.get(path)  # asks the job that renders it (at once, in the tests): the next request is served
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    content_type = response.headers["Content-Type"]
    assert content_type.count("charset") <= 1, content_type
    assert content_type.split(";")[0] == output.media_type.split(";")[0]


def test_the_audit_csv_names_its_charset_once(client, login, world):  # noqa: F811
    login(world.users["moderator"])
    response = client.get(f"/moderation/consultations/{world.open_slug}/audit.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].count("charset") == 1
