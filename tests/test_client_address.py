"""One function decides a request's client address: the socket's, or the address the
outermost trusted proxy appended to X-Forwarded-For, never one the client wrote itself."""

import pytest
from django.test import RequestFactory

from jobsite.clients import client_address


def request_from(remote, forwarded=None):
    headers = {} if forwarded is None else {"X-Forwarded-For": forwarded}
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


@pytest.mark.parametrize("forwarded", [None, "203.0.113.7", "203.0.113.7, 198.51.100.1"])
def test_without_trusted_proxies_the_socket_address_counts_and_the_header_is_ignored(
    settings, forwarded
):
    settings.TRUSTED_PROXIES = 0

    assert client_address(request_from("192.0.2.10", forwarded)) == "192.0.2.10"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client"),
    [
        # The proxy appended the address it saw.
        (1, "203.0.113.7", "203.0.113.7"),
        # The client sent its own header through the proxy: the proxy's entry is right-most.
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6,1.2.3.4,   203.0.113.7", "203.0.113.7"),
        # Two proxies: the outer one's entry is second from the right.
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7, 10.0.0.2", "203.0.113.7"),
        # Fewer entries than proxies: the farthest hop a proxy recorded.
        (2, "203.0.113.7", "203.0.113.7"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_trusted_proxies_the_address_the_outermost_one_appended_counts(
    settings, proxies, forwarded, client
):
    settings.TRUSTED_PROXIES = proxies

    assert client_address(request_from("10.0.0.1", forwarded)) == client


@pytest.mark.parametrize("forwarded", [None, "", " , ", "not-an-address", "203.0.113.7, junk"])
def test_behind_a_proxy_a_missing_or_garbled_header_falls_back_to_the_socket(settings, forwarded):
    settings.TRUSTED_PROXIES = 1

    assert client_address(request_from("10.0.0.1", forwarded)) == "10.0.0.1"
