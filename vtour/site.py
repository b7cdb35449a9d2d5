"""The static site of a built tour: ``index.html`` and ``viewer/`` (the JavaScript bundle, CSS inside).

``write_site(tour_dir)`` adds them to a folder that holds a ``tour.json`` (docs/tour-json.md). The page
holds no tour text: the viewer fetches ``tour.json`` and shows every text as text. It needs an HTTP
server (browsers refuse ES modules and fetch() from ``file://``), any will do; no request leaves it.

The bundle is built from ``vtour/web/src`` by ``npm run build`` (``make setup`` runs it) into
``vtour/web/dist/``, which the wheel ships.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Mapping

from vtour.errors import VtourError
from vtour.output import write_bytes_atomic

#: Where the built bundle lives inside the package.
DIST = Path(__file__).parent / "web" / "dist"
#: The bundle's file name (an ES module exporting ``mount`` and ``render``).
BUNDLE = "vtour-viewer.js"
#: Viewer options the static page passes to ``mount`` (see ``DEFAULT_OPTIONS`` in vtour/web/src/Viewer.js).
DEFAULT_SITE_OPTIONS: Mapping[str, Any] = {"urlState": True, "documentTitle": True}

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Virtual tour</title>
<link rel="icon" href="data:,">
<style>html, body {{ margin: 0; height: 100%; background: #000; }} #tour {{ position: fixed; inset: 0; }}</style>
</head>
<body>
<div id="tour"></div>
<noscript>This virtual tour needs JavaScript and WebGL.</noscript>
<script type="module">
import {{ mount }} from "./viewer/{bundle}";
window.vtour = mount(document.getElementById("tour"), "tour.json", {options});
</script>
</body>
</html>
"""


def bundle_path() -> Path:
    """The built viewer bundle, or a VtourError saying how to build it."""
    path = DIST / BUNDLE
    if not path.is_file():
        raise VtourError("site", "the viewer bundle is not built", path=path,
                         fix="run `npm install && npm run build` at the repository root (or `make setup`)")
    return path


def index_html(options: Mapping[str, Any] | None = None) -> str:
    """The static page. ``options`` (JSON-able numbers, booleans, strings) go to ``mount``."""
    merged = {**DEFAULT_SITE_OPTIONS, **(options or {})}
    # "<" escaped so that no option value can close the script element
    text = json.dumps(merged, sort_keys=True).replace("<", "\\u003c")
    return _PAGE.format(bundle=BUNDLE, options=text)


def write_site(tour_dir: str | os.PathLike, options: Mapping[str, Any] | None = None) -> Path:
    """Write ``index.html`` and ``viewer/`` into ``tour_dir`` (which must hold a tour.json).

    ``viewer/`` is replaced whole (written beside it, then renamed); ``index.html`` through a
    temporary file. Returns the path of index.html.
    """
    tour_dir = Path(tour_dir)
    if not (tour_dir / "tour.json").is_file():
        raise VtourError("site", "no tour.json in the folder", path=tour_dir,
                         fix="build the tour first (vtour build TOUR.yaml)")
    bundle = bundle_path()
    tmp = Path(tempfile.mkdtemp(prefix=".viewer-", dir=tour_dir))
    try:
        shutil.copy2(bundle, tmp / BUNDLE)
        viewer = tour_dir / "viewer"
        old = None
        if viewer.exists():
            old = tour_dir / f".viewer-old-{os.getpid()}"
            viewer.rename(old)
        tmp.rename(viewer)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    index = tour_dir / "index.html"
    write_bytes_atomic(index, index_html(options).encode("utf-8"))
    return index


__all__ = ["write_site", "index_html", "bundle_path", "DEFAULT_SITE_OPTIONS", "BUNDLE", "DIST"]
