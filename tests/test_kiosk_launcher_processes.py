"""The kiosk launcher as real processes: its watchdog restarts a browser that dies or hangs, updates go live
only at attract and can be undone, a read-only package or the zip itself is served, events reach the log,
the staff exit's PIN, where the state lives.

The "browser" is mostly a fake one (tests/…/fake-browser, written per test): a Python script that fetches
the page and pings like the kiosk page does, writing its pid to a file. One test runs real headless
Chromium on the sample grotto's kiosk package (skipped without Chromium, failed under CI). Short timeouts
come from the launcher's hidden flags (--ping-timeout, --poll-seconds, --kill-after). Every process a test
starts is killed in the fixture's teardown.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from data_paths import missing

from vtour import kiosk_launch
from vtour.kiosk_launch import default_state_dir, hash_pin

LAUNCHER = Path(kiosk_launch.__file__)
CHROMIUM = Path(os.environ.get("VTOUR_CHROMIUM", "/usr/bin/chromium"))

FAKE_BROWSER = """\
import json, os, signal, sys, time, urllib.request
url = sys.argv[-1]
mode = os.environ.get("FAKE_MODE", "ping")
with open(os.environ["FAKE_LOG"], "a") as f:
    f.write("%d %s\\n" % (os.getpid(), " ".join(sys.argv[1:])))
if mode == "hang":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a hung browser ignores a polite request to stop
urllib.request.urlopen(url, timeout=10).read()
bridge = url.rsplit("/", 1)[0] + "/__kiosk/"
origin = url.split("/index.html")[0]
pings = 0
while True:
    if mode == "exit":
        sys.exit(3)
    if mode == "ping" or (mode == "hang" and pings < 3):
        req = urllib.request.Request(bridge + "ping", data=b'{"scene": "a", "attract": false}', method="POST",
                                     headers={"Content-Type": "application/json", "Origin": origin})
        try:
            urllib.request.urlopen(req, timeout=10).read()
        except OSError:
            pass
        pings += 1
    time.sleep(0.2)
"""


def make_package(folder: Path, version: str, built: str, *, pin: str | None = None, as_zip: bool = True,
                 extra: dict[str, bytes] | None = None) -> Path:
    """A minimal kiosk package: index.html naming the version, a tile, kiosk.json, launch.py, __main__.py."""
    files = {
        "index.html": f"<!doctype html><title>{version}</title>".encode(),
        "scenes/a/0.jpg": b"\xff\xd8" + version.encode() * 500,
        "kiosk.json": json.dumps({"format": "vtour-kiosk-1", "version": version, "built": built,
                                  "pin": hash_pin(pin, iterations=1000) if pin else None,
                                  "dailyRestart": None, "pingTimeoutSeconds": 45}).encode(),
        "launch.py": LAUNCHER.read_bytes(),
        "__main__.py": b"import sys\nfrom launch import main\nsys.exit(main())\n",
        **(extra or {}),
    }
    if not as_zip:
        for name, data in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data, zipfile.ZIP_STORED if name.endswith((".jpg", ".wav")) else zipfile.ZIP_DEFLATED)
    return folder


class Launcher:
    """One launcher process; ``get``/``post`` talk to it; ``log`` reads its launcher.log."""

    def __init__(self, proc: subprocess.Popen, state: Path, port: int):
        self.proc, self.state, self.port = proc, state, port

    def log(self) -> str:
        path = self.state / "logs" / "launcher.log"
        return path.read_text("utf-8") if path.exists() else ""

    def request(self, method: str, path: str, body: object = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        hdrs = {"Content-Type": "application/json"} if method == "POST" else {}
        conn.request(method, path, body=data, headers={**hdrs, **(headers or {})})
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        return response.status, payload

    def get(self, path: str) -> bytes:
        status, payload = self.request("GET", path)
        assert status == 200, (path, status)
        return payload

    def post(self, action: str, body: object) -> tuple[int, object]:
        status, payload = self.request("POST", "/__kiosk/" + action, body)
        return status, json.loads(payload)


def wait_for(check, what: str, timeout_s: float = 20):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def fake_browser(tmp_path):
    script = tmp_path / "fake-browser"
    script.write_text(f"#!{sys.executable}\n" + FAKE_BROWSER)
    script.chmod(0o755)
    return script


def _pids(log: Path) -> list[int]:
    return [int(line.split()[0]) for line in log.read_text().splitlines()] if log.exists() else []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def launch(tmp_path):
    """``launch(package, *args, env={...})``: a launcher process on a package, its state in tmp_path/state;
    killed (with its browsers' process groups) at the end of the test."""
    started: list[subprocess.Popen] = []
    fake_log = tmp_path / "browsers.log"

    def start(package: Path, *args: str, env: dict | None = None, state: Path | None = None, via_zip=False,
              serving=True):
        state = state or tmp_path / "state"
        cmd = [sys.executable, str(package)] if via_zip else [sys.executable, str(LAUNCHER), "--package", str(package)]
        cmd += ["--state-dir", str(state), "--poll-seconds", "0.1", "--kill-after", "1", *args]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "FAKE_LOG": str(fake_log), **(env or {})})
        started.append(proc)
        line = proc.stdout.readline()
        if not serving:
            return Launcher(proc, state, 0)
        assert line.startswith("serving http://127.0.0.1:"), (line, proc.stderr.read() if proc.poll() else "")
        return Launcher(proc, state, int(line.split("127.0.0.1:")[1].split("/")[0]))

    start.browsers = fake_log
    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    for pid in _pids(fake_log):
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except OSError:
                pass


def _stop(launcher: Launcher) -> int:
    launcher.proc.send_signal(signal.SIGTERM)
    return launcher.proc.wait(20)


# ---------------------------------------------------------------------------------------------------
# (a) a browser that dies comes back; (b) one that hangs is killed and restarted


def test_a_killed_browser_is_restarted_and_sigterm_stops_everything(tmp_path, launch, fake_browser):
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z")
    kiosk = launch(pkg, "--browser", str(fake_browser), "--browser-arg=--headless=new")
    first = wait_for(lambda: _pids(launch.browsers), "the browser to start")[0]
    wait_for(lambda: "first ping from the page" in kiosk.log(), "the first ping")
    args = launch.browsers.read_text().split("\n")[0].split()[1:]
    assert {"--kiosk", "--no-first-run", "--noerrdialogs", "--disable-session-crashed-bubble", "--disable-infobars",
            "--autoplay-policy=no-user-gesture-required", "--disable-pinch", "--overscroll-history-navigation=0",
            "--disable-features=TranslateUI", "--disable-background-timer-throttling",
            "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows", "--password-store=basic",
            "--headless=new"} <= set(args)
    profile = Path(next(a for a in args if a.startswith("--user-data-dir=")).split("=", 1)[1])
    assert profile == kiosk.state / "browser-profile"
    assert args[-1] == f"http://127.0.0.1:{kiosk.port}/index.html"
    os.kill(first, signal.SIGKILL)
    pids = wait_for(lambda: len(_pids(launch.browsers)) >= 2 and _pids(launch.browsers), "the browser to come back")
    assert pids[1] != first and _alive(pids[1]) and not _alive(first)
    wait_for(lambda: kiosk.log().count("first ping from the page") >= 2, "the restarted page's ping")
    assert "restarting the browser in 1 s: the browser exited with code -9" in kiosk.log()
    assert _stop(kiosk) == 0
    assert not _alive(pids[1]), "SIGTERM closes the browser"
    assert "browser closed (signal 15)" in kiosk.log()
    with pytest.raises(OSError):
        kiosk.request("GET", "/index.html")


@pytest.mark.parametrize("mode, reason", [("hang", "no ping from the page for 1 s (hung)"),
                                          ("silent", "no ping from the page within 2 s of the browser's start")])
def test_a_hung_browser_is_killed_and_restarted(tmp_path, launch, fake_browser, mode, reason):
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z")
    kiosk = launch(pkg, "--browser", str(fake_browser), "--ping-timeout", "1", "--kill-after", "0.5",
                   env={"FAKE_MODE": "hang" if mode == "hang" else "silent"})
    first = wait_for(lambda: _pids(launch.browsers), "the browser to start")[0]
    pids = wait_for(lambda: len(_pids(launch.browsers)) >= 2 and _pids(launch.browsers), "a restart", 30)
    assert reason in kiosk.log()
    if mode == "hang":
        assert "did not stop in 0.5 s: killed" in kiosk.log()  # it ignored SIGTERM
    wait_for(lambda: not _alive(first), "the hung browser to be gone", 5)
    assert _alive(pids[1]) or len(_pids(launch.browsers)) > 2


def test_a_page_that_never_pings_is_restarted_twice_then_left_alone(tmp_path, launch, fake_browser):
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z")
    kiosk = launch(pkg, "--browser", str(fake_browser), "--ping-timeout", "0.5", env={"FAKE_MODE": "silent"})
    wait_for(lambda: "the page has never pinged" in kiosk.log(), "the watchdog to give up on pings", 30)
    third = wait_for(lambda: len(_pids(launch.browsers)) == 3 and _pids(launch.browsers)[2], "the third browser")
    time.sleep(1.5)  # more than the start-up grace of 1 s
    assert len(_pids(launch.browsers)) == 3 and _alive(third)
    assert kiosk.log().count("within 1 s of the browser's start (hung)") == 2


def test_a_browser_that_keeps_exiting_is_restarted_with_a_growing_backoff(tmp_path, launch, fake_browser):
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z")
    kiosk = launch(pkg, "--browser", str(fake_browser), env={"FAKE_MODE": "exit"})
    wait_for(lambda: "restarting the browser in 2 s" in kiosk.log(), "the second restart", 30)
    log = kiosk.log()
    assert "restarting the browser in 1 s: the browser exited with code 3" in log
    assert log.index("in 1 s") < log.index("in 2 s")


def test_a_browser_that_cannot_start_is_one_error_and_exit_1(tmp_path, launch):
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z")
    kiosk = launch(pkg, "--browser", "/nonexistent/chromium")
    assert kiosk.proc.wait(20) == 1
    err = kiosk.proc.stderr.read()
    assert "launch.py: the browser /nonexistent/chromium could not be started" in err and "--no-browser" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------------------------------
# the real thing: headless Chromium on the sample grotto's kiosk package


@pytest.fixture(scope="module")
def grotto_kiosk_zip(tmp_path_factory):
    from vtour.package import package_tour
    from vtour.sample import TINY_SAMPLE_OPTIONS, write_sample
    from vtour.site import BUNDLE, DIST
    from vtour.tour.build import build_tour

    if not (DIST / BUNDLE).is_file():
        missing(f"the viewer bundle {DIST / BUNDLE} (npm run build, or make setup)")
    root = tmp_path_factory.mktemp("grotto")
    write_sample(root / "sample", TINY_SAMPLE_OPTIONS)
    built = build_tour(root / "sample" / "tour.yaml", root / "built", jobs=1).out_dir
    return package_tour(built, root / "grotto-kiosk.zip", kiosk=True, pin="2468")


def test_real_chromium_on_the_grotto_package_is_restarted_after_a_kill(tmp_path, launch, grotto_kiosk_zip):
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium, or set VTOUR_CHROMIUM)")
    flags = ["--headless=new", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--mute-audio",
             "--disable-background-networking", "--disable-component-update", "--window-size=800,600"]
    if os.geteuid() == 0:
        flags.append("--no-sandbox")
    kiosk = launch(grotto_kiosk_zip, "--browser", str(CHROMIUM), *(f"--browser-arg={f}" for f in flags),
                   "--kill-after", "3", via_zip=True)
    wait_for(lambda: "page requested: index.html" in kiosk.log(), "Chromium to load the page", 60)
    wait_for(lambda: "first ping from the page" in kiosk.log(), "the page's first ping", 60)
    pid = int(kiosk.log().split("browser started (pid ")[1].split(",")[0])
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: "browser started (pid" in kiosk.log().split("restarting the browser")[-1], "a restart", 30)
    wait_for(lambda: kiosk.log().count("page requested: index.html") >= 2, "the page again", 60)
    wait_for(lambda: kiosk.log().count("first ping from the page") >= 2, "the page's ping again", 60)
    assert "the browser exited with code -9" in kiosk.log()
    assert _stop(kiosk) == 0
    assert not (kiosk.state / "browser-profile").is_relative_to(grotto_kiosk_zip.parent)


# ---------------------------------------------------------------------------------------------------
# (c) updates go live at attract, and can be undone


def test_an_update_goes_live_only_at_attract_and_can_be_rolled_back(tmp_path, launch):
    v1 = make_package(tmp_path / "v1.zip", "t-1", "2026-01-01T00:00:00Z")
    updates = tmp_path / "drop"
    updates.mkdir()
    kiosk = launch(v1, "--no-browser", "--updates", str(updates))
    assert kiosk.get("/index.html").endswith(b"<title>t-1</title>")
    assert kiosk.post("attract", {}) == (200, {"reload": False})
    make_package(updates / "v2.zip", "t-2", "2026-02-01T00:00:00Z")
    (updates / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    make_package(updates / "same.zip", "t-1", "2026-03-01T00:00:00Z")
    wait_for(lambda: "update t-2 installed" in kiosk.log(), "the update to be installed")
    wait_for(lambda: kiosk.log().count("refused") >= 2, "the bad candidates to be refused")
    assert (kiosk.state / "packages" / "t-2.zip").is_file()
    assert kiosk.get("/index.html").endswith(b"<title>t-1</title>"), "not before attract"
    assert kiosk.get("/scenes/a/0.jpg").startswith(b"\xff\xd8t-1")
    assert kiosk.post("attract", {}) == (200, {"reload": True})
    assert kiosk.get("/index.html").endswith(b"<title>t-2</title>")
    assert kiosk.get("/scenes/a/0.jpg").startswith(b"\xff\xd8t-2")
    assert kiosk.post("attract", {}) == (200, {"reload": False})
    assert json.loads((kiosk.state / "current.json").read_text()) == {"current": "t-2", "previous": "t-1"}
    rejected = sorted(p.name for p in (updates / "rejected").iterdir())
    assert len(rejected) == 4 and any("broken.zip" in n for n in rejected) and any("same.zip" in n for n in rejected)
    reasons = " ".join((updates / "rejected" / n).read_text() for n in rejected if n.endswith(".txt"))
    assert "not a readable zip" in reasons and "already served" in reasons
    assert sorted(p.name for p in updates.iterdir()) == ["installed", "rejected"]
    time.sleep(0.5)  # more polls: nothing is tried again
    assert kiosk.log().count("refused") == 2
    assert _stop(kiosk) == 0

    again = launch(v1, "--no-browser", "--updates", str(updates))
    assert again.get("/index.html").endswith(b"<title>t-2</title>"), "current.json honoured at start"
    assert _stop(again) == 0
    back = launch(v1, "--no-browser", "--updates", str(updates), "--rollback")
    assert back.get("/index.html").endswith(b"<title>t-1</title>")
    assert json.loads((back.state / "current.json").read_text()) == {"current": "t-1", "previous": "t-2",
                                                                      "rejected": ["t-2"]}
    assert _stop(back) == 0
    after = launch(v1, "--no-browser", "--updates", str(updates))
    assert after.get("/index.html").endswith(b"<title>t-1</title>"), "the rollback stays"
    assert _stop(after) == 0


def test_a_rollback_without_a_previous_package_is_one_error(tmp_path, launch):
    pkg = make_package(tmp_path / "v1.zip", "t-1", "2026-01-01T00:00:00Z")
    kiosk = launch(pkg, "--no-browser", "--rollback", serving=False)
    assert kiosk.proc.wait(20) == 1
    err = kiosk.proc.stderr.read()
    assert "launch.py: no previous package to go back to" in err and "Traceback" not in err


# ---------------------------------------------------------------------------------------------------
# (d) read-only media; the zip itself


def _snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.stat().st_mode, p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def test_a_read_only_package_folder_is_served_and_never_written(tmp_path, launch):
    folder = make_package(tmp_path / "ro", "t-1", "2026-01-01T00:00:00Z", as_zip=False,
                          extra={"media/n.wav": bytes(range(256)) * 40})
    subprocess.run(["chmod", "-R", "a-w", str(folder)], check=True)
    before = _snapshot(folder)
    try:
        kiosk = launch(folder, "--no-browser")
        assert kiosk.get("/index.html").endswith(b"<title>t-1</title>")
        status, body = kiosk.request("GET", "/media/n.wav", headers={"Range": "bytes=100-199"})
        assert status == 206 and body == (bytes(range(256)) * 40)[100:200]
        assert kiosk.request("GET", "/kiosk.json")[0] == 404
        assert kiosk.post("events", [{"type": "dwell", "scene": "a", "seconds": 2.0}])[0] == 200
        assert _stop(kiosk) == 0
        assert _snapshot(folder) == before
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(folder)], check=True)


def test_python_runs_the_zip_and_serves_it_with_ranges(tmp_path, launch):
    audio = bytes(range(256)) * 400
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z", extra={"media/n.wav": audio})
    before = pkg.read_bytes()
    kiosk = launch(pkg, "--no-browser", via_zip=True)
    assert kiosk.get("/index.html").endswith(b"<title>t-1</title>")
    assert kiosk.get("/media/n.wav") == audio
    status, body = kiosk.request("GET", "/media/n.wav", headers={"Range": "bytes=-10"})
    assert status == 206 and body == audio[-10:]
    status, _ = kiosk.request("GET", "/media/n.wav", headers={"Range": f"bytes={len(audio)}-"})
    assert status == 416
    assert kiosk.request("GET", "/kiosk.json")[0] == 404
    assert _stop(kiosk) == 0
    assert pkg.read_bytes() == before


# ---------------------------------------------------------------------------------------------------
# (e) events; (f) the staff exit


def test_events_reach_the_jsonl_log_and_bad_batches_are_refused(tmp_path, launch):
    kiosk = launch(make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z"), "--no-browser")
    events = [{"type": "scene_enter", "t": "2026-12-01T10:00:00Z", "scene": "a", "language": "en", "from": None},
              {"type": "dwell", "t": "2026-12-01T10:00:09Z", "scene": "a", "language": "en", "seconds": 9.1}]
    assert kiosk.post("events", events) == (200, {"ok": True, "written": 2})
    for bad in ([{"type": "keylogger"}], {"type": "dwell"}, [{"type": "dwell", "scene": "x" * 201}],
                [{"type": "dwell", "deep": {"a": {"b": 1}}}], [{"type": "dwell"}] * 201):
        status, body = kiosk.post("events", bad)
        assert status == 400 and body["error"], bad
    status, _ = kiosk.request("POST", "/__kiosk/events", json.dumps(events).encode(), {"Content-Type": "text/plain"})
    assert status == 415
    status, _ = kiosk.request("POST", "/__kiosk/events", json.dumps(events).encode(), {"Origin": "http://evil.test"})
    assert status == 403
    logs = list((kiosk.state / "logs").glob("events-*.jsonl"))
    assert len(logs) == 1 and logs[0].name == time.strftime("events-%Y-%m-%d.jsonl")
    lines = [json.loads(line) for line in logs[0].read_text().splitlines()]
    assert lines == [{**e, "package": "t-1"} for e in events]


def test_the_staff_exit_wants_the_pin_and_locks_after_five_wrong(tmp_path, launch, fake_browser):
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z", pin="2468")
    kiosk = launch(pkg, "--no-browser")
    assert [kiosk.post("exit", {"pin": "1111"})[0] for _ in range(5)] == [403] * 5
    assert kiosk.post("exit", {"pin": "2468"})[0] == 429, "locked, even for the right PIN"
    assert kiosk.proc.poll() is None
    _stop(kiosk)
    right = launch(pkg, "--browser", str(fake_browser))
    browser = wait_for(lambda: _pids(launch.browsers), "the browser")[-1]
    assert right.post("exit", {"pin": "2468"}) == (200, {"ok": True})
    assert right.proc.wait(20) == 0
    assert not _alive(browser), "the browser is closed"
    assert "stopping: staff exit with the PIN" in right.log()


# ---------------------------------------------------------------------------------------------------
# (g) where the state lives


def test_the_state_folder_is_the_one_the_system_names(monkeypatch, tmp_path):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    assert default_state_dir({"XDG_STATE_HOME": "/srv/state"}, "posix") == Path("/srv/state/vtour-kiosk")
    assert default_state_dir({}, "posix") == home / ".local" / "state" / "vtour-kiosk"
    assert default_state_dir({"XDG_STATE_HOME": "relative/x"}, "posix") == home / ".local" / "state" / "vtour-kiosk"
    assert default_state_dir({"LOCALAPPDATA": str(tmp_path / "Local")}, "nt") == tmp_path / "Local" / "vtour-kiosk"
    assert default_state_dir({}, "nt") == home / "AppData" / "Local" / "vtour-kiosk"
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(kiosk_launch.os, "name", "posix")
    assert default_state_dir() == tmp_path / "xdg" / "vtour-kiosk"


def test_without_state_dir_the_launcher_writes_under_xdg_state_home(tmp_path, launch):
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z")
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "xdg")}
    proc = subprocess.Popen([sys.executable, str(pkg), "--no-browser"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().startswith("serving http://127.0.0.1:")
        state = tmp_path / "xdg" / "vtour-kiosk"
        assert (state / "logs" / "launcher.log").is_file() and (state / "updates").is_dir()
        assert json.loads((state / "current.json").read_text())["current"] == "t-1"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0


def test_the_browser_is_restarted_at_the_daily_restart_time(tmp_path, fake_browser, monkeypatch):
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z")
    state = tmp_path / "state"
    (state / "logs").mkdir(parents=True)
    kiosk_launch.setup_logging(state / "logs")
    kiosk = kiosk_launch.Kiosk(kiosk_launch.open_package(pkg), state)
    server = kiosk_launch.make_server(0, kiosk)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(kiosk_launch, "next_daily", lambda hhmm, after: after + 1.0)  # "04:00" comes in 1 s
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "browsers.log"))
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    watchdog = kiosk_launch.Watchdog(kiosk, str(fake_browser), url, [], "04:00", kill_after=1)
    thread = threading.Thread(target=watchdog.run, daemon=True)
    thread.start()
    log = state / "logs" / "launcher.log"
    try:
        wait_for(lambda: watchdog.starts >= 2, "the daily restart")
        assert "restarting the browser in 0 s: daily restart at 04:00" in log.read_text()
    finally:
        kiosk.stop("end of test")
        thread.join(10)
        server.shutdown()
        server.server_close()
        for handler in list(kiosk_launch.log.handlers):
            kiosk_launch.log.removeHandler(handler)
            handler.close()
    assert not thread.is_alive()
    assert all(not _alive(pid) for pid in _pids(tmp_path / "browsers.log"))


# ---------------------------------------------------------------------------------------------------
# the watchdog in-process: failed restarts, kiosk.json's daily restart, the browser's process group


@pytest.fixture
def watched(tmp_path, monkeypatch):
    """``watched(package, browser, daily=None)``: a Kiosk serving ``package`` and a Watchdog on it in a thread;
    stopped, its browsers killed, at the end."""
    made = []
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "browsers.log"))

    def start(package: Path, browser: str, daily: str | None = None):
        state = tmp_path / "state"
        (state / "logs").mkdir(parents=True, exist_ok=True)
        kiosk_launch.setup_logging(state / "logs")
        kiosk = kiosk_launch.Kiosk(kiosk_launch.open_package(package), state)
        server = kiosk_launch.make_server(0, kiosk)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        watchdog = kiosk_launch.Watchdog(kiosk, browser, url, [], daily, kill_after=1, tick=0.05)
        thread = threading.Thread(target=watchdog.run, daemon=True)
        thread.start()
        made.append((kiosk, server, thread))
        return watchdog, (state / "logs" / "launcher.log")

    yield start
    for kiosk, server, thread in made:
        kiosk.stop("end of test")
        thread.join(10)
        server.shutdown()
        server.server_close()
    for handler in list(kiosk_launch.log.handlers):
        kiosk_launch.log.removeHandler(handler)
        handler.close()
    for pid in _pids(tmp_path / "browsers.log"):
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except OSError:
                pass


def test_a_browser_restart_that_fails_is_tried_again_with_a_growing_backoff(tmp_path, watched, fake_browser,
                                                                             monkeypatch):
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z")
    real, calls = kiosk_launch._popen, []

    def flaky(cmd):  # the first start works, the next two fail, then it works again
        calls.append(cmd)
        if len(calls) in (2, 3):
            raise OSError(2, "No such file or directory")
        return real(cmd)

    monkeypatch.setattr(kiosk_launch, "_popen", flaky)
    monkeypatch.setenv("FAKE_MODE", "exit")
    watchdog, log = watched(pkg, str(fake_browser))
    wait_for(lambda: watchdog.starts >= 2, "the browser to start again after two failed starts", 30)
    text = log.read_text()
    assert "restarting the browser in 1 s: the browser exited with code 3" in text
    assert "could not be started (No such file or directory)" in text
    assert text.index("yourself; trying again in 2 s") < text.index("yourself; trying again in 4 s")
    assert not watchdog.kiosk.stopping.is_set(), "the launcher carries on"


def test_the_daily_restart_comes_from_kiosk_json(tmp_path, watched, fake_browser, monkeypatch):
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z")
    with zipfile.ZipFile(pkg) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    config = json.loads(files["kiosk.json"])
    files["kiosk.json"] = json.dumps({**config, "dailyRestart": "04:00"}).encode()
    with zipfile.ZipFile(pkg, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    asked = []
    monkeypatch.setattr(kiosk_launch, "next_daily", lambda hhmm, after: asked.append(hhmm) or after + 0.5)
    watchdog, log = watched(pkg, str(fake_browser))
    wait_for(lambda: watchdog.starts >= 2, "the daily restart")
    assert asked[0] == "04:00" and "restarting the browser in 0 s: daily restart at 04:00" in log.read_text()


def test_stopping_the_browser_stops_its_whole_process_group(tmp_path):
    pids = tmp_path / "pids"
    script = ("import subprocess, sys, time; "
              "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
              f"open({str(pids)!r}, 'w').write(str(child.pid)); time.sleep(60)")
    proc = kiosk_launch._popen([sys.executable, "-c", script])
    try:
        child = int(wait_for(lambda: pids.exists() and pids.read_text(), "the browser's helper"))
        assert os.getpgid(child) == proc.pid, "the browser leads its own group"
        kiosk_launch.stop_browser(proc, kill_after=2)
        wait_for(lambda: not _alive(child), "the helper to be stopped with the browser", 5)
        assert proc.poll() is not None
    finally:
        for kill in (os.killpg, os.kill):
            try:
                kill(proc.pid, signal.SIGKILL)
            except OSError:
                pass


def test_a_second_launcher_on_the_same_state_folder_is_one_error(tmp_path, launch):
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z")
    first = launch(pkg, "--no-browser")
    second = launch(pkg, "--no-browser", serving=False)
    assert second.proc.wait(20) == 1
    err = second.proc.stderr.read()
    assert f"another launcher (pid {first.proc.pid})" in err and str(first.state / "launcher.lock") in err
    assert "Traceback" not in err
    assert _stop(first) == 0


def test_relative_paths_on_the_command_line_are_taken_from_the_current_folder(tmp_path):
    make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z")
    proc = subprocess.Popen([sys.executable, str(LAUNCHER), "--package", "k.zip", "--state-dir", "st",
                             "--no-browser"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("serving http://127.0.0.1:"), proc.stderr.read() if proc.poll() is not None else line
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        assert Launcher(proc, tmp_path / "st", port).get("/index.html").endswith(b"<title>t-1</title>")
        assert str(tmp_path / "k.zip") in (tmp_path / "st" / "logs" / "launcher.log").read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0


def test_a_clock_set_forward_does_not_fake_the_daily_restart(tmp_path, watched, fake_browser, monkeypatch):
    pkg = make_package(tmp_path / "k.zip", "t-1", "2026-01-01T00:00:00Z")
    real, jump = time.time, [0.0]
    monkeypatch.setattr(kiosk_launch.time, "time", lambda: real() + jump[0])
    watchdog, log = watched(pkg, str(fake_browser), "04:00")
    wait_for(lambda: "first ping from the page" in log.read_text(), "the first ping")
    jump[0] = 2 * 86400.0  # the clock is set two days forward (NTP after a dead CMOS battery)
    time.sleep(1.5)
    assert watchdog.starts == 1 and "daily restart" not in log.read_text()
