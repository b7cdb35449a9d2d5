"""The editor's server: the token gate in front of every route, uploads, source files and downloads,
over real HTTP against servers in threads of this process (a trivial page instead of the editor's)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import json
import logging
import os
import re
import socket
import time
import warnings
from pathlib import Path

import pytest

from vtour.access import TOKEN_HEADER
from vtour.edit.server import FILE_API, MAX_UPLOAD_BYTES, UPLOAD_API, serve_editor, token_cookie, upload_name
from vtour.errors import VtourWarning
from vtour.serve import free_port
from vtour.site import BUNDLE

TOKEN = "correct-horse-battery-staple-42"
COMPONENT = "/components/panel/models/markup/Markdown.js"  # refused by the gate before Panel looks
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"


def trivial_page():
    import panel as pn

    return pn.pane.Markdown("the editor")


def make_tour(root: Path) -> tuple[Path, Path]:
    """(tour.yaml, build output) of a tour folder with one source image, an output with tour.json and
    one package beside it, and a secret outside the tour (what no route may serve)."""
    root.mkdir()
    (root / "tour.yaml").write_text("id: t\ntitle: {en: T}\nscenes: []\n", encoding="utf-8")
    (root / "panoramas").mkdir()
    (root / "panoramas" / "a.jpg").write_bytes(JPEG)
    out = root.parent / "export" / "t"
    out.mkdir(parents=True)
    (out / "tour.json").write_text('{"id": "t"}', encoding="utf-8")
    (root.parent / "export" / "t.packages").mkdir()
    (root.parent / "export" / "t.packages" / "t-web-20250101-000000.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    (root.parent / "secret.jpg").write_bytes(b"secret")
    return root / "tour.yaml", out


class Server:
    """A ``serve_editor`` in a thread; ``request`` talks to it over HTTP on 127.0.0.1."""

    def __init__(self, tour_yaml: Path, out: Path, address: str = "127.0.0.1", **options):
        self.port = free_port(address)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", VtourWarning)  # off loopback: the network may reach it
            self.thread = serve_editor(
                tour_yaml, port=self.port, address=address, out=out, threaded=True, app=trivial_page, **options
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """``(status, headers, body bytes)``."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=dict(headers or {}))
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def upload(self, folder: str, name: str, data: bytes = JPEG, headers: dict | None = None):
        """``(status, parsed JSON)`` of a PUT of ``data`` as ``folder/name``."""
        headers = {"Content-Type": "application/octet-stream", **(headers or {})}
        status, _, payload = self.request("PUT", f"/{UPLOAD_API}/{folder}/{name}", data, headers)
        return status, json.loads(payload)

    def stop(self):
        self.thread.stop()


@pytest.fixture(scope="module")
def gated(tmp_path_factory):
    """A loopback server with a token, and its tour folder."""
    tour_yaml, out = make_tour(tmp_path_factory.mktemp("gated") / "tour")
    server = Server(tour_yaml, out, token=TOKEN)
    server.root = tour_yaml.parent
    yield server
    server.stop()


@pytest.fixture(scope="module")
def open_server(tmp_path_factory):
    """A loopback server without a token, with a 4 KiB upload limit, and its tour folder."""
    tour_yaml, out = make_tour(tmp_path_factory.mktemp("open") / "tour")
    server = Server(tour_yaml, out, max_upload_bytes=4096)
    server.root = tour_yaml.parent
    yield server
    server.stop()


def gated_paths() -> list[str]:
    return [
        "/",
        "/static/js/bokeh.min.js",
        "/tour/tour.json",
        f"/vtour-viewer/{BUNDLE}",
        f"/{FILE_API}/panoramas/a.jpg",
        "/api/edit/download/t-web-20250101-000000.zip",
        COMPONENT,
        "/no/such/route",
    ]


WEBSOCKET = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
}


@pytest.mark.parametrize("path", gated_paths())
def test_every_route_refuses_a_request_without_the_token_in_one_line_of_text(gated, path):
    status, headers, body = gated.request("GET", path)
    assert status == 403
    assert headers["Content-Type"].startswith("text/plain")
    assert body.decode().count("\n") == 1 and "token" in body.decode()
    assert "Set-Cookie" not in headers


def test_writes_and_the_websocket_upgrade_without_the_token_are_refused_before_anything_runs(gated):
    status, _, _ = gated.request(
        "PUT", f"/{UPLOAD_API}/panoramas/b.jpg", JPEG, {"Content-Type": "application/octet-stream"}
    )
    assert status == 403
    assert sorted(p.name for p in (gated.root / "panoramas").iterdir()) == ["a.jpg"]
    for origin in (gated.origin, "http://evil.example"):
        assert gated.request("GET", "/ws", headers={**WEBSOCKET, "Origin": origin})[0] == 403


@pytest.mark.parametrize(
    "carrier",
    [
        lambda t, port: ("?token=" + t, {}),
        lambda t, port: ("", {"Cookie": f"{token_cookie(port)}={t}"}),
        lambda t, port: ("", {TOKEN_HEADER: t}),
    ],
    ids=["query", "cookie", "header"],
)
def test_the_token_in_the_query_the_cookie_or_the_header_opens_every_route_and_a_wrong_one_does_not(gated, carrier):
    for path in [p for p in gated_paths() if p not in ("/no/such/route", COMPONENT)]:
        query, headers = carrier(TOKEN, gated.port)
        status, _, _ = gated.request("GET", path + query, headers=headers)
        assert status == 200, path
        query, headers = carrier(TOKEN[:-1] + "x", gated.port)
        assert gated.request("GET", path + query, headers=headers)[0] == 403, path


def test_the_page_opened_with_the_token_sets_a_strict_http_only_cookie(gated):
    status, headers, body = gated.request("GET", f"/?token={TOKEN}")
    assert status == 200 and b"<html" in body.lower()
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"{token_cookie(gated.port)}={TOKEN};")  # one per port: editors side by side
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= {part.strip() for part in cookie.split(";")}
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in gated.request("GET", "/", headers={TOKEN_HEADER: TOKEN})[1]


def _websocket(port: int, session: str, headers: dict) -> int | None:
    """The HTTP status of a refused websocket (None when it opened), as a browser would connect."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    async def connect():
        request = HTTPRequest(f"ws://127.0.0.1:{port}/ws", headers=headers)
        try:
            ws = await websocket_connect(request, subprotocols=["bokeh", session])
        except HTTPClientError as exc:
            return exc.code
        ws.close()
        return None

    # in a thread of its own: a test run before this one (Playwright's sync API) may leave this thread's loop running
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, connect()).result(timeout=60)


def test_the_websocket_opens_with_the_cookie_the_page_set_and_not_without_it(gated):
    _, headers, body = gated.request("GET", f"/?token={TOKEN}")
    session = re.search(rb'"token":\s*"([^"]+)"', body)
    assert session, "the page names its Bokeh session token"
    cookie = headers["Set-Cookie"].split(";")[0]
    ok = {"Origin": gated.origin, "Cookie": cookie}
    assert _websocket(gated.port, session[1].decode(), ok) is None
    assert _websocket(gated.port, session[1].decode(), {"Origin": gated.origin}) == 403
    assert _websocket(gated.port, session[1].decode(), {**ok, "Origin": "http://evil.example"}) == 403


def test_on_loopback_without_a_token_there_is_no_gate(open_server):
    status, headers, _ = open_server.request("GET", "/")
    assert status == 200 and "Set-Cookie" not in headers
    assert open_server.request("GET", "/tour/tour.json")[0] == 200


def test_off_loopback_without_a_token_one_is_generated_logged_once_and_required(tmp_path, caplog):
    tour_yaml, out = make_tour(tmp_path / "tour")
    with caplog.at_level(logging.INFO, logger="vtour.edit.server"):
        server = Server(tour_yaml, out, address="0.0.0.0")
    try:
        lines = [r.getMessage() for r in caplog.records if "token=" in r.getMessage()]
        assert len(lines) == 1 and caplog.records[-1].levelno >= logging.INFO
        token = re.search(r"edit: open http://[^/]+:(\d+)/\?token=([A-Za-z0-9_-]{32})$", lines[0])
        assert token and int(token[1]) == server.port
        assert server.request("GET", "/")[0] == 403
        assert server.request("GET", f"/?token={token[2]}")[0] == 200
    finally:
        server.stop()


def test_uploads_never_overwrite_a_file(open_server):
    assert open_server.upload("panoramas", "x.jpg", b"first") == (201, {"path": "panoramas/x.jpg"})
    assert open_server.upload("panoramas", "x.jpg", b"second") == (201, {"path": "panoramas/x-2.jpg"})
    assert open_server.upload("panoramas", "X.JPG", b"third") == (201, {"path": "panoramas/X.jpg"})
    folder = open_server.root / "panoramas"
    assert (folder / "x.jpg").read_bytes() == b"first" and (folder / "x-2.jpg").read_bytes() == b"second"
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], "no temporary file left"


@pytest.mark.parametrize(
    ("name", "stored"),
    [("..%2Fup.jpg", "up.jpg"), ("../up2.jpg", "up2.jpg"), ("a/../../b.jpg", "b.jpg"), ("..%5C..%5Cw.png", "w.png")],
)
def test_a_name_that_climbs_out_is_cut_to_its_last_component(open_server, name, stored):
    status, payload = open_server.upload("images", name)
    assert status == 201 and payload["path"] == f"images/{stored}"
    assert (open_server.root / "images" / stored).read_bytes() == JPEG
    assert sorted(p.name for p in open_server.root.parent.iterdir()) == ["export", "secret.jpg", "tour"]


def test_a_name_with_a_nul_or_an_unknown_folder_is_a_400(open_server):
    assert open_server.request("PUT", f"/{UPLOAD_API}/images/a%00.jpg", JPEG)[0] == 400
    status, payload = open_server.upload("scripts", "a.jpg")
    assert status == 400 and "panoramas" in payload["error"]
    with pytest.raises(Exception, match="NUL"):
        upload_name("images", "a\x00.jpg")


def test_names_are_cut_to_id_safe_characters():
    assert upload_name("panoramas", "Main Hall (east).JPG") == "Main-Hall-east.jpg"
    assert upload_name("panoramas", "洞窟.jpg") == "panorama.jpg"
    assert upload_name("models", "statue_0.png") == "statue_0.png"


@pytest.mark.parametrize(("folder", "name"), [("panoramas", "x.exe"), ("panoramas", "statue.obj"), ("images", "x")])
def test_an_extension_the_folder_does_not_take_is_a_415(open_server, folder, name):
    status, payload = open_server.upload(folder, name)
    assert status == 415 and "convert" in payload["error"]


def test_an_upload_must_be_raw_bytes_from_a_page_of_this_server(open_server):
    status, payload = open_server.upload("images", "c.jpg", headers={"Content-Type": "text/plain"})
    assert status == 415 and "application/octet-stream" in payload["error"]
    status, payload = open_server.upload("images", "c.jpg", headers={"Origin": "http://evil.example"})
    assert status == 403 and "evil.example" in payload["error"]
    assert open_server.upload("images", "c.jpg", headers={"Origin": open_server.origin})[0] == 201


def _chunked_put(port: int, path: str, data: bytes) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("PUT", path)
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        for i in range(0, len(data), 1000):
            piece = data[i : i + 1000]
            conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
        conn.send(b"0\r\n\r\n")
        return conn.getresponse().status
    finally:
        conn.close()


def test_an_upload_over_the_limit_is_a_413_and_leaves_nothing_behind(open_server):
    folder = open_server.root / "models"
    folder.mkdir(exist_ok=True)
    before = sorted(os.listdir(folder))
    status, payload = open_server.upload("models", "big.glb", bytes(5000))
    assert status == 413 and "4096" in payload["error"]
    assert _chunked_put(open_server.port, f"/{UPLOAD_API}/models/big.glb", bytes(6000)) == 413
    time.sleep(0.2)  # the server ends the connection after answering
    assert sorted(os.listdir(folder)) == before
    assert _chunked_put(open_server.port, f"/{UPLOAD_API}/models/small.glb", bytes(3000)) == 201
    assert (folder / "small.glb").stat().st_size == 3000
    assert MAX_UPLOAD_BYTES == 2 << 30


def test_a_folder_linked_out_of_the_tour_is_refused(tmp_path):
    tour_yaml, out = make_tour(tmp_path / "tour")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (tour_yaml.parent / "images").symlink_to(outside)
    server = Server(tour_yaml, out)
    try:
        status, payload = server.upload("images", "x.jpg")
        assert status == 403 and "outside the tour's folder" in payload["error"]
        assert list(outside.iterdir()) == []
    finally:
        server.stop()


def test_the_file_route_serves_source_images_inside_the_tour_only(open_server):
    panoramas = open_server.root / "panoramas"
    (panoramas / "link.jpg").unlink(missing_ok=True)
    (panoramas / "link.jpg").symlink_to(open_server.root.parent / "secret.jpg")
    status, headers, body = open_server.request("GET", f"/{FILE_API}/panoramas/a.jpg")
    assert (status, body, headers["Content-Type"]) == (200, JPEG, "image/jpeg")
    for path in ["panoramas/link.jpg", "tour.yaml", "panoramas/missing.jpg", "..%2Fsecret.jpg", "../secret.jpg"]:
        assert open_server.request("GET", f"/{FILE_API}/{path}")[0] == 404, path


def test_the_download_route_serves_the_editors_packages_as_attachments(open_server):
    name = "t-web-20250101-000000.zip"
    status, headers, body = open_server.request("GET", f"/api/edit/download/{name}")
    assert status == 200 and body.startswith(b"PK")
    assert headers["Content-Disposition"] == f'attachment; filename="{name}"'
    for path in ["missing.zip", "..%2Ft%2Ftour.json", "..%2Fsecret.zip", "tour.json"]:
        assert open_server.request("GET", f"/api/edit/download/{path}")[0] == 404, path


def test_a_tour_not_built_yet_still_opens(tmp_path):
    tour_yaml, _ = make_tour(tmp_path / "tour")
    server = Server(tour_yaml, tmp_path / "not-built")
    try:
        assert server.request("GET", "/")[0] == 200
        assert server.request("GET", "/tour/tour.json")[0] == 404
    finally:
        server.stop()


def test_the_command_takes_the_token_from_the_environment_and_serves_on_loopback(monkeypatch):
    import argparse

    from vtour.commands import edit

    monkeypatch.setenv("VTOUR_TOKEN", TOKEN)
    parser = argparse.ArgumentParser()
    edit.register(parser.add_subparsers())
    args = parser.parse_args(["edit", "tour.yaml", "-o", "out", "--allow-origin", "proxy.example"])
    assert (args.tour, args.out, args.token, args.address, args.show) == ("tour.yaml", "out", TOKEN, "127.0.0.1", False)
    assert args.allow_origin == ["proxy.example"] and args.func is edit.run


def test_without_a_token_a_page_naming_another_host_is_refused(open_server):
    """On loopback with no token, a DNS-rebinding page (evil.example resolving to 127.0.0.1) reads nothing:
    every request must name the server's own address."""
    for path in ("/", "/tour/tour.json", f"/{FILE_API}/panoramas/a.jpg"):
        status, _, body = open_server.request("GET", path, headers={"Host": f"evil.example:{open_server.port}"})
        assert status == 403 and b"its own address" in body, path
    assert open_server.request("GET", "/", headers={"Host": f"localhost:{open_server.port}"})[0] == 200
    assert open_server.request("GET", "/")[0] == 200
