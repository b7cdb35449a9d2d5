"""``vtour package``: a built tour as one zip, optionally a kiosk package that runs offline for months.

A built collection (catalogue and object pages) is packed the same way, its catalogue the start page.
The zip holds the tour folder (index.html, viewer/, tour.json, scenes/, models/...). With
``kiosk=True`` it is a kiosk package (docs/kiosk.md): ``launch.py`` (vtour/kiosk_launch.py, stdlib only)
serves it on 127.0.0.1 and keeps a browser open on it in kiosk mode; ``launch.sh`` and ``launch.bat``
start it, and ``__main__.py`` lets ``python3 package.zip`` run it straight from the zip. ``kiosk.json``
(format ``vtour-kiosk-1``, never served) holds the version, the build time, the staff-exit PIN's hash,
the daily restart and the ping timeout; the kiosk's index.html gets mount options
``{urlState: false, kiosk: {bridge, exit, idleSeconds?, countdownSeconds?, attract?}}`` (only values
given here; the page takes the rest from tour.json ``settings.kiosk``, then its defaults) and a
viewport without user zoom. The old ``idle_return_s`` is ``idle`` with no countdown and ``autotour``
the attract's seconds per scene (each when the new option is not given).
The zip is written to a temporary name and renamed when complete; files already compressed (tiles,
audio, video, compressed models: :data:`STORED_SUFFIXES`) are stored, not deflated, so the launcher serves
them and their HTTP ranges straight from the zip by offset. A file older than 1980 (the zip format's
first date) gets 1980-01-01.

The tour folder is only read: a tour without ``index.html`` or ``viewer/`` gets them in the zip, not
on disk. A link in the tour is followed only while it stays inside the tour (a link to
``/etc/passwd`` is refused, naming it; so is a link to nothing). Every entry gets the ordinary modes
(0644, launch.sh 0755), whatever the files' own.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from vtour.errors import VtourError
from vtour.kiosk_launch import FORMAT as KIOSK_FORMAT
from vtour.kiosk_launch import MIN_PING_TIMEOUT_S, PING_TIMEOUT_S, hash_pin
from vtour.output import atomic_file, is_within
from vtour.site import BUNDLE, IMAGE_BUNDLE, MODEL_BUNDLE, bundle_path, index_html
from vtour.tour.layout import INDEX_HTML, VIEWER, require_built_tour
from vtour.tour.schema import read_tour_json

#: Kiosk defaults of the old options (the CLI and the editor read them): ``idle_return_s`` None means the
#: page's own idle time (tour.json settings.kiosk, else 60 s); ``autotour=True`` this many seconds a scene.
DEFAULT_IDLE_RETURN_S = 120
DEFAULT_AUTOTOUR_S = 20

#: The kiosk launcher, a stdlib-only script shipped as vtour/kiosk_launch.py and zipped as launch.py.
LAUNCH_PY = (Path(__file__).parent / "kiosk_launch.py").read_text(encoding="utf-8")

LAUNCH_SH = '#!/bin/sh\ncd "$(dirname "$0")" && exec python3 launch.py "$@"\n'
# no `cd`: cmd.exe cannot make a UNC path (\\server\share) its current folder, and launch.py needs none
LAUNCH_BAT = '@echo off\r\npython "%~dp0launch.py" %*\r\nif errorlevel 9009 py -3 "%~dp0launch.py" %*\r\n'
MAIN_PY = (
    '"""`python3 package.zip`: run the kiosk launcher, serving straight from this zip."""\n'
    "import sys\n\nfrom launch import main\n\nsys.exit(main())\n"
)
KIOSK_VIEWPORT = "width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no"
_PIN = re.compile(r"^[0-9]{4,12}$")
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _seconds(value, field: str, fix: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise VtourError("package", "must be a finite number of seconds >= 0", field=field, value=value, fix=fix)
    return float(value)


def _scene_ids(tour: Any) -> list[str]:
    scenes = tour.get("scenes") if isinstance(tour, dict) else None
    return (
        [s["id"] for s in scenes if isinstance(s, dict) and isinstance(s.get("id"), str)]
        if isinstance(scenes, list)
        else []
    )


def kiosk_options(
    idle_return_s: float | None = None,
    autotour: bool | float | None = False,
    *,
    idle: float | None = None,
    countdown: float | None = None,
    attract_scenes: Sequence[str] | None = None,
    attract_seconds: float | None = None,
    pin: str | None = None,
    scenes: Sequence[str] | None = None,
) -> dict:
    """Mount options of a kiosk's index.html (see the module docstring); a VtourError naming the field and
    value for a time that is not a finite number >= 0 or a scene the tour (``scenes``: its ids) lacks."""
    kiosk: dict[str, Any] = {"bridge": "__kiosk/", "exit": pin is not None}
    if idle_return_s is not None:
        _seconds(idle_return_s, "idle_return_s", "pass --idle-return 0 to stay where the visitor left")
    if autotour is not None and autotour is not False:
        if autotour is not True:
            _seconds(autotour, "autotour", "pass --autotour SECONDS between scenes (0 or none: off)")
    if idle is not None:
        kiosk["idleSeconds"] = _seconds(idle, "idle", "pass --idle SECONDS (0: never)")
    elif idle_return_s is not None:  # the old option: straight back after that long, no countdown
        kiosk["idleSeconds"] = float(idle_return_s)
        if countdown is None:
            kiosk["countdownSeconds"] = 0.0
    if countdown is not None:
        kiosk["countdownSeconds"] = _seconds(countdown, "countdown", "pass --countdown SECONDS (0: none)")
    attract: dict[str, Any] = {}
    if attract_seconds is not None:
        attract["secondsPerScene"] = _seconds(attract_seconds, "attract_seconds", "pass --attract-seconds 20")
    elif autotour is True or (autotour and autotour > 0):
        attract["secondsPerScene"] = float(DEFAULT_AUTOTOUR_S if autotour is True else autotour)
    if attract_scenes is not None:
        ids = list(attract_scenes)
        if not ids or not all(isinstance(i, str) and i for i in ids):
            raise VtourError(
                "package",
                "must name at least one scene",
                field="attract_scenes",
                value=ids,
                fix="pass --attract-scenes with scene ids separated by commas, e.g. entrance,chamber",
            )
        known = list(scenes or [])
        for sid in ids:
            if sid not in known:
                raise VtourError(
                    "package",
                    f"no scene {sid!r} in the tour",
                    field="attract_scenes",
                    value=sid,
                    fix="use the tour's scene ids: " + (", ".join(known) or "(it has none)"),
                )
        attract["scenes"] = ids
    if attract:
        kiosk["attract"] = attract
    return {"urlState": False, "kiosk": kiosk}


def check_pin_text(pin: str | None) -> str | None:
    if pin is not None and not (isinstance(pin, str) and _PIN.match(pin)):
        raise VtourError(
            "package",
            "the staff-exit PIN must be 4 to 12 digits",
            field="pin",
            value=pin,
            fix="pass --pin with digits only, e.g. --pin 482915",
        )
    return pin


def check_daily_restart(text: str | None) -> str | None:
    if text is not None and not (isinstance(text, str) and _HHMM.match(text)):
        raise VtourError(
            "package",
            "must be a local time HH:MM, 00:00 to 23:59",
            field="daily_restart",
            value=text,
            fix="pass --daily-restart 04:00 (or leave it out: no daily restart)",
        )
    return text


def kiosk_page(options: dict, tour: dict | None) -> bytes:
    """The kiosk's index.html: the static page with ``options`` and a viewport the visitor cannot zoom."""
    page = index_html(options, tour)
    plain = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    if plain not in page:  # an invariant of vtour.site's page, checked: a kiosk must not be zoomable
        raise RuntimeError("vtour.site's page changed its viewport meta; update vtour.package.kiosk_page")
    return page.replace(plain, f'<meta name="viewport" content="{KIOSK_VIEWPORT}">').encode("utf-8")


def _tour_files(tour_dir: Path) -> Iterator[tuple[str, Path]]:
    """(name in the zip, file) for every file of the tour, hidden entries left out; links are followed
    while they stay inside the tour (their target resolved), and refused when they leave it."""
    todo: list[tuple[Path, frozenset[Path]]] = [(tour_dir, frozenset())]
    while todo:
        folder, above = todo.pop()
        real_folder = folder.resolve()
        if real_folder in above:  # a link to a folder above it: a loop
            continue
        for path in sorted(folder.iterdir(), reverse=True):
            if path.name.startswith("."):
                continue
            if path.is_symlink():
                real = path.resolve()
                if not real.exists():
                    raise VtourError(
                        "package",
                        f"a link to {real}, which does not exist",
                        path=path,
                        fix="restore the file it points to, or remove the link",
                    )
                if not is_within(real, tour_dir):
                    raise VtourError(
                        "package",
                        f"a link to {real}, outside the tour: a package holds only the tour's own files",
                        path=path,
                        fix="copy the file into the tour instead of linking it (or remove the link)",
                    )
            if path.is_dir():
                todo.append((path, above | {real_folder}))
            elif path.is_file():
                yield path.relative_to(tour_dir).as_posix(), path


def _site_files(tour_dir: Path, tour: Any) -> dict[str, bytes | Path]:
    """index.html and viewer/ for a tour that lacks them (made for the zip; the tour is not written)."""
    return {
        INDEX_HTML: index_html(None, tour).encode("utf-8"),
        f"{VIEWER}/{BUNDLE}": bundle_path(BUNDLE),
        f"{VIEWER}/{MODEL_BUNDLE}": bundle_path(MODEL_BUNDLE),
        f"{VIEWER}/{IMAGE_BUNDLE}": bundle_path(IMAGE_BUNDLE),
    }


def package_tour(
    tour_dir: str | os.PathLike,
    out_zip: str | os.PathLike,
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
    ping_timeout_s: float = PING_TIMEOUT_S,
    now: datetime.datetime | None = None,
) -> Path:
    """Zip the built tour in ``tour_dir`` into ``out_zip``; see the module docstring. Returns ``out_zip``.

    A built collection (``vtour build collection.yaml``: its catalogue, object pages and viewer/) is
    zipped as it is; ``kiosk`` adds the launcher and kiosk.json, and the catalogue stays its start page."""
    check_pin_text(pin)
    check_daily_restart(daily_restart)
    if (
        isinstance(ping_timeout_s, bool)
        or not isinstance(ping_timeout_s, (int, float))
        or not (math.isfinite(ping_timeout_s) and ping_timeout_s >= MIN_PING_TIMEOUT_S)
    ):
        raise VtourError(
            "package",
            f"must be a number of seconds >= {MIN_PING_TIMEOUT_S:g} (a busy page may skip a ping of its 10 s)",
            field="ping_timeout_s",
            value=ping_timeout_s,
            fix=f"leave it at {PING_TIMEOUT_S:g}",
        )
    times = {
        "idle_return_s": idle_return_s,
        "autotour": autotour,
        "idle": idle,
        "countdown": countdown,
        "attract_seconds": attract_seconds,
        "pin": pin,
    }
    # checked first, for a tour or a collection: a typo is a typo (scenes are checked once the tour is read)
    options = kiosk_options(**times, scenes=attract_scenes)  # type: ignore[arg-type]
    if is_built_collection(Path(tour_dir)):
        folder = Path(tour_dir).resolve()
        if kiosk and attract_scenes:
            raise VtourError(
                "package",
                "a collection has no scenes to show while idle",
                field="attract_scenes",
                value=",".join(attract_scenes),
                fix="leave --attract-scenes out for a collection",
            )
        meta = _kiosk_meta(folder.name, pin, daily_restart, ping_timeout_s, now) if kiosk else None
        return _write_zip(folder, out_zip, dict(LAUNCHER) if kiosk else {}, meta)
    tour_dir = require_built_tour(Path(tour_dir).resolve(), "package")
    extra: dict[str, bytes | Path] = {}
    tour: Any = None
    if not (tour_dir / INDEX_HTML).is_file() or not (tour_dir / VIEWER).is_dir():
        tour = read_tour_json(tour_dir, "package")
        extra.update(_site_files(tour_dir, tour))
    meta = None
    if kiosk:
        tour = read_tour_json(tour_dir, "package") if tour is None else tour
        options = kiosk_options(**times, attract_scenes=attract_scenes, scenes=_scene_ids(tour))  # type: ignore[arg-type]
        tour_id: str = tour["id"] if isinstance(tour, dict) and isinstance(tour.get("id"), str) else tour_dir.name
        extra.update({INDEX_HTML: kiosk_page(options, tour if isinstance(tour, dict) else None), **LAUNCHER})
        meta = _kiosk_meta(tour_id, pin, daily_restart, ping_timeout_s, now)
    return _write_zip(tour_dir, out_zip, extra, meta)


#: The kiosk launcher's files.
LAUNCHER = {
    "launch.py": LAUNCH_PY.encode("utf-8"),
    "launch.sh": LAUNCH_SH.encode("utf-8"),
    "launch.bat": LAUNCH_BAT.encode("utf-8"),
    "__main__.py": MAIN_PY.encode("utf-8"),
}


def _kiosk_meta(
    tour_id: str, pin: str | None, daily_restart: str | None, ping_timeout_s: float, now: datetime.datetime | None
) -> dict:
    """kiosk.json without its version's content hash (added once the zip's entries are hashed)."""
    built = (now or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", tour_id).strip("-._")[:80] or "tour"
    return {
        "format": KIOSK_FORMAT,
        "version": f"{slug}-{built:%Y%m%dT%H%M%SZ}",
        "tour": tour_id,
        "built": built.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "pin": hash_pin(pin) if pin is not None else None,
        "dailyRestart": daily_restart,
        "pingTimeoutSeconds": float(ping_timeout_s),
    }


def is_built_collection(folder: Path) -> bool:
    """True for a folder ``vtour build collection.yaml`` wrote (its IIIF collection, catalogue and pages)."""
    return (folder / "collection.json").is_file() and (folder / "catalogue").is_dir() and (folder / "objects").is_dir()


def _write_zip(
    tour_dir: Path, out_zip: str | os.PathLike, extra: dict[str, bytes | Path], meta: dict | None = None
) -> Path:
    """The zip; with ``meta`` (a kiosk package) a kiosk.json whose version ends in 8 hex digits of the
    SHA-256 of every entry's name and content, written last."""
    out_zip = Path(out_zip).resolve()
    if out_zip.is_relative_to(tour_dir):
        raise VtourError(
            "package",
            "the zip cannot be written inside the tour or collection it packs",
            path=out_zip,
            fix="write it elsewhere, e.g. -o ../tour.zip",
        )
    skip = set(extra) | ({"kiosk.json"} if meta else set())
    files = [(name, path) for name, path in _tour_files(tour_dir) if name not in skip]  # every link checked first
    digest = hashlib.sha256()
    with atomic_file(out_zip) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, path in files:
            _add(zf, name, path, _compression(path), digest)
        for name, data in extra.items():
            _add(zf, name, data, zipfile.ZIP_DEFLATED, digest)
        if meta is not None:
            meta = {**meta, "version": f"{meta['version']}-{digest.hexdigest()[:8]}"}
            _add(zf, "kiosk.json", (json.dumps(meta, indent=1) + "\n").encode("utf-8"), zipfile.ZIP_DEFLATED, None)
    return out_zip


def _add(zf: zipfile.ZipFile, name: str, data: bytes | Path, compression: int, digest: Any = None) -> None:
    """One entry with the ordinary mode (launch.sh executable); a file's own mode is not copied."""
    info = (
        zipfile.ZipInfo.from_file(data, name, strict_timestamps=False)  # before 1980: 1980-01-01
        if isinstance(data, Path)
        else zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
    )
    info.external_attr = (0o100755 if name == "launch.sh" else 0o100644) << 16
    info.compress_type = compression
    if digest is not None:
        digest.update(name.encode("utf-8") + b"\0")
    if isinstance(data, Path):
        with open(data, "rb") as src, zf.open(info, "w") as dst:
            while block := src.read(1 << 20):
                dst.write(block)
                if digest is not None:
                    digest.update(block)
    else:
        zf.writestr(info, data)
        if digest is not None:
            digest.update(data)


#: Files already compressed: stored in a zip, not deflated (they would not shrink, and a stored entry is served,
#: HTTP ranges included, as a slice of the zip).
STORED_SUFFIXES = frozenset(
    ".jpg .jpeg .png .webp .avif .ktx2 .glb .mp3 .m4a .aac .ogg .oga .opus .webm .mp4 .wav".split()
)


def _compression(path: Path) -> int:
    return zipfile.ZIP_STORED if path.suffix.lower() in STORED_SUFFIXES else zipfile.ZIP_DEFLATED


__all__ = [
    "DEFAULT_AUTOTOUR_S",
    "DEFAULT_IDLE_RETURN_S",
    "KIOSK_VIEWPORT",
    "STORED_SUFFIXES",
    "check_daily_restart",
    "check_pin_text",
    "kiosk_options",
    "kiosk_page",
    "package_tour",
]
