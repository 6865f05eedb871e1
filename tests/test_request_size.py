"""A request too large to be an answer is refused politely, before it costs the server anything."""


def test_an_oversized_post_gets_a_translated_413(app, client, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user(locale="es"))
    huge = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(f"/consultations/{consultation.slug}/questions/1/responses",
                           data={"body": huge, "language": "en"})  # fmt: skip
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Too much text" not in page  # in the reader's language
    assert huge not in page
