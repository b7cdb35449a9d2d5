"""Run a vtour kiosk package for months unattended. Python 3 standard library only (Linux, macOS, Windows).

    python3 package.zip [PORT] [options]        (serves straight from the zip: its __main__.py)
    python3 launch.py [PORT] [options]           (in an unpacked package folder)

The package (a folder, or the zip itself) is only read: it may be on read-only media. It is served on
127.0.0.1 (PORT 0, the default: any free port) with HTTP Range support (audio seeking); its kiosk.json is
never served. A browser is started in kiosk mode (Chromium, Chrome or Edge; Firefox; else the system's
browser, without a watchdog) and kept running: one that exits or crashes is restarted (waiting 1, 2, 4 ...
60 s, back to 1 s after 10 min without trouble), and so is one that hangs (the page POSTs __kiosk/ping every
10 s; none for kiosk.json's ``pingTimeoutSeconds``, twice that after a start: the browser is terminated,
killed after 5 s, restarted; a page that has never pinged, e.g. a collection's catalogue, is restarted for
that twice at most). The browser restarts every day at kiosk.json's ``dailyRestart`` (or
``--daily-restart HH:MM``). Every restart is logged with its reason.

Writable state lives in one folder (``--state-dir``; default ``$XDG_STATE_HOME/vtour-kiosk``, else
``~/.local/state/vtour-kiosk``; on Windows ``%LOCALAPPDATA%\\vtour-kiosk``)::

    browser-profile/          the browser's profile, made fresh at each browser start
    logs/launcher.log         the launcher's log (rotated at 1 MB, 5 kept)
    logs/events-YYYY-MM-DD.jsonl  the visit events the page posts (local date), one JSON object a line
    packages/VERSION.zip      installed updates
    updates/                  the watched folder (``--updates DIR``): drop a new package.zip here
    current.json              {"current": version, "previous": version}

Updates: every 10 s the watched folder is looked at; a zip whose size has settled is checked (zip CRCs,
kiosk.json format vtour-kiosk-1, index.html, a version other than the one served), copied into packages/
and goes live when the page next enters its attract state (POST __kiosk/attract answers {"reload": true}).
A checked zip is moved to updates/installed/, a bad one to updates/rejected/ with the reason beside it.
``--rollback`` goes back to the previous package. At start, the package current.json names is served when
it is installed and was built after the launched one; otherwise the launched one.

Endpoints (POST, Content-Type application/json, Origin, when sent, this server's own): __kiosk/ping,
__kiosk/events, __kiosk/attract, __kiosk/exit {"pin"} (the staff exit: 403 for a wrong PIN, 429 for 60 s
after 5 wrong in a minute; the right one closes the browser and exits 0), __kiosk/rollback {"pin"}.
Ctrl+C or SIGTERM stop it cleanly.
"""

from __future__ import annotations

import argparse
import binascii
import datetime
import email.utils
import errno
import functools
import hashlib
import hmac
import http.server
import json
import logging
import logging.handlers
import math
import mimetypes
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import webbrowser
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

HERE = Path(__file__).resolve().parent  # a folder, or the zip itself when run as `python3 package.zip`
PROG = "launch.py"
FORMAT = "vtour-kiosk-1"
KIOSK_JSON = "kiosk.json"
INDEX = "index.html"
BRIDGE = "/__kiosk/"

PING_TIMEOUT_S = 45.0
POLL_S = 10.0
KILL_AFTER_S = 5.0
BACKOFF_MAX_S = 60.0
HEALTHY_S = 600.0
SILENT_STARTS = 2  # restarts for a page that never pinged, before such silence no longer counts as a hang
EXIT_TRIES = 5
EXIT_WINDOW_S = 60.0
EXIT_LOCK_S = 60.0
PIN_ITERATIONS = 100_000

MAX_EVENTS = 200
MAX_BODY = 256 * 1024
MAX_STRING = 200
MAX_KEYS = 40
EVENT_TYPES = frozenset(
    [
        "scene_enter",
        "dwell",
        "hotspot_open",
        "model_open",
        "image_open",
        "language",
        "narration",
        "idle_reset",
        "attract",
    ]
)
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
HHMM_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")

TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".glb": "model/gltf-binary",
    ".gltf": "model/gltf+json",
    ".bin": "application/octet-stream",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".wasm": "application/wasm",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".vtt": "text/vtt; charset=utf-8",
}
CHROMIUMS = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
    "msedge",
    "chrome",
]
FIREFOXES = ["firefox"]
WINDOWS = [
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Microsoft\Edge\Application\msedge.exe",
    r"C:\Program Files\Mozilla Firefox\firefox.exe",
]
CHROMIUM_FLAGS = [
    "--kiosk",
    "--no-first-run",
    "--noerrdialogs",
    "--disable-session-crashed-bubble",
    "--disable-infobars",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-pinch",
    "--overscroll-history-navigation=0",
    "--disable-features=TranslateUI",
]

log = logging.getLogger("vtour-kiosk")


class LaunchError(Exception):
    """A problem the launcher cannot carry on with; the message says what to do."""


# ---------------------------------------------------------------------------------------------------
# PINs and times


def hash_pin(pin: str, salt: bytes | None = None, iterations: int = PIN_ITERATIONS) -> str:
    """``pbkdf2_sha256$ITERATIONS$SALT_HEX$HASH_HEX`` of ``pin`` (the form kiosk.json holds)."""
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, iterations)
    return "pbkdf2_sha256$%d$%s$%s" % (iterations, salt.hex(), digest.hex())


def check_pin(stored: str | None, pin: object) -> bool:
    """Whether ``pin`` matches ``stored`` (a :func:`hash_pin` string), compared in constant time."""
    if not stored or not isinstance(pin, str) or len(pin) > 64:
        return False
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        got = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), bytes.fromhex(salt), int(iterations))
        return hmac.compare_digest(got, bytes.fromhex(digest))
    except (ValueError, binascii.Error):
        return False


def next_daily(hhmm: str, after: float) -> float:
    """The first time (epoch seconds) after ``after`` at which the local clock reads ``hhmm``."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    start = datetime.datetime.fromtimestamp(after)
    at = start.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if at <= start:
        at += datetime.timedelta(days=1)
    return at.timestamp()


# ---------------------------------------------------------------------------------------------------
# Packages: a folder or a zip, read only


class Entry:
    """One file of a package: ``size`` bytes, read by ranges with ``chunks(start, length)``."""

    def __init__(self, size: int, mtime: float, opener, data: bytes | None = None):
        self.size, self.mtime, self._opener, self._data = size, mtime, opener, data

    def chunks(self, start: int, length: int, block: int = 1 << 16) -> Iterator[bytes]:
        if self._data is not None:
            for i in range(start, start + length, block):
                yield self._data[i : min(i + block, start + length)]
            return
        offset, f = self._opener()  # a handle of its own: requests run in threads
        with f:
            f.seek(offset + start)
            left = length
            while left > 0:
                data = f.read(min(block, left))
                if not data:
                    raise OSError("the package file was cut short")
                left -= len(data)
                yield data


def _clean_name(path: str) -> str | None:
    """A URL path as a package entry name ("a/b.jpg"), or None for one that leaves the package."""
    parts = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == ".." or "\\" in part or ":" in part or "\x00" in part:
            return None
        parts.append(part)
    return "/".join(parts)


class Package:
    """A kiosk package read from a folder or a zip. ``config`` is its kiosk.json (``{}`` without one)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.config: dict[str, Any] = {}
        raw = self.read(KIOSK_JSON)
        if raw is not None:
            try:
                config = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise LaunchError("%s in %s is not JSON (%s); rebuild the package" % (KIOSK_JSON, path, exc)) from None
            self.config = config if isinstance(config, dict) else {}

    @property
    def version(self) -> str:
        return str(self.config.get("version") or "unversioned")

    @property
    def built(self) -> str:
        return str(self.config.get("built") or "")

    def entry(self, name: str) -> Entry | None:
        raise NotImplementedError

    def read(self, name: str) -> bytes | None:
        entry = self.entry(name)
        return None if entry is None else b"".join(entry.chunks(0, entry.size))

    def __repr__(self) -> str:
        return "%s %s (%s)" % (type(self).__name__, self.version, self.path)


class FolderPackage(Package):
    def entry(self, name: str) -> Entry | None:
        path = self.path.joinpath(*name.split("/")) if name else self.path
        try:
            st = path.stat()
        except (OSError, ValueError):
            return None
        if not path.is_file():
            return None
        return Entry(st.st_size, st.st_mtime, lambda: (0, open(path, "rb")))


class ZipPackage(Package):
    """Entries are read straight from the zip, each request with its own file handle: stored entries (tiles,
    audio) by offset, deflated ones (pages, scripts) inflated whole."""

    def __init__(self, path: str | os.PathLike):
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._offsets: dict[str, int] = {}
        try:
            with zipfile.ZipFile(path) as zf:
                self._infos = {i.filename: i for i in zf.infolist() if not i.is_dir()}
        except (OSError, zipfile.BadZipFile) as exc:
            raise LaunchError("%s is not a readable zip (%s)" % (path, exc)) from None
        self.mtime = os.stat(path).st_mtime
        super().__init__(path)

    def _data_offset(self, info: zipfile.ZipInfo, f: BinaryIO) -> int:
        offset = self._offsets.get(info.filename)
        if offset is None:
            f.seek(info.header_offset)
            header = f.read(30)
            if len(header) != 30 or header[:4] != b"PK\x03\x04":
                raise OSError("bad local header for %s" % info.filename)
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            offset = self._offsets[info.filename] = info.header_offset + 30 + name_len + extra_len
        return offset

    def _open(self, info: zipfile.ZipInfo) -> tuple[int, BinaryIO]:
        f = open(self.path, "rb")
        try:
            return self._data_offset(info, f), f
        except BaseException:
            f.close()
            raise

    def entry(self, name: str) -> Entry | None:
        info = self._infos.get(name)
        if info is None:
            return None
        if info.compress_type == zipfile.ZIP_STORED:
            return Entry(info.file_size, self.mtime, functools.partial(self._open, info))
        offset, f = self._open(info)
        with f:
            f.seek(offset)
            raw = f.read(info.compress_size)
        if info.compress_type == zipfile.ZIP_DEFLATED:
            data = zlib.decompressobj(-15).decompress(raw)
        else:  # another method (not what vtour writes): zipfile, one reader at a time
            with zipfile.ZipFile(self.path) as zf:
                data = zf.read(info)
        return Entry(len(data), self.mtime, None, data)


def open_package(path: str | os.PathLike) -> Package:
    path = Path(path)
    if path.is_dir():
        return FolderPackage(path)
    if path.is_file():
        return ZipPackage(path)
    raise LaunchError("no package at %s; pass a package folder or zip" % path)


def check_candidate(path: Path, current_version: str) -> dict[str, Any]:
    """The kiosk.json of a candidate update zip, or a LaunchError saying why it cannot be installed."""
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise LaunchError("the zip is damaged (%s fails its CRC check)" % bad)
            names = set(zf.namelist())
            if KIOSK_JSON not in names:
                raise LaunchError("no kiosk.json: not a kiosk package (vtour package --kiosk makes one)")
            if INDEX not in names:
                raise LaunchError("no index.html in the package")
            config = json.loads(zf.read(KIOSK_JSON).decode("utf-8"))
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise LaunchError("not a readable zip (%s)" % exc) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise LaunchError("kiosk.json is not JSON (%s)" % exc) from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise LaunchError("kiosk.json's format is not %s" % FORMAT)
    version = config.get("version")
    if not isinstance(version, str) or not VERSION_RE.match(version):
        raise LaunchError("kiosk.json's version %r is not a version string" % (version,))
    if version == current_version:
        raise LaunchError("version %s is the one already served" % version)
    return config


# ---------------------------------------------------------------------------------------------------
# State


def default_state_dir(environ: Any = None, os_name: str | None = None) -> Path:
    """The folder the system names for an application's state (see the module docstring)."""
    environ = os.environ if environ is None else environ
    if (os_name or os.name) == "nt":
        base = environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    else:
        base = environ.get("XDG_STATE_HOME") or ""
        if not os.path.isabs(base):  # the XDG spec: a relative path is invalid, ignore it
            base = str(Path.home() / ".local" / "state")
    return Path(base) / "vtour-kiosk"


def write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(".%s.%d.tmp" % (path.name, os.getpid()))
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def copy_atomic(src: Path, dest: Path) -> None:
    tmp = dest.with_name(".%s.%d.tmp" % (dest.name, os.getpid()))
    try:
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
            fout.flush()
            os.fsync(fout.fileno())
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()


def setup_logging(logs: Path) -> None:
    log.setLevel(logging.INFO)
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
    form = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    to_file = logging.handlers.RotatingFileHandler(
        logs / "launcher.log", maxBytes=1 << 20, backupCount=5, encoding="utf-8"
    )
    to_file.setFormatter(form)
    log.addHandler(to_file)
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter(PROG + ": %(message)s"))
    log.addHandler(console)
    log.propagate = False


# ---------------------------------------------------------------------------------------------------
# The kiosk: what is served, updates, the page's calls


class Kiosk:
    """The served package and the state around it. ``state`` None: serving only (no updates, no events)."""

    def __init__(
        self,
        launched: Package,
        state: Path | None = None,
        updates: Path | None = None,
        ping_timeout: float | None = None,
    ):
        self.launched = launched
        self.state = state
        self.updates = updates
        self.lock = threading.Lock()
        self.package = launched
        self.pending: Package | None = None
        self.previous: str | None = None
        self.ping_timeout_override = ping_timeout
        self.last_ping: float | None = None
        self.pings = 0
        self.stopping = threading.Event()
        self.exit_code = 0
        self.stop_reason = ""
        self._failures: list[float] = []
        self._locked_until = 0.0
        self._seen: dict[str, tuple[int, int]] = {}
        self._judged: set[tuple[str, int, int]] = set()
        self.origin = ""  # http://127.0.0.1:PORT, set once the server is bound

    # -- packages ---------------------------------------------------------------------------------

    @property
    def packages(self) -> Path:
        assert self.state is not None
        return self.state / "packages"

    def _installed(self, version: str | None) -> Package | None:
        if not version:
            return None
        if version == self.launched.version:
            return self.launched
        path = self.packages / (version + ".zip")
        if not VERSION_RE.match(version) or not path.is_file():
            return None
        try:
            return ZipPackage(path)
        except LaunchError as exc:
            log.warning("installed package %s is unreadable: %s", version, exc)
            return None

    def _read_current(self) -> dict[str, Any]:
        try:
            data = json.loads((self.state / "current.json").read_text("utf-8")) if self.state else {}
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_current(self) -> None:
        if self.state is not None:
            write_json_atomic(self.state / "current.json", {"current": self.package.version, "previous": self.previous})

    def choose_at_start(self) -> Package:
        """The package current.json names when installed and built after the launched one, else the launched."""
        current = self._read_current()
        self.previous = current.get("previous") if isinstance(current.get("previous"), str) else None
        named = self._installed(current.get("current"))
        if named is not None and named is not self.launched and named.built > self.launched.built:
            self.package = named
            log.info("serving installed package %s (newer than the launched %s)", named.version, self.launched.version)
        else:
            self.package = self.launched
            if current.get("current") != self.launched.version:
                if named is not None and named is not self.launched:
                    self.previous = named.version
                self._write_current()
            log.info("serving the launched package %s (%s)", self.launched.version, self.launched.path)
        return self.package

    def rollback(self) -> str:
        """Serve the previous package from now on; its version, or a LaunchError when there is none."""
        with self.lock:
            previous = self._installed(self.previous)
            if previous is None:
                raise LaunchError("no previous package to go back to (current.json names %s)" % (self.previous,))
            old = self.package
            self.package, self.previous, self.pending = previous, old.version, None
            self._write_current()
        log.info("rollback: %s replaced by the previous package %s", old.version, previous.version)
        return previous.version

    def attract(self) -> bool:
        """The page entered its attract state: swap in a pending update now (True: the page reloads)."""
        with self.lock:
            new = self.pending
            if new is None:
                return False
            old = self.package
            self.package, self.previous, self.pending = new, old.version, None
            self._write_current()
            self._prune()
        log.info("update: %s now served instead of %s (at attract)", new.version, old.version)
        return True

    def _prune(self) -> None:
        """Installed packages other than the current and previous are deleted (disk use stays bounded)."""
        keep = {self.package.version + ".zip", (self.previous or "") + ".zip"}
        for path in self.packages.glob("*.zip"):
            if path.name not in keep:
                try:
                    path.unlink()
                except OSError:  # in use (Windows): next time
                    pass

    def poll_updates(self) -> None:
        """One look at the watched folder (see the module docstring)."""
        if self.updates is None or not self.updates.is_dir():
            return
        for path in sorted(self.updates.glob("*.zip")):
            try:
                st = path.stat()
            except OSError:
                continue
            stamp = (st.st_size, st.st_mtime_ns)
            key = (str(path), *stamp)
            if key in self._judged:
                continue
            if self._seen.get(str(path)) != stamp:  # still being copied, maybe: wait for it to settle
                self._seen[str(path)] = stamp
                continue
            self._judged.add(key)
            self._install(path)

    def _install(self, path: Path) -> None:
        with self.lock:
            serving, pending = self.package.version, self.pending.version if self.pending else None
        try:
            config = check_candidate(path, serving)
            version = config["version"]
            if version == pending:
                raise LaunchError("version %s is already installed and waits for the next attract" % version)
            self.packages.mkdir(parents=True, exist_ok=True)
            dest = self.packages / (version + ".zip")
            copy_atomic(path, dest)
            package = ZipPackage(dest)
        except (LaunchError, OSError) as exc:
            log.warning("update %s refused: %s", path, exc)
            self._move_aside(path, "rejected", str(exc))
            return
        with self.lock:
            self.pending = package
        log.info("update %s installed from %s; it goes live at the next attract", version, path)
        self._move_aside(path, "installed", "installed as %s" % version)

    def _move_aside(self, path: Path, where: str, note: str) -> None:
        folder = path.parent / where
        try:
            folder.mkdir(exist_ok=True)
            stamp = time.strftime("%Y%m%dT%H%M%S")
            dest = folder / ("%s-%s" % (stamp, path.name))
            os.replace(path, dest)
            dest.with_name(dest.name + ".txt").write_text(note + "\n", encoding="utf-8")
        except OSError as exc:  # a read-only folder: remembered as judged instead
            log.warning("could not move %s to %s/ (%s); it will not be tried again", path, where, exc)

    # -- the page's calls ---------------------------------------------------------------------------

    @property
    def ping_timeout(self) -> float:
        if self.ping_timeout_override is not None:
            return self.ping_timeout_override
        value = self.package.config.get("pingTimeoutSeconds", PING_TIMEOUT_S)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0
        return float(value) if ok else PING_TIMEOUT_S

    def ping(self, body: Any) -> dict:
        with self.lock:
            first = self.last_ping is None
            self.last_ping = time.monotonic()
            self.pings += 1
        if first:
            log.info("first ping from the page (scene %s)", body.get("scene") if isinstance(body, dict) else None)
        return {"ok": True}

    def write_events(self, events: list) -> int:
        if self.state is None:
            raise LaunchError("no state folder: events are not kept")
        version = self.package.version
        lines = "".join(json.dumps({**e, "package": version}, ensure_ascii=False) + "\n" for e in events)
        path = self.state / "logs" / ("events-%s.jsonl" % datetime.date.today().isoformat())
        with self.lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "ab") as f:
                # a line torn by a power cut stays alone on its line (vtour stats skips it), not glued to the next
                if f.tell() > 0:
                    with open(path, "rb") as r:
                        r.seek(-1, os.SEEK_END)
                        if r.read(1) != b"\n":
                            lines = "\n" + lines
                f.write(lines.encode("utf-8"))
                f.flush()
        return len(events)

    def try_pin(self, pin: object) -> int:
        """200 for the right PIN, 403 for a wrong one (or none set), 429 while locked out."""
        now = time.monotonic()
        with self.lock:
            if now < self._locked_until:
                return 429
            self._failures = [t for t in self._failures if now - t < EXIT_WINDOW_S]
            if check_pin(self.package.config.get("pin"), pin):
                self._failures = []
                return 200
            self._failures.append(now)
            if len(self._failures) >= EXIT_TRIES:
                self._locked_until, self._failures = now + EXIT_LOCK_S, []
                log.warning("staff exit: %d wrong PINs within a minute; locked for %d s", EXIT_TRIES, EXIT_LOCK_S)
            return 403

    def stop(self, reason: str, code: int = 0) -> None:
        if not self.stopping.is_set():
            self.stop_reason, self.exit_code = reason, code
            log.info("stopping: %s", reason)
            self.stopping.set()


def validate_events(data: Any) -> str | None:
    """Why a batch of visit events is refused, or None for a good one."""
    if not isinstance(data, list):
        return "the body must be a JSON array of events"
    if len(data) > MAX_EVENTS:
        return "%d events in one batch; at most %d" % (len(data), MAX_EVENTS)

    def scalar_ok(v: Any) -> bool:
        if isinstance(v, str):
            return len(v) <= MAX_STRING
        if isinstance(v, float):
            return math.isfinite(v)
        return v is None or isinstance(v, (bool, int))

    for i, event in enumerate(data):
        if not isinstance(event, dict):
            return "event %d is not a JSON object" % i
        if event.get("type") not in EVENT_TYPES:
            return "event %d: unknown type %r (one of %s)" % (i, event.get("type"), ", ".join(sorted(EVENT_TYPES)))
        if len(event) > MAX_KEYS:
            return "event %d has %d fields; at most %d" % (i, len(event), MAX_KEYS)
        for key, value in event.items():
            if len(key) > MAX_STRING:
                return "event %d: a field name longer than %d characters" % (i, MAX_STRING)
            inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
            if (isinstance(value, (dict, list)) and len(value) > MAX_KEYS) or not all(map(scalar_ok, inner)):
                return "event %d: field %r is too long or nested (strings up to %d characters, one level)" % (
                    i,
                    key,
                    MAX_STRING,
                )
            if isinstance(value, dict) and any(len(k) > MAX_STRING for k in value):
                return "event %d: field %r has a key longer than %d characters" % (i, key, MAX_STRING)
    return None


# ---------------------------------------------------------------------------------------------------
# HTTP


class Handler(http.server.BaseHTTPRequestHandler):
    # keep-alive: a viewer asks for dozens of tiles at once, and a new connection per tile costs a
    # round of TCP set-up each; an idle connection is closed after `timeout` seconds
    protocol_version = "HTTP/1.1"
    timeout = 30
    # headers and body go out as two writes: with Nagle's algorithm the body waits for the client's
    # delayed ACK of the headers (40 ms on Linux) on a kept-alive connection
    disable_nagle_algorithm = True
    server_version = "vtour-kiosk"
    kiosk: Kiosk

    def setup(self) -> None:
        super().setup()
        self.kiosk = self.server.kiosk  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"ok": False, "error": message})

    # -- GET ---------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        path = urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0])
        if "\x00" in path:
            self._error(400, "NUL byte in the URL")
            return
        name = _clean_name(path)
        if name is not None and (path.endswith("/") or name == ""):
            name = (name + "/" if name else "") + INDEX
        package = self.kiosk.package
        entry = None if name is None or name == KIOSK_JSON else package.entry(name)
        if entry is None:
            self._error(404, "not found")
            return
        etag = '"%s-%d"' % (hashlib.sha1(package.version.encode()).hexdigest()[:12], entry.size)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start, length, status = 0, entry.size, 200
        spec = self.headers.get("Range")
        if spec:
            try:
                parsed = parse_range(spec, entry.size)
            except ValueError:
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % entry.size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if parsed is not None:
                start, length, status = parsed[0], parsed[1], 206
        self.send_response(status)
        ext = os.path.splitext(name or "")[1].lower()
        self.send_header(
            "Content-Type", TYPES.get(ext) or mimetypes.guess_type(name or "")[0] or "application/octet-stream"
        )
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", "no-cache")  # revalidated: a swapped package is never shown stale
        self.send_header("Last-Modified", email.utils.formatdate(entry.mtime, usegmt=True))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, start + length - 1, entry.size))
        self.end_headers()
        if head:
            return
        if name == INDEX:
            log.info("page requested: %s of %s", INDEX, package.version)
        try:
            for chunk in entry.chunks(start, length):
                self.wfile.write(chunk)
        except OSError as exc:
            if not isinstance(exc, (BrokenPipeError, ConnectionResetError)):
                log.warning("reading %s failed: %s", name, exc)
            self.close_connection = True

    # -- POST --------------------------------------------------------------------------------------

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        if not path.startswith(BRIDGE):
            self._error(404, "not found")
            return
        action = path[len(BRIDGE) :]
        if action not in ("ping", "events", "attract", "exit", "rollback"):
            self._error(404, "no such kiosk call")
            return
        origin = self.headers.get("Origin")
        if origin is not None and origin != self.kiosk.origin:
            self.close_connection = True
            self._error(403, "another site may not call the kiosk")
            return
        if (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
            self.close_connection = True
            self._error(415, "Content-Type must be application/json")
            return
        try:
            size = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.close_connection = True
            self._error(411, "Content-Length required")
            return
        if size < 0 or size > MAX_BODY:
            self.close_connection = True  # the body is not read
            self._error(400, "the body is %d bytes; at most %d" % (size, MAX_BODY))
            return
        try:
            body = json.loads(self.rfile.read(size).decode("utf-8")) if size else {}
        except (UnicodeDecodeError, ValueError) as exc:
            self._error(400, "the body is not JSON (%s)" % exc)
            return
        getattr(self, "_post_" + action)(body)

    def _post_ping(self, body: Any) -> None:
        self._json(200, self.kiosk.ping(body))

    def _post_events(self, body: Any) -> None:
        problem = validate_events(body)
        if problem:
            self._error(400, problem)
            return
        try:
            written = self.kiosk.write_events(body)
        except (OSError, LaunchError) as exc:
            log.warning("events not written: %s", exc)
            self._error(503, "events not written")
            return
        self._json(200, {"ok": True, "written": written})

    def _post_attract(self, body: Any) -> None:
        self._json(200, {"reload": self.kiosk.attract()})

    def _pin(self, body: Any) -> int:
        status = self.kiosk.try_pin(body.get("pin") if isinstance(body, dict) else None)
        if status != 200:
            self._json(status, {"ok": False})
        return status

    def _post_exit(self, body: Any) -> None:
        if self._pin(body) == 200:
            self._json(200, {"ok": True})
            self.wfile.flush()
            self.kiosk.stop("staff exit with the PIN", 0)

    def _post_rollback(self, body: Any) -> None:
        if self._pin(body) == 200:
            try:
                version = self.kiosk.rollback()
            except LaunchError as exc:
                self._error(409, str(exc))
                return
            self._json(200, {"ok": True, "reload": True, "version": version})


def parse_range(spec: str, size: int) -> tuple[int, int] | None:
    """(start, length) of a single ``bytes=`` range; None to send the whole file (a form not handled: several
    ranges, other units); a ValueError for an unsatisfiable range (416)."""
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", spec)
    if not m or (not m.group(1) and not m.group(2)):
        return None
    if not m.group(1):  # the last N bytes
        n = int(m.group(2))
        if n == 0:
            raise ValueError(spec)
        n = min(n, size)
        return size - n, n
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else size - 1
    if start >= size or end < start:
        raise ValueError(spec)
    end = min(end, size - 1)
    return start, end - start + 1


class Server(http.server.ThreadingHTTPServer):
    # the default backlog of 5 refuses (then retries after 1 s) a browser's burst of tile requests
    request_queue_size = 128
    daemon_threads = True
    kiosk: Kiosk


def make_server(port: int = 0, directory: str | os.PathLike | Kiosk = HERE) -> Server:
    """A threaded HTTP server on 127.0.0.1 (port 0: a free one) for a package folder or zip (serving only),
    or for a :class:`Kiosk`; not yet serving."""
    kiosk = directory if isinstance(directory, Kiosk) else Kiosk(open_package(directory))
    server = Server(("127.0.0.1", port), Handler)
    server.kiosk = kiosk
    kiosk.origin = "http://127.0.0.1:%d" % server.server_address[1]
    return server


# ---------------------------------------------------------------------------------------------------
# The browser and its watchdog


def find_browser() -> str | None:
    for name in CHROMIUMS + FIREFOXES:
        path = shutil.which(name)
        if path:
            return path
    return next((p for p in WINDOWS if os.path.exists(p)), None)


def is_firefox(browser: str) -> bool:
    return "firefox" in os.path.basename(browser).lower()


def kiosk_command(browser: str, url: str, profile: str | os.PathLike, extra: list[str] | None = None) -> list[str]:
    """The command line that opens ``url`` in kiosk mode, with its profile in the folder ``profile``."""
    if is_firefox(browser):
        return [browser, "--kiosk", "--no-remote", "--profile", str(profile), *(extra or []), url]
    return [browser, *CHROMIUM_FLAGS, "--user-data-dir=" + str(profile), *(extra or []), url]


def _popen(cmd: list[str]) -> subprocess.Popen:
    if os.name == "nt":
        flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        return subprocess.Popen(cmd, creationflags=flags)
    return subprocess.Popen(cmd, start_new_session=True)  # its own group: its helpers are stopped with it


def _signal_tree(proc: subprocess.Popen, kill: bool) -> None:
    if os.name == "nt":
        if kill:
            subprocess.call(
                ["taskkill", "/F", "/T", "/PID", str(proc.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        else:
            proc.terminate()
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
    except OSError:
        pass


def stop_browser(proc: subprocess.Popen, kill_after: float = KILL_AFTER_S) -> None:
    """Terminate the browser (its process group), killing it after ``kill_after`` seconds."""
    if proc.poll() is None:
        _signal_tree(proc, kill=False)
        try:
            proc.wait(kill_after)
        except subprocess.TimeoutExpired:
            log.warning("the browser (pid %d) did not stop in %g s: killed", proc.pid, kill_after)
    _signal_tree(proc, kill=True)  # the process and anything it left behind
    try:
        proc.wait(kill_after)
    except subprocess.TimeoutExpired:
        pass


class Watchdog:
    """Keeps one kiosk browser running on ``url`` until the kiosk stops (see the module docstring)."""

    def __init__(
        self,
        kiosk: Kiosk,
        browser: str,
        url: str,
        extra: list[str],
        daily: str | None,
        kill_after: float = KILL_AFTER_S,
        tick: float = 0.25,
    ):
        self.kiosk, self.browser, self.url, self.extra = kiosk, browser, url, extra
        self.daily, self.kill_after, self.tick = daily, kill_after, tick
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self.silent_starts = 0
        self._told = False

    def _silence_counts(self) -> bool:
        """Whether a start without a ping is a hang: always once a page has pinged; otherwise (a page that may
        not ping at all, e.g. a collection's catalogue) for the first SILENT_STARTS starts only."""
        if self.kiosk.pings > 0 or self.silent_starts < SILENT_STARTS:
            return True
        if not self._told:
            self._told = True
            log.warning("the page has never pinged: a hang is noticed only after its first ping")
        return False

    def _profile(self) -> Path:
        assert self.kiosk.state is not None
        profile = self.kiosk.state / "browser-profile"
        shutil.rmtree(profile, ignore_errors=True)
        profile.mkdir(parents=True, exist_ok=True)
        return profile

    def start(self) -> subprocess.Popen:
        cmd = kiosk_command(self.browser, self.url, self._profile(), self.extra)
        try:
            proc = _popen(cmd)
        except OSError as exc:
            raise LaunchError(
                "the browser %s could not be started (%s); install Chromium, or run `python3 %s "
                "--no-browser` and open %s yourself" % (self.browser, exc.strerror or exc, PROG, self.url)
            ) from None
        self.starts += 1
        self.proc = proc
        with self.kiosk.lock:
            self.kiosk.last_ping = None
        log.info("browser started (pid %d, start %d): %s", proc.pid, self.starts, " ".join(cmd))
        return proc

    def run(self, first: subprocess.Popen | None = None) -> None:
        """Watch ``first`` (a browser :meth:`start` made), or a new one, and its successors until the stop."""
        kiosk, backoff = self.kiosk, 1.0
        while not kiosk.stopping.is_set():
            self.proc = proc = first or self.start()
            first = None
            started = time.monotonic()
            daily = self.daily or kiosk.package.config.get("dailyRestart")
            restart_at = next_daily(daily, time.time()) if isinstance(daily, str) and HHMM_RE.match(daily) else None
            reason, failure = None, True
            while reason is None:
                if kiosk.stopping.wait(self.tick):
                    stop_browser(proc, self.kill_after)
                    log.info("browser closed (%s)", kiosk.stop_reason)
                    return
                code = proc.poll()
                now = time.monotonic()
                with kiosk.lock:
                    last = kiosk.last_ping
                timeout = kiosk.ping_timeout
                if code is not None:
                    reason = "the browser exited with code %d" % code
                elif last is None and now - started > 2 * timeout and self._silence_counts():
                    self.silent_starts += 1
                    reason = "no ping from the page within %g s of the browser's start (hung)" % (2 * timeout)
                elif last is not None and now - last > timeout:
                    reason = "no ping from the page for %g s (hung)" % timeout
                elif restart_at is not None and time.time() >= restart_at:
                    reason, failure = "daily restart at %s" % daily, False
            ran = time.monotonic() - started
            stop_browser(proc, self.kill_after)
            if ran >= HEALTHY_S or not failure:
                backoff = 1.0
            wait = backoff if failure else 0.0
            log.warning("restarting the browser in %g s: %s (after %.0f s)", wait, reason, ran)
            if failure:
                backoff = min(backoff * 2, BACKOFF_MAX_S)
            if kiosk.stopping.wait(wait):
                return


# ---------------------------------------------------------------------------------------------------
# Command line


def port_number(text: str) -> int:
    """argparse type: a TCP port number, 0 to 65535."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("%r is not a port number (0 to 65535; 0: any free port)" % text)
    return port


def hhmm(text: str) -> str:
    if not HHMM_RE.match(text):
        raise argparse.ArgumentTypeError("%r is not a local time HH:MM (00:00 to 23:59)" % text)
    return text


def positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError("%r is not a number of seconds > 0" % text)
    return value


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Serve this kiosk package on 127.0.0.1 and keep a browser open on it in kiosk mode."
    )
    parser.add_argument("port", metavar="PORT", nargs="?", type=port_number, default=0, help="default 0: any free")
    parser.add_argument("--no-browser", action="store_true", help="serve only, until Ctrl+C")
    parser.add_argument(
        "--browser",
        metavar="PATH",
        help="the browser to run (default: the first found of Chromium, Chrome, Edge, Firefox)",
    )
    parser.add_argument(
        "--browser-arg",
        metavar="ARG",
        action="append",
        default=[],
        help="one more argument for the browser (repeatable; --browser-arg=--flag)",
    )
    parser.add_argument(
        "--state-dir", metavar="DIR", help="logs, updates and the browser profile (default %s)" % default_state_dir()
    )
    parser.add_argument("--updates", metavar="DIR", help="the watched folder for new packages (default STATE/updates)")
    parser.add_argument(
        "--package", metavar="PATH", help="serve this package folder or zip (default: the one this launcher is in)"
    )
    parser.add_argument(
        "--daily-restart",
        metavar="HH:MM",
        type=hhmm,
        help="restart the browser daily at this local time (default: kiosk.json's dailyRestart)",
    )
    parser.add_argument("--rollback", action="store_true", help="go back to the previous package, then run")
    # for tests and troubleshooting: seconds instead of the defaults
    parser.add_argument("--ping-timeout", type=positive, help=argparse.SUPPRESS)
    parser.add_argument("--poll-seconds", type=positive, default=POLL_S, help=argparse.SUPPRESS)
    parser.add_argument("--kill-after", type=positive, default=KILL_AFTER_S, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def fail(message: str) -> int:
    if log.handlers:
        log.error("%s", message)
    else:
        print("%s: %s" % (PROG, message), file=sys.stderr)
    return 1


def _prepare_state(args: argparse.Namespace) -> tuple[Path, Path]:
    state = Path(args.state_dir).resolve() if args.state_dir else default_state_dir()
    updates = Path(args.updates).resolve() if args.updates else state / "updates"
    try:
        for folder in (state, state / "logs", state / "packages"):
            folder.mkdir(parents=True, exist_ok=True)
        if not args.updates:
            updates.mkdir(exist_ok=True)
    except OSError as exc:
        raise LaunchError(
            "cannot write the state folder %s (%s); pass --state-dir with a writable folder"
            % (state, exc.strerror or exc)
        ) from None
    return state, updates


def _watch_updates(kiosk: Kiosk, every: float) -> None:
    while not kiosk.stopping.wait(every):
        try:
            kiosk.poll_updates()
        except Exception:  # the watcher must not die: the kiosk runs for months
            log.exception("looking for updates failed")


def _on_signal(kiosk: Kiosk):
    def handler(signum, frame):
        kiosk.stop("signal %d" % signum, 0)

    return handler


def main(argv: list[str] | None = None, directory: str | os.PathLike | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        state, updates = _prepare_state(args)
        setup_logging(state / "logs")
        launched = open_package(args.package or directory or HERE)
        kiosk = Kiosk(launched, state, updates, ping_timeout=args.ping_timeout)
        kiosk.choose_at_start()
        if args.rollback:
            kiosk.rollback()
    except LaunchError as exc:
        return fail(str(exc))
    try:
        server = make_server(args.port, kiosk)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return fail("port %d on 127.0.0.1 is in use; pass another port, or 0 for any free one" % args.port)
        return fail("cannot serve on 127.0.0.1 port %d (%s)" % (args.port, exc.strerror or exc))
    url = "http://127.0.0.1:%d/index.html" % server.server_address[1]
    if threading.current_thread() is threading.main_thread():
        for name in ("SIGTERM", "SIGBREAK"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), _on_signal(kiosk))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=_watch_updates, args=(kiosk, args.poll_seconds), daemon=True).start()
    print("serving", url, "(Ctrl+C to stop)", flush=True)
    log.info("serving %s from %s; state in %s; watching %s", url, kiosk.package.path, state, updates)
    watchdog = None
    try:
        if not args.no_browser:
            browser = args.browser or find_browser()
            if browser:
                watchdog = Watchdog(kiosk, browser, url, args.browser_arg, args.daily_restart, args.kill_after)
                first = watchdog.start()  # a browser that cannot start at all is an error, not a retry
                threading.Thread(target=_run_watchdog, args=(watchdog, first), daemon=True).start()
            elif webbrowser.open(url):
                log.warning(
                    "no Chromium, Chrome, Edge or Firefox found: the system's browser shows %s, with no "
                    "watchdog (install Chromium for a kiosk that restarts its browser)",
                    url,
                )
            else:
                raise LaunchError(
                    "no web browser found; install Chromium, or run `python3 %s --no-browser` and "
                    "open %s yourself" % (PROG, url)
                )
        while not kiosk.stopping.wait(0.5):  # a timeout: Ctrl+C reaches the main thread on Windows too
            pass
    except KeyboardInterrupt:
        kiosk.stop("Ctrl+C", 0)
    except LaunchError as exc:
        kiosk.stop(str(exc), 1)
    finally:
        kiosk.stopping.set()
        if watchdog is not None and watchdog.proc is not None:
            stop_browser(watchdog.proc, args.kill_after)
        server.shutdown()
        server.server_close()
    if kiosk.exit_code:
        return fail(kiosk.stop_reason)
    log.info("stopped (%s)", kiosk.stop_reason)
    return 0


def _run_watchdog(watchdog: Watchdog, first: subprocess.Popen) -> None:
    try:
        watchdog.run(first)
    except LaunchError as exc:
        watchdog.kiosk.stop(str(exc), 1)
    except Exception:
        log.exception("the watchdog failed")
        watchdog.kiosk.stop("the watchdog failed (see the log)", 1)


if __name__ == "__main__":
    sys.exit(main())
