"""The notes API of ``vtour serve --sources``: real servers over a small built tour with one model.

Notes are saved beside the tour.yaml, survive a restart, never lose a note to a concurrent save or a
stale edit, and only pages of the server (with the token off loopback) may write, as JSON."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import warnings
from pathlib import Path

import pytest
from data_paths import require
from test_notes import note, tour_with_model
from tour_helpers import tree_bytes

from vtour.access import TOKEN_HEADER
from vtour.errors import VtourWarning
from vtour.notes import read_history, read_page
from vtour.serve import MAX_NOTE_BYTES, NOTES_API, free_port, serve_tour
from vtour.site import DIST, MODEL_BUNDLE

API = f"/{NOTES_API}"


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    """(sources folder, built tour folder) of a tour with one model, ``m``."""
    require(DIST / MODEL_BUNDLE, "the viewer bundle", "npm run build, or make setup")
    from vtour.tour.build import build_tour

    root = tmp_path_factory.mktemp("notes")
    path = tour_with_model(root)
    return root, build_tour(path, root / "out", jobs=1).out_dir


class Server:
    """A ``serve_tour`` in a thread of this process; ``request`` talks to it over HTTP."""

    def __init__(self, built: Path, address: str = "127.0.0.1", **options):
        self.port = free_port(address)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", VtourWarning)  # off loopback: the network may reach it
            self.thread = serve_tour(built, port=self.port, address=address, threaded=True, **options)
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def request(self, method: str, path: str, body=None, headers=None, *, raw: bytes | None = None):
        """``(status, headers, parsed JSON or None)``; a dict body is sent as JSON."""
        headers = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            is_json = (response.headers.get("Content-Type") or "").startswith("application/json")
            return response.status, response.headers, json.loads(payload) if is_json else payload or None
        finally:
            conn.close()

    def stop(self):
        self.thread.stop()


@pytest.fixture(scope="module")
def served(tour):
    root, built = tour
    server = Server(built, sources=root / "tour.yaml")
    yield server
    server.stop()


@pytest.fixture
def clean(tour):
    """The sources without notes before and after a test."""

    def wipe():
        for p in (tour[0] / "notes").glob("*"):
            p.unlink()

    wipe()
    yield tour[0]
    wipe()


def test_a_note_round_trips_through_the_api_into_the_sources(served, clean):
    status, _, page = served.request("GET", f"{API}/m")
    assert status == 200 and page == {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationPage",
        "items": [],
    }
    status, headers, a = served.request("POST", f"{API}/m", note(model="m"))
    uuid = a["id"].removeprefix("urn:uuid:")
    assert status == 201 and headers["Location"] == f"{API}/m/{uuid}"
    assert a["created"] == a["modified"] and a["body"][1]["value"] == "Hairline crack"
    assert served.request("GET", f"{API}/m")[2]["items"] == [a]
    assert served.request("GET", f"{API}/m/{uuid}")[2] == a
    status, _, b = served.request(
        "PUT", f"{API}/m/{uuid}", note("loss", "Flaking", model="m"), {"If-Match": a["modified"]}
    )
    assert status == 200 and b["body"][0]["value"] == "loss" and b["modified"] > a["modified"]
    assert read_page(clean / "notes" / "m.json")["items"] == [b]
    status, _, nothing = served.request("DELETE", f"{API}/m/{uuid}", headers={"If-Match": b["modified"]})
    assert (status, nothing) == (204, None)
    assert served.request("GET", f"{API}/m")[2]["items"] == []
    assert served.request("GET", f"{API}/m/{uuid}")[0] == 404


def test_the_index_names_the_models_and_whether_this_page_may_edit(served):
    status, headers, index = served.request("GET", API)
    assert status == 200 and index == {"models": ["m"], "tokenRequired": False, "edit": True}
    assert headers["Cache-Control"] == "no-store"


def test_a_note_survives_a_restart_and_the_bak_holds_the_previous_file(tour, clean):
    root, built = tour
    first = Server(built, sources=root / "tour.yaml")
    try:
        a = first.request("POST", f"{API}/m", note(model="m"))[2]
        before = (root / "notes" / "m.json").read_bytes()
        b = first.request("POST", f"{API}/m", note("deposit", "Salt crust", model="m"))[2]
    finally:
        first.stop()
    assert (root / "notes" / "m.json.bak").read_bytes() == before
    second = Server(built, sources=root / "tour.yaml")
    try:
        assert second.request("GET", f"{API}/m")[2]["items"] == [a, b]
    finally:
        second.stop()


def test_two_tabs_saving_notes_from_the_same_page_keep_both(served, clean):
    page_a = served.request("GET", f"{API}/m")[2]
    page_b = served.request("GET", f"{API}/m")[2]
    assert page_a == page_b  # both tabs opened before either saved
    a = served.request("POST", f"{API}/m", note(text="tab A", model="m"))[2]
    b = served.request("POST", f"{API}/m", note(text="tab B", model="m"))[2]
    assert served.request("GET", f"{API}/m")[2]["items"] == [a, b]


def test_concurrent_saves_through_two_servers_on_one_sources_all_survive(tour, served, clean):
    """Two servers (each its own store and thread lock) share only the file lock."""
    root, built = tour
    other = Server(built, sources=root / "tour.yaml")
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def save(server, i):
        barrier.wait()
        for j in range(4):
            statuses.append(server.request("POST", f"{API}/m", note(text=f"{i}.{j}", model="m"))[0])

    try:
        threads = [threading.Thread(target=save, args=((served, other)[i % 2], i)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        other.stop()
    assert statuses == [201] * 24
    texts = sorted(n["body"][1]["value"] for n in served.request("GET", f"{API}/m")[2]["items"])
    assert texts == sorted(f"{i}.{j}" for i in range(6) for j in range(4))


def test_a_stale_put_is_409_with_the_current_note_and_loses_nothing(served, clean):
    a = served.request("POST", f"{API}/m", note(model="m"))[2]
    uuid = a["id"].removeprefix("urn:uuid:")
    mine = served.request("PUT", f"{API}/m/{uuid}", note(text="mine", model="m"), {"If-Match": a["modified"]})[2]
    before = (clean / "notes" / "m.json").read_bytes()
    status, _, reply = served.request(
        "PUT", f"{API}/m/{uuid}", note(text="theirs", model="m"), {"If-Match": f'"{a["modified"]}"'}
    )
    assert status == 409 and reply["current"] == mine and "changed since" in reply["error"]
    assert (clean / "notes" / "m.json").read_bytes() == before
    status, _, reply = served.request("PUT", f"{API}/m/{uuid}", note(model="m"))
    assert status == 428 and "If-Match" in reply["error"]
    status, _, reply = served.request("DELETE", f"{API}/m/{uuid}", headers={"If-Match": a["modified"]})
    assert status == 409 and (clean / "notes" / "m.json").read_bytes() == before
    status, _, reply = served.request("DELETE", f"{API}/m/{uuid}")
    assert status == 428 and "a deletion needs the If-Match header" in reply["error"]
    assert (clean / "notes" / "m.json").read_bytes() == before
    assert served.request("DELETE", f"{API}/m/{uuid}", headers={"If-Match": mine["modified"]})[0] == 204
    status, _, reply = served.request("PUT", f"{API}/m/{uuid}", note(model="m"), {"If-Match": mine["modified"]})
    assert status == 404 and "deleted" in reply["error"]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"{not json", "not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)"),
        (b"\xff\xfe", "the body is not UTF-8 text"),
        (b"[1, 2]", "a note must be a JSON object"),
        (b"[" * 100 + b"]" * 100, "nested more than 64 levels deep"),
        (json.dumps(note("scratch", model="m")).encode(), "body[0].value='scratch': a note's type is one of crack"),
        (json.dumps(note(model="other")).encode(), "target.source.id='models/other': the note is not on this model"),
        (json.dumps(note(model="m") | {"id": "urn:uuid:1"}).encode(), "id='urn:uuid:1'"),
    ],
)
def test_bad_json_or_a_bad_note_is_400_with_a_one_line_reason(served, clean, raw, words):
    status, _, reply = served.request("POST", f"{API}/m", raw=raw, headers={"Content-Type": "application/json"})
    assert status == 400 and words in reply["error"] and "\n" not in reply["error"]
    assert not (clean / "notes" / "m.json").exists()


def raw_exchange(port: int, head: bytes, chunks=()) -> bytes:
    """Send a request's head, then ``chunks`` (whatever the server does meanwhile); return what the
    server answers before it closes the connection (the test fails on a server that waits for more).

    A server that refuses a body closes the connection with part of it unread, so the kernel resets it:
    sending then fails (EPIPE, ECONNRESET) and reading ends in ECONNRESET after the answer already
    received, which Linux still hands over. Both end the exchange; the answer is what counts."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        try:
            s.sendall(head)
            for chunk in chunks:
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while data := s.recv(65536):
                answer += data
        except ConnectionResetError:
            pass
        return answer


def test_an_oversized_body_is_413(served, clean):
    big = json.dumps(note(model="m") | {"motivation": "commenting"}).encode()
    big = big[:-1] + b', "padding": "' + b"x" * (1 << 20) + b'"}'
    head = (
        f"POST {API}/m HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(big)}\r\n\r\n"
    ).encode()
    answer = raw_exchange(served.port, head, [big])
    assert answer.startswith(b"HTTP/1.1 413 ") and b"send one note at a time" in answer
    assert not (clean / "notes" / "m.json").exists()


def test_a_body_announced_over_the_limit_is_refused_before_it_is_sent(served, clean):
    """Refused on its Content-Length alone: the server answers 413 and closes without waiting for (and
    buffering) the 50 MB it was promised, none of which is ever sent."""
    head = (
        f"POST {API}/m HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {50 * MAX_NOTE_BYTES}\r\n\r\n"
    ).encode()
    answer = raw_exchange(served.port, head)
    assert answer.startswith(b"HTTP/1.1 413 ") and b"send one note at a time" in answer
    assert not (clean / "notes" / "m.json").exists()


def test_a_chunked_body_is_cut_off_at_the_limit(served, clean):
    """No Content-Length: the server counts the chunks as they come and answers 413 once they pass the limit,
    without the end of the body (the last, empty chunk) ever being sent."""
    head = (
        f"POST {API}/m HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    size = 1 << 16
    chunks = [b"%x\r\n" % size + b"x" * size + b"\r\n"] * (MAX_NOTE_BYTES // size + 1)
    answer = raw_exchange(served.port, head, chunks)
    assert answer.startswith(b"HTTP/1.1 413 ") and b"send one note at a time" in answer
    # a chunked note under the limit is read as any other
    body = json.dumps(note(model="m")).encode()
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        conn.request("POST", f"{API}/m", body=iter([body[:100], body[100:]]),
                     headers={"Content-Type": "application/json"}, encode_chunked=True)  # fmt: skip
        response = conn.getresponse()
        assert response.status == 201 and json.loads(response.read())["body"][1]["value"] == "Hairline crack"
    finally:
        conn.close()


def test_every_version_a_request_replaces_or_deletes_is_in_the_history(served, clean):
    a = served.request("POST", f"{API}/m", note(text="one", model="m"))[2]
    uuid = a["id"].removeprefix("urn:uuid:")
    b = served.request("PUT", f"{API}/m/{uuid}", note(text="two", model="m"), {"If-Match": a["modified"]})[2]
    assert served.request("DELETE", f"{API}/m/{uuid}", headers={"If-Match": b["modified"]})[0] == 204
    entries = read_history(clean / "notes" / "m.history.jsonl")
    assert [(e["action"], e["note"]) for e in entries] == [("update", a), ("delete", b)]


def test_an_unknown_model_is_404_and_traversal_in_a_model_or_note_id_is_refused(served, clean, tour):
    root = tour[0]
    status, _, reply = served.request("GET", f"{API}/ghost")
    assert status == 404 and "use one of m" in reply["error"]
    assert served.request("POST", f"{API}/ghost", note(model="ghost"))[0] == 404
    before = tree_bytes(root)
    for path in (
        f"{API}/..%2Ftour.yaml",
        f"{API}/%2e%2e",
        f"{API}/..%2F..%2Fetc%2Fpasswd",
        f"{API}/m%2F..%2F..",
        f"{API}/m.json",
        f"{API}/%00",
    ):
        assert served.request("GET", path)[0] in (400, 404), path
        assert served.request("POST", path, note(model="m"))[0] in (400, 404), path
    for uuid in ("..%2F..%2Ftour.yaml", "%2e%2e", "not-a-uuid", "urn:uuid:..%2F"):
        status, _, reply = served.request("PUT", f"{API}/m/{uuid}", note(model="m"), {"If-Match": "x"})
        assert status == 400 and "a note's id is a UUID" in reply["error"], uuid
        assert served.request("DELETE", f"{API}/m/{uuid}", headers={"If-Match": "x"})[0] == 400
    assert tree_bytes(root) == before


def test_a_write_from_a_foreign_origin_is_403_and_a_form_post_is_415(served, clean):
    status, _, reply = served.request("POST", f"{API}/m", note(model="m"), {"Origin": "http://evil.example"})
    assert status == 403 and "evil.example" in reply["error"]
    own = {"Origin": f"http://localhost:{served.port}"}
    form = json.dumps(note(model="m")).encode()
    status, _, reply = served.request("POST", f"{API}/m", raw=form, headers=own | {"Content-Type": "text/plain"})
    assert status == 415 and "application/json" in reply["error"]
    assert not (clean / "notes" / "m.json").exists()
    assert served.request("POST", f"{API}/m", note(model="m"), own)[0] == 201


def test_off_loopback_every_write_needs_the_token(tour, clean, caplog):
    root, built = tour
    with caplog.at_level("WARNING", logger="vtour.serve"):
        server = Server(built, address="0.0.0.0", sources=root / "tour.yaml")
    try:
        lines = [r.getMessage() for r in caplog.records if "?token=" in r.getMessage()]
        assert len(lines) == 1 and lines[0].startswith("serve: notes can be edited from http://")
        token = lines[0].rsplit("?token=", 1)[1]
        assert server.request("GET", API)[2] == {"models": ["m"], "tokenRequired": True, "edit": False}
        assert server.request("GET", f"{API}/m")[0] == 200  # reading needs no token
        status, _, reply = server.request("POST", f"{API}/m", note(model="m"))
        assert status == 403 and TOKEN_HEADER in reply["error"]
        assert server.request("POST", f"{API}/m", note(model="m"), {TOKEN_HEADER: "x" * 32})[0] == 403
        assert not (clean / "notes" / "m.json").exists()
        good = {TOKEN_HEADER: token}
        status, _, a = server.request("POST", f"{API}/m", note(model="m"), good)
        assert status == 201
        uuid = a["id"].removeprefix("urn:uuid:")
        edit = note(text="edited", model="m")
        assert server.request("PUT", f"{API}/m/{uuid}", edit, {"If-Match": a["modified"]})[0] == 403
        assert server.request("DELETE", f"{API}/m/{uuid}", headers={"If-Match": a["modified"]})[0] == 403
        assert server.request("GET", API, headers=good)[2]["edit"] is True
        status, _, b = server.request("PUT", f"{API}/m/{uuid}", edit, good | {"If-Match": a["modified"]})
        assert status == 200 and b["body"][1]["value"] == "edited"
        assert server.request("DELETE", f"{API}/m/{uuid}", headers=good | {"If-Match": b["modified"]})[0] == 204
    finally:
        server.stop()


def test_a_given_token_is_required_on_loopback_too_and_never_logged(tour, clean, caplog):
    root, built = tour
    token = "a-token-of-our-own-0123"
    with caplog.at_level("DEBUG"):
        server = Server(built, sources=root / "tour.yaml", token=token)
    try:
        assert token not in caplog.text
        assert server.request("POST", f"{API}/m", note(model="m"))[0] == 403
        assert server.request("POST", f"{API}/m", note(model="m"), {TOKEN_HEADER: token})[0] == 201
    finally:
        server.stop()


def test_the_viewer_is_pointed_at_the_api_only_when_serving_sources(tour, monkeypatch):
    import panel

    root, built = tour
    seen: dict = {}
    monkeypatch.setattr(panel, "serve", lambda app, **kw: seen.update(app=app, **kw))
    serve_tour(built, port=8080, sources=root / "tour.yaml")
    options = seen["app"]().objects[0].options
    assert options["notesApi"] == NOTES_API and options["modelViewerUrl"] and "token" not in options
    serve_tour(built, port=8080)
    assert "notesApi" not in seen["app"]().objects[0].options


def test_without_sources_there_is_no_notes_api(tour):
    plain = Server(tour[1])
    try:
        assert plain.request("GET", API)[0] == 404
        assert plain.request("GET", f"{API}/m")[0] == 404
        assert plain.request("POST", f"{API}/m", note(model="m"))[0] in (404, 405)
    finally:
        plain.stop()


def test_serving_and_editing_never_change_the_built_tour(served, tour, clean):
    built = tour[1]
    before = tree_bytes(built)
    a = served.request("POST", f"{API}/m", note(model="m"))[2]
    served.request("DELETE", f"{API}/m/{a['id'].removeprefix('urn:uuid:')}", headers={"If-Match": a["modified"]})
    assert tree_bytes(built) == before


def test_the_static_site_is_never_given_a_notes_api(tour):
    """The built index.html leaves notesApi at the viewer's default (null): notes are read from
    tour.json's ``notes`` path, read-only, and nothing in the static site can write."""
    index = (tour[1] / "index.html").read_text()
    assert "notesApi" not in index and "token" not in index
