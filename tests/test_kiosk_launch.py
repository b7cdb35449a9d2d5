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
        assert json.loads((state / "current.json").read_text()) == {"current": "t-1", "previous": "t-2",
                                                                     "rejected": ["t-2"]}
    finally:
        srv.shutdown()
        srv.server_close()


def test_the_browser_command_lines():
    chromium = kiosk_launch.kiosk_command("/usr/bin/chromium", "http://127.0.0.1:1/index.html", "/s/p", ["--x"])
    assert chromium[0] == "/usr/bin/chromium" and chromium[-2:] == ["--x", "http://127.0.0.1:1/index.html"]
    assert "--user-data-dir=/s/p" in chromium and "--kiosk" in chromium
    assert "--autoplay-policy=no-user-gesture-required" in chromium and "--disable-pinch" in chromium
    assert {"--disable-background-timer-throttling", "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows", "--password-store=basic"} <= set(chromium)
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


# ---------------------------------------------------------------------------------------------------
# updates: pending across restarts, written before the swap, on trial, rolled back, pruned


def _state_with_update(tmp_path, pinged=True):
    """A kiosk serving t-1 with t-2 installed from a dropped zip (pending), its state in tmp_path/state."""
    launched = kiosk_launch.open_package(_package(tmp_path / "v1", "t-1", "2026-01-01T00:00:00Z"))
    state, drop = tmp_path / "state", tmp_path / "drop"
    (state / "packages").mkdir(parents=True)
    drop.mkdir()
    kiosk = kiosk_launch.Kiosk(launched, state, drop, ping_timeout=1.0)
    kiosk.choose_at_start()
    if pinged:
        kiosk.ping({"scene": "a", "attract": False})
    kiosk._install(_zip_of(_package(tmp_path / "v2", "t-2", "2026-06-01T00:00:00Z"), drop / "v2.zip"))
    assert kiosk.pending is not None and kiosk.pending.version == "t-2"
    return kiosk, launched, state


def _current(state):
    return json.loads((state / "current.json").read_text())


def test_a_pending_update_survives_a_restart_and_goes_live_at_the_first_ping_in_attract(tmp_path):
    kiosk, launched, state = _state_with_update(tmp_path)
    assert _current(state) == {"current": "t-1", "previous": None, "pending": "t-2"}
    again = kiosk_launch.Kiosk(launched, state, tmp_path / "drop")  # the launcher restarted before any attract
    assert again.choose_at_start().version == "t-1" and again.pending.version == "t-2"
    assert again.ping({"scene": "a", "attract": False}) == {"ok": True} and again.package.version == "t-1"
    assert again.ping({"scene": "a", "attract": True}) == {"ok": True, "reload": True}
    assert again.package.version == "t-2" and again.reload.is_set(), "the watchdog reloads the browser"
    assert _current(state) == {"current": "t-2", "previous": "t-1"}
    assert again.ping({"attract": True}) == {"ok": True}


def test_current_json_is_written_before_the_swap_and_a_failed_write_is_logged_not_fatal(tmp_path, monkeypatch,
                                                                                        caplog):
    kiosk, _, state = _state_with_update(tmp_path)
    served_while_writing = []
    real = kiosk_launch.write_json_atomic

    def spy(path, data):
        served_while_writing.append((kiosk.package.version, data["current"]))
        real(path, data)

    monkeypatch.setattr(kiosk_launch, "write_json_atomic", spy)
    assert kiosk.attract()
    assert served_while_writing == [("t-1", "t-2")], "written while t-1 was still served"

    def full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kiosk_launch, "write_json_atomic", full)
    with caplog.at_level("ERROR", logger="vtour-kiosk"):
        assert kiosk.rollback() == "t-1"
    assert kiosk.package.version == "t-1" and "could not write current.json" in caplog.text


def test_a_json_write_that_fails_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "current.json"
    path.write_text('{"current": "t-1"}')
    with pytest.raises(TypeError):
        kiosk_launch.write_json_atomic(path, {"current": object()})
    assert path.read_text() == '{"current": "t-1"}' and sorted(p.name for p in tmp_path.iterdir()) == ["current.json"]


def test_an_update_whose_page_never_pings_is_rolled_back_and_rejected(tmp_path, caplog):
    kiosk, _, state = _state_with_update(tmp_path)
    assert kiosk.attract()
    went_live = kiosk.trial.since
    assert not kiosk.check_trial(went_live + 2.9)  # 3 ping timeouts of 1 s
    kiosk.ping({"attract": False})  # the old page's last ping, before the new page was loaded: proves nothing
    with caplog.at_level("ERROR", logger="vtour-kiosk"):
        assert kiosk.check_trial(went_live + 3.1)
    assert kiosk.package.version == "t-1" and kiosk.reload.is_set()
    assert _current(state) == {"current": "t-1", "previous": None, "rejected": ["t-2"]}
    assert "update t-2: no ping from its page within 3 s" in caplog.text
    with pytest.raises(kiosk_launch.LaunchError, match="t-2 was rolled back"):
        kiosk_launch.check_candidate(state / "packages" / "t-2.zip", "t-1", kiosk.rejected)


def test_an_update_whose_page_pings_stays(tmp_path):
    kiosk, _, _ = _state_with_update(tmp_path)
    assert kiosk.attract()
    kiosk.page_loaded(kiosk.package)
    kiosk.ping({"attract": True})
    assert kiosk.trial is None and not kiosk.check_trial(1e12) and kiosk.package.version == "t-2"


def test_a_rollback_stays_even_when_the_rolled_back_package_is_the_one_launched(tmp_path):
    launched = kiosk_launch.open_package(_package(tmp_path / "v2", "t-2", "2026-06-01T00:00:00Z"))
    state = tmp_path / "state"
    (state / "packages").mkdir(parents=True)
    _zip_of(_package(tmp_path / "v1", "t-1", "2026-01-01T00:00:00Z"), state / "packages" / "t-1.zip")
    (state / "current.json").write_text(json.dumps({"current": "t-1", "previous": "t-2", "rejected": ["t-2"]}))
    assert kiosk_launch.Kiosk(launched, state).choose_at_start().version == "t-1"


def test_prune_keeps_the_current_previous_and_pending_packages_and_runs_in_the_watcher_only(tmp_path):
    kiosk, _, state = _state_with_update(tmp_path)
    packages = state / "packages"
    for old in ("t-0", "t-00"):
        _zip_of(_package(tmp_path / old, old, "2025-01-01T00:00:00Z"), packages / f"{old}.zip")
    kiosk.maintain(0.0)
    assert sorted(p.name for p in packages.iterdir()) == ["t-2.zip"], "pending kept, strays deleted"
    _zip_of(_package(tmp_path / "t-x", "t-x", "2025-01-01T00:00:00Z"), packages / "t-x.zip")
    assert kiosk.attract()
    assert (packages / "t-x.zip").exists(), "the page's call deletes nothing: the watcher thread does"
    kiosk.maintain(1.0)
    assert sorted(p.name for p in packages.iterdir()) == ["t-2.zip"]  # t-1 is the launched folder


def test_the_dropped_zips_and_event_logs_are_kept_within_their_limits(tmp_path):
    moved = tmp_path / "installed"
    moved.mkdir()
    for stamp in ("20260101T000000", "20260201T000000", "20260301T000000"):
        (moved / f"{stamp}-v.zip").write_bytes(b"z")
        (moved / f"{stamp}-v.zip.txt").write_text("installed")
    kiosk_launch.prune_moved(moved, keep=2)
    assert sorted(p.name for p in moved.iterdir()) == [
        "20260201T000000-v.zip", "20260201T000000-v.zip.txt", "20260301T000000-v.zip", "20260301T000000-v.zip.txt"]
    logs = tmp_path / "logs"
    logs.mkdir()
    for day in ("2025-01-01", "2025-12-01", "2026-11-30", "2026-12-01"):
        (logs / f"events-{day}.jsonl").write_bytes(b"x" * 100)
    (logs / "launcher.log").write_text("kept")
    import datetime

    kiosk_launch.prune_logs(logs, datetime.date(2026, 12, 1), days=365, max_bytes=250)
    assert sorted(p.name for p in logs.iterdir()) == ["events-2026-11-30.jsonl", "events-2026-12-01.jsonl",
                                                      "launcher.log"]
    kiosk_launch.prune_logs(logs, datetime.date(2026, 12, 1), days=365, max_bytes=0)
    assert sorted(p.name for p in logs.iterdir()) == ["events-2026-12-01.jsonl", "launcher.log"], "today's stays"


def test_a_candidate_without_index_html_is_refused(tmp_path):
    folder = _package(tmp_path / "v2", "t-2", "2026-06-01T00:00:00Z")
    (folder / "index.html").unlink()
    with pytest.raises(kiosk_launch.LaunchError, match="no index.html"):
        kiosk_launch.check_candidate(_zip_of(folder, tmp_path / "v2.zip"), "t-1")


# ---------------------------------------------------------------------------------------------------
# what a folder never serves; bad requests


def test_links_out_of_the_folder_and_kiosk_json_under_any_name_are_never_served(server, site, tmp_path):
    import os

    (site / "kiosk.json").write_text('{"format": "vtour-kiosk-1", "pin": "secret"}')
    (site / "KIOSK.JSON").write_text("secret too")  # the same file on Windows and macOS
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.txt").write_text("private")
    os.symlink(outside / "o.txt", site / "link.txt")
    os.symlink(outside, site / "linkdir")
    os.symlink(site / "kiosk.json", site / "scenes" / "settings.txt")
    os.link(site / "kiosk.json", site / "scenes" / "hard.txt")  # the same file under another name
    os.symlink(site / "scenes" / "t.jpg", site / "alias.jpg")
    for path in ("/kiosk.json", "/./kiosk.json", "/Kiosk.json", "/KIOSK.JSON", "/kiosk.json.", "/kiosk.json%20",
                 "/scenes/./../kiosk.json", "/link.txt", "/linkdir/o.txt", "/scenes/settings.txt",
                 "/scenes/hard.txt"):
        status, body, _ = _get(server, path)
        assert status == 404 and b"secret" not in body and b"private" not in body, path
    assert _get(server, "/alias.jpg")[1] == (site / "scenes" / "t.jpg").read_bytes(), "a link inside is served"


def _post(port, action, data: bytes, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/__kiosk/" + action, data, {"Content-Type": "application/json", **(headers or {})})
    response = conn.getresponse()
    return response.status, response.read()


@pytest.fixture
def kiosk_server(tmp_path):
    kiosk = kiosk_launch.Kiosk(kiosk_launch.open_package(_package(tmp_path / "v1", "t-1", "2026-01-01T00:00:00Z")),
                               tmp_path / "state")
    srv = kiosk_launch.make_server(0, kiosk)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield kiosk, srv.server_address[1]
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,
    b'[{"type": ["dwell"]}]',
    b'[{"type": {"a": 1}}]',
    b'[{"type": "dwell", "scene": "\\ud800"}]',
    b'[{"type": "dwell", "\\udfff": 1}]',
    b'[{"type": "dwell", "o": {"\\ud800": 1}}]',
    b"\xff\xfe",
])
def test_malformed_event_bodies_are_a_400_and_the_log_stays_whole(kiosk_server, body):
    kiosk, port = kiosk_server
    good = json.dumps([{"type": "dwell", "scene": "a"}]).encode()
    assert _post(port, "events", good)[0] == 200
    status, answer = _post(port, "events", body)
    assert status == 400 and json.loads(answer)["ok"] is False
    assert _post(port, "events", good)[0] == 200, "the server carries on"
    (log,) = (kiosk.state / "logs").glob("events-*.jsonl")
    assert [json.loads(line)["scene"] for line in log.read_text("utf-8").splitlines()] == ["a", "a"]


def test_a_huge_body_is_refused_unread(kiosk_server):
    _, port = kiosk_server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("POST", "/__kiosk/events")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(100 << 20))
    conn.endheaders()
    assert conn.getresponse().status == 400


def test_a_failing_handler_is_a_logged_500_and_the_server_carries_on(kiosk_server, monkeypatch, caplog):
    kiosk, port = kiosk_server

    def broken(body):
        raise KeyError("bug")

    monkeypatch.setattr(kiosk, "ping", broken)
    with caplog.at_level("ERROR", logger="vtour-kiosk"):
        status, answer = _post(port, "ping", b"{}")
    assert status == 500 and json.loads(answer)["ok"] is False and "POST /__kiosk/ping failed" in caplog.text
    monkeypatch.setattr(kiosk.package, "entry", lambda name: 1 / 0)
    assert _get(port, "/index.html")[0] == 500
    monkeypatch.undo()
    assert _get(port, "/index.html")[0] == 200


def test_a_short_event_write_is_cut_back_so_no_half_batch_stays(tmp_path, monkeypatch):
    import os

    kiosk = kiosk_launch.Kiosk(kiosk_launch.open_package(_package(tmp_path / "v1", "t-1", "2026-01-01T00:00:00Z")),
                               tmp_path / "state")
    event = {"type": "dwell", "scene": "a"}
    kiosk.write_events([event])
    (log,) = (tmp_path / "state" / "logs").glob("events-*.jsonl")
    before = log.read_bytes()
    real_write = os.write
    monkeypatch.setattr(kiosk_launch.os, "write", lambda fd, data: real_write(fd, data[: len(data) // 2]))
    with pytest.raises(OSError, match="only"):
        kiosk.write_events([event] * 3)
    assert log.read_bytes() == before
    monkeypatch.undo()
    kiosk.write_events([event])
    assert len(log.read_text().splitlines()) == 2


# ---------------------------------------------------------------------------------------------------
# smaller contracts


def test_an_empty_file_has_no_suffix_range():
    with pytest.raises(ValueError):
        kiosk_launch.parse_range("bytes=-5", 0)


def test_the_etag_changes_when_the_file_changes(server, site):
    import os

    etag = _get(server, "/scenes/t.jpg")[2].getheader("ETag")
    st = (site / "scenes" / "t.jpg").stat()
    os.utime(site / "scenes" / "t.jpg", (st.st_atime, st.st_mtime + 10))
    assert _get(server, "/scenes/t.jpg")[2].getheader("ETag") != etag


@pytest.mark.parametrize("ext, mime", [(".aac", "audio/aac"), (".oga", "audio/ogg"), (".ogg", "audio/ogg"),
                                       (".opus", "audio/ogg"), (".m4a", "audio/mp4"), (".webm", "video/webm"),
                                       (".mp4", "video/mp4"), (".vtt", "text/vtt; charset=utf-8"),
                                       (".wav", "audio/wav"), (".mp3", "audio/mpeg")])
def test_media_types(ext, mime):
    assert kiosk_launch.TYPES[ext] == mime


def test_a_deflated_entry_is_inflated_once_for_many_range_requests(zipped, monkeypatch):
    path, files = zipped
    package = kiosk_launch.open_package(path)
    calls = []
    real = package._inflate
    monkeypatch.setattr(package, "_inflate", lambda info: calls.append(info.filename) or real(info))
    for start in (0, 100, 2000):
        assert b"".join(package.entry("index.html").chunks(start, 50)) == files["index.html"][start : start + 50]
    assert calls == ["index.html"]
    monkeypatch.setattr(kiosk_launch, "INFLATED_CACHE_BYTES", 0)
    package.entry("scenes/a/1.jpg")  # stored: never inflated, never cached
    assert calls == ["index.html"]


@pytest.mark.parametrize("value, expected", [(20, 20.0), (5, 45.0), (None, 45.0), ("30", 45.0)])
def test_the_ping_timeout_comes_from_kiosk_json_when_at_least_15_s(tmp_path, value, expected):
    folder = _package(tmp_path / "v1", "t-1", "2026-01-01T00:00:00Z")
    config = json.loads((folder / "kiosk.json").read_text())
    if value is not None:
        config["pingTimeoutSeconds"] = value
    (folder / "kiosk.json").write_text(json.dumps(config))
    assert kiosk_launch.Kiosk(kiosk_launch.open_package(folder)).ping_timeout == expected


def test_the_pin_lockout_ends_after_a_minute(tmp_path, monkeypatch):
    kiosk = kiosk_launch.Kiosk(kiosk_launch.open_package(
        _package(tmp_path / "v1", "t-1", "2026-01-01T00:00:00Z", pin="2468")))
    now = [1000.0]
    monkeypatch.setattr(kiosk_launch.time, "monotonic", lambda: now[0])
    assert [kiosk.try_pin("0000") for _ in range(5)] == [403] * 5
    now[0] += 59.0
    assert kiosk.try_pin("2468") == 429
    now[0] += 1.5
    assert kiosk.try_pin("2468") == 200


def test_the_backoff_doubles_to_its_cap_and_starts_again_after_a_healthy_run():
    backoff, waits = 1.0, []
    for _ in range(8):
        wait, backoff = kiosk_launch.next_backoff(backoff, 5.0, True)
        waits.append(wait)
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    assert kiosk_launch.next_backoff(backoff, kiosk_launch.HEALTHY_S, True) == (1.0, 2.0)
    assert kiosk_launch.next_backoff(backoff, 5.0, False) == (0.0, 1.0)


def test_a_second_launcher_on_the_same_state_folder_is_refused_naming_the_lock_and_pid(tmp_path):
    import os

    held = kiosk_launch.lock_state(tmp_path)
    try:
        with pytest.raises(kiosk_launch.LaunchError) as caught:
            kiosk_launch.lock_state(tmp_path)
        assert f"pid {os.getpid()}" in str(caught.value) and str(tmp_path / "launcher.lock") in str(caught.value)
    finally:
        held.close()
    kiosk_launch.lock_state(tmp_path).close()  # free again once the holder is gone
