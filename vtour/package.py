"""``vtour package``: a built tour as one zip, optionally a kiosk package that runs offline.

The zip holds the tour folder (index.html, viewer/, tour.json, scenes/, models/...). With
``kiosk=True`` it also holds a launcher: ``launch.py`` (stdlib only) serves the folder on 127.0.0.1 and
opens Chromium, Chrome, Edge or Firefox in kiosk mode when one is found; ``launch.sh`` and
``launch.bat`` start it. The kiosk's index.html returns to the start scene after ``idle_return_s``
seconds without input and, with ``autotour``, walks through the scenes when idle.
The zip is written to a temporary name and renamed when complete.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from vtour.errors import VtourError
from vtour.site import index_html, write_site

#: Kiosk defaults (the CLI reads them).
DEFAULT_IDLE_RETURN_S = 120
DEFAULT_AUTOTOUR_S = 20

#: The kiosk launcher, a stdlib-only script shipped as vtour/kiosk_launch.py and zipped as launch.py.
LAUNCH_PY = (Path(__file__).parent / "kiosk_launch.py").read_text(encoding="utf-8")

LAUNCH_SH = '#!/bin/sh\ncd "$(dirname "$0")" && exec python3 launch.py "$@"\n'
LAUNCH_BAT = '@echo off\r\ncd /d "%~dp0"\r\npython launch.py %*\r\nif errorlevel 1 py -3 launch.py %*\r\n'


def kiosk_options(idle_return_s: float, autotour: bool | float) -> dict:
    """Viewer options of a kiosk's index.html."""
    if idle_return_s < 0:
        raise VtourError(
            "package",
            "idle return time must be >= 0 seconds",
            field="idle_return_s",
            value=idle_return_s,
            fix="pass 0 to stay where the visitor left",
        )
    seconds = float(DEFAULT_AUTOTOUR_S if autotour is True else (autotour or 0))
    return {"urlState": False, "idleReturnSeconds": float(idle_return_s), "autotourSeconds": seconds}


def package_tour(
    tour_dir: str | os.PathLike,
    out_zip: str | os.PathLike,
    *,
    kiosk: bool = False,
    idle_return_s: float = DEFAULT_IDLE_RETURN_S,
    autotour: bool | float = False,
) -> Path:
    """Zip the built tour in ``tour_dir`` into ``out_zip``; see the module docstring. Returns ``out_zip``."""
    tour_dir = Path(tour_dir).resolve()
    out_zip = Path(out_zip).resolve()
    if not (tour_dir / "tour.json").is_file():
        raise VtourError(
            "package", "no tour.json in the folder", path=tour_dir, fix="build the tour first (vtour build TOUR.yaml)"
        )
    if out_zip.is_relative_to(tour_dir):
        raise VtourError(
            "package",
            "the zip cannot be written inside the tour it packs",
            path=out_zip,
            fix="write it elsewhere, e.g. -o ../tour.zip",
        )
    if not (tour_dir / "index.html").is_file() or not (tour_dir / "viewer").is_dir():
        write_site(tour_dir)
    extra: dict[str, str] = {}
    if kiosk:
        extra = {
            "index.html": index_html(kiosk_options(idle_return_s, autotour)),
            "launch.py": LAUNCH_PY,
            "launch.sh": LAUNCH_SH,
            "launch.bat": LAUNCH_BAT,
        }
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".package-", suffix=".zip", dir=out_zip.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(tour_dir.rglob("*")):
                rel = path.relative_to(tour_dir).as_posix()
                if (
                    not path.is_file()
                    or rel in extra
                    or any(part.startswith(".") for part in path.relative_to(tour_dir).parts)
                ):
                    continue
                # JPEG tiles and compressed glb do not shrink: store them
                kind = (
                    zipfile.ZIP_STORED
                    if path.suffix.lower() in (".jpg", ".jpeg", ".png", ".glb", ".webp")
                    else zipfile.ZIP_DEFLATED
                )
                zf.write(path, rel, compress_type=kind)
            for name, text in extra.items():
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                info.external_attr = (0o755 if name == "launch.sh" else 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, text)
        os.replace(tmp, out_zip)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out_zip


__all__ = ["DEFAULT_AUTOTOUR_S", "DEFAULT_IDLE_RETURN_S", "kiosk_options", "package_tour"]
