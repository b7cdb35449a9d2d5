"""The WebXR headset mode (issue 16) on the tiny sample grotto, with Meta's WebXR emulator `iwer` in the page.

The emulator (tests/browser/xr/emulator.js: a Meta Quest 3, stereo, two Touch controllers) is bundled with esbuild
into one classic script in a temporary folder at test time (tests/browser/xr/build_emulator.mjs) and run before the
page's own scripts (``context.add_init_script``); it replaces Chromium's navigator.xr (headless Chromium has one
that offers no immersive session) and presents the WebGL canvas itself: full window, left eye on the left half,
right eye on the right half. So the page's screenshot *is* the headset's framebuffer. The test moves the headset
and the controllers and presses their triggers through the emulator's device object (``window.__vtourXR.device``).

What is checked, in pixels where it is seen: the "Enter VR" button appears only with a headset (xr/PanoXR.js); in VR
both eyes show the panorama, the same at infinity, and a controller's beam from the hand with the parallax of its
distance (each eye's start of the beam at the column the emulator's projection and ipd put it); a highlighted ring
is drawn where its link is in each eye (the eyes given off-axis frusta, so an eye drawn with the other's projection,
a head rotation inverted or a ring mirrored is seen), also in the linked scene, turned so that its view's yaw is
ahead, and after the headset's recentring; a select on an info ring beside a link follows nothing; the gaze's dwell
shows a dark arc on the yellow disc, does not jump to its end after a stalled frame loop, and needs the gaze to
leave a link after a scene change; a session that ends while starting, or a runtime whose end() rejects, leaves the
page drawing and says so; the viewer emits "xrstart" / "xrend" for the panorama and for the statue; the model
dialog's "View in VR" stands the statue on the floor 1.5 m in front of the visitor at its real height, and the same
statue in m, cm and mm looks the same from 0.4 m (near and far planes in metres); axe-core finds nothing wrong with
the new buttons.
Screenshots go to tests/artifacts/xr/.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import numpy as np
import pytest
from data_paths import ROOT, missing
from editor_helpers import make_sample
from helpers import ARTIFACTS, axe_violations, frames, open_tour, png_to_rgb, wait_for_js
from xr_helpers import aim as _aim
from xr_helpers import enter_vr as _enter
from xr_helpers import select
from xr_helpers import set_head as _set_head
from xr_helpers import wait_frames as _wait_frames

XR_ARTIFACTS = ARTIFACTS / "xr"
#: The sample's start scene and its link to the main chamber (tour.json: entrance-0 at yaw 16.7, pitch 0).
LINK_ID, LINK_TARGET, LINK_YAW, LINK_PITCH = "entrance-0", "chamber", 16.7, 0.0
#: xr/GazeDwell.js DWELL_MS: how long the gaze rests on a link to follow it.
DWELL_MS = 1500


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    """The tiny sample grotto, built (its viewer is vtour/web/dist: run `node vtour/web/build.mjs` first)."""
    if not (ROOT / "vtour" / "web" / "dist" / "vtour-viewer.js").is_file():
        missing("vtour/web/dist not built (run `node vtour/web/build.mjs`)")
    _, out = make_sample(tmp_path_factory.mktemp("xr-sample"))
    return out


def _open(page, page_log, serve, site: Path, emulator: Path | None) -> str:
    if emulator is not None:
        page.context.add_init_script(path=str(emulator))
    base = serve(site)
    open_tour(page, page_log, base)
    return base


def _xr_ready(page) -> bool:
    return page.evaluate("async () => { await window.vtour.xr.ready; return window.vtour.xr.state.supported; }")


def _eyes(page, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The headset's framebuffer as the emulator presents it (the page), saved, split into its two eyes."""
    XR_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot()
    (XR_ARTIFACTS / f"{name}.png").write_bytes(png)
    rgb = png_to_rgb(png).astype(np.int16)
    eyes = page.evaluate("() => window.vtour.xr.state.eyes")
    assert [e["eye"] for e in eyes] == ["left", "right"], eyes
    w = rgb.shape[1] // 2
    assert eyes[0]["width"] == eyes[1]["width"] == w and eyes[1]["x"] == w, eyes
    return rgb[:, :w], rgb[:, w:]


def _glb_height(path: Path) -> float:
    """The height (glTF +Y extent, model units) of a .glb's meshes, from its POSITION accessors' bounds."""
    data = path.read_bytes()
    length = struct.unpack_from("<I", data, 12)[0]
    doc = json.loads(data[20 : 20 + length])
    lo, hi = math.inf, -math.inf
    for node in doc["nodes"]:
        if "mesh" not in node:
            continue
        assert "rotation" not in node and "matrix" not in node, "the sample's nodes are only translated and scaled"
        sy, ty = node.get("scale", [1, 1, 1])[1], node.get("translation", [0, 0, 0])[1]
        for prim in doc["meshes"][node["mesh"]]["primitives"]:
            acc = doc["accessors"][prim["attributes"]["POSITION"]]
            lo, hi = min(lo, acc["min"][1] * sy + ty), max(hi, acc["max"][1] * sy + ty)
    return hi - lo


def _scaled_glb(path: Path, factor: float) -> bytes:
    """The .glb at `path` with every node's translation and scale times `factor` (the same statue in other units)."""
    data = path.read_bytes()
    length = struct.unpack_from("<I", data, 12)[0]
    doc = json.loads(data[20 : 20 + length])
    for node in doc["nodes"]:
        node["translation"] = [v * factor for v in node.get("translation", [0, 0, 0])]
        node["scale"] = [v * factor for v in node.get("scale", [1, 1, 1])]
    chunk = json.dumps(doc).encode()
    chunk += b" " * (-len(chunk) % 4)
    rest = data[20 + length :]
    return (
        struct.pack("<III", 0x46546C67, 2, 12 + 8 + len(chunk) + len(rest))
        + struct.pack("<II", len(chunk), 0x4E4F534A)
        + chunk
        + rest
    )


def _route_tour(page, site: Path, edit) -> dict:
    """Serves the site's tour.json as `edit(tour)` leaves it; returns the edited tour."""
    tour = json.loads((site / "tour.json").read_text())
    edit(tour)
    body = json.dumps(tour)
    page.route("**/tour.json", lambda route: route.fulfill(status=200, content_type="application/json", body=body))
    return tour


def _hotspot(tour: dict, hotspot_id: str) -> dict:
    return next(h for s in tour["scenes"] for h in s["hotspots"] if h.get("id") == hotspot_id)


def _rotation(yaw: float, pitch: float) -> np.ndarray:
    """The 3 x 3 rotation of `_quaternion(yaw, pitch)`: Ry(-yaw) Rx(pitch), eye -> reference space."""
    a, b = math.radians(-yaw), math.radians(pitch)
    ry = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    rx = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]])
    return ry @ rx


def _direction(yaw: float, pitch: float) -> np.ndarray:
    """The unit direction of (yaw, pitch), degrees (vtour/conventions.py: front -Z, right +X, up +Y)."""
    y, p = math.radians(yaw), math.radians(pitch)
    return np.array([math.cos(p) * math.sin(y), math.sin(p), -math.cos(p) * math.cos(y)])


def _pixel(point_eye: np.ndarray, size: tuple[int, int], skew: float = 0.0, fovy_deg: float = 90.0):
    """Where a point (or a direction) in an eye's frame (-Z ahead) lands in that eye's image of `size` (h, w),
    through the emulator's projection (iwer: symmetric, its `fovy`, the eye's aspect; `skew`: the projection's
    [8] element that _skew_eyes adds): (column, row)."""
    h, w = size
    f = 1 / math.tan(math.radians(fovy_deg) / 2)
    x, y, z = point_eye
    return (w / 2 * (1 + f * (h / w) * x / -z - skew), h / 2 * (1 - f * y / -z))


def _ring_pixel(hotspot_yaw, hotspot_pitch, yaw_offset, head_yaw, head_pitch, size, skew=0.0):
    """Where a hotspot's ring is drawn in an eye: its panorama direction turned into the reference space (the
    panorama's yaw is the reference space's plus `yaw_offset`), then into the head's frame (at infinity)."""
    d_ref = _direction(hotspot_yaw - yaw_offset, hotspot_pitch)
    return _pixel(_rotation(head_yaw, head_pitch).T @ d_ref, size, skew)


#: The off-axis frusta of a real headset's eyes (each wider on the temple's side): the projection's [8] element.
EYE_SKEW = {"left": -0.1, "right": 0.1}


def _skew_eyes(page) -> None:
    """Gives the emulator's eyes EYE_SKEW's asymmetric projections (iwer's are symmetric, so that an eye drawn
    with the other's projection would look right): what is at infinity then differs between the eyes."""
    page.evaluate(
        """(skew) => { const get = Object.getOwnPropertyDescriptor(XRView.prototype, 'projectionMatrix').get;
          Object.defineProperty(XRView.prototype, 'projectionMatrix', { configurable: true, get() {
            const p = new Float32Array(get.call(this)); p[8] += skew[this.eye] || 0; return p; } }); }""",
        EYE_SKEW,
    )


def _yellow(eye: np.ndarray) -> np.ndarray:
    """Pixels of a highlighted ring (HotspotMarks COLORS.hot, (255, 212, 0), at 75 % or more over the panorama)."""
    r, g, b = eye[..., 0], eye[..., 1], eye[..., 2]
    return (r > 180) & (g > 140) & (b < 100) & (r - b > 120)


def _centroid(mask: np.ndarray) -> tuple[float, float]:
    rows, cols = np.nonzero(mask)
    assert len(rows), "nothing found"
    return float(cols.mean()), float(rows.mean())


def _assert_ring_at(eye: np.ndarray, where: tuple[float, float], what: str) -> None:
    """A highlighted ring (yellow disc of the hit radius' size) is drawn centred at `where` (column, row)."""
    mask = _yellow(eye)
    x0, y0 = where
    near = np.zeros_like(mask)
    near[max(0, int(y0) - 30) : int(y0) + 30, max(0, int(x0) - 30) : int(x0) + 30] = True
    found = mask & near
    assert found.sum() > 300, f"{what}: no highlighted ring at {where} ({found.sum()} yellow pixels there)"
    x, y = _centroid(found)
    assert abs(x - x0) < 3 and abs(y - y0) < 3, f"{what}: the ring is at ({x:.1f}, {y:.1f}), expected {where}"
    assert (mask & ~near).sum() < 50, f"{what}: yellow elsewhere too ({(mask & ~near).sum()} pixels)"


def _record_xr_events(page) -> None:
    page.evaluate(
        "() => { window.__xrEvents = []; for (const name of ['xrstart', 'xrend'])"
        " window.vtour.on(name, (e) => window.__xrEvents.push([name, e && e.mode])); }"
    )


def test_enter_vr_button_only_with_a_headset(page, page_log, serve, sample_site, xr_emulator, browser):
    # headless Chromium's own WebXR offers no immersive session: no button
    _open(page, page_log, serve, sample_site, None)
    assert _xr_ready(page) is False
    assert page.locator(".vtour-tool-vr:visible").count() == 0
    page_log.assert_clean()

    context = browser.new_context(viewport={"width": 800, "height": 600}, device_scale_factor=1)
    try:
        other = context.new_page()
        context.add_init_script(path=str(xr_emulator))
        other.goto(f"{serve(sample_site)}index.html")
        other.wait_for_function(
            "() => window.vtour && window.vtour.timing && window.vtour.timing.firstView", timeout=30_000
        )
        assert _xr_ready(other) is True
        button = other.get_by_role("button", name="Enter VR")
        assert button.is_visible() and button.get_attribute("title") == "Enter VR"
        other.evaluate("() => window.vtour.setLanguage('zh')")
        assert other.locator(".vtour-tool-vr").get_attribute("aria-label") == "进入 VR"
    finally:
        context.close()


def test_both_eyes_see_the_panorama_and_a_beam_from_the_hand_with_the_parallax_of_its_distance(
    page, page_log, serve, sample_site, xr_emulator
):
    """The panorama is at infinity (the same in both eyes); the beam starts at the hand, 0.6 m ahead: the left eye
    sees its start 0.063 m x 300 px / 0.6 m = 31.5 px further right than the right eye (the emulator's ipd, its
    eyes' 300 px focal length). Both eyes drawn alike, or swapped, fail."""
    _open(page, page_log, serve, sample_site, xr_emulator)
    assert _xr_ready(page)
    page.evaluate("() => { window.__vtourXR.device.controllers.left.connected = false; }")
    _set_head(page, 0, 0)
    _enter(page, page_log)
    assert page.evaluate("() => window.vtour.renderer.paused") is True
    assert page.get_by_role("button", name="Exit VR").count() == 1
    hand = np.array([-0.3, 1.3, -0.6])
    _aim(page, "right", 90, 0, tuple(hand))  # pointing right, level: the beam runs across at 0.6 m, over the floor
    page.wait_for_function("() => window.vtour.pano.stats.sharp", timeout=20_000)
    _wait_frames(page)
    left, right = _eyes(page, "both-eyes-beam")
    for eye in (left, right):
        assert eye.mean() > 40 and eye.std() > 10, "each eye shows the panorama (not black, not flat)"
    diff = np.abs(left - right).max(axis=2)
    assert np.median(diff) <= 2, "the panorama is at infinity: the eyes agree there"
    ipd = page.evaluate("() => window.__vtourXR.device.ipd")
    size = left.shape[:2]
    for eye, side in ((left, -1), (right, 1)):
        x0, y0 = _pixel(hand - np.array([side * ipd / 2, 1.6, 0]), size)
        # a thin line whiter than the panorama 5 px above and below it, near the hand's height
        beam = (eye - np.maximum(np.roll(eye, 5, axis=0), np.roll(eye, -5, axis=0))).min(axis=2) > 30
        beam[: int(y0) - 10] = False
        beam[int(y0) + 10 :] = False
        rows, cols = np.nonzero(beam)
        assert len(cols) > 40, "the beam is drawn"
        start = cols.min()
        assert abs(start - x0) < 4, (
            f"the beam starts at column {start} in the {('left', 'right')[side > 0]} eye, expected {x0:.1f}"
        )
        assert abs(np.median(rows) - y0) < 3, "at the hand's height"


def test_a_link_pointed_at_is_highlighted_where_it_is_and_a_select_follows_it_to_a_scene_turned_ahead(
    page, page_log, serve, sample_site, xr_emulator
):
    """The visitor starts facing the view's yaw (0) with the head turned 20 degrees left: the panorama turns by 20. The
    highlighted ring is then drawn where the link is, in each eye (their frusta off-axis, each its own); in the linked
    scene its own view's yaw (-10) is ahead of the head, so a link of that scene is drawn, and pointed at, where that
    turn puts it."""
    tour = json.loads((sample_site / "tour.json").read_text())
    _open(page, page_log, serve, sample_site, xr_emulator)
    assert _xr_ready(page)
    head_yaw = -20.0
    _set_head(page, head_yaw, 0)
    _skew_eyes(page)
    _enter(page, page_log)
    offset = page.evaluate("() => window.vtour.xr.state.yawOffset")
    assert offset == pytest.approx(0 - head_yaw, abs=0.05), "the view's yaw is ahead of the head"
    _aim(page, "left", -60, -30, (-0.2, 1.3, -0.3))  # away, at nothing
    _aim(page, "right", LINK_YAW - offset, LINK_PITCH, (0.2, 1.4, -0.3))
    page.wait_for_function("() => window.vtour.pano.stats.sharp", timeout=20_000)
    _wait_frames(page)
    assert page.evaluate("() => window.vtour.xr.state.pointed") == [LINK_ID]
    title = page.evaluate(
        f"() => window.vtour.tour.hotspotTitle(window.vtour.tour.scene('entrance').hotspots"
        f".find((h) => h.id === {json.dumps(LINK_ID)}), 'en')"
    )
    assert title and page.evaluate("() => window.vtour.xr.state.labels") == [title]
    left, right = _eyes(page, "both-eyes-pointing-at-link")
    for eye, name in ((left, "left"), (right, "right")):
        where = _ring_pixel(LINK_YAW, LINK_PITCH, offset, head_yaw, 0, eye.shape[:2], EYE_SKEW[name])
        _assert_ring_at(eye, where, f"{name} eye")

    select(page, "right")
    wait_for_js(
        page, f"() => window.vtour.sceneId === {json.dumps(LINK_TARGET)}", what="the linked scene", log=page_log
    )
    page.wait_for_function("() => window.vtour.pano.stats.sharp && window.vtour.pano.opacity === 1", timeout=20_000)
    assert page.evaluate("() => window.vtour.xr.state.activations") == 1
    chamber_yaw = next(s for s in tour["scenes"] if s["id"] == LINK_TARGET)["view"]["yaw"]
    offset = page.evaluate("() => window.vtour.xr.state.yawOffset")
    assert offset == pytest.approx(chamber_yaw - head_yaw, abs=0.05), "the new scene's view is ahead"
    other = _hotspot(tour, "chamber-1")  # its link to the niche
    head_yaw = other["yaw"] - offset + 6
    _set_head(page, head_yaw, 0)
    _aim(page, "right", other["yaw"] - offset, other["pitch"], (0.2, 1.4, -0.3))
    _wait_frames(page, 3)
    assert page.evaluate("() => window.vtour.xr.state.pointed") == ["chamber-1"]
    left, right = _eyes(page, "both-eyes-after-select")
    for eye, name in ((left, "left"), (right, "right")):
        where = _ring_pixel(other["yaw"], other["pitch"], offset, head_yaw, 0, eye.shape[:2], EYE_SKEW[name])
        _assert_ring_at(eye, where, f"{name} eye")
    page_log.assert_clean()


def test_a_select_on_an_info_ring_beside_a_link_follows_nothing(page, page_log, serve, sample_site, xr_emulator):
    """A ray picks the nearest hotspot of any kind within its ring's radius plus a margin: aiming at an info ring 5
    degrees from a link (within the link's old 6 degree reach) does not follow the link."""
    note = {
        "id": "beside",
        "type": "info",
        "yaw": LINK_YAW + 5,
        "pitch": LINK_PITCH,
        "title": {"en": "Beside the door"},
        "text": {"en": "A note beside the door."},
    }
    _route_tour(page, sample_site, lambda t: t["scenes"][0]["hotspots"].append(note))
    _open(page, page_log, serve, sample_site, xr_emulator)
    assert _xr_ready(page)
    _set_head(page, LINK_YAW, 0)
    _enter(page, page_log)
    offset = page.evaluate("() => window.vtour.xr.state.yawOffset")
    _aim(page, "left", -60, -30, (-0.2, 1.3, -0.3))
    _aim(page, "right", note["yaw"] - offset, note["pitch"], (0.2, 1.4, -0.3))
    _wait_frames(page, 3)
    assert page.evaluate("() => window.vtour.xr.state.pointed") == []
    assert page.evaluate("() => window.vtour.xr.state.labels") == ["Beside the door"]
    select(page, "right")
    _wait_frames(page, 3)
    assert page.evaluate("() => [window.vtour.xr.state.activations, window.vtour.sceneId]") == [0, "entrance"]
    # 4.5 degrees from the link, past the info ring's reach (2.1 + 1.5): the link's (3.5 + 1.5)
    _aim(page, "right", LINK_YAW - offset - 4.5, LINK_PITCH, (0.2, 1.4, -0.3))
    _wait_frames(page, 3)
    assert page.evaluate("() => window.vtour.xr.state.pointed") == [LINK_ID]
    page_log.assert_clean()


def test_gaze_dwell_follows_a_link_once_and_again_only_after_the_gaze_left(
    page, page_log, serve, sample_site, xr_emulator
):
    """Resting the gaze on a link fills a dark arc on its yellow disc and follows it after DWELL_MS; a stalled
    frame loop starts the dwell afresh (no jump to the end); a new scene clears it, and a link the gaze lands on in
    the new scene needs the gaze to leave and come back."""
    _open(page, page_log, serve, sample_site, xr_emulator)
    assert _xr_ready(page)
    page.evaluate(
        "() => { const d = window.__vtourXR.device; d.controllers.left.connected = false;"
        " d.controllers.right.connected = false; }"
    )
    _set_head(page, 0, 0)
    _enter(page, page_log)
    _set_head(page, 60, 20)  # nothing there
    _wait_frames(page)
    assert page.evaluate("() => window.vtour.xr.state.gaze") is True
    assert page.evaluate("() => window.vtour.xr.state.pointed") == []
    _set_head(page, LINK_YAW, LINK_PITCH)
    wait_for_js(page, "() => window.vtour.xr.state.dwell > 0.15", what="the gaze dwell arc", log=page_log)
    # the frame loop stalls 1.7 s (longer than the dwell): the dwell starts afresh instead of completing
    page.evaluate("() => { const t = performance.now(); while (performance.now() - t < 1700); }")
    _wait_frames(page, 2)
    assert page.evaluate("() => [window.vtour.xr.state.activations, window.vtour.xr.state.dwell < 0.5]") == [0, True]
    # a longer dwell while the screenshot is taken (slow on a loaded machine): the arc is still filling then
    page.evaluate("() => { window.vtour.xr.dwell.ms = 6000; }")
    wait_for_js(page, "() => window.vtour.xr.state.dwell > 0.12", what="the gaze dwell arc", log=page_log)
    left, right = _eyes(page, "gaze-dwell")
    page.evaluate(f"() => {{ window.vtour.xr.dwell.ms = {DWELL_MS}; }}")
    size = left.shape[:2]
    x0, y0 = _ring_pixel(LINK_YAW, LINK_PITCH, 0.0, LINK_YAW, LINK_PITCH, size)
    for eye in (left, right):
        r, g, b = eye[..., 0], eye[..., 1], eye[..., 2]
        arc = (b > 100) & (r < 60) & (g < 90) & (b - r > 70)
        arc[: int(y0) - 25] = False
        arc[int(y0) + 25 :] = False
        arc[:, : int(x0) - 25] = False
        arc[:, int(x0) + 25 :] = False
        assert arc.sum() > 15, "the dwell's arc shows (dark blue on the yellow disc)"
        ax, ay = _centroid(arc)
        assert ax > x0 and ay < y0 + 2, "the arc fills clockwise from the top: first in the upper right"
    wait_for_js(
        page,
        f"() => window.vtour.sceneId === {json.dumps(LINK_TARGET)}",
        what="the linked scene",
        log=page_log,
        timeout_s=20,
    )
    assert page.evaluate("() => window.vtour.xr.state.activations") == 1

    # back to the entrance (the gaze on its statue, no link), then into the chamber facing its link to the niche:
    # the gaze is on a link at once
    link = {"yaw": -45.0, "pitch": -1.76}  # tour.json: chamber-1
    _set_head(page, 60, link["pitch"])
    _wait_frames(page, 2)
    page.evaluate("() => window.vtour.goTo('entrance')")
    wait_for_js(page, "() => window.vtour.sceneId === 'entrance'", what="the entrance", log=page_log)
    _wait_frames(page, 3)
    assert page.evaluate("() => window.vtour.xr.state.pointed") == []
    page.evaluate("(v) => window.vtour.goTo('chamber', v)", link)
    wait_for_js(page, "() => window.vtour.sceneId === 'chamber'", what="the chamber", log=page_log)
    _wait_frames(page, 3)
    assert page.evaluate("() => window.vtour.xr.state.pointed") == ["chamber-1"], "the gaze landed on a link"
    page.wait_for_timeout(2500)
    assert page.evaluate("() => [window.vtour.sceneId, window.vtour.xr.state.dwell]") == ["chamber", 0], (
        "not followed without looking away first"
    )
    _set_head(page, 120, 0)
    _wait_frames(page, 3)
    _set_head(page, 60, link["pitch"])
    wait_for_js(page, "() => window.vtour.sceneId === 'niche'", what="the niche, after looking back", log=page_log)
    page_log.assert_clean()


def test_recentring_the_headset_keeps_what_the_visitor_looked_at_ahead(page, page_log, serve, sample_site, xr_emulator):
    """The headset's recentring ("reset" of the reference space: its forward turned to the head's) turns the
    panorama with it: the link pointed at stays pointed at, its ring where it was."""
    _open(page, page_log, serve, sample_site, xr_emulator)
    assert _xr_ready(page)
    page.evaluate("() => { window.__vtourXR.device.controllers.left.connected = false; }")
    _set_head(page, 0, 0)
    _enter(page, page_log)
    head_yaw = LINK_YAW + 8
    _set_head(page, head_yaw, 0)
    _aim(page, "right", LINK_YAW, 0, (0.2, 1.4, -0.3))
    _wait_frames(page, 3)
    assert page.evaluate("() => window.vtour.xr.state.pointed") == [LINK_ID]
    before, _ = _eyes(page, "before-recentre")
    page.evaluate("() => window.__vtourXR.device.recenter()")
    _wait_frames(page, 4)
    assert page.evaluate("() => window.vtour.xr.state.yawOffset") == pytest.approx(head_yaw, abs=0.1)
    assert page.evaluate("() => window.vtour.xr.state.pointed") == [LINK_ID]
    after, _ = _eyes(page, "after-recentre")
    where = _ring_pixel(LINK_YAW, 0, 0.0, head_yaw, 0, before.shape[:2])
    _assert_ring_at(before, where, "before")
    _assert_ring_at(after, where, "after recentring")
    page_log.assert_clean()


def _end_the_next_session_while_it_starts(page) -> None:
    """The headset ends the next session as soon as its reference space is given (taken off while starting)."""
    page.evaluate(
        """() => { const xr = navigator.xr, request = xr.requestSession.bind(xr);
          xr.requestSession = async (...a) => { const s = await request(...a), space = s.requestReferenceSpace.bind(s);
            s.requestReferenceSpace = async (t) => { const r = await space(t); await s.end(); return r; };
            xr.requestSession = request; return s; }; }"""
    )


def test_a_session_that_ends_while_starting_leaves_the_viewer_running_and_says_so(
    page, page_log, serve, sample_site, xr_emulator
):
    _open(page, page_log, serve, sample_site, xr_emulator)
    assert _xr_ready(page)
    _record_xr_events(page)
    # the headset ends the session as soon as its reference space is given (taken off while starting)
    _end_the_next_session_while_it_starts(page)
    error = page.evaluate("() => window.vtour.xr.enter().then(() => null, (e) => e.message)")
    assert error and "ended" in error
    assert page.evaluate("() => [window.vtour.xr.presenting, window.vtour.renderer.paused]") == [False, False]
    note = page.locator(".vtour-xr-note")
    assert note.is_visible() and note.get_attribute("role") == "status" and note.text_content() == "Could not start VR"
    assert page.get_by_role("button", name="Enter VR").is_visible()
    before = page.evaluate("() => window.vtour.renderer.frames")
    page.evaluate("() => window.vtour.setView({yaw: 40})")
    frames(page, 3)
    assert page.evaluate("() => window.vtour.renderer.frames") > before, "the page draws"
    assert page.evaluate("() => window.__xrEvents") == []

    # the statue's session, the same
    page.evaluate("() => window.vtour.openModel('statue')")
    wait_for_js(
        page, "() => window.vtour.inspector && window.vtour.inspector.levelIndex >= 0", what="the model", log=page_log
    )
    page.wait_for_function("() => !document.querySelector('.vtour-model-xr-button').disabled")
    _end_the_next_session_while_it_starts(page)
    error = page.evaluate("() => window.vtour.modelView.viewInVR().then(() => null, (e) => e.message)")
    assert error and "ended" in error
    assert page.locator(".vtour-model-xr-note").text_content() == "Could not start VR"
    assert page.evaluate("() => window.vtour.inspector.stage.xrState().presenting") is False
    drawn = page.evaluate("() => window.vtour.inspector.stage.frames")
    page.evaluate("() => window.vtour.inspector.stage.orbit(10, 0)")
    frames(page, 3)
    assert page.evaluate("() => window.vtour.inspector.stage.frames") > drawn, "the dialog draws the model"
    assert page.evaluate("() => window.__xrEvents") == []
    page.evaluate("() => window.vtour.closeModel()")

    # a runtime whose end() rejects: exit() still gives the page back
    _enter(page, page_log)
    page.evaluate("() => { window.vtour.xr.session.end = () => Promise.reject(new Error('refused')); }")
    page.evaluate(
        "() => Promise.race([window.vtour.xr.exit(),"
        " new Promise((_, no) => setTimeout(() => no(new Error('exit() hangs')), 3000))])"
    )
    assert page.evaluate("() => [window.vtour.xr.presenting, window.vtour.renderer.paused]") == [False, False]
    assert page.evaluate("() => window.__xrEvents") == [["xrstart", "panorama"], ["xrend", "panorama"]]
    assert page.get_by_role("button", name="Enter VR").is_visible()

    page_log.assert_clean()


def test_exit_vr_gives_the_page_its_rendering_back(page, page_log, serve, sample_site, xr_emulator):
    _open(page, page_log, serve, sample_site, xr_emulator)
    assert _xr_ready(page)
    _enter(page, page_log)
    _aim(page, "head", 30, 0)
    _wait_frames(page)
    # the toolbar's "Exit VR" (under the emulator's full-window canvas, so clicked from script), which ends the session
    exit_button = page.locator(".vtour-tool-vr")
    assert exit_button.get_attribute("aria-label") == "Exit VR"
    exit_button.evaluate("(b) => b.click()")
    wait_for_js(page, "() => !window.vtour.xr.presenting", what="the session's end", log=page_log)
    assert page.evaluate("() => window.vtour.renderer.paused") is False
    assert page.evaluate("() => window.vtour.renderer.canvas.parentElement === window.vtour.stage")
    before = page.evaluate("() => window.vtour.renderer.frames")
    frames(page, 3)
    page.evaluate("() => window.vtour.setView({fov: 70})")
    frames(page, 3)
    assert page.evaluate("() => window.vtour.renderer.frames") > before, "the page draws again"
    assert abs(page.evaluate("() => window.vtour.view.get().yaw") - 30) < 1, (
        "the view turned to where the visitor looked"
    )
    assert page.get_by_role("button", name="Enter VR").is_visible()
    XR_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    rgb = png_to_rgb(page.screenshot(path=str(XR_ARTIFACTS / "after-exit.png")))
    assert rgb.mean() > 40
    page_log.assert_clean()


UNIT_SCALE = {"m": 1, "cm": 100, "mm": 1000}


def _statue_in_vr(page, page_log, base: str, site: Path, units: str) -> tuple[dict, np.ndarray, np.ndarray]:
    """The sample's statue written in `units` (its glTF nodes scaled to match: the same statue), opened, in VR
    (xrState), then seen from 0.4 m before its front, looking down 25 degrees: the two eyes."""
    page.unroute("**/tour.json")
    page.unroute("**/models/statue/lod0.glb")
    _route_tour(page, site, lambda t: [m.update(units=units) for m in t["models"]])
    glb = _scaled_glb(site / "models" / "statue" / "lod0.glb", UNIT_SCALE[units])
    page.route(
        "**/models/statue/lod0.glb",
        lambda route: route.fulfill(status=200, content_type="model/gltf-binary", body=glb),
    )
    open_tour(page, page_log, base)
    _set_head(page, 0, 0)
    page.evaluate("() => window.vtour.openModel('statue')")
    wait_for_js(
        page, "() => window.vtour.inspector && window.vtour.inspector.levelIndex >= 0", what="the model", log=page_log
    )
    near = page.evaluate("() => [window.vtour.inspector.stage.camera.near, window.vtour.inspector.stage.camera.far]")
    button = page.get_by_role("button", name="View in VR at life size")
    button.wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('.vtour-model-xr-button').disabled")
    button.click()
    wait_for_js(page, "() => window.vtour.inspector.stage.xrState().frames > 5", what="the statue in VR", log=page_log)
    state = page.evaluate("() => window.vtour.inspector.stage.xrState()")
    _eyes_of_stage(page, f"statue-life-size-{units}")
    _set_head(page, 0, -25, (0.0, 1.6, -0.6))
    start = state["frames"]
    page.wait_for_function(f"() => window.vtour.inspector.stage.xrState().frames > {start + 3}", timeout=15_000)
    left, right = _eyes_of_stage(page, f"statue-close-{units}")
    page.evaluate("() => window.vtour.inspector.stage.exitXR()")
    assert page.evaluate("() => window.vtour.inspector.stage.xrState().presenting") is False
    assert page.evaluate(
        "() => [window.vtour.inspector.stage.camera.near, window.vtour.inspector.stage.camera.far]"
    ) == pytest.approx(near), "the dialog's near and far planes are given back"
    return state, left, right


def _eyes_of_stage(page, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The headset's framebuffer while the model stage presents (the page), saved, split into its two eyes."""
    XR_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot()
    (XR_ARTIFACTS / f"{name}.png").write_bytes(png)
    rgb = png_to_rgb(png).astype(np.int16)
    w = rgb.shape[1] // 2
    return rgb[:, :w], rgb[:, w:]


def test_view_in_vr_stands_the_statue_at_life_size_whatever_its_units(page, page_log, serve, sample_site, xr_emulator):
    """The same statue written in m, cm and mm stands on the floor 1.5 m ahead at its real height, and looks the
    same from 0.4 m: the camera's near and far planes are in metres in VR (in model units, a statue in cm lost
    what is nearer than 1 m, one in mm everything nearer than 10 m)."""
    page.context.add_init_script(path=str(xr_emulator))
    base = serve(sample_site)
    tour = json.loads((sample_site / "tour.json").read_text())
    model = next(m for m in tour["models"] if m["id"] == "statue")
    assert model["units"] == "m"
    real_height = _glb_height(sample_site / model["downloads"]["glb"])
    seen = {}
    for units in ("m", "cm", "mm"):
        state, left, right = _statue_in_vr(page, page_log, base, sample_site, units)
        assert state["presenting"] and state["units"] == units
        assert state["modelHeightMetres"] == pytest.approx(real_height, rel=0.02), state
        assert abs(state["modelPosition"][1]) < 0.01, "standing on the floor"
        assert state["distanceMetres"] == pytest.approx(1.5, abs=0.1), state
        assert state["facing"] > 0.99, "its front towards the visitor"
        seen[units] = (left, right)
    background = np.array([0x20, 0x20, 0x20])
    statue = np.abs(seen["m"][0] - background).max(axis=2) > 25
    assert statue.mean() > 0.3, f"the statue fills the view from 0.4 m ({statue.mean():.1%} of the left eye)"
    for units in ("cm", "mm"):
        for eye in (0, 1):
            diff = np.abs(seen[units][eye] - seen["m"][eye]).max(axis=2)
            assert (diff > 40).mean() < 0.01, f"the statue in {units} looks as in m ({(diff > 40).mean():.1%} differ)"
    # the dialog draws the model again
    assert page.evaluate(
        "() => { const s = window.vtour.inspector.stage; return s.canvas.isConnected"
        " && s.canvas.nextSibling === s.overlay; }"
    )
    drawn = page.evaluate("() => window.vtour.inspector.stage.frames")
    page.evaluate("() => window.vtour.inspector.stage.orbit(10, 0)")
    frames(page, 3)
    assert page.evaluate("() => window.vtour.inspector.stage.frames") > drawn
    page_log.assert_clean()


def test_the_viewer_says_xrstart_and_xrend_for_the_panorama_and_the_statue(
    page, page_log, serve, sample_site, xr_emulator
):
    """A kiosk hears the viewer's "xrstart" / "xrend" (pausing its idle countdown) for both kinds of VR, one
    "xrend" for each "xrstart", also when the model dialog closes during the statue's session."""
    _open(page, page_log, serve, sample_site, xr_emulator)
    assert _xr_ready(page)
    _record_xr_events(page)
    _enter(page, page_log)
    page.locator(".vtour-tool-vr").evaluate("(b) => b.click()")
    wait_for_js(page, "() => !window.vtour.xr.presenting", what="the session's end", log=page_log)
    assert page.evaluate("() => window.__xrEvents") == [["xrstart", "panorama"], ["xrend", "panorama"]]
    page.evaluate("() => window.vtour.openModel('statue')")
    wait_for_js(
        page, "() => window.vtour.inspector && window.vtour.inspector.levelIndex >= 0", what="the model", log=page_log
    )
    button = page.get_by_role("button", name="View in VR at life size")
    page.wait_for_function("() => !document.querySelector('.vtour-model-xr-button').disabled")
    for close_dialog in (False, True):
        button.click()
        wait_for_js(page, "() => window.vtour.inspector.stage.xrState().frames > 2", what="the statue", log=page_log)
        if close_dialog:
            page.evaluate("() => window.vtour.closeModel()")
        else:
            page.evaluate("() => window.vtour.inspector.stage.exitXR()")
        wait_for_js(page, "() => window.__xrEvents.length % 2 === 0", what="xrend", log=page_log)
    model = [["xrstart", "model"], ["xrend", "model"]]
    assert page.evaluate("() => window.__xrEvents") == [["xrstart", "panorama"], ["xrend", "panorama"], *model, *model]
    page_log.assert_clean()


def test_the_vr_buttons_add_no_accessibility_violation(page, page_log, serve, sample_site, xr_emulator):
    _open(page, page_log, serve, sample_site, xr_emulator)
    assert _xr_ready(page)
    assert page.locator(".vtour-tool-vr").is_visible()
    assert axe_violations(page) == []
    page.evaluate("() => window.vtour.openModel('statue')")
    wait_for_js(
        page, "() => window.vtour.inspector && window.vtour.inspector.levelIndex >= 0", what="the model", log=page_log
    )
    page.locator(".vtour-model-xr-button").wait_for(state="visible")
    assert [v for v in axe_violations(page) if "vtour-model-xr" in v or "vtour-tool-vr" in v] == []


def test_a_model_of_unknown_units_is_not_offered_at_life_size(page, page_log, serve, sample_site, xr_emulator):
    """No size to be true to: instead of the button, a note says why (and the stage refuses, if asked)."""
    tour = json.loads((sample_site / "tour.json").read_text())
    for m in tour["models"]:
        m["units"] = "unknown"
    page.route(
        "**/tour.json", lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(tour))
    )
    _open(page, page_log, serve, sample_site, xr_emulator)
    page.evaluate("() => window.vtour.openModel('statue')")
    wait_for_js(
        page, "() => window.vtour.inspector && window.vtour.inspector.levelIndex >= 0", what="the model", log=page_log
    )
    note = page.locator(".vtour-model-xr-note")
    note.wait_for(state="visible")
    assert "units are unknown" in note.text_content()
    assert page.locator(".vtour-model-xr-button").is_hidden()
    error = page.evaluate("() => window.vtour.inspector.stage.enterXR().then(() => null, (e) => e.message)")
    assert "units are unknown" in error and "tour.yaml" in error
    assert page.evaluate("() => window.vtour.inspector.stage.xrState().presenting") is False
    page.evaluate("() => window.vtour.setLanguage('zh')")
    assert "单位未知" in note.text_content()
    page_log.assert_clean()
