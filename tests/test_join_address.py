"""The address the QR code and join URL offer phones (ui/join_address.py)."""

from __future__ import annotations

import socket

import pytest

from ui.join_address import JoinAddress, is_loopback, join_address, lan_ip

LAN = "192.168.1.20"


def test_fea_public_url_wins_over_everything():
    assert join_address("https://fea.example.dk/", "http://localhost:8501/", "127.0.0.1", None) == JoinAddress(
        "https://fea.example.dk", True
    )


@pytest.mark.parametrize("url", ["http://10.0.0.5:8501/screen?w=ABC", "https://fea.kommune.dk/screen", "http://laptop.local:8501/"])
def test_an_address_other_than_the_machine_itself_is_offered_as_the_browser_uses_it(url):
    base = url.split("/screen")[0].rstrip("/")
    assert join_address(None, url, None, LAN) == JoinAddress(base, True)


@pytest.mark.parametrize("url", ["http://localhost:8501/screen", "http://127.0.0.1:8501/", "http://[::1]:8501/",
                                 "http://127.1.2.3:8501/", "http://app.localhost:8501/", "http://LOCALHOST:8501/"])
def test_a_browser_on_the_machine_itself_gets_the_machines_network_address_with_its_port(url):
    assert join_address(None, url, None, LAN) == JoinAddress(f"http://{LAN}:8501", True)


def test_a_loopback_url_without_a_port_keeps_having_none():
    assert join_address(None, "https://localhost/screen", "", LAN) == JoinAddress(f"https://{LAN}", True)


def test_without_a_network_address_the_loopback_address_is_offered_as_unreachable():
    assert join_address(None, "http://localhost:8501/", None, None) == JoinAddress("http://localhost:8501", False)


@pytest.mark.parametrize("listen", ["127.0.0.1", "localhost", "::1"])
def test_a_server_listening_on_loopback_only_offers_no_network_address_and_says_phones_cannot_reach_it(listen):
    assert join_address(None, "http://localhost:8501/", listen, LAN) == JoinAddress("http://localhost:8501", False)


def test_a_server_listening_on_every_interface_offers_its_network_address():
    assert join_address(None, "http://localhost:8501/", "0.0.0.0", LAN).reachable


def test_no_url_at_all_counts_as_the_machine_itself():
    assert join_address(None, None, None, LAN) == JoinAddress(f"http://{LAN}:8501", True)


@pytest.mark.parametrize(("host", "loopback"), [("localhost", True), ("127.0.0.1", True), ("::1", True), ("[::1]", True),
                                                (None, True), ("192.168.1.20", False), ("fea.example.dk", False),
                                                ("localhost.example.dk", False), ("0.0.0.0", False)])
def test_loopback_names_and_addresses(host, loopback):
    assert is_loopback(host) is loopback


class _Probe:
    """A stand-in UDP socket: records what it was asked, sends nothing."""

    sent = []

    def __init__(self, address=None, fail=False):
        self.address, self.fail = address, fail

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def connect(self, target):
        if self.fail:
            raise OSError("Network is unreachable")
        self.target = target

    def getsockname(self):
        return (self.address, 40000)

    def send(self, data):  # pragma: no cover - lan_ip must never call it
        _Probe.sent.append(data)


@pytest.mark.parametrize(("found", "expected"), [("192.168.1.20", "192.168.1.20"), ("127.0.0.1", None), ("0.0.0.0", None)])
def test_lan_ip_asks_the_kernel_for_the_route_and_sends_nothing(monkeypatch, found, expected):
    monkeypatch.setattr(socket, "socket", lambda *args: _Probe(found))
    assert lan_ip() == expected
    assert _Probe.sent == []


def test_lan_ip_is_none_without_any_network(monkeypatch):
    monkeypatch.setattr(socket, "socket", lambda *args: _Probe(fail=True))
    assert lan_ip() is None


def test_lan_ip_on_this_machine_is_an_address_phones_could_use_or_none():
    found = lan_ip()
    assert found is None or not is_loopback(found)
