"""vtour.kiosk_launch (a kiosk package's launch.py) in-process: its server (folder or zip, ranges, what it
refuses), the page's calls, PINs, which package is served. Its processes (watchdog, updates, exit) are in
test_kiosk_launcher_processes.py."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from vtour import kiosk_launch

LAUNCHER = Path(kiosk_launch.__file__)


@pytest.fixture
def site(tmp_path):
    """A kiosk package's folder: an index.html, a tile and launch.py."""
    folder = tmp_path / "kiosk"
    (folder / "scenes").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><title>k</title>")
    (folder / "scenes" / "t.jpg").write_bytes(b"\xff\xd8" + b"x" * 5000)
    shutil.copy(LAUNCHER, folder / "launch.py")
    return folder


@pytest.fixture
def server(site):
    srv = kiosk_launch.make_server(0, site)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


def _launch(site, *argv):
    state = site.parent / "state"
    return subprocess.run([sys.executable, str(site / "launch.py"), "--state-dir", str(state), *argv],
                          capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("arg", ["abc", "99999", "-1", "8080.5"])
def test_a_port_that_is_not_a_port_number_exits_2_with_one_message_and_no_traceback(site, arg):
    run = _launch(site, arg)
    assert run.returncode == 2 and run.stdout == ""
    assert f"launch.py: error: argument PORT: {arg!r} is not a port number (0 to 65535; 0: any free port)" \
        in run.stderr
    assert "Traceback" not in run.stderr


def test_a_port_in_use_is_named_without_a_traceback(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = _launch(site, str(port))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    message = f"launch.py: port {port} on 127.0.0.1 is in use; pass another port, or 0 for any free one"
    assert run.stderr.strip().splitlines()[-1] == message


def test_a_nul_byte_in_a_url_is_a_400_and_the_server_keeps_serving(server):
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    conn.request("GET", "/scenes%00/t.jpg")
    response = conn.getresponse()
    assert response.status == 400 and response.read()
    conn.request("GET", "/scenes/t.jpg")
    assert conn.getresponse().status == 200


def test_the_server_keeps_connections_alive_and_queues_a_crowd(server, site):
    assert kiosk_launch.Handler.protocol_version == "HTTP/1.1"
    assert kiosk_launch.Server.request_queue_size >= 128
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    conn.request("GET", "/scenes/t.jpg")
    first = conn.getresponse()
    assert first.status == 200 and first.version == 11 and first.read() == (site / "scenes" / "t.jpg").read_bytes()
    sock = conn.sock
    conn.request("GET", "/index.html")
    second = conn.getresponse()
    assert second.status == 200 and second.read().startswith(b"<!doctype html>")
    assert conn.sock is sock, "the second request reused the connection"


def _get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.read(), response


def test_kiosk_json_and_paths_out_of_the_package_are_never_served(server, site):
    (site / "kiosk.json").write_text('{"format": "vtour-kiosk-1", "pin": "secret"}')
    (site.parent / "outside.txt").write_text("private")
    for path in ("/kiosk.json", "/scenes/../kiosk.json", "/../outside.txt", "/%2e%2e/outside.txt", "/scenes/",
                 "/scenes/..%5c..%5coutside.txt"):
        assert _get(server, path)[0] == 404, path
    assert _get(server, "/")[1].startswith(b"<!doctype html>")


@pytest.mark.parametrize("spec, expected", [
    ("bytes=0-9", (0, 10)), ("bytes=10-", (10, 90)), ("bytes=-5", (95, 5)), ("bytes=90-200", (90, 10)),
    ("bytes=-500", (0, 100)), ("bytes=0-1,5-6", None), ("items=0-1", None),
])
def test_a_single_byte_range_is_parsed_and_others_serve_the_whole_file(spec, expected):
    assert kiosk_launch.parse_range(spec, 100) == expected


@pytest.mark.parametrize("spec", ["bytes=100-", "bytes=50-10", "bytes=-0"])
def test_an_unsatisfiable_range_is_refused(spec):
    with pytest.raises(ValueError):
        kiosk_launch.parse_range(spec, 100)


def test_ranges_are_served_from_a_folder(server, site):
    data = (site / "scenes" / "t.jpg").read_bytes()
    status, body, response = _get(server, "/scenes/t.jpg", {"Range": "bytes=100-199"})
    assert status == 206 and body == data[100:200]
    assert response.getheader("Content-Range") == f"bytes 100-199/{len(data)}"
    assert response.getheader("Accept-Ranges") == "bytes"
    status, _, response = _get(server, "/scenes/t.jpg", {"Range": "bytes=99999-"})
    assert status == 416 and response.getheader("Content-Range") == f"bytes */{len(data)}"
    etag = _get(server, "/scenes/t.jpg")[2].getheader("ETag")
    assert _get(server, "/scenes/t.jpg", {"If-None-Match": etag})[0] == 304


@pytest.fixture
def zipped(tmp_path):
    """A zip with stored tiles and deflated text, and what it holds."""
    files = {f"scenes/a/{i}.jpg": bytes([i]) * (1000 + 37 * i) for i in range(40)}
    files["index.html"] = b"<!doctype html>" + b"deflated " * 500
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data, zipfile.ZIP_STORED if name.endswith(".jpg") else zipfile.ZIP_DEFLATED)
    return path, files


def test_a_zip_is_read_by_many_threads_at_once(zipped):
    path, files = zipped
    package = kiosk_launch.open_package(path)
    assert isinstance(package, kiosk_launch.ZipPackage)
    names = list(files) * 10
    with ThreadPoolExecutor(16) as pool:
        got = list(pool.map(package.read, names))
    assert got == [files[n] for n in names]
    entry = package.entry("scenes/a/7.jpg")
    assert b"".join(entry.chunks(10, 20)) == files["scenes/a/7.jpg"][10:30]
    assert package.entry("missing.jpg") is None and package.entry("scenes") is None


def test_ranges_are_served_from_a_zip(zipped):
    path, files = zipped
    srv = kiosk_launch.make_server(0, path)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        port = srv.server_address[1]
        status, body, _ = _get(port, "/scenes/a/3.jpg", {"Range": "bytes=5-9"})
        assert status == 206 and body == files["scenes/a/3.jpg"][5:10]
        status, body, _ = _get(port, "/index.html", {"Range": "bytes=-4"})
        assert status == 206 and body == files["index.html"][-4:]
        assert _get(port, "/index.html")[2].getheader("Content-Type") == "text/html; charset=utf-8"
    finally:
        srv.shutdown()
        srv.server_close()


def test_pins_are_hashed_and_compared_by_their_hash():
    stored = kiosk_launch.hash_pin("2468", iterations=1000)
    assert stored.startswith("pbkdf2_sha256$1000$") and "2468" not in stored
    assert kiosk_launch.check_pin(stored, "2468")
    for wrong in ("2469", "", None, 2468, "2468 "):
        assert not kiosk_launch.check_pin(stored, wrong)
    assert not kiosk_launch.check_pin(None, "2468") and not kiosk_launch.check_pin("md5$x", "2468")


@pytest.mark.parametrize("batch, problem", [
    ([], None),
    ([{"type": "dwell", "scene": "a", "seconds": 1.5, "extra": {"k": "v"}, "list": [1, "a"]}], None),
    ({"type": "dwell"}, "JSON array"),
    ([{"type": "dwell"}] * 201, "at most 200"),
    (["dwell"], "not a JSON object"),
    ([{"type": "mouse_move"}], "unknown type 'mouse_move'"),
    ([{"type": "dwell", "scene": "x" * 201}], "too long or nested"),
    ([{"type": "dwell", "a": {"b": {"c": 1}}}], "too long or nested"),
    ([{"type": "dwell", "a": [[1]]}], "too long or nested"),
    ([{"type": "dwell", "s": float("nan")}], "too long or nested"),
])
def test_visit_event_batches_are_checked(batch, problem):
    got = kiosk_launch.validate_events(batch)
    assert (got is None) if problem is None else (problem in got)


def _package(folder, version, built, pin=None):
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(version)
    (folder / "kiosk.json").write_text(json.dumps({
        "format": "vtour-kiosk-1", "version": version, "built": built,
        "pin": kiosk_launch.hash_pin(pin, iterations=1000) if pin else None}))
    return folder


def _zip_of(folder, dest):
    with zipfile.ZipFile(dest, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    return dest


@pytest.mark.parametrize("installed_built, served", [("2026-06-01T00:00:00Z", "t-2"), ("2025-01-01T00:00:00Z", "t-1")])
def test_at_start_the_installed_package_is_served_only_when_newer(tmp_path, installed_built, served):
    launched = kiosk_launch.open_package(_package(tmp_path / "v1", "t-1", "2026-01-01T00:00:00Z"))
    state = tmp_path / "state"
    (state / "packages").mkdir(parents=True)
    _zip_of(_package(tmp_path / "v2", "t-2", installed_built), state / "packages" / "t-2.zip")
    (state / "current.json").write_text(json.dumps({"current": "t-2", "previous": "t-1"}))
    kiosk = kiosk_launch.Kiosk(launched, state)
    assert kiosk.choose_at_start().version == served


def test_the_rollback_call_wants_the_pin_and_switches_to_the_previous_package(tmp_path):
    launched = kiosk_launch.open_package(_package(tmp_path / "v1", "t-1", "2026-01-01T00:00:00Z", pin="1357"))
    state = tmp_path / "state"
    (state / "packages").mkdir(parents=True)
    _zip_of(_package(tmp_path / "v2", "t-2", "2026-06-01T00:00:00Z", pin="1357"), state / "packages" / "t-2.zip")
    (state / "current.json").write_text(json.dumps({"current": "t-2", "previous": "t-1"}))
    kiosk = kiosk_launch.Kiosk(launched, state)
    kiosk.choose_at_start()
    srv = kiosk_launch.make_server(0, kiosk)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        port = srv.server_address[1]
        assert _get(port, "/index.html")[1] == b"t-2"

        def post(body):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", "/__kiosk/rollback", json.dumps(body),
                         {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}"})
            response = conn.getresponse()
            return response.status, json.loads(response.read())

        assert post({"pin": "0000"}) == (403, {"ok": False})
        assert post({"pin": "1357"}) == (200, {"ok": True, "reload": True, "version": "t-1"})
        assert _get(port, "/index.html")[1] == b"t-1"
        assert json.loads((state / "current.json").read_text()) == {"current": "t-1", "previous": "t-2"}
    finally:
        srv.shutdown()
        srv.server_close()


def test_the_browser_command_lines():
    chromium = kiosk_launch.kiosk_command("/usr/bin/chromium", "http://127.0.0.1:1/index.html", "/s/p", ["--x"])
    assert chromium[0] == "/usr/bin/chromium" and chromium[-2:] == ["--x", "http://127.0.0.1:1/index.html"]
    assert "--user-data-dir=/s/p" in chromium and "--kiosk" in chromium
    assert "--autoplay-policy=no-user-gesture-required" in chromium and "--disable-pinch" in chromium
    firefox = kiosk_launch.kiosk_command("C:/Firefox/firefox.exe", "http://x/", "/s/p")
    assert firefox == ["C:/Firefox/firefox.exe", "--kiosk", "--no-remote", "--profile", "/s/p", "http://x/"]


def test_the_daily_restart_is_the_next_time_the_clock_reads_hh_mm():
    import datetime

    now = datetime.datetime(2026, 5, 3, 10, 30).timestamp()
    assert datetime.datetime.fromtimestamp(kiosk_launch.next_daily("04:00", now)) == datetime.datetime(2026, 5, 4, 4)
    assert datetime.datetime.fromtimestamp(kiosk_launch.next_daily("11:15", now)) == datetime.datetime(2026, 5, 3, 11,
                                                                                                       15)


@pytest.mark.parametrize("argv, message", [(["--daily-restart", "25:00"], "not a local time HH:MM"),
                                           (["--ping-timeout", "0"], "not a number of seconds > 0")])
def test_bad_launcher_arguments_are_one_message(site, argv, message):
    run = _launch(site, *argv)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr


def test_events_go_to_the_days_log_and_a_torn_last_line_stays_alone_on_its_line(tmp_path):
    """The logs folder is made if absent; after a power cut left half a line, the next batch starts a new line, so
    vtour stats skips the torn line and reads the batch."""
    from vtour.stats import read_log

    kiosk = kiosk_launch.Kiosk(kiosk_launch.open_package(_package(tmp_path / "v1", "t-1", "2026-01-01T00:00:00Z")),
                               tmp_path / "state")
    event = {"type": "scene_enter", "t": "2026-03-02T09:00:00.000Z", "scene": "a", "language": "en", "from": None}
    assert kiosk.write_events([event]) == 1
    (log,) = (tmp_path / "state" / "logs").glob("events-*.jsonl")
    with open(log, "ab") as f:
        f.write(b'{"type": "dwell", "t": "2026-03-02T09:00')  # the power went
    assert kiosk.write_events([event]) == 1
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and [json.loads(lines[i])["package"] for i in (0, 2)] == ["t-1", "t-1"]
    with pytest.warns(Warning, match="torn"):
        events, torn = read_log(log)
    assert torn == 1 and [e.type for e in events] == ["scene_enter", "scene_enter"]
