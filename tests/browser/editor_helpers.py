"""What the editor's browser tests share: a built copy of the sample tour, ``serve_editor`` in a thread on a free
port, the page's controls by their English accessible names, the viewer in edit mode, and the camera model that
says which direction lies under a screen point.

The camera model (vtour/conventions.py, vtour/web/src/views/Camera.js): yaw positive right, pitch positive up,
*vertical* fov, aspect = the canvas' width / height; the camera looks along ``forward`` with ``right`` and ``up``;
the ray through normalised device coordinates ``(x, y)`` (x right, y up, -1..1 across the canvas) is
``forward + x * tan(fov / 2) * aspect * right + y * tan(fov / 2) * up``. It is written here again, in numpy,
independently of the viewer's JavaScript, so that a test compares the page against the convention and not
against itself.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import re
import shutil
import socket
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from helpers import PAGE_VIEWER, PageLog, frames, open_panel_app, wait_for_js

from vtour.conventions import wrap_yaw, yaw_pitch_to_direction

#: How long a page may take to open the editor and show its viewer (Panel's first page load compiles a lot).
OPEN_TIMEOUT_S = 60.0
#: The tolerance of issue 12: a saved angle matches the clicked or dragged point within half a degree.
ANGLE_TOLERANCE_DEG = 0.5

# ---------------------------------------------------------------------------------------------------
# The sample tour, written and built once, copied for each test


def make_sample(folder: Path) -> tuple[Path, Path]:
    """Write the tiny sample grotto into ``folder/tour`` and build it into ``folder/out/vtour-sample``.

    Returns (tour.yaml, build output). The sample's start scene is ``entrance``, its scenes ``entrance``,
    ``chamber``, ``niche``, its languages en and zh.
    """
    from vtour.sample import TINY_SAMPLE_OPTIONS, write_sample
    from vtour.tour.build import build_tour

    result = write_sample(folder / "tour", TINY_SAMPLE_OPTIONS)
    out = folder / "out" / "vtour-sample"
    build_tour(result.tour, out, jobs=1)
    return result.tour, out


def copy_sample(template: tuple[Path, Path], dest: Path) -> tuple[Path, Path]:
    """A private copy of a :func:`make_sample` tour (sources and build output) under ``dest``."""
    tour_yaml, out = template
    shutil.copytree(tour_yaml.parent, dest / "tour", ignore=shutil.ignore_patterns(".vtour-cache"))
    shutil.copytree(out, dest / "out" / out.name)
    return dest / "tour" / tour_yaml.name, dest / "out" / out.name


# ---------------------------------------------------------------------------------------------------
# The editor's server


@dataclass
class Editor:
    """A running ``serve_editor``: its base URL (with the trailing slash), port, token and what it printed."""

    url: str
    port: int
    token: str | None
    printed: str
    thread: object

    def stop(self) -> None:
        self.thread.stop()  # type: ignore[attr-defined]


def wait_for_port(host: str, port: int, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"serve_editor did not listen on {host}:{port}"
            time.sleep(0.1)


def non_loopback_address() -> str | None:
    """An IPv4 address of this machine that is not loopback and can be listened on, or None."""
    candidates = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.123", 9))  # no packet is sent: this only picks the interface a route would use
        candidates.append(s.getsockname()[0])
    with contextlib.suppress(OSError):
        candidates += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    for address in candidates:
        if address.startswith("127.") or address == "0.0.0.0":
            continue
        try:
            with socket.socket() as s:
                s.bind((address, 0))
            return address
        except OSError:
            continue
    return None


def start_editor(path: Path, out: Path, *, address: str = "127.0.0.1", token: str | None = None, **kwargs) -> Editor:
    """``serve_editor(path, out=out, ...)`` in a thread on a free port of ``address``; returns when it listens.

    What it prints and logs (the address with a generated token) is kept in ``Editor.printed``.
    """
    from vtour.edit.server import serve_editor
    from vtour.errors import VtourWarning
    from vtour.serve import free_port

    port = free_port(address)
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler = Keep(level=logging.DEBUG)
    root = logging.getLogger("vtour")
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            warnings.simplefilter("ignore", VtourWarning)  # off loopback: the network may reach it, as it says
            thread = serve_editor(path, port=port, address=address, token=token, out=out, threaded=True, **kwargs)
        wait_for_port(address, port)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    printed = "\n".join([stdout.getvalue(), stderr.getvalue(), *records])
    return Editor(url=f"http://{address}:{port}/", port=port, token=token, printed=printed, thread=thread)


# ---------------------------------------------------------------------------------------------------
# The page


def open_editor(page, log: PageLog, url: str, timeout_s: float = OPEN_TIMEOUT_S) -> None:
    """Open the editor at ``url`` (:func:`helpers.open_panel_app`: asked again while the server thread starts,
    until the viewer's sharp first view) and wait for its scene's view and the editor's controls."""
    open_panel_app(page, log, url, timeout_s)
    wait_viewer(page, log, timeout_s)
    button(page, "Save").wait_for(state="visible", timeout=timeout_s * 1000)


def wait_viewer(page, log: PageLog, timeout_s: float = OPEN_TIMEOUT_S) -> None:
    """Wait until the page's viewer (PAGE_VIEWER) shows its scene sharp."""
    wait_for_js(
        page,
        f"() => {PAGE_VIEWER} && {PAGE_VIEWER}.timing.sharp && {PAGE_VIEWER}.view",
        timeout_s=timeout_s,
        what="the editor's viewer",
        log=log,
    )


def _name(words: str) -> re.Pattern:
    """An accessible name containing ``words`` as whole words (case kept: "Package" is not "Download package")."""
    return re.compile(rf"(^|[^\w]){re.escape(words)}($|[^\w])")


def button(page, words: str):
    """The button whose accessible name contains ``words`` (spec section D; Chinese names keep the English)."""
    return page.get_by_role("button", name=_name(words))


def control(page, role: str, words: str):
    """The element of ``role`` whose accessible name contains ``words``."""
    return page.get_by_role(role, name=_name(words))


def field(page, words: str):
    """The labelled form field (textbox, combobox, listbox, checkbox, spinbutton...) named ``words``."""
    return page.get_by_label(_name(words))


def arm(page, words: str) -> None:
    """Arm a hotspot tool ("Add link", "Add info", "Add model hotspot"): its toggle button pressed and the viewer
    told (``viewer.editing.tool``), ready for a click in the panorama."""
    tool = button(page, words)
    if tool.get_attribute("aria-pressed") != "true":
        tool.click()
    until(lambda: tool.get_attribute("aria-pressed") == "true", f"{words!r} pressed", page=page)
    wait_for_js(page, f"() => {PAGE_VIEWER}.editing.tool !== null", what=f"the viewer armed by {words!r}")
    # the page may show a hint above the preview once armed (it arrives with the pressed button), which moves the
    # preview: aim once its place has settled
    frames(page, 2)
    wait_layout_settled(page)


def wait_disarmed(page, log: PageLog) -> None:
    """Wait until no tool is armed, in the viewer and on the tool buttons (placing a hotspot disarms its tool)."""
    wait_for_js(page, f"() => {PAGE_VIEWER}.editing.tool === null", what="the tool disarmed in the viewer", log=log)
    tools = page.get_by_role("list", name=re.compile("Hotspot tools")).get_by_role("button")
    until(lambda: "true" not in [b.get_attribute("aria-pressed") for b in tools.all()], "the tools released", page=page)
    wait_layout_settled(page)


def wait_layout_settled(page, timeout_s: float = 10.0) -> dict:
    """Wait until the viewer canvas' box stays the same over 5 animation frames; returns it."""
    return wait_for_js(
        page,
        f"""() => new Promise((resolve) => {{
          const box = () => JSON.stringify({PAGE_VIEWER}.renderer.canvas.getBoundingClientRect());
          const first = box(); let n = 0;
          const step = () => {{ if (box() !== first) return resolve(false);
                               if (++n >= 5) return resolve(JSON.parse(first)); requestAnimationFrame(step); }};
          requestAnimationFrame(step); }})""",
        timeout_s=timeout_s,
        what="the preview's place on the page settled",
    )


def choose_option(select, containing: str) -> str:
    """Select the option of the ``select`` locator whose text contains ``containing`` (Panel's options carry their
    labels as values); returns its text."""
    texts = [t.strip() for t in select.locator("option").all_text_contents()]
    matches = [t for t in texts if containing in t]
    assert len(matches) == 1, f"{len(matches)} options with {containing!r} in {texts}"
    select.select_option(label=matches[0])
    return matches[0]


def viewer_eval(page, body: str, arg=None):
    """Evaluate ``body`` (a JavaScript expression in ``v``, the page's viewer) and return its value."""
    return page.evaluate(f"(arg) => {{ const v = {PAGE_VIEWER}; return ({body}); }}", arg)


def set_view(page, yaw: float, pitch: float, fov: float) -> dict:
    """Point the viewer; returns the view it reached (its limits may clamp) once it is drawn."""
    viewer_eval(page, "v.setView(arg)", {"yaw": yaw, "pitch": pitch, "fov": fov})
    frames(page, 3)
    return viewer_eval(page, "v.view.get()")


def canvas_box(page) -> dict:
    """The viewer canvas' box on the page, CSS px: {x, y, width, height}."""
    return viewer_eval(
        page,
        "(() => { const r = v.renderer.canvas.getBoundingClientRect();"
        " return {x: r.x, y: r.y, width: r.width, height: r.height}; })()",
    )


def scene_shown(page) -> str:
    return viewer_eval(page, "v.sceneId")


def hotspot_count(page) -> int:
    """How many hotspots the viewer shows in its scene (its hotspot layer's buttons)."""
    return viewer_eval(page, "v.hotspots.items.length")


def wait_hotspot_count(page, log: PageLog, n: int, what: str) -> None:
    wait_for_js(page, f"() => {PAGE_VIEWER}.hotspots.items.length === {n}", what=what, log=log)


def hit_at(page, x: float, y: float) -> str:
    """What the pointer would hit at page point (x, y) inside the viewer: "canvas", or the element's class."""
    return viewer_eval(
        page,
        "(() => { const el = v.root.getRootNode().elementFromPoint(arg.x, arg.y);"
        " if (!el) return 'nothing'; if (el === v.renderer.canvas) return 'canvas';"
        " return (el.closest('button') || el).className || el.tagName; })()",
        {"x": x, "y": y},
    )


def hotspot_icon_centre(page, index: int) -> dict:
    """Where the icon of hotspot ``index`` (the layer's id ``String(index)``) is drawn, page CSS px."""
    return viewer_eval(
        page,
        "(() => { const b = [...v.hotspots.element.querySelectorAll('button')]"
        ".find((e) => e.dataset.hotspotId === String(arg)); if (!b || b.hidden) return null;"
        " const r = b.getBoundingClientRect(); return {x: r.left + 17, y: r.top + r.height / 2}; })()",
        index,
    )


def deep_focus(page) -> dict:
    """The focused element, through shadow roots: {tag, role, name, cls}."""
    return page.evaluate(
        """() => { let el = document.activeElement;
        while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
        if (!el) return null;
        const name = el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].textContent)
          || el.getAttribute('title') || el.textContent || '';
        return {tag: el.tagName, role: el.getAttribute('role'), name: name.trim().replace(/\\s+/g, ' '),
                cls: String(el.className || '')}; }"""
    )


def tab_to(page, predicate, what: str, limit: int = 250, key: str = "Tab") -> list[dict]:
    """Press ``key`` until ``predicate(deep_focus(page))`` holds; returns the focus stops passed through."""
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = deep_focus(page)
        stops.append(focused)
        if focused and predicate(focused):
            return stops
    names = ", ".join(f"{s['name'][:30]!r}" for s in stops[:60] if s)
    raise AssertionError(f"{what} was not reached with {key} in {limit} presses; focus went: {names}")


# ---------------------------------------------------------------------------------------------------
# The camera model and angles


def direction_under(view: dict, x: float, y: float, width: float, height: float) -> np.ndarray:
    """Unit direction (3,) under canvas point (x, y) (CSS px from the canvas' top-left corner, y down) of a
    ``width`` x ``height`` canvas looking along ``view`` {yaw, pitch, fov} (degrees, vertical fov)."""
    yaw, pitch = math.radians(view["yaw"]), math.radians(view["pitch"])
    forward = np.array([math.cos(pitch) * math.sin(yaw), math.sin(pitch), -math.cos(pitch) * math.cos(yaw)])
    right = np.array([math.cos(yaw), 0.0, math.sin(yaw)])
    up = np.cross(right, forward)  # right x forward = up in a right-handed frame with forward = -Z at yaw 0
    t = math.tan(math.radians(view["fov"]) / 2)
    nx, ny = 2 * x / width - 1, 1 - 2 * y / height
    d = forward + nx * t * (width / height) * right + ny * t * up
    return d / np.linalg.norm(d)


def yaw_pitch_of(d: np.ndarray) -> tuple[float, float]:
    """(yaw, pitch) in degrees of a direction; yaw in [-180, 180)."""
    yaw = math.degrees(math.atan2(d[0], -d[2]))
    pitch = math.degrees(math.atan2(d[1], math.hypot(d[0], d[2])))
    return wrap_yaw(yaw), pitch


def angle_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle angle in degrees between two (yaw, pitch) directions."""
    da, db = yaw_pitch_to_direction(*a), yaw_pitch_to_direction(*b)
    return math.degrees(math.acos(max(-1.0, min(1.0, float(np.dot(da, db))))))


def angle_mismatch(got: tuple[float, float], want: tuple[float, float]) -> float:
    """The largest of |yaw difference| (folded), |pitch difference| and the angle between: what must stay
    under :data:`ANGLE_TOLERANCE_DEG`. (Within a few tenths of a degree of a pole the yaw carries no
    direction: there only the angle between counts.)"""
    between = angle_between(got, want)
    d_pitch = abs(got[1] - want[1])
    d_yaw = abs(wrap_yaw(got[0] - want[0]))
    if max(abs(got[1]), abs(want[1])) > 89.0:
        return max(between, d_pitch)
    return max(between, d_pitch, d_yaw)


# ---------------------------------------------------------------------------------------------------
# tour.yaml on disk


def read_tour(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def scene_of(doc: dict, scene_id: str) -> dict:
    [scene] = [s for s in doc["scenes"] if s["id"] == scene_id]
    return scene


def wait_file_changes(path: Path, before: bytes, what: str, timeout_s: float = 20.0) -> bytes:
    """Wait until ``path``'s bytes differ from ``before``; returns them."""
    deadline = time.monotonic() + timeout_s
    while True:
        now = path.read_bytes() if path.exists() else b""
        if now != before:
            return now
        assert time.monotonic() < deadline, f"timed out after {timeout_s:.0f} s waiting for {what}"
        time.sleep(0.1)


def until(predicate, what: str, timeout_s: float = 20.0, page=None) -> None:
    """Wait for a Python-side condition; with ``page``, Playwright's event loop runs meanwhile."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out after {timeout_s:.0f} s waiting for {what}"
        if page is not None:
            page.wait_for_timeout(100)
        else:
            time.sleep(0.1)


@contextlib.contextmanager
def running(editor: Editor) -> Iterator[Editor]:
    try:
        yield editor
    finally:
        editor.stop()
