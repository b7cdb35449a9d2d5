"""vtour.panel_viewer: the Panel component's parameters and its messages from the browser."""

import re

import pytest
from data_paths import ROOT, require

from vtour.panel_viewer import DEFAULT_LIGHT, DEFAULT_TOUR_URL, MODES, TourViewer
from vtour.serve import STATIC_PREFIX


def test_tour_viewer_params_are_bounded_and_hotspot_messages_reach_python():
    require(TourViewer._bundle, "the viewer bundle", "npm run build, or make setup")
    v = TourViewer()
    assert v.tour_url == DEFAULT_TOUR_URL == f"/{STATIC_PREFIX}/tour.json"
    with pytest.raises(ValueError):
        v.pitch = 120
    seen = []
    v.on_hotspot(seen.append)
    v._handle_msg({"event": "hotspot", "hotspot": {"scene": "a", "id": "a-0", "type": "link", "target": "b"}})
    v._handle_msg({"event": "ready", "state": {}})
    assert seen == [{"scene": "a", "id": "a-0", "type": "link", "target": "b"}] and v.hotspot == seen[0] and v.ready
    v._handle_msg({"event": "error", "message": "no WebGL"})
    assert v.error == "no WebGL"


def test_inspector_params_are_the_inspectors_modes_and_light_with_its_bounds_and_defaults():
    """MODES and DEFAULT_LIGHT are the inspector's own (vtour/web/src/inspector/state.js): a model opened from
    Python starts as one opened in the page."""
    require(TourViewer._bundle, "the viewer bundle", "npm run build, or make setup")
    state_js = (ROOT / "vtour" / "web" / "src" / "inspector" / "state.js").read_text()
    modes = re.search(r"MODES = Object\.freeze\(\[([^\]]*)\]\)", state_js).group(1)
    assert tuple(re.findall(r'"(\w+)"', modes)) == MODES
    light = re.search(r"DEFAULT_LIGHT = Object\.freeze\(\{([^}]*)\}\)", state_js).group(1)
    js_light = {
        k: (v == "true") if v in ("true", "false") else float(v) for k, v in re.findall(r"(\w+): ([\w.]+)", light)
    }
    assert js_light == DEFAULT_LIGHT
    bounds = re.search(r"LIGHT_BOUNDS = Object\.freeze\(\{([^}]*)\}\)", state_js).group(1)
    js_bounds = {k: (float(a), float(b)) for k, a, b in re.findall(r"(\w+): \[([-\d.]+), ([-\d.]+)\]", bounds)}
    v = TourViewer()
    names = {"azimuth": "light_azimuth", "elevation": "light_elevation", "ambient": "ambient", "exposure": "exposure"}
    for key, name in names.items():
        assert v.param[name].bounds == js_bounds[key] and getattr(v, name) == DEFAULT_LIGHT[key], name
        lo, hi = js_bounds[key]
        with pytest.raises(ValueError):
            setattr(v, name, hi + 1)
        with pytest.raises(ValueError):
            setattr(v, name, lo - 1)
    assert (v.model, v.mode, v.shadows, v.section, v.finest, v.compare) == (None, "textured", False, None, False, False)
    v.param.update(model="statue", mode="xray", section={"normal": [1, 0, 0], "offset": 0.25})
    with pytest.raises(ValueError):
        v.mode = "sepia"
    with pytest.raises(TypeError):  # what is on screen is the browser's to say
        v.level = "models/statue/lod0.glb"
    with pytest.raises(TypeError):
        v.triangles = 3


def test_a_model_the_viewer_could_not_open_is_logged_with_its_reason(caplog):
    require(TourViewer._bundle, "the viewer bundle", "npm run build, or make setup")
    v = TourViewer()
    v._handle_msg({"event": "modelerror", "model": "nope", "message": 'Viewer: no model "nope" in the tour'})
    assert "model 'nope': Viewer: no model" in caplog.text and v.error is None


def test_change_limits_are_minor_and_major_in_order_or_none_and_nothing_else():
    require(TourViewer._bundle, "the viewer bundle", "npm run build, or make setup")
    v = TourViewer()
    assert v.change_limits is None  # the tour's
    v.change_limits = {"minor": 0.15, "major": 1.0}
    v.change_limits = {"minor": 0, "major": 0}
    for bad in ({"minor": 2.0, "major": 1.0}, {"minor": -1, "major": 1}, {"minor": 0.1}, {"minor": float("nan"),
                "major": 1}, {"minor": True, "major": 1}, {"minor": 0.1, "major": 1, "x": 2}, 3):  # fmt: skip
        with pytest.raises(ValueError, match="is not change limits: give"):
            v.change_limits = bad
    assert v.change_limits == {"minor": 0, "major": 0}
    v.change_limits = None


def test_take_screenshot_asks_the_page_and_the_page_says_what_it_saved(monkeypatch, caplog):
    require(TourViewer._bundle, "the viewer bundle", "npm run build, or make setup")
    v = TourViewer()
    sent: list = []
    monkeypatch.setattr(v, "_send_msg", sent.append)
    v.take_screenshot(width=3840)
    v.take_screenshot(scale=2)
    assert sent == [
        {"event": "screenshot", "width": 3840, "scale": 1.0},
        {"event": "screenshot", "width": None, "scale": 2},
    ]
    for bad in ({"width": 0}, {"width": 100_000}, {"width": 12.5}, {"scale": 0}, {"scale": 10}):
        with pytest.raises(ValueError, match="take_screenshot"):
            v.take_screenshot(**bad)
    assert len(sent) == 2 and v.screenshot is None
    v._handle_msg({"event": "screenshot", "file": "m-clay-3840x2160.png", "width": 3840, "height": 2160, "bytes": 9})
    assert v.screenshot == {"file": "m-clay-3840x2160.png", "width": 3840, "height": 2160, "bytes": 9}
    with pytest.raises(TypeError):  # what the page saved is the page's to say
        v.screenshot = {}
    v._handle_msg({"event": "screenshoterror", "message": "no model is open in the inspector"})
    assert "screenshot: no model is open" in caplog.text


def test_region_is_four_ints_inside_the_image_and_goes_with_the_image_it_belongs_to(caplog):
    require(TourViewer._bundle, "the viewer bundle", "npm run build, or make setup")
    v = TourViewer()
    assert (v.image, v.region) == (None, None)  # no image open
    v.param.update(image="mural", region=[0, 10, 750, 450])
    for bad in ([1, 2, 3], [0, 0, 0, 5], [-1, 0, 5, 5], [0, 0, 5.5, 5], [0, 0, True, 5], (0, 0, 5, 5), "0,0,5,5"):
        with pytest.raises(ValueError, match="is not an image region: give"):
            v.region = bad
    assert v.region == [0, 10, 750, 450]
    v.image = None  # closed: no region, so that the next image opens whole
    assert v.region is None
    v._handle_msg({"event": "imageerror", "image": "nope", "message": 'Viewer: no image "nope" in the tour'})
    assert "image 'nope': Viewer: no image" in caplog.text and v.error is None
