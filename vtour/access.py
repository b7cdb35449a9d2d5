"""Who may change a served tour's sources (the notes API of ``vtour serve --sources``; the editor's too).

A request that only reads is always let through, as the tour's own files are. A request that
writes (POST, PUT, PATCH, DELETE) must pass three checks, in this order:

1. **Origin.** A browser names the page that sent a request in its ``Origin`` header; when there is
   one, it must be one of the server's origins (``host:port`` as :func:`vtour.serve.websocket_origins`
   lists them; a bare ``host`` stands for the default port of http or https). A page of another site
   open in the same browser (cross-site request forgery, or a DNS-rebinding name) is refused: 403.
2. **Token.** Off loopback every machine on the network can reach the server, so a write must carry
   the edit token in the header :data:`TOKEN_HEADER`, compared in constant time. A token is
   generated (``secrets.token_urlsafe``) when none is given; the served page reads it from its own
   address (``?token=...``), which ``vtour serve`` prints once. On loopback no token is needed
   unless one is given. Without it: 403. The editor (:mod:`vtour.edit.server`) also accepts it from
   its cookie :data:`TOKEN_COOKIE` or ``?token=`` (``carried``).
3. **JSON.** A write with a body must say ``Content-Type: application/json`` (the editor's uploads:
   ``application/octet-stream``, ``body_type``). An HTML form can post only ``text/plain``,
   form-urlencoded or multipart bodies without a preflight: 415.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from vtour.errors import VtourError

#: The request header that carries the edit token.
TOKEN_HEADER = "X-Vtour-Token"
#: The editor's other carriers of its token: the cookie its page request sets, and that request's query.
TOKEN_COOKIE = "vtour_edit_token"
TOKEN_QUERY = "token"
#: Methods that change nothing (never checked); and those that send a body (must be JSON).
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
BODY_METHODS = ("POST", "PUT", "PATCH")
#: A token given by the user: URL-safe (it travels in ``?token=``) and long enough not to be guessed.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,}$")


def is_loopback(address: str) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def check_token(token: str) -> str:
    """``token`` if it can serve as an edit token, else a :class:`VtourError`."""
    if not TOKEN.match(token):
        raise VtourError(
            "serve",
            "an edit token is at least 16 letters, digits, '-' or '_'",
            field="token",
            value="<hidden>",
            fix="leave --token out to get a generated one",
        )
    return token


def origin_allowed(origin: str, origins: Iterable[str]) -> bool:
    """True when the ``Origin`` header ``origin`` (``scheme://host[:port]``) is one of ``origins``
    (``host[:port]``; a bare host matches the scheme's default port)."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or parts.path or parts.query:
        return False
    effective = port if port is not None else (443 if parts.scheme == "https" else 80)
    for allowed in origins:
        name, _, wanted = allowed.lower().partition(":")
        if name == host and ((not wanted and port is None) or (wanted.isdigit() and int(wanted) == effective)):
            return True
    return False


@dataclass(frozen=True)
class Refusal:
    """Why a request may not write: its HTTP status and a one-line reason."""

    status: int
    reason: str


@dataclass
class EditAccess:
    """The edit policy of a server listening on ``address`` (see the module docstring).

    Parameters
    ----------
    address : str
        What the server listens on; any address but a loopback one needs a token.
    token : str, optional
        The edit token. Default: none on loopback, a generated one otherwise (``generated`` is
        then True: print it). A token given is required on loopback too.
    origins : host[:port] strings
        The server's origins; a write with an ``Origin`` header not among them is refused.
    """

    address: str
    token: str | None = None
    origins: tuple[str, ...] = ()
    generated: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.origins = tuple(self.origins)
        if self.token is not None:
            check_token(self.token)
        elif not is_loopback(self.address):
            self.token, self.generated = secrets.token_urlsafe(24), True

    @property
    def needs_token(self) -> bool:
        return self.token is not None

    def token_ok(self, headers: Mapping[str, str], carried: Iterable[str | None] = ()) -> bool:
        """True when no token is needed or ``headers`` carry the right one (or one of ``carried``
        is it: the token values a request carries elsewhere, the editor's cookie and ``?token=``)."""
        if self.token is None:
            return True
        return any(same_token(given, self.token) for given in (_header(headers, TOKEN_HEADER), *carried))

    def check(
        self,
        method: str,
        headers: Mapping[str, str],
        *,
        carried: Iterable[str | None] = (),
        body_type: str = "application/json",
    ) -> Refusal | None:
        """None when a request with ``method`` and ``headers`` may go on, else why not.

        ``carried``: token values the request carries besides the header (:meth:`token_ok`).
        ``body_type``: the Content-Type a body must have (the editor's uploads: raw bytes,
        ``application/octet-stream``, which a page of another site cannot send without a preflight either).
        """
        method = method.upper()
        if method in SAFE_METHODS:
            return None
        origin = _header(headers, "Origin")
        if origin is not None and not origin_allowed(origin, self.origins):
            return Refusal(
                403, f"a page from {origin[:80]!r} may not change this tour (only pages this server serves may)"
            )
        if not self.token_ok(headers, carried):
            return Refusal(
                403,
                f"changes need the edit token in the {TOKEN_HEADER} header: open the address with "
                "?token=... that vtour serve printed",
            )
        if method in BODY_METHODS:
            kind = (_header(headers, "Content-Type") or "").split(";")[0].strip().lower()
            if kind != body_type:
                return Refusal(415, f"the body must be sent as Content-Type: {body_type}, not {kind or 'none'!r}")
        return None


def same_token(given: str | None, token: str) -> bool:
    """True when ``given`` is ``token``, compared in constant time (None or "" is never a token)."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode())


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, whatever the case of its name (tornado's headers are case-insensitive
    already; a plain dict is not)."""
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
    return value


__all__ = [
    "BODY_METHODS",
    "SAFE_METHODS",
    "TOKEN_COOKIE",
    "TOKEN_HEADER",
    "TOKEN_QUERY",
    "EditAccess",
    "Refusal",
    "check_token",
    "is_loopback",
    "origin_allowed",
    "same_token",
]
