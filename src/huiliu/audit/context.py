"""Where the current request comes from, for the audit rows written while serving it.

Behind a reverse proxy every request arrives from the proxy. The proxies listed in
HUILIU_TRUSTED_PROXIES (addresses or networks) are believed about who they forward
for: the client is the right-most X-Forwarded-For entry that is not itself a trusted
proxy. Nobody else is believed, so a client cannot choose its own address by sending
the header (and so escape the public pages' rate limits or blur the audit trail).
"""

import contextvars
import ipaddress

from django.conf import settings

client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_of(meta: dict) -> str:
    """The client's address: the peer of the connection, or whom a trusted proxy forwarded for."""
    remote = meta.get("REMOTE_ADDR", "")
    networks = [ipaddress.ip_network(entry.strip(), strict=False)
                for entry in getattr(settings, "HUILIU_TRUSTED_PROXIES", ()) if entry.strip()]
    if not networks or not _trusted(remote, networks):
        return remote
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = hop.strip()
        if not hop:
            continue
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a garbled header names nobody: keep the proxy's own address
    return remote


def client_of_request(request) -> str:
    """The client of the request being served: as the middleware saw it, else as its headers tell."""
    return client_address.get() or client_of(request.META)


class AuditContextMiddleware:
    """Remember the client address of each request for the actions it calls."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(client_of(request.META))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
