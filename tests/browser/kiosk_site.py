"""The sample grotto as a kiosk package (issue 16), for the kiosk page's browser tests (test_kiosk_page.py).

``kiosk_site`` (module fixture in the test module, built by :func:`build_kiosk_site`): ``vtour sample`` (tiny),
``vtour build``, ``vtour package --kiosk --pin`` (vtour.package.package_tour) with short idle, countdown and
attract times, unzipped into a folder. ``site.page(name, **kiosk)`` writes another kiosk page beside the
package's index.html (``name``.html: the same page, its mount option ``kiosk`` with ``kiosk`` merged over the
package's, ``language`` for the viewer's first language) so that each test picks its own times without a rebuild.

``route_bridge(page)`` answers the launcher's calls (``__kiosk/ping``, ``events``, ``attract``, ``exit``) in the
page itself (Playwright ``page.route``), as vtour/kiosk_launch.py would, and records every call; a test sets
``bridge.exit_status`` to what a PIN gets.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data_paths import missing

from vtour.package import kiosk_page, package_tour
from vtour.site import BUNDLE, DIST

#: The PIN of the staff exit in the package.
PIN = "2468"


@dataclass
class KioskSite:
    folder: Path
    zip: Path
    tour: dict
    options: dict

    def page(self, name: str, language: str | None = None, **kiosk: Any) -> str:
        """Writes ``name``.html: the kiosk page with ``kiosk`` merged over its kiosk options; returns its file name.
        ``secondsPerScene``, ``scenes`` and ``narration`` go into ``attract`` (where the kiosk reads them: at the top
        level they would be ignored and the package's 2 s a scene kept), merged over the package's too."""
        attract = {**self.options["kiosk"].get("attract", {}), **kiosk.pop("attract", {})}
        attract.update({k: kiosk.pop(k) for k in ("secondsPerScene", "scenes", "narration") if k in kiosk})
        merged = {**self.options["kiosk"], **kiosk, "attract": attract}
        options = {**self.options, "kiosk": merged, **({"language": language} if language else {})}
        (self.folder / f"{name}.html").write_bytes(kiosk_page(options, self.tour))
        return f"{name}.html"


def build_kiosk_site(root: Path) -> KioskSite:
    """The tiny sample grotto, built and packed as a kiosk (idle 3 s, countdown 3 s, 2 s a scene), unzipped."""
    from vtour.sample import TINY_SAMPLE_OPTIONS, write_sample
    from vtour.tour.build import build_tour

    if not (DIST / BUNDLE).is_file():
        missing(f"the viewer bundle {DIST / BUNDLE} (npm run build, or make setup)")
    write_sample(root / "sample", TINY_SAMPLE_OPTIONS)
    built = build_tour(root / "sample" / "tour.yaml", root / "built", jobs=1).out_dir
    package = package_tour(
        built, root / "grotto-kiosk.zip", kiosk=True, pin=PIN, idle=3, countdown=3, attract_seconds=2
    )
    folder = root / "unpacked"
    with zipfile.ZipFile(package) as zf:
        zf.extractall(folder)
    tour = json.loads((folder / "tour.json").read_text(encoding="utf-8"))
    index = (folder / "index.html").read_text(encoding="utf-8")
    start = index.index('"tour.json", ') + len('"tour.json", ')
    options = json.loads(index[start : index.index(");\n", start)])
    return KioskSite(folder, package, tour, options)


@dataclass
class BridgeLog:
    """The launcher's calls the page made (bodies as JSON), what the exit answers, and whether the next attract
    call asks for a reload (a newer package; once)."""

    calls: list[tuple[str, Any]] = field(default_factory=list)
    exit_status: int = 403
    reload: bool = False
    ping_reload: bool = False  # the next ping from attract is answered {"reload": true} (a pending update made live)

    def bodies(self, name: str) -> list[Any]:
        return [body for n, body in self.calls if n == name]

    def events(self) -> list[dict]:
        return [e for batch in self.bodies("events") for e in batch]


def route_bridge(page) -> BridgeLog:
    """Answers ``__kiosk/*`` in ``page`` as the launcher does; returns the log of calls."""
    log = BridgeLog()

    def handle(route):
        request = route.request
        name = request.url.split("__kiosk/", 1)[1].split("?", 1)[0]
        assert request.method == "POST", request.method
        assert (request.headers.get("content-type") or "").startswith("application/json")
        body = json.loads(request.post_data or "null")
        log.calls.append((name, body))
        if name == "events":
            answer, status = {"ok": True, "written": len(body)}, 200
        elif name == "attract":
            answer, status = {"reload": log.reload}, 200
            log.reload = False  # the launcher has swapped the package in: once
        elif name == "exit":
            status = log.exit_status
            answer = {"ok": status == 200}
        elif name == "ping" and log.ping_reload and body.get("attract") is True:
            answer, status = {"ok": True, "reload": True}, 200
            log.ping_reload = False
        else:
            answer, status = {"ok": True}, 200
        route.fulfill(status=status, content_type="application/json", body=json.dumps(answer))

    page.route("**/__kiosk/**", handle)
    return log
