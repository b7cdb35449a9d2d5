"""The static site of a built tour: ``index.html`` and ``viewer/`` (the JavaScript bundles, CSS inside).

``write_site(tour_dir)`` adds them to a folder that holds a ``tour.json`` (docs/tour-json.md). The page
holds no tour text: the viewer fetches ``tour.json`` and shows every text as text. It needs an HTTP
server (browsers refuse ES modules and fetch() from ``file://``), any will do; no request leaves it.

For an early first view the page's head asks for the viewer bundle (``modulepreload``), ``tour.json``
and the start scene's ``preview.jpg`` at once (``preload as="fetch" crossorigin``: the same mode and
credentials as the viewer's own ``fetch()``, so the browser reuses each response instead of
downloading it twice). ``viewer/vtour-model.js`` (three.js) is imported only when a 3D model opens,
``viewer/vtour-image.js`` (OpenSeadragon) only when a deep-zoom image opens.

The bundle is built from ``vtour/web/src`` by ``npm run build`` (``make setup`` runs it) into
``vtour/web/dist/``, which the wheel ships.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vtour.errors import VtourError
from vtour.output import swap_dir, write_bytes_atomic
from vtour.tour.layout import INDEX_HTML, VIEWER, require_built_tour
from vtour.tour.schema import read_tour_json

#: Where the built bundle lives inside the package.
DIST = Path(__file__).parent / "web" / "dist"
#: The bundle's file name (an ES module exporting ``mount`` and ``render``).
BUNDLE = "vtour-viewer.js"
#: The model dialog's bundle (three.js), imported by the viewer on first use; beside BUNDLE.
MODEL_BUNDLE = "vtour-model.js"
#: The deep-zoom dialog's bundle (OpenSeadragon), imported by the viewer when an image first opens; beside BUNDLE.
IMAGE_BUNDLE = "vtour-image.js"
#: Viewer options the static page passes to ``mount`` (see ``DEFAULT_OPTIONS`` in vtour/web/src/Viewer.js).
#: landmark: the viewer is the page, so it is its <main> with the tour title as a (visually hidden) <h1>.
DEFAULT_SITE_OPTIONS: Mapping[str, Any] = {"urlState": True, "documentTitle": True, "landmark": True}

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Virtual tour</title>
<link rel="icon" href="data:,">
<link rel="modulepreload" href="viewer/{bundle}">
<link rel="preload" href="tour.json" as="fetch" crossorigin>
{preloads}<style>html, body {{ margin: 0; height: 100%; background: #000; }} #tour {{ position: fixed; inset: 0; }}</style>
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
"""  # noqa: E501 (one line of the page)


def bundle_path(name: str = BUNDLE) -> Path:
    """A built bundle (``BUNDLE``, ``MODEL_BUNDLE`` or ``IMAGE_BUNDLE``), or a VtourError saying how to build it."""
    path = DIST / name
    if not path.is_file():
        raise VtourError(
            "site",
            "the viewer bundle is not built",
            path=path,
            fix="run `npm install && npm run build` at the repository root (or `make setup`)",
        )
    return path


def start_preview(tour: Mapping[str, Any]) -> str | None:
    """The tour-relative URL of the start scene's preview strip (what the viewer fetches first), or None."""
    scenes = tour.get("scenes")
    if not isinstance(scenes, list):  # a tampered tour.json (vtour package reads one unchecked)
        return None
    start = next(
        (s for s in scenes if isinstance(s, dict) and s.get("id") == tour.get("start")), scenes[0] if scenes else None
    )
    pano = start.get("panorama") if isinstance(start, dict) else None
    if not isinstance(pano, dict):
        return None
    preview = pano.get("preview") or (f"{pano['path']}/preview.jpg" if pano.get("path") else None)
    return preview if isinstance(preview, str) else None


def index_html(options: Mapping[str, Any] | None = None, tour: Mapping[str, Any] | None = None) -> str:
    """The static page. ``options`` (JSON-able numbers, booleans, strings) go to ``mount``; given the
    ``tour`` document, the start scene's preview is preloaded."""
    preview = start_preview(tour) if tour else None
    # the viewer decodes the preloaded preview while tour.json loads
    merged = {**DEFAULT_SITE_OPTIONS, **({"startPreview": preview} if preview else {}), **(options or {})}
    # "<" escaped so that no option value can close the script element
    text = json.dumps(merged, sort_keys=True).replace("<", "\\u003c")
    preloads = (
        (
            f'<link rel="preload" href="{html.escape(urllib.parse.quote(preview, safe="/:@!$&()*+,;=-._~"))}" '
            'as="fetch" crossorigin>\n'
        )
        if preview
        else ""
    )
    return _PAGE.format(bundle=BUNDLE, options=text, preloads=preloads)


def write_site(tour_dir: str | os.PathLike, options: Mapping[str, Any] | None = None) -> Path:
    """Write ``index.html`` and ``viewer/`` into ``tour_dir`` (which must hold a tour.json).

    ``viewer/`` is replaced whole (written beside it, then swapped in); ``index.html`` through a
    temporary file and a rename. Returns the path of index.html.
    """
    tour_dir = require_built_tour(tour_dir, "site")
    bundles = [bundle_path(BUNDLE), bundle_path(MODEL_BUNDLE), bundle_path(IMAGE_BUNDLE)]
    tour = read_tour_json(tour_dir, "site")
    with swap_dir(tour_dir / VIEWER) as tmp:
        for bundle in bundles:  # copyfile: the ordinary mode, not the installed file's (it may be private)
            shutil.copyfile(bundle, tmp / bundle.name)
    index = tour_dir / INDEX_HTML
    write_bytes_atomic(index, index_html(options, tour if isinstance(tour, dict) else None).encode("utf-8"))
    return index


__all__ = [
    "BUNDLE",
    "DEFAULT_SITE_OPTIONS",
    "DIST",
    "IMAGE_BUNDLE",
    "MODEL_BUNDLE",
    "bundle_path",
    "index_html",
    "start_preview",
    "write_site",
]
