"""The WebXR emulator (Meta's iwer, tests/browser/xr/emulator.js) and the moves a test makes with it: shared by
test_xr.py (the viewer in VR) and test_kiosk_page.py (VR on the kiosk package).

``xr_emulator`` is a module fixture: a test module that imports it gets the emulator bundled into one script, given
to the page with ``add_init_script(path=...)`` before it loads. The device is then ``window.__vtourXR.device``.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import pytest
from data_paths import ROOT, missing
from helpers import wait_for_js


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


def enter_vr(page, log) -> None:
    """Clicks the viewer's "Enter VR" and waits for the session's first frames."""
    page.get_by_role("button", name="Enter VR").click()
    wait_for_js(page, "() => window.vtour.xr.state.frames > 5", what="XR frames", log=log)


def wait_frames(page, n: int = 3) -> None:
    """n more XR frames drawn (the session's rAF drives them)."""
    start = page.evaluate("() => window.vtour.xr.state.frames")
    page.wait_for_function(f"() => window.vtour.xr.state.frames >= {start + n}", timeout=15_000)


def quaternion(yaw: float, pitch: float) -> list[float]:
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


def aim(page, which: str, yaw: float, pitch: float, position=(0.15, 1.4, -0.3)) -> None:
    """Turns the headset (which="head") or a controller ("left" / "right") to look along (yaw, pitch), degrees."""
    q = quaternion(yaw, pitch)
    target = "d" if which == "head" else f"d.controllers.{which}"
    page.evaluate(
        f"""([q, p]) => {{ const d = window.__vtourXR.device; const t = {target};
            t.quaternion.set(q[0], q[1], q[2], q[3]);
            if ({json.dumps(which != "head")}) t.position.set(p[0], p[1], p[2]); }}""",
        [q, list(position)],
    )


def set_head(page, yaw: float, pitch: float, position=(0.0, 1.6, 0.0)) -> None:
    """Puts the headset at `position` (metres, local-floor) looking along (yaw, pitch)."""
    q = quaternion(yaw, pitch)
    page.evaluate(
        "([q, p]) => { const d = window.__vtourXR.device; d.quaternion.set(q[0], q[1], q[2], q[3]);"
        " d.position.set(p[0], p[1], p[2]); }",
        [q, list(position)],
    )


def select(page, hand: str = "right") -> None:
    """A controller's trigger pressed for two frames and released (a WebXR select)."""
    page.evaluate(f"() => window.__vtourXR.device.controllers.{hand}.updateButtonValue('trigger', 1)")
    wait_frames(page, 2)
    page.evaluate(f"() => window.__vtourXR.device.controllers.{hand}.updateButtonValue('trigger', 0)")
