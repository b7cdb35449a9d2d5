"""The editor's background work: a build (:class:`BuildJob`) and a package (:class:`PackageJob`).

The page polls :meth:`BuildJob.snapshot` / :meth:`PackageJob.snapshot` (a thread-safe copy) and shows
state, progress and the last lines of the log. States::

    idle -> running -> done | failed        start() again after done or failed runs it afresh

A build is ``vtour build TOUR.yaml -o OUT`` in a subprocess of its own session: what the command
line does, with its cache, its worker processes and its one-line error, and a SIGTERM to the process
group (:meth:`BuildJob.cancel`) stops it as Ctrl+C would, leaving the previous tour in place.
Progress comes from its log lines (:func:`build_progress`). A package runs
:func:`vtour.package.package_tour` in a thread into ``<out>.packages/`` (never inside the tour it
packs), named ``<tour-id>-<kiosk|web>-<YYYYmmdd-HHMMSS>.zip``. A kiosk package's staff-exit PIN is
checked here and handed to the packer only: no message or log line of the job holds it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from vtour.edit.document import EditError
from vtour.errors import VtourError
from vtour.package import check_daily_restart, package_tour
from vtour.tour.schema import read_tour_json

#: Log lines a job keeps, and how many a snapshot carries.
LOG_LINES = 2000
SNAPSHOT_LINES = 200
#: Share of a build's progress its stages make; the rest is assembling the tour folder.
STAGES_SHARE = 0.95

#: A staff-exit PIN (as :func:`vtour.package.package_tour` takes it).
PIN_PATTERN = re.compile(r"[0-9]{4,12}")

_PLAN = re.compile(r"^build: .*: (\d+) stage\(s\), (\d+) to build, (\d+) cached")
_STAGE = re.compile(r"^build: \[(\d+)/(\d+)\] ")


def build_progress(line: str, progress: float) -> float:
    """The build's progress (0..1) after its log line ``line``, from ``progress`` before it.

    ``build: <id>: N stage(s), K to build, C cached`` ends the planning (a build with nothing to build
    is then at :data:`STAGES_SHARE`); ``build: [i/n] <stage> built (s)`` is stage i of n. Only the
    process's exit makes a build complete (1.0).
    """
    if m := _PLAN.match(line):
        return STAGES_SHARE if int(m[2]) == 0 else max(progress, 0.0)
    if m := _STAGE.match(line):
        return max(progress, STAGES_SHARE * int(m[1]) / max(int(m[2]), 1))
    return progress


def packages_folder(out: str | Path) -> Path:
    """Where the editor writes packages of the tour built in ``out``: ``<out>.packages`` beside it."""
    out = Path(out)
    return out.with_name(out.name + ".packages")


class _Job:
    """State, log and timing shared by the two jobs; every read and write under one lock."""

    what = "job"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.state = "idle"
        self.progress = 0.0
        self.log: deque[str] = deque(maxlen=LOG_LINES)
        self.error: str | None = None
        self.started: float | None = None
        self.finished: float | None = None

    def _begin(self) -> None:
        """Reset for a run; an :class:`EditError` while one is running (the caller holds the lock)."""
        if self.state == "running":
            raise EditError(
                f"a {self.what} is running already",
                fix=f"wait for it to finish (or cancel it) before starting another {self.what}",
            )
        self.state, self.progress, self.error = "running", 0.0, None
        self.log.clear()
        self.started, self.finished = time.time(), None

    def _add(self, line: str) -> None:
        with self._lock:
            self.log.append(line)

    def _end(self, error: str | None) -> None:
        with self._lock:
            self.state = "failed" if error is not None else "done"
            self.error = error
            if error is None:
                self.progress = 1.0
            self.finished = time.time()

    @property
    def running(self) -> bool:
        return self.state == "running"

    def wait(self, timeout: float | None = None) -> str:
        """Block until the job ends (or ``timeout`` seconds pass); returns the state."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.running and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.05)
        return self.state

    def snapshot(self) -> dict:
        """``{state, progress, log (the last SNAPSHOT_LINES), error, seconds}``: a copy, safe to read
        while the job runs (``seconds``: since the start, to the end once it ended; 0 before)."""
        with self._lock:
            end = self.finished if self.finished is not None else time.time()
            return {
                "state": self.state,
                "progress": self.progress,
                "log": list(self.log)[-SNAPSHOT_LINES:],
                "error": self.error,
                "seconds": 0.0 if self.started is None else round(end - self.started, 1),
            }


class BuildJob(_Job):
    """``vtour build tour_yaml -o out`` in the background (see the module docstring).

    Parameters
    ----------
    tour_yaml : the tour.yaml to build (saved by the editor before the build starts)
    out : the tour folder to write (:attr:`result_dir`)
    """

    what = "build"

    def __init__(self, tour_yaml: str | Path, out: str | Path) -> None:
        super().__init__()
        self.tour_yaml = Path(tour_yaml).resolve()
        self.result_dir = Path(out).resolve()
        self._process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        """The command line the build runs (this Python, so the same vtour)."""
        return [sys.executable, "-m", "vtour", "build", str(self.tour_yaml), "-o", str(self.result_dir)]

    def start(self) -> None:
        """Start the build; an :class:`EditError` while one is running."""
        with self._lock:
            self._begin()
            env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
            try:
                self._process = subprocess.Popen(
                    self.command(),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,  # one stream, in the order the lines were written
                    env=env,
                    start_new_session=True,  # its own process group: cancel() ends its workers too
                )
            except OSError as exc:
                self.state, self.finished = "failed", time.time()
                self.error = f"build: cannot start {sys.executable} ({exc.strerror or exc})"
                return
        threading.Thread(target=self._follow, args=(self._process,), name="vtour-edit-build", daemon=True).start()

    def _follow(self, process: subprocess.Popen) -> None:
        """Read the build's output line by line until it exits, then record how it ended."""
        assert process.stdout is not None
        last = ""
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            if not line:
                continue
            last = line
            with self._lock:
                self.log.append(line)
                self.progress = build_progress(line, self.progress)
        code = process.wait()
        if code == 0:
            return self._end(None)
        if code < 0:  # killed by a signal that vtour's handler did not turn into an exit code
            last = f"build: stopped by {signal.Signals(-code).name}"
        self._end(last or f"build: exited with status {code}")

    def cancel(self) -> None:
        """Stop a running build: SIGTERM to its process group (the build and its workers)."""
        with self._lock:
            process = self._process if self.state == "running" else None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:  # it ended meanwhile
                pass


class PackageJob(_Job):
    """:func:`vtour.package.package_tour` of the tour built in ``out`` in a thread, into
    :func:`packages_folder` (see the module docstring). :attr:`zip_path` is the zip once done."""

    what = "package"

    def __init__(self, out: str | Path) -> None:
        super().__init__()
        self.result_dir = Path(out).resolve()
        self.folder = packages_folder(self.result_dir)
        self.zip_path: Path | None = None

    def start(
        self,
        *,
        kiosk: bool = False,
        idle_return_s: float | None = None,
        autotour: bool | float | None = False,
        pin: str | None = None,
        daily_restart: str | None = None,
        idle: float | None = None,
        countdown: float | None = None,
        attract_scenes: Sequence[str] | None = None,
        attract_seconds: float | None = None,
    ) -> None:
        """Start packing: a web zip, or with ``kiosk`` one with the launcher, and the staff-exit ``pin``,
        the ``daily_restart`` time and the kiosk's times and attract scenes as
        :func:`vtour.package.package_tour` takes them (``idle_return_s`` and ``autotour``: its older forms).
        An :class:`EditError` while one is running, or for a PIN that is not 4 to 12 digits (the message
        never holds the PIN); a :class:`VtourError` when the tour is not built or the restart time is not
        HH:MM. Any other refused option fails the job (its error, one line, in :meth:`snapshot`)."""
        with self._lock:
            self._begin()
            self.zip_path = None
        options = {
            "kiosk": kiosk,
            "idle_return_s": idle_return_s,
            "autotour": autotour,
            "pin": pin,
            "daily_restart": daily_restart,
            "idle": idle,
            "countdown": countdown,
            "attract_scenes": None if attract_scenes is None else list(attract_scenes),
            "attract_seconds": attract_seconds,
        }
        try:
            check_pin(pin)
            check_daily_restart(daily_restart)
            tour_id = str(read_tour_json(self.result_dir, "package").get("id") or self.result_dir.name)
            self.folder.mkdir(parents=True, exist_ok=True)
        except (VtourError, OSError) as exc:
            self._end(_one_line(exc))
            raise
        stamp = time.strftime("%Y%m%d-%H%M%S")
        dest = _free_name(self.folder, f"{tour_id}-{'kiosk' if kiosk else 'web'}-{stamp}", ".zip")
        self._add(f"package: writing {dest.name}")
        threading.Thread(target=self._run, args=(dest, options), name="vtour-edit-package", daemon=True).start()

    def _run(self, dest: Path, options: dict) -> None:
        try:
            package_tour(self.result_dir, dest, **options)
        except (VtourError, OSError) as exc:
            self._add(_one_line(exc))
            return self._end(_one_line(exc))
        except Exception as exc:  # a bug: shown on the page rather than lost in a thread
            self._add(f"package: unexpected {type(exc).__name__}: {exc}")
            return self._end(f"package: unexpected {type(exc).__name__}: {exc}")
        self._add(f"package: wrote {dest.name} ({dest.stat().st_size / 1e6:.1f} MB)")
        with self._lock:
            self.zip_path = dest
        self._end(None)

    def snapshot(self) -> dict:
        """:meth:`BuildJob.snapshot`'s keys and ``zip``: the zip's file name once done, else None."""
        snap = super().snapshot()
        with self._lock:
            snap["zip"] = self.zip_path.name if self.zip_path is not None and self.state == "done" else None
        return snap


def check_pin(pin: str | None) -> str | None:
    """``pin`` when it is None (no staff exit) or 4 to 12 digits, else an :class:`EditError` that does not
    repeat it (a PIN is never shown back, nor written to a log)."""
    if pin is not None and not (isinstance(pin, str) and PIN_PATTERN.fullmatch(pin)):
        raise EditError(
            "the staff-exit PIN must be 4 to 12 digits", field="pin", fix="type digits only, or leave it empty"
        )
    return pin


def _one_line(exc: VtourError | OSError) -> str:
    """The failure as the CLI would print it, on one line."""
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"package: {where}{exc.strerror or exc}"
    return " ".join(str(exc).split())


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem+suffix``, or ``stem-2``, ``stem-3``... when taken (two packages in one second)."""
    n = 1
    while (path := folder / f"{stem}{'' if n == 1 else f'-{n}'}{suffix}").exists():
        n += 1
    return path


__all__ = [
    "LOG_LINES",
    "PIN_PATTERN",
    "SNAPSHOT_LINES",
    "STAGES_SHARE",
    "BuildJob",
    "PackageJob",
    "build_progress",
    "check_pin",
    "packages_folder",
]
