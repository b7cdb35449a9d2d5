"""``vtour package``: a built tour as one zip, optionally a kiosk package that runs offline.

A built collection (catalogue and object pages) is packed the same way, its catalogue the start page.
The zip holds the tour folder (index.html, viewer/, tour.json, scenes/, models/...). With
``kiosk=True`` it also holds a launcher: ``launch.py`` (stdlib only) serves the folder on 127.0.0.1 and
opens Chromium, Chrome, Edge or Firefox in kiosk mode when one is found; ``launch.sh`` and
``launch.bat`` start it. The kiosk's index.html returns to the start scene after ``idle_return_s``
seconds without input and, with ``autotour``, walks through the scenes when idle.
The zip is written to a temporary name and renamed when complete.

The tour folder is only read: a tour without ``index.html`` or ``viewer/`` gets them in the zip, not
on disk. A link in the tour is followed only while it stays inside the tour (a link to
``/etc/passwd`` is refused, naming it). Every entry gets the ordinary modes (0644, launch.sh 0755),
whatever the files' own.
"""

from __future__ import annotations

import math
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

from vtour.errors import VtourError
from vtour.output import atomic_file, is_within
from vtour.site import BUNDLE, IMAGE_BUNDLE, MODEL_BUNDLE, bundle_path, index_html
from vtour.tour.layout import INDEX_HTML, VIEWER, require_built_tour
from vtour.tour.schema import read_tour_json

#: Kiosk defaults (the CLI reads them).
DEFAULT_IDLE_RETURN_S = 120
DEFAULT_AUTOTOUR_S = 20

#: The kiosk launcher, a stdlib-only script shipped as vtour/kiosk_launch.py and zipped as launch.py.
LAUNCH_PY = (Path(__file__).parent / "kiosk_launch.py").read_text(encoding="utf-8")

LAUNCH_SH = '#!/bin/sh\ncd "$(dirname "$0")" && exec python3 launch.py "$@"\n'
LAUNCH_BAT = '@echo off\r\ncd /d "%~dp0"\r\npython launch.py %*\r\nif errorlevel 1 py -3 launch.py %*\r\n'


def _seconds(value, field: str, fix: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise VtourError("package", "must be a finite number of seconds >= 0", field=field, value=value, fix=fix)
    return float(value)


def kiosk_options(idle_return_s: float, autotour: bool | float) -> dict:
    """Viewer options of a kiosk's index.html; a VtourError for a time that is not a finite number >= 0."""
    idle = _seconds(idle_return_s, "idle_return_s", "pass --idle-return 0 to stay where the visitor left")
    seconds = (
        float(DEFAULT_AUTOTOUR_S)
        if autotour is True
        else _seconds(autotour or 0, "autotour", "pass --autotour SECONDS between scenes (0 or none: off)")
    )
    return {"urlState": False, "idleReturnSeconds": idle, "autotourSeconds": seconds}


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


def _site_files(tour_dir: Path) -> dict[str, bytes | Path]:
    """index.html and viewer/ for a tour that lacks them (made for the zip; the tour is not written)."""
    tour = read_tour_json(tour_dir, "package")
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
    idle_return_s: float = DEFAULT_IDLE_RETURN_S,
    autotour: bool | float = False,
) -> Path:
    """Zip the built tour in ``tour_dir`` into ``out_zip``; see the module docstring. Returns ``out_zip``.

    A built collection (``vtour build collection.yaml``: its catalogue, object pages and viewer/) is
    zipped as it is; ``kiosk`` adds the launcher, and the catalogue stays its start page."""
    options = kiosk_options(idle_return_s, autotour)  # checked first, for a tour or a collection: a typo is a typo
    if is_built_collection(Path(tour_dir)):
        return _write_zip(Path(tour_dir).resolve(), out_zip, dict(LAUNCHER) if kiosk else {})
    tour_dir = require_built_tour(Path(tour_dir).resolve(), "package")
    extra: dict[str, bytes | Path] = {}
    if not (tour_dir / INDEX_HTML).is_file() or not (tour_dir / VIEWER).is_dir():
        extra.update(_site_files(tour_dir))
    if kiosk:
        extra.update({INDEX_HTML: index_html(options).encode("utf-8"), **LAUNCHER})
    return _write_zip(tour_dir, out_zip, extra)


#: The kiosk launcher's files.
LAUNCHER = {
    "launch.py": LAUNCH_PY.encode("utf-8"),
    "launch.sh": LAUNCH_SH.encode("utf-8"),
    "launch.bat": LAUNCH_BAT.encode("utf-8"),
}


def is_built_collection(folder: Path) -> bool:
    """True for a folder ``vtour build collection.yaml`` wrote (its IIIF collection, catalogue and pages)."""
    return (folder / "collection.json").is_file() and (folder / "catalogue").is_dir() and (folder / "objects").is_dir()


def _write_zip(tour_dir: Path, out_zip: str | os.PathLike, extra: dict[str, bytes | Path]) -> Path:
    out_zip = Path(out_zip).resolve()
    if out_zip.is_relative_to(tour_dir):
        raise VtourError(
            "package",
            "the zip cannot be written inside the tour or collection it packs",
            path=out_zip,
            fix="write it elsewhere, e.g. -o ../tour.zip",
        )
    files = [(name, path) for name, path in _tour_files(tour_dir) if name not in extra]  # every link checked first
    with atomic_file(out_zip) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, path in files:
            _add(zf, name, path, _compression(path))
        for name, data in extra.items():
            _add(zf, name, data, zipfile.ZIP_DEFLATED)
    return out_zip


def _add(zf: zipfile.ZipFile, name: str, data: bytes | Path, compression: int) -> None:
    """One entry with the ordinary mode (launch.sh executable); a file's own mode is not copied."""
    info = (
        zipfile.ZipInfo.from_file(data, name)
        if isinstance(data, Path)
        else zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
    )
    info.external_attr = (0o100755 if name == "launch.sh" else 0o100644) << 16
    info.compress_type = compression
    if isinstance(data, Path):
        with open(data, "rb") as src, zf.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    else:
        zf.writestr(info, data)


def _compression(path: Path) -> int:
    """JPEG and PNG tiles and compressed glb do not shrink: store them; deflate the rest."""
    return (
        zipfile.ZIP_STORED
        if path.suffix.lower() in (".jpg", ".jpeg", ".png", ".glb", ".webp", ".avif")
        else zipfile.ZIP_DEFLATED
    )


__all__ = ["DEFAULT_AUTOTOUR_S", "DEFAULT_IDLE_RETURN_S", "kiosk_options", "package_tour"]
