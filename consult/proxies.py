"""Behind a load balancer: the client's address from ``X-Forwarded-For``, but only from proxies we trust.

``CONSULT_TRUSTED_PROXIES`` is either a count (that many proxies in front of every request, as
Werkzeug's ProxyFix counts them) or a comma-separated list of addresses and networks. Unset, no
forwarding header is believed: an attacker who sends ``X-Forwarded-For`` himself must not choose the
address his rate limits are counted against. With networks, the client is the right-most address of
the chain that is not one of our proxies, and the request must itself come from one of them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse(setting) -> int | tuple[Network, ...]:
    """The setting as a count or as networks; a mistake stops the app rather than trusting everyone."""
    if setting in (None, "", 0, False):
        return 0
    if isinstance(setting, int) or (isinstance(setting, str) and setting.strip().isdigit()):
        count = int(setting)
        if not 0 <= count <= 10:
            raise RuntimeError("CONSULT_TRUSTED_PROXIES: a count between 0 and 10, or a list of networks.")
        return count
    items = setting if isinstance(setting, list | tuple) else str(setting).split(",")
    try:
        return tuple(ipaddress.ip_network(str(item).strip(), strict=False) for item in items if str(item).strip())
    except ValueError as error:
        raise RuntimeError(f"CONSULT_TRUSTED_PROXIES: {error}") from error


def _trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


class TrustedNetworks:
    """Rewrite REMOTE_ADDR (and the scheme) only for a request that arrives through our own proxies."""

    def __init__(self, app: Callable, networks: tuple[Network, ...]):
        self.app = app
        self.networks = networks

    def __call__(self, environ, start_response):
        if _trusted(environ.get("REMOTE_ADDR", ""), self.networks):
            chain = [hop.strip() for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
            while chain and _trusted(chain[-1], self.networks):
                chain.pop()
            if chain and _valid(chain[-1]):  # a garbled header leaves the proxy's own address
                environ["consult.proxy_addr"] = environ.get("REMOTE_ADDR")
                environ["REMOTE_ADDR"] = chain[-1]
            scheme = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if scheme in ("http", "https"):
                environ["wsgi.url_scheme"] = scheme
        return self.app(environ, start_response)


def wrap(wsgi_app: Callable, setting) -> Callable:
    trusted = parse(setting)
    if not trusted:
        return wsgi_app
    if isinstance(trusted, int):
        return ProxyFix(wsgi_app, x_for=trusted, x_proto=trusted)
    return TrustedNetworks(wsgi_app, trusted)
