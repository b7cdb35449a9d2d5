"""vtour.kiosk_launch (a kiosk package's launch.py): its server, its arguments, its browser."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
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
    return subprocess.run([sys.executable, str(site / "launch.py"), *argv], capture_output=True, text=True,
                          timeout=30)


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
    assert run.stderr.strip() == f"launch.py: port {port} on 127.0.0.1 is in use; pass another port, or 0 for any free one"


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


def _fake_browser(tmp_path, code):
    """A 'browser' that records its arguments and exits with ``code``."""
    script = tmp_path / "fake-browser"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/args"\nexit {code}\n')
    script.chmod(0o755)
    return str(script)


def _port_of(out: str) -> int:
    return int(out.split("http://127.0.0.1:")[1].split("/")[0])


def _refused(port):
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


@pytest.mark.parametrize("browser", ["missing", "fails"])
def test_a_browser_that_fails_to_start_exits_non_zero_and_stops_serving(site, tmp_path, monkeypatch, capsys,
                                                                        browser):
    path = "/nonexistent/chromium" if browser == "missing" else _fake_browser(tmp_path, 3)
    monkeypatch.setattr(kiosk_launch, "find_browser", lambda: path)
    assert kiosk_launch.main(["0"], directory=site) == 1
    out, err = capsys.readouterr()
    _refused(_port_of(out))
    assert err.startswith(f"launch.py: the browser {path} ")
    assert ("could not be started" if browser == "missing" else "exited with code 3") in err
    assert "--no-browser" in err and err.count("\n") == 1


def test_no_browser_found_exits_non_zero_saying_what_to_install(site, monkeypatch, capsys):
    monkeypatch.setattr(kiosk_launch, "find_browser", lambda: None)
    monkeypatch.setattr(kiosk_launch.webbrowser, "open", lambda url: False)
    assert kiosk_launch.main(["0"], directory=site) == 1
    out, err = capsys.readouterr()
    _refused(_port_of(out))
    assert err.startswith("launch.py: no web browser found; install Chromium")


def test_the_browser_profile_is_a_temporary_folder_outside_the_package_and_removed_after(site, tmp_path,
                                                                                         monkeypatch, capsys):
    monkeypatch.setattr(kiosk_launch, "find_browser", lambda: _fake_browser(tmp_path, 0))
    before = sorted(p.name for p in site.iterdir())
    assert kiosk_launch.main([], directory=site) == 0
    args = (tmp_path / "args").read_text().splitlines()
    profile = Path(next(a for a in args if a.startswith("--user-data-dir=")).split("=", 1)[1])
    assert not profile.is_relative_to(site) and not profile.is_relative_to(LAUNCHER.parent)
    assert not profile.exists(), "the profile is removed when the browser closes"
    assert sorted(p.name for p in site.iterdir()) == before
    assert args[-1].startswith("http://127.0.0.1:") and args[-1].endswith("/index.html")
    assert not (LAUNCHER.parent / ".browser-profile").exists()


def test_a_read_only_package_still_launches(site, tmp_path, monkeypatch, capsys):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    monkeypatch.setattr(kiosk_launch, "find_browser", lambda: _fake_browser(tmp_path, 0))
    site.chmod(0o555)
    try:
        assert kiosk_launch.main([], directory=site) == 0
    finally:
        site.chmod(0o755)
