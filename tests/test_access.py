"""vtour.access: writes need the server's origin, the token off loopback, and a JSON body; reads never."""

from __future__ import annotations

import pytest

from vtour.access import TOKEN_HEADER, EditAccess, Refusal, check_token, is_loopback, origin_allowed
from vtour.errors import VtourError

ORIGINS = ("127.0.0.1:5006", "localhost:5006", "tours.example.org")
JSON = {"Content-Type": "application/json"}


def test_loopback_addresses_are_told_from_the_others():
    assert all(map(is_loopback, ["127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "", "::", "192.168.1.20", "example.org", "10.0.0.1"]))


def test_on_loopback_no_token_is_made_or_needed():
    access = EditAccess("127.0.0.1", origins=ORIGINS)
    assert access.token is None and not access.generated and not access.needs_token
    assert access.check("POST", JSON) is None
    assert access.check("DELETE", {}) is None


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.20", "::", ""])
def test_off_loopback_a_token_is_generated_and_every_write_needs_it(address):
    access = EditAccess(address, origins=ORIGINS)
    assert access.generated and access.needs_token and len(access.token) >= 32
    assert EditAccess(address).token != access.token, "a fresh token per server"
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        refusal = access.check(method, JSON)
        assert refusal is not None and refusal.status == 403 and TOKEN_HEADER in refusal.reason
        assert access.check(method, JSON | {TOKEN_HEADER: access.token[:-1] + "!"}).status == 403
        assert access.check(method, JSON | {TOKEN_HEADER: access.token}) is None
        assert access.check(method, JSON | {TOKEN_HEADER.lower(): access.token}) is None  # any case
    assert access.check("GET", {}) is None and access.check("HEAD", {}) is None


def test_a_token_given_is_kept_and_required_even_on_loopback():
    token = "correct-horse-battery-staple"
    access = EditAccess("127.0.0.1", token, ORIGINS)
    assert access.token == token and not access.generated
    assert access.check("POST", JSON).status == 403
    assert access.check("POST", JSON | {TOKEN_HEADER: token}) is None


@pytest.mark.parametrize("token", ["short", "has space in it here", "x" * 15, "tok?en=aaaaaaaaaaaaaaa", ""])
def test_a_weak_or_unsafe_token_is_refused_without_echoing_it(token):
    with pytest.raises(VtourError) as caught:
        check_token(token)
    assert caught.value.field == "token" and (not token or token not in str(caught.value))
    assert "leave --token out" in caught.value.fix


@pytest.mark.parametrize(
    ("origin", "ok"),
    [
        ("http://127.0.0.1:5006", True),
        ("http://LOCALHOST:5006", True),
        ("https://tours.example.org", True),  # a bare host: the scheme's default port
        ("http://tours.example.org", True),
        ("http://tours.example.org:8080", False),
        ("http://127.0.0.1:5007", False),
        ("http://127.0.0.1", False),
        ("http://evil.example", False),
        ("http://127.0.0.1.evil.example:5006", False),
        ("null", False),
        ("file://", False),
        ("http://127.0.0.1:5006/path", False),
        ("http://127.0.0.1:99999", False),
    ],
)
def test_an_origin_matches_only_the_servers_own(origin, ok):
    assert origin_allowed(origin, ORIGINS) is ok


def test_a_write_from_a_foreign_page_is_refused_even_with_the_token():
    access = EditAccess("0.0.0.0", origins=ORIGINS)
    refusal = access.check("POST", JSON | {"Origin": "http://evil.example", TOKEN_HEADER: access.token})
    assert refusal == Refusal(403, refusal.reason) and "http://evil.example" in refusal.reason
    assert access.check("POST", JSON | {"Origin": "http://localhost:5006", TOKEN_HEADER: access.token}) is None


@pytest.mark.parametrize(
    "kind", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]
)
def test_a_body_that_is_not_json_is_415_a_form_cannot_post_a_note(kind):
    access = EditAccess("127.0.0.1", origins=ORIGINS)
    headers = {"Content-Type": kind} if kind else {}
    for method in ("POST", "PUT"):
        assert access.check(method, headers).status == 415
    assert access.check("POST", {"Content-Type": "application/json; charset=utf-8"}) is None
    assert access.check("DELETE", headers) is None  # no body to check


def test_the_origin_is_checked_before_the_token_and_the_type():
    access = EditAccess("0.0.0.0", origins=ORIGINS)
    assert "page from" in access.check("POST", {"Origin": "http://evil.example"}).reason
    assert access.check("POST", {"Content-Type": "text/plain"}).status == 403
