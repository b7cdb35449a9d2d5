"""The WebXR headset mode (issue 16) on the tiny sample grotto, with Meta's WebXR emulator `iwer` in the page.

The emulator (tests/browser/xr/emulator.js: a Meta Quest 3, stereo, two Touch controllers) is bundled with esbuild
into one classic script in a temporary folder at test time (tests/browser/xr/build_emulator.mjs) and run before the
page's own scripts (``context.add_init_script``); it replaces Chromium's navigator.xr (headless Chromium has one
that offers no immersive session) and presents the WebGL canvas itself: full window, left eye on the left half,
right eye on the right half. So the page's screenshot *is* the headset's framebuffer. The test moves the headset
and the controllers and presses their triggers through the emulator's device object (``window.__vtourXR.device``).

What is checked: the "Enter VR" button appears only with a headset (xr/PanoXR.js); in VR both eyes are drawn, show
the panorama and differ by the stereo of what is not at infinity (the controllers' beams: the panorama itself is at
infinity, so it is the same in both eyes); a controller's select on a link hotspot, and the gaze resting on one,
change the scene; leaving VR gives the page back its own rendering; the model dialog's "View in VR" stands the
statue on the floor 1.5 m in front of the visitor at its real height (from the model's units and its glTF bounds);
axe-core finds nothing wrong with the new buttons. Screenshots go to tests/artifacts/xr/.
"""

from __future__ import annotations

import json
import math
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
from data_paths import ROOT, missing
from editor_helpers import make_sample
from helpers import ARTIFACTS, axe_violations, frames, open_tour, png_to_rgb, wait_for_js

XR_ARTIFACTS = ARTIFACTS / "xr"
#: The sample's start scene and its link to the main chamber (tour.json: entrance-0 at yaw 16.7, pitch 0).
LINK_ID, LINK_TARGET, LINK_YAW, LINK_PITCH = "entrance-0", "chamber", 16.7, 0.0


@pytest.fixture(scope="module")
def xr_emulator(tmp_path_factory) -> Path:
    """The emulator bundled into one IIFE script (in a temporary folder); skip/fail without node, esbuild or iwer."""
    node = shutil.which("node")
    if node is None:
        missing("node not found (the WebXR emulator is bundled with esbuild at test time)")
    for package in ("iwer", "esbuild"):
        if not (ROOT / "node_modules" / package / "package.json").is_file():
            missing(f"npm package {package!r} not found in {ROOT / 'node_modules'} (run `npm install`)")
    out = tmp_path_factory.mktemp("xr") / "iwer-emulator.js"
    subprocess.run(
        [node, str(ROOT / "tests" / "browser" / "xr" / "build_emulator.mjs"), str(out)], check=True, cwd=ROOT
    )
    return out


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


def _enter(page, page_log) -> None:
    page.get_by_role("button", name="Enter VR").click()
    wait_for_js(page, "() => window.vtour.xr.state.frames > 5", what="XR frames", log=page_log)


def _wait_frames(page, n: int = 3) -> None:
    """n more XR frames drawn (the session's rAF drives them)."""
    start = page.evaluate("() => window.vtour.xr.state.frames")
    page.wait_for_function(f"() => window.vtour.xr.state.frames >= {start + n}", timeout=15_000)


def _aim(page, which: str, yaw: float, pitch: float, position=(0.15, 1.4, -0.3)) -> None:
    """Turns the headset (which="head") or a controller ("left" / "right") to look along (yaw, pitch), degrees."""
    q = _quaternion(yaw, pitch)
    target = "d" if which == "head" else f"d.controllers.{which}"
    page.evaluate(
        f"""([q, p]) => {{ const d = window.__vtourXR.device; const t = {target};
            t.quaternion.set(q[0], q[1], q[2], q[3]);
            if ({json.dumps(which != "head")}) t.position.set(p[0], p[1], p[2]); }}""",
        [q, list(position)],
    )


def _quaternion(yaw: float, pitch: float) -> list[float]:
    """q = Ry(-yaw) * Rx(pitch): looking `yaw` right and `pitch` up from -Z (the viewer's convention)."""
    a, b = math.radians(-yaw) / 2, math.radians(pitch) / 2
    qy = (0.0, math.sin(a), 0.0, math.cos(a))
    qx = (math.sin(b), 0.0, 0.0, math.cos(b))
    x1, y1, z1, w1 = qy
    x2, y2, z2, w2 = qx
    return [
        w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
        w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
        w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2,
        w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
    ]


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


def test_immersive_mode_draws_both_eyes_and_a_controller_select_follows_a_link(
    page, page_log, serve, sample_site, xr_emulator
):
    _open(page, page_log, serve, sample_site, xr_emulator)
    assert _xr_ready(page)
    _enter(page, page_log)
    assert page.evaluate("() => window.vtour.renderer.paused") is True
    assert page.get_by_role("button", name="Exit VR").count() == 1
    # both controllers straight ahead, slightly apart: no hotspot there (the model hotspot at pitch -0.4 is not a link)
    _aim(page, "left", -40, 10, (-0.2, 1.4, -0.3))
    _aim(page, "right", 40, 10, (0.2, 1.4, -0.3))
    page.wait_for_function("() => window.vtour.pano.stats.sharp", timeout=20_000)
    _wait_frames(page)
    left, right = _eyes(page, "both-eyes-start")
    for eye in (left, right):
        assert eye.mean() > 40 and eye.std() > 10, "each eye shows the panorama (not black, not flat)"
    diff = np.abs(left - right).max(axis=2)
    # the panorama is at infinity: the eyes agree there; the beams from the hands differ (stereo)
    assert np.median(diff) <= 2
    assert 0.0002 < (diff > 40).mean() < 0.05, f"stereo difference over {(diff > 40).mean():.4%} of the pixels"

    # the right controller on the link to the chamber: highlighted, and its select follows it
    _aim(page, "right", LINK_YAW + 1.5, LINK_PITCH - 1)
    _wait_frames(page)
    assert page.evaluate("() => window.vtour.xr.state.pointed") == [LINK_ID]
    title = page.evaluate(
        f"() => window.vtour.tour.hotspotTitle(window.vtour.tour.scene('entrance').hotspots"
        f".find((h) => h.id === {json.dumps(LINK_ID)}), 'en')"
    )
    assert title and page.evaluate("() => window.vtour.xr.state.label") == title
    _eyes(page, "both-eyes-pointing-at-link")
    page.evaluate("() => window.__vtourXR.device.controllers.right.updateButtonValue('trigger', 1)")
    _wait_frames(page, 2)
    page.evaluate("() => window.__vtourXR.device.controllers.right.updateButtonValue('trigger', 0)")
    wait_for_js(
        page, f"() => window.vtour.sceneId === {json.dumps(LINK_TARGET)}", what="the linked scene", log=page_log
    )
    page.wait_for_function("() => window.vtour.pano.stats.sharp && window.vtour.pano.opacity === 1", timeout=20_000)
    _wait_frames(page)
    left2, right2 = _eyes(page, "both-eyes-after-select")
    assert np.abs(left2 - left).mean() > 10, "the new scene is drawn in the headset"
    assert right2.mean() > 40
    assert page.evaluate("() => window.vtour.xr.state.activations") == 1
    page_log.assert_clean()


def test_gaze_resting_on_a_link_follows_it(page, page_log, serve, sample_site, xr_emulator):
    _open(page, page_log, serve, sample_site, xr_emulator)
    assert _xr_ready(page)
    page.evaluate(
        "() => { const d = window.__vtourXR.device; d.controllers.left.connected = false;"
        " d.controllers.right.connected = false; }"
    )
    _enter(page, page_log)
    _aim(page, "head", 60, 20)  # nothing there
    _wait_frames(page)
    assert page.evaluate("() => window.vtour.xr.state.gaze") is True
    assert page.evaluate("() => window.vtour.xr.state.pointed") == []
    _aim(page, "head", LINK_YAW - 2, LINK_PITCH + 1)
    wait_for_js(page, "() => window.vtour.xr.state.dwell > 0.2", what="the gaze dwell arc", log=page_log)
    _eyes(page, "gaze-dwell")
    assert page.evaluate("() => window.vtour.sceneId") == "entrance", "not before the dwell time"
    wait_for_js(
        page, f"() => window.vtour.sceneId === {json.dumps(LINK_TARGET)}", what="the linked scene", log=page_log
    )
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


def test_view_in_vr_stands_the_statue_at_life_size(page, page_log, serve, sample_site, xr_emulator):
    _open(page, page_log, serve, sample_site, xr_emulator)
    tour = json.loads((sample_site / "tour.json").read_text())
    model = next(m for m in tour["models"] if m["id"] == "statue")
    assert model["units"] == "m"
    real_height = (
        _glb_height(sample_site / model["downloads"]["glb"]) * {"m": 1, "cm": 0.01, "mm": 0.001}[model["units"]]
    )
    page.evaluate("() => window.vtour.openModel('statue')")
    wait_for_js(
        page, "() => window.vtour.inspector && window.vtour.inspector.levelIndex >= 0", what="the model", log=page_log
    )
    button = page.get_by_role("button", name="View in VR at life size")
    button.wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('.vtour-model-xr-button').disabled")
    button.click()
    wait_for_js(page, "() => window.vtour.inspector.stage.xrState().frames > 5", what="the statue in VR", log=page_log)
    state = page.evaluate("() => window.vtour.inspector.stage.xrState()")
    XR_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(XR_ARTIFACTS / "statue-life-size.png"))
    assert state["presenting"] and state["units"] == "m"
    assert state["modelHeightMetres"] == pytest.approx(real_height, rel=0.02), state
    assert abs(state["modelPosition"][1]) < 0.01, "standing on the floor"
    assert state["distanceMetres"] == pytest.approx(1.5, abs=0.1), state
    assert state["facing"] > 0.99, "its front towards the visitor"
    page.evaluate("() => window.vtour.inspector.stage.exitXR()")
    assert page.evaluate("() => window.vtour.inspector.stage.xrState().presenting") is False
    assert page.evaluate(
        "() => { const s = window.vtour.inspector.stage; return s.canvas.isConnected"
        " && s.canvas.nextSibling === s.overlay; }"
    )
    drawn = page.evaluate("() => window.vtour.inspector.stage.frames")
    page.evaluate("() => window.vtour.inspector.stage.orbit(10, 0)")
    frames(page, 3)
    assert page.evaluate("() => window.vtour.inspector.stage.frames") > drawn, "the dialog draws the model again"
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
