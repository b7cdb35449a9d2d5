"""Run a vtour kiosk package for months unattended. Python 3 standard library only (Linux, macOS, Windows).

    python3 package.zip [PORT] [options]        (serves straight from the zip: its __main__.py)
    python3 launch.py [PORT] [options]           (in an unpacked package folder)

The package (a folder, or the zip itself) is only read: it may be on read-only media. It is served on
127.0.0.1 (PORT 0, the default: any free port) with HTTP Range support (audio seeking); its kiosk.json is
never served (under no spelling, nor through a link), nor anything a link leads to outside a package folder.
A browser is started in kiosk mode (Chromium, Chrome or Edge; Firefox; else the system's
browser, without a watchdog) and kept running: one that exits or crashes is restarted (waiting 1, 2, 4 ...
60 s, back to 1 s after 10 min without trouble; a restart that fails to start is retried the same way), and so
is one that hangs (the page POSTs __kiosk/ping every 10 s; none for kiosk.json's ``pingTimeoutSeconds`` (>= 15,
else 45), twice that after a start: the browser is terminated with its process group, killed after 5 s,
restarted; a page that has never pinged, e.g. a collection's catalogue, is restarted for
that twice at most). The browser restarts every day at kiosk.json's ``dailyRestart`` (or
``--daily-restart HH:MM``). Every restart is logged with its reason. The watchdog's times are monotonic.

Writable state lives in one folder (``--state-dir``; default ``$XDG_STATE_HOME/vtour-kiosk``, else
``~/.local/state/vtour-kiosk``; on Windows ``%LOCALAPPDATA%\\vtour-kiosk``)::

    browser-profile/          the browser's profile, made fresh at each browser start
    logs/launcher.log         the launcher's log (rotated at 1 MB, 5 kept)
    logs/events-YYYY-MM-DD.jsonl  the visit events the page posts (local date), one JSON object a line, each
                              batch one append (cut back on a failed write); kept LOG_KEEP_DAYS, LOG_MAX_BYTES
    packages/VERSION.zip      installed updates: the current, previous and pending only
    updates/                  the watched folder (``--updates DIR``): drop a new package.zip here
    current.json              {"current", "previous", "pending"?, "rejected"?: [version]}, written (atomically)
                              before a change takes effect; a failure to write it is logged, never fatal
    launcher.lock             held (flock) by the one launcher on this state folder; its pid inside

Updates: every 10 s the watched folder is looked at; a zip whose size has settled is checked (zip CRCs,
kiosk.json format vtour-kiosk-1, index.html, a version other than the one served), copied into packages/
and goes live when the page next enters its attract state (POST __kiosk/attract answers {"reload": true}),
or, for one still pending from before a restart, at the first ping saying ``"attract": true`` (the watchdog
then restarts the browser on it). An update whose page (once loaded) has not pinged within ROLLBACK_TIMEOUTS
ping timeouts is rolled back and its version rejected. A checked zip is moved to updates/installed/, a bad one
to updates/rejected/ with the reason beside it (the last KEEP_MOVED of each kept). ``--rollback`` goes back
to the previous package and rejects the one left. A rejected version is never installed again. At start,
the package current.json names is served when it is installed and was built after the launched one (or the
launched one is rejected); otherwise the launched one. Installing, pruning and the automatic rollback all
run in the one watcher thread.

Endpoints (POST, Content-Type application/json, Origin, when sent, this server's own; a body that is not
such JSON, too big or too deep is a 400; a failure in the launcher a logged 500): __kiosk/ping {scene, attract},
__kiosk/events, __kiosk/attract, __kiosk/exit {"pin"} (the staff exit: 403 for a wrong PIN, 429 for 60 s
after 5 wrong in a minute; the right one closes the browser and exits 0), __kiosk/rollback {"pin"}.
Ctrl+C or SIGTERM stop it cleanly.
"""

from __future__ import annotations

import argparse
import binascii
import collections
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
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any, BinaryIO

# a folder, or the zip itself when run as `python3 package.zip`; abspath, not resolve: a link to the package is
# the package the user named
HERE = Path(os.path.abspath(__file__)).parent
PROG = "launch.py"
FORMAT = "vtour-kiosk-1"
KIOSK_JSON = "kiosk.json"
INDEX = "index.html"
BRIDGE = "/__kiosk/"

PING_TIMEOUT_S = 45.0
MIN_PING_TIMEOUT_S = 15.0  # a kiosk.json's pingTimeoutSeconds below this is ignored: a busy page skips a ping
ROLLBACK_TIMEOUTS = 3  # an update whose page never pings for this many ping timeouts is rolled back
POLL_S = 10.0
KILL_AFTER_S = 5.0
BACKOFF_MAX_S = 60.0
HEALTHY_S = 600.0
SILENT_STARTS = 2  # restarts for a page that never pinged, before such silence no longer counts as a hang
EXIT_TRIES = 5
EXIT_WINDOW_S = 60.0
EXIT_LOCK_S = 60.0
PIN_ITERATIONS = 100_000
KEEP_MOVED = 2  # dropped zips kept in updates/installed/ and updates/rejected/ (older ones deleted)
LOG_KEEP_DAYS = 365  # events-*.jsonl older than this are deleted
LOG_MAX_BYTES = 1 << 30  # and the oldest ones beyond this total
RETENTION_EVERY_S = 3600.0
INFLATED_CACHE_BYTES = 32 << 20  # inflated deflated entries kept in memory (pages, scripts: read often)
INFLATED_ENTRY_MAX = 8 << 20
LOCK_FILE = "launcher.lock"

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
    ".aac": "audio/aac",
    ".oga": "audio/ogg",
    ".webm": "video/webm",
    ".mp4": "video/mp4",
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
    # a kiosk page is the only one, and its timers (pings, the attract loop) must run when it is not focused
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    "--password-store=basic",  # no keyring prompt on a desktop with no one to answer it
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


def is_private(name: str) -> bool:
    """Whether the entry name is kiosk.json (which holds the PIN's hash) in any spelling a file system may take
    for it: case variants (Windows, macOS), trailing dots or spaces (Windows drops them)."""
    return name.rstrip(". ").casefold() == KIOSK_JSON


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
    """Files of a folder; a link is followed only while its target stays inside the folder, and never to the
    package's kiosk.json (however it is spelt or reached)."""

    def __init__(self, path: str | os.PathLike):
        self.root = Path(path).resolve()
        super().__init__(path)

    def entry(self, name: str) -> Entry | None:
        try:
            path = self.root.joinpath(*name.split("/")).resolve() if name else self.root
            if self.root not in path.parents or not path.is_file():
                return None
            private = self.root / KIOSK_JSON
            if is_private(path.name) or (private.exists() and os.path.samefile(path, private)):
                return None
            st = path.stat()
        except (OSError, ValueError, RuntimeError):  # RuntimeError: a link loop (Python < 3.13)
            return None
        return Entry(st.st_size, st.st_mtime, lambda: (0, open(path, "rb")))

    def read(self, name: str) -> bytes | None:
        if name != KIOSK_JSON:
            return super().read(name)
        try:  # the launcher's own read of kiosk.json, the one entry() refuses
            return (self.root / KIOSK_JSON).read_bytes()
        except OSError:
            return None


class ZipPackage(Package):
    """Entries are read straight from the zip, each request with its own file handle: stored entries (tiles,
    audio) by offset, deflated ones (pages, scripts) inflated whole."""

    def __init__(self, path: str | os.PathLike):
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._offsets: dict[str, int] = {}
        # inflated entries, least recently used first: a Range request on a deflated entry is not re-inflated
        self._inflated: collections.OrderedDict[str, bytes] = collections.OrderedDict()
        self._inflated_bytes = 0
        self._cache_lock = threading.Lock()
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
        with self._cache_lock:
            data = self._inflated.get(name)
            if data is not None:
                self._inflated.move_to_end(name)
                return Entry(len(data), self.mtime, None, data)
        data = self._inflate(info)
        if len(data) <= INFLATED_ENTRY_MAX:
            with self._cache_lock:
                if name not in self._inflated:
                    self._inflated[name] = data
                    self._inflated_bytes += len(data)
                while self._inflated_bytes > INFLATED_CACHE_BYTES:
                    self._inflated_bytes -= len(self._inflated.popitem(last=False)[1])
        return Entry(len(data), self.mtime, None, data)

    def _inflate(self, info: zipfile.ZipInfo) -> bytes:
        offset, f = self._open(info)
        with f:
            f.seek(offset)
            raw = f.read(info.compress_size)
        if info.compress_type == zipfile.ZIP_DEFLATED:
            data = zlib.decompressobj(-15).decompress(raw)
        else:  # another method (not what vtour writes): zipfile, one reader at a time
            with zipfile.ZipFile(self.path) as zf:
                data = zf.read(info)
        return data


def open_package(path: str | os.PathLike) -> Package:
    path = Path(path)
    if path.is_dir():
        return FolderPackage(path)
    if path.is_file():
        return ZipPackage(path)
    raise LaunchError("no package at %s; pass a package folder or zip" % path)


def check_candidate(path: Path, current_version: str, rejected: Collection[str] = ()) -> dict[str, Any]:
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
    if version in rejected:
        raise LaunchError("version %s was rolled back; build the tour again for a new version" % version)
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
    """``data`` as ``path``, all or nothing: a temporary file, fsynced, renamed over it; removed on failure."""
    tmp = path.with_name(".%s.%d.tmp" % (path.name, os.getpid()))
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


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


def append_all(path: Path, data: bytes) -> None:
    """Append ``data`` with one write on an O_APPEND descriptor; a short or failed write is cut back to the
    file's previous size (an OSError), so a log never holds half a batch or a batch twice."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
    try:
        size = os.fstat(fd).st_size
        try:
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(errno.ENOSPC, "only %d of %d bytes written" % (written, len(data)))
        except OSError:
            try:
                os.ftruncate(fd, size)
            except OSError:
                pass
            raise
    finally:
        os.close(fd)


def lock_state(state: Path) -> BinaryIO:
    """Hold ``state``/launcher.lock (with this process's pid in it) for as long as the returned file is open,
    or a LaunchError naming the lock and the launcher that holds it."""
    path = state / LOCK_FILE
    f = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644), "r+b")
    try:
        if sys.platform == "win32":
            import msvcrt

            f.seek(64)  # a byte past the pid: another launcher can still read the pid
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        try:
            f.seek(0)
            other = f.read(20).decode("ascii", "replace").strip() or "unknown"
        except OSError:
            other = "unknown"
        f.close()
        raise LaunchError(
            "another launcher (pid %s) runs on the state folder %s (it holds %s); stop it first, or pass "
            "--state-dir with another folder" % (other, state, path)
        ) from None
    f.seek(0)
    f.write(b"%-20d\n" % os.getpid())  # fixed width: no truncation, which a lock may forbid (Windows)
    f.flush()
    return f


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


def prune_moved(folder: Path, keep: int = KEEP_MOVED) -> None:
    """In updates/installed/ or updates/rejected/: the ``keep`` newest zips stay (names start with the time they
    were moved), older ones go with their notes."""
    try:
        zips = sorted(folder.glob("*.zip"))
    except OSError:
        return
    for path in zips[: max(len(zips) - keep, 0)]:
        for old in (path, path.with_name(path.name + ".txt")):
            try:
                old.unlink()
            except OSError:  # a read-only stick, or already gone: not worth a warning each hour
                pass


def prune_logs(logs: Path, today: datetime.date, days: int = LOG_KEEP_DAYS, max_bytes: int = LOG_MAX_BYTES) -> None:
    """Event logs older than ``days`` are deleted, then the oldest ones while they total over ``max_bytes``;
    today's is always kept."""
    dated = []
    for path in logs.glob("events-*.jsonl"):
        try:
            day = datetime.date.fromisoformat(path.name[len("events-") : -len(".jsonl")])
            dated.append((day, path, path.stat().st_size))
        except (ValueError, OSError):
            continue
    dated.sort()
    total = sum(size for _, _, size in dated)
    for day, path, size in dated:
        if day >= today or ((today - day).days <= days and total <= max_bytes):
            continue
        try:
            path.unlink()
            total -= size
            log.info(
                "event log %s deleted (older than %d days, or over %d MB of logs)", path.name, days, max_bytes >> 20
            )
        except OSError as exc:
            log.warning("could not delete the old event log %s: %s", path, exc)


# ---------------------------------------------------------------------------------------------------
# The kiosk: what is served, updates, the page's calls


class Trial:
    """An update just gone live, on trial until its page pings: ``old`` and ``previous`` are what to go back to."""

    def __init__(self, old: Package, previous: str | None, since: float):
        self.old, self.previous, self.since, self.loaded = old, previous, since, False


class Kiosk:
    """The served package and the state around it. ``state`` None: serving only (no updates, no events).

    current.json is ``{"current", "previous", "pending"?, "rejected"?}``: the package served, the one before it,
    an installed update waiting for the next attract, and the versions rolled back (never installed again).
    It is written before a change takes effect; a failure to write it is logged, and the kiosk carries on."""

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
        self.rejected: list[str] = []
        self.trial: Trial | None = None
        self.reload = threading.Event()  # set: the browser must load the page again (the watchdog restarts it)
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
        self._prune_due = True
        self._retention_at = 0.0
        self.origin = ""  # http://127.0.0.1:PORT, set once the server is bound

    # -- packages ---------------------------------------------------------------------------------

    @property
    def packages(self) -> Path:
        assert self.state is not None
        return self.state / "packages"

    def _installed(self, version: Any) -> Package | None:
        if not isinstance(version, str) or not version:
            return None
        if version == self.launched.version:
            return self.launched
        if self.state is None or not VERSION_RE.match(version):
            return None
        path = self.packages / (version + ".zip")
        if not path.is_file():
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

    def _commit(self, package: Package, previous: str | None, pending: Package | None, rejected: list[str]) -> None:
        """With the lock held: current.json written first, then the change takes effect."""
        if self.state is not None:
            data: dict[str, Any] = {"current": package.version, "previous": previous}
            if pending is not None:
                data["pending"] = pending.version
            if rejected:
                data["rejected"] = rejected
            try:
                write_json_atomic(self.state / "current.json", data)
            except OSError as exc:  # a full disk, a read-only folder: the kiosk goes on, unremembered
                log.error("could not write current.json (%s): after a restart the kiosk may serve another package", exc)
        self.package, self.previous, self.pending, self.rejected = package, previous, pending, rejected

    def choose_at_start(self) -> Package:
        """The package current.json names when installed and built after the launched one (or the launched one
        was rolled back), else the launched; and the update current.json says is pending, if still newer."""
        current = self._read_current()
        rejected = current.get("rejected")
        rejected = [v for v in rejected if isinstance(v, str)][-20:] if isinstance(rejected, list) else []
        previous = current.get("previous") if isinstance(current.get("previous"), str) else None
        named = self._installed(current.get("current"))
        pinned = self.launched.version in rejected
        with self.lock:
            if named is not None and named is not self.launched and (named.built > self.launched.built or pinned):
                package = named
                log.info(
                    "serving installed package %s (%s the launched %s)",
                    named.version,
                    "a rollback from" if pinned else "newer than",
                    self.launched.version,
                )
            else:
                package = self.launched
                if named is not None and named is not self.launched:
                    previous = named.version
                log.info("serving the launched package %s (%s)", self.launched.version, self.launched.path)
            pending = self._installed(current.get("pending"))
            if pending is not None and (pending.version in rejected or not pending.built > package.built):
                pending = None
            if pending is not None:
                log.info("update %s, installed before the restart, goes live at the next attract", pending.version)
            self._commit(package, previous, pending, rejected)
        return self.package

    def rollback(self) -> str:
        """Serve the previous package from now on (the one left is never installed again); its version, or a
        LaunchError when there is none."""
        with self.lock:
            previous = self._installed(self.previous)
            if previous is None:
                raise LaunchError("no previous package to go back to (current.json names %s)" % (self.previous,))
            old = self.package
            rejected = [v for v in self.rejected if v not in (old.version, previous.version)] + [old.version]
            self._commit(previous, old.version, None, rejected)
            self.trial = None
        log.info("rollback: %s replaced by the previous package %s", old.version, previous.version)
        return previous.version

    def attract(self) -> bool:
        """The page entered its attract state: swap in a pending update now (True: the page reloads)."""
        with self.lock:
            new = self.pending
            if new is None:
                return False
            old, before = self.package, self.previous
            self._commit(new, old.version, None, self.rejected)
            # on trial only where a page pings: one that never did (a catalogue, --no-browser) proves nothing
            self.trial = Trial(old, before, time.monotonic()) if self.pings else None
            self._prune_due = True
        log.info("update: %s now served instead of %s (at attract)", new.version, old.version)
        return True

    def page_loaded(self, package: Package) -> None:
        """The page (index.html) of ``package`` was served: its pings from now on confirm an update on trial."""
        with self.lock:
            if self.trial is not None and package is self.package:
                self.trial.loaded = True

    def check_trial(self, now: float) -> bool:
        """Roll back an update whose page has not pinged within ROLLBACK_TIMEOUTS ping timeouts of going live;
        True when it did."""
        with self.lock:
            trial = self.trial
            limit = ROLLBACK_TIMEOUTS * self.ping_timeout
            if trial is None or now - trial.since < limit:
                return False
            bad = self.package
            rejected = [v for v in self.rejected if v != bad.version] + [bad.version]
            self._commit(trial.old, trial.previous, None, rejected)
            self.trial = None
        log.error(
            "update %s: no ping from its page within %g s of going live; rolled back to %s, and %s is rejected",
            bad.version,
            limit,
            trial.old.version,
            bad.version,
        )
        self.reload.set()
        return True

    def _prune(self) -> None:
        """Installed packages other than the current, previous and pending are deleted (disk use stays bounded).
        Called from the watcher thread only, the one that installs: no install is ever half seen."""
        with self.lock:
            keep = {
                v + ".zip" for v in (self.package.version, self.previous, self.pending and self.pending.version) if v
            }
        for path in self.packages.glob("*.zip"):
            if path.name not in keep:
                try:
                    path.unlink()
                    log.info("installed package %s deleted (neither current nor previous)", path.name)
                except OSError:  # in use (Windows): next time
                    pass

    def maintain(self, now: float) -> None:
        """The watcher thread's chores: the update on trial, then (hourly) retention of packages and logs."""
        self.check_trial(now)
        if self.state is None:
            return
        if self._prune_due:
            self._prune_due = False
            self._prune()
        if now >= self._retention_at:
            self._retention_at = now + RETENTION_EVERY_S
            if self.updates is not None:
                prune_moved(self.updates / "installed")
                prune_moved(self.updates / "rejected")
            prune_logs(self.state / "logs", datetime.date.today())

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
            rejected = list(self.rejected)
        try:
            config = check_candidate(path, serving, rejected)
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
            self._commit(self.package, self.previous, package, self.rejected)
            self._prune_due = self._prune_due or pending is not None  # the update it replaces
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
        """--ping-timeout, else kiosk.json's pingTimeoutSeconds when >= MIN_PING_TIMEOUT_S, else PING_TIMEOUT_S."""
        if self.ping_timeout_override is not None:
            return self.ping_timeout_override
        value = self.package.config.get("pingTimeoutSeconds", PING_TIMEOUT_S)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        return float(value) if ok and value >= MIN_PING_TIMEOUT_S else PING_TIMEOUT_S

    def ping(self, body: Any) -> dict:
        """The page is alive. ``{"attract": true}`` with an update pending (installed before a restart, say) puts
        it live: the answer says reload, and the watchdog restarts the browser on it."""
        with self.lock:
            first = self.last_ping is None
            self.last_ping = time.monotonic()
            self.pings += 1
            trial = self.trial
            if trial is not None and trial.loaded:
                self.trial = None
            attract = isinstance(body, dict) and body.get("attract") is True and self.pending is not None
        if first:
            scene = body.get("scene") if isinstance(body, dict) else None
            log.info("first ping from the page (scene %s)", scene if isinstance(scene, str) else None)
        if trial is not None and trial.loaded:
            log.info("update %s confirmed: its page pings", self.package.version)
        if attract and self.attract():
            self.reload.set()
            return {"ok": True, "reload": True}
        return {"ok": True}

    def write_events(self, events: list) -> int:
        if self.state is None:
            raise LaunchError("no state folder: events are not kept")
        version = self.package.version
        lines = "".join(json.dumps({**e, "package": version}, ensure_ascii=False) + "\n" for e in events)
        path = self.state / "logs" / ("events-%s.jsonl" % datetime.date.today().isoformat())
        with self.lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            # a line torn by a power cut stays alone on its line (vtour stats skips it), not glued to the next
            try:
                with open(path, "rb") as r:
                    r.seek(-1, os.SEEK_END)
                    if r.read(1) != b"\n":
                        lines = "\n" + lines
            except OSError:  # no such file yet, or empty
                pass
            append_all(path, lines.encode("utf-8"))
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


def _text_ok(text: str) -> bool:
    """A string an event may hold: short, and valid UTF-8 once written (a lone surrogate is not)."""
    if len(text) > MAX_STRING:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def validate_events(data: Any) -> str | None:
    """Why a batch of visit events is refused, or None for a good one."""
    if not isinstance(data, list):
        return "the body must be a JSON array of events"
    if len(data) > MAX_EVENTS:
        return "%d events in one batch; at most %d" % (len(data), MAX_EVENTS)

    def scalar_ok(v: Any) -> bool:
        if isinstance(v, str):
            return _text_ok(v)
        if isinstance(v, float):
            return math.isfinite(v)
        return v is None or isinstance(v, (bool, int))

    for i, event in enumerate(data):
        if not isinstance(event, dict):
            return "event %d is not a JSON object" % i
        kind = event.get("type")
        if not isinstance(kind, str) or kind not in EVENT_TYPES:
            return "event %d: unknown type %.60r (one of %s)" % (i, kind, ", ".join(sorted(EVENT_TYPES)))
        if len(event) > MAX_KEYS:
            return "event %d has %d fields; at most %d" % (i, len(event), MAX_KEYS)
        for key, value in event.items():
            if not _text_ok(key):
                return "event %d: a field name longer than %d characters, or not UTF-8" % (i, MAX_STRING)
            inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
            if (isinstance(value, (dict, list)) and len(value) > MAX_KEYS) or not all(map(scalar_ok, inner)):
                return "event %d: field %.60r is too long or nested (strings up to %d characters, one level)" % (
                    i,
                    key,
                    MAX_STRING,
                )
            if isinstance(value, dict) and not all(map(_text_ok, value)):
                return "event %d: field %.60r has a key longer than %d characters, or not UTF-8" % (i, key, MAX_STRING)
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
    _responded = False

    def setup(self) -> None:
        super().setup()
        self.kiosk = self.server.kiosk  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        self._responded = True
        super().send_response(code, message)

    def _guarded(self, call, *args: Any) -> None:
        """Run a request's handler: an exception is logged and answered 500 (when nothing was sent yet), and the
        server carries on."""
        self._responded = False
        try:
            call(*args)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:
            log.exception("%s %.200s failed", self.command, self.path)
            self.close_connection = True
            if not self._responded:
                try:
                    self._error(500, "the launcher failed on this request (see its log)")
                except OSError:
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
        self._guarded(self._serve, False)

    def do_HEAD(self) -> None:
        self._guarded(self._serve, True)

    def _serve(self, head: bool) -> None:
        path = urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0])
        if "\x00" in path:
            self._error(400, "NUL byte in the URL")
            return
        name = _clean_name(path)
        if name is not None and (path.endswith("/") or name == ""):
            name = (name + "/" if name else "") + INDEX
        package = self.kiosk.package
        entry = None if name is None or is_private(name) else package.entry(name)
        if entry is None:
            self._error(404, "not found")
            return
        tag = "%s\0%s\0%r" % (package.version, name, entry.mtime)
        etag = '"%s-%d"' % (hashlib.sha1(tag.encode("utf-8", "surrogatepass")).hexdigest()[:16], entry.size)
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
            self.kiosk.page_loaded(package)
        try:
            for chunk in entry.chunks(start, length):
                self.wfile.write(chunk)
        except OSError as exc:
            if not isinstance(exc, (BrokenPipeError, ConnectionResetError)):
                log.warning("reading %s failed: %s", name, exc)
            self.close_connection = True

    # -- POST --------------------------------------------------------------------------------------

    def do_POST(self) -> None:
        self._guarded(self._post)

    def _post(self) -> None:
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
        except RecursionError:
            self._error(400, "the body is nested too deeply")
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
        if n == 0 or size == 0:
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
        self.kiosk.reload.clear()  # this browser loads what is served now
        with self.kiosk.lock:
            self.kiosk.last_ping = None
        log.info("browser started (pid %d, start %d): %s", proc.pid, self.starts, " ".join(cmd))
        return proc

    def run(self, first: subprocess.Popen | None = None) -> None:
        """Watch ``first`` (a browser :meth:`start` made), or a new one, and its successors until the stop. A
        restart that fails (the browser's files being updated, say) is tried again after the backoff."""
        kiosk, backoff = self.kiosk, 1.0
        while not kiosk.stopping.is_set():
            proc, first = first, None
            if proc is None:
                try:
                    proc = self.start()
                except LaunchError as exc:
                    wait, backoff = next_backoff(backoff, 0.0, True)
                    log.error("%s; trying again in %g s", exc, wait)
                    if kiosk.stopping.wait(wait):
                        return
                    continue
            self.proc = proc
            started = time.monotonic()
            ended = self._watch(proc, started)
            if ended is None:
                return
            reason, failure = ended
            ran = time.monotonic() - started
            stop_browser(proc, self.kill_after)
            wait, backoff = next_backoff(backoff, ran, failure)
            log.warning("restarting the browser in %g s: %s (after %.0f s)", wait, reason, ran)
            if kiosk.stopping.wait(wait):
                return

    def _watch(self, proc: subprocess.Popen, started: float) -> tuple[str, bool] | None:
        """Why the browser must be restarted and whether that is a failure; None once the kiosk stops. Times are
        monotonic: a clock set back or forward (NTP, a dead CMOS battery) neither hides nor fakes a hang."""
        kiosk = self.kiosk
        daily = self.daily or kiosk.package.config.get("dailyRestart")
        restart_at = None
        if isinstance(daily, str) and HHMM_RE.match(daily):
            wall = time.time()
            restart_at = started + (next_daily(daily, wall) - wall)
        while True:
            if kiosk.stopping.wait(self.tick):
                stop_browser(proc, self.kill_after)
                log.info("browser closed (%s)", kiosk.stop_reason)
                return None
            code = proc.poll()
            now = time.monotonic()
            with kiosk.lock:
                last = kiosk.last_ping
            timeout = kiosk.ping_timeout
            if code is not None:
                return "the browser exited with code %d" % code, True
            if last is None and now - started > 2 * timeout and self._silence_counts():
                self.silent_starts += 1
                return "no ping from the page within %g s of the browser's start (hung)" % (2 * timeout), True
            if last is not None and now - last > timeout:
                return "no ping from the page for %g s (hung)" % timeout, True
            if kiosk.reload.is_set():
                kiosk.reload.clear()
                return "the served package changed (%s)" % kiosk.package.version, False
            if restart_at is not None and now >= restart_at:
                return "daily restart at %s" % daily, False


def next_backoff(backoff: float, ran: float, failure: bool) -> tuple[float, float]:
    """(seconds to wait before the next start, the backoff after that): a failure waits ``backoff`` and doubles it
    up to BACKOFF_MAX_S; a browser that ran HEALTHY_S or more, or a planned restart, starts again from 1 s."""
    if ran >= HEALTHY_S or not failure:
        backoff = 1.0
    if not failure:
        return 0.0, backoff
    return backoff, min(backoff * 2, BACKOFF_MAX_S)


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
    """The one thread that installs, prunes and rolls back a failed update (so none of these races another)."""
    while not kiosk.stopping.wait(every):
        for chore in (kiosk.poll_updates, lambda: kiosk.maintain(time.monotonic())):
            try:
                chore()
            except Exception:  # the watcher must not die: the kiosk runs for months
                log.exception("the update watcher failed (it carries on)")


def _on_signal(kiosk: Kiosk):
    def handler(signum, frame):
        kiosk.stop("signal %d" % signum, 0)

    return handler


def main(argv: list[str] | None = None, directory: str | os.PathLike | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        state, updates = _prepare_state(args)
        held = lock_state(state)  # noqa: F841 (held open, the lock kept, until the process ends)
        setup_logging(state / "logs")
        launched = open_package(os.path.abspath(args.package or directory or HERE))
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
