"""Who sent a request: the one place that decides a client's address.

Login throttling (django-axes) and the mail limits count per client address, so the address
must be one a client cannot choose. Behind N trusted proxies, each proxy appends the address
it received the request from to X-Forwarded-For; whatever stands left of those N entries came
from the client and proves nothing. Without a trusted proxy the header is ignored entirely.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client, as the outermost trusted proxy (or the socket) saw it."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if not forwarded:
        # Not through the proxy (a health check from inside, say): the socket is all we know.
        return remote
    # With fewer entries than proxies, the request skipped the outer ones; the left-most entry
    # is then the farthest hop that a trusted proxy recorded.
    candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return candidate if is_ip_address(candidate) else remote


def is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
