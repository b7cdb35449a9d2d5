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
import zipfile
from pathlib import Path

from vtour.errors import VtourError
from vtour.output import atomic_file
from vtour.site import index_html, write_site
from vtour.tour.layout import INDEX_HTML, VIEWER, require_built_tour

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
    tour_dir = require_built_tour(Path(tour_dir).resolve(), "package")
    out_zip = Path(out_zip).resolve()
    if out_zip.is_relative_to(tour_dir):
        raise VtourError(
            "package",
            "the zip cannot be written inside the tour it packs",
            path=out_zip,
            fix="write it elsewhere, e.g. -o ../tour.zip",
        )
    if not (tour_dir / INDEX_HTML).is_file() or not (tour_dir / VIEWER).is_dir():
        write_site(tour_dir)
    extra: dict[str, str] = {}
    if kiosk:
        extra = {
            INDEX_HTML: index_html(kiosk_options(idle_return_s, autotour)),
            "launch.py": LAUNCH_PY,
            "launch.sh": LAUNCH_SH,
            "launch.bat": LAUNCH_BAT,
        }
    with atomic_file(out_zip) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(tour_dir.rglob("*")):
            rel = path.relative_to(tour_dir)
            if not path.is_file() or rel.as_posix() in extra or any(part.startswith(".") for part in rel.parts):
                continue
            zf.write(path, rel.as_posix(), compress_type=_compression(path))
        for name, text in extra.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if name == "launch.sh" else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text)
    return out_zip


def _compression(path: Path) -> int:
    """JPEG and PNG tiles and compressed glb do not shrink: store them; deflate the rest."""
    return (
        zipfile.ZIP_STORED
        if path.suffix.lower() in (".jpg", ".jpeg", ".png", ".glb", ".webp")
        else zipfile.ZIP_DEFLATED
    )


__all__ = ["DEFAULT_AUTOTOUR_S", "DEFAULT_IDLE_RETURN_S", "kiosk_options", "package_tour"]
