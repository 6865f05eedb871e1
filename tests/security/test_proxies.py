"""Behind a load balancer the limits key on the real client, and only when the proxy is trusted."""

from __future__ import annotations

import pytest

from consult.proxies import parse, wrap

BALANCER = "10.0.0.5"


def _login(client, n: int, remote: str, forwarded: str | None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/login", data={"username": f"nobody-{n}", "password": "wrong password 1"},
                       environ_base={"REMOTE_ADDR": remote}, headers=headers).status_code  # fmt: skip


@pytest.fixture
def limited(limited_app_with):
    def make(trusted):
        app = limited_app_with(LOGIN_LIMIT_PER_ADDRESS="3 per minute", LOGIN_LIMIT_PER_ACCOUNT="100 per minute",
                               TRUSTED_PROXIES=trusted)  # fmt: skip
        return app.test_client()

    return make


def test_untrusted_forwarding_headers_are_ignored(limited):
    """Without the setting, a client cannot choose its address by sending X-Forwarded-For itself."""
    client = limited(None)
    statuses = [_login(client, n, "198.51.100.7", f"203.0.113.{n}") for n in range(4)]
    assert statuses == [422, 422, 422, 429]


@pytest.mark.parametrize("trusted", [1, "10.0.0.0/8", "10.0.0.5, 192.0.2.0/24"])
def test_a_trusted_proxy_gives_every_client_its_own_limit(limited, trusted):
    client = limited(trusted)
    # A whole class behind one balancer is not limited as one person...
    assert [_login(client, n, BALANCER, f"203.0.113.{n}") for n in range(6)] == [422] * 6
    # ...while one client behind it still is.
    assert [_login(client, 10 + n, BALANCER, "198.51.100.9") for n in range(4)] == [422, 422, 422, 429]


def test_a_spoofed_header_from_outside_the_trusted_networks_is_ignored(limited):
    client = limited("10.0.0.0/8")
    statuses = [_login(client, n, "198.51.100.7", f"203.0.113.{n}, 10.0.0.9") for n in range(4)]
    assert statuses == [422, 422, 422, 429]


def _echo(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"{environ['REMOTE_ADDR']} {environ['wsgi.url_scheme']}".encode()]


def _call(app, remote: str, forwarded: str, proto: str = "https") -> str:
    environ = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded, "HTTP_X_FORWARDED_PROTO": proto,
               "wsgi.url_scheme": "http", "REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "x",
               "SERVER_PORT": "80"}  # fmt: skip
    return b"".join(app(environ, lambda *args: None)).decode()


def test_the_client_is_the_right_most_address_that_is_not_our_proxy():
    app = wrap(_echo, "10.0.0.0/8,192.0.2.1")
    assert _call(app, "10.0.0.5", "1.2.3.4, 203.0.113.8, 192.0.2.1, 10.0.0.7") == "203.0.113.8 https"
    assert _call(app, "198.51.100.1", "203.0.113.8") == "198.51.100.1 http"  # not through our proxy
    assert _call(app, "10.0.0.5", "not an address") == "10.0.0.5 https"
    assert wrap(_echo, None) is _echo


@pytest.mark.parametrize("bad", ["everyone", "10.0.0.0/33", "99"])
def test_a_mistyped_setting_stops_the_app(bad):
    with pytest.raises(RuntimeError, match="CONSULT_TRUSTED_PROXIES"):
        parse(bad)
