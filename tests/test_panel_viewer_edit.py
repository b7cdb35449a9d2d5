"""vtour.panel_viewer: the tour editor's parameters of TourViewer and its edit messages from the browser."""

import re

import pytest
from data_paths import ROOT, require

from vtour.panel_viewer import EDIT_MESSAGES, TOOLS, TourViewer

WEB = ROOT / "vtour" / "web" / "src"


@pytest.fixture
def viewer():
    require(TourViewer._bundle, "the viewer bundle", "npm run build, or make setup")
    return TourViewer(edit=True)


def test_edit_params_default_to_a_visitors_viewer_and_are_bounded():
    require(TourViewer._bundle, "the viewer bundle", "npm run build, or make setup")
    v = TourViewer()
    assert (v.edit, v.tool, v.edit_hotspots, v.selected_hotspot, v.reload, v.missing_scene) == (
        False, None, None, None, 0, None)  # fmt: skip
    with pytest.raises(TypeError):  # chosen when the viewer is made
        v.edit = True
    assert TourViewer(edit=True).edit is True
    v.param.update(tool="link", selected_hotspot=2, edit_hotspots=[{"index": 0, "type": "info", "yaw": 1, "pitch": 2}])
    for name, bad in (("tool", "arrow"), ("selected_hotspot", -1), ("reload", -1), ("edit_hotspots", [3])):
        with pytest.raises((ValueError, TypeError)):
            setattr(v, name, bad)
    with pytest.raises(TypeError):  # the browser's to say
        v.missing_scene = "hall"
    v.param.update(tool=None, selected_hotspot=None, edit_hotspots=None)


def test_tools_and_the_edit_option_are_the_viewers_own():
    """TOOLS is EditMode.js's TOOLS, and the Viewer documents its `edit` option (default false)."""
    js_tools = re.search(r"TOOLS = Object\.freeze\(\[([^\]]*)\]\)", (WEB / "edit" / "EditMode.js").read_text()).group(1)
    assert tuple(None if t == "null" else t.strip('"') for t in re.findall(r'null|"\w+"', js_tools)) == TOOLS
    assert re.search(r"^  edit: false, +// ", (WEB / "Viewer.js").read_text(), re.M)


def test_edit_messages_reach_on_edit_callbacks_with_angles_to_a_thousandth(viewer):
    seen, hotspots = [], []
    viewer.on_edit(seen.append)
    viewer.on_hotspot(hotspots.append)
    viewer._handle_msg({"event": "editclick", "scene": "hall", "yaw": 12.345678, "pitch": -3.0004, "extra": 1})
    viewer._handle_msg({"event": "hotspotselect", "scene": "hall", "index": 2})
    viewer._handle_msg({"event": "hotspotmove", "scene": "hall", "index": 0, "yaw": -179.9996, "pitch": 89.99951})
    assert seen == [
        {"event": "editclick", "scene": "hall", "yaw": 12.346, "pitch": -3.0},
        {"event": "hotspotselect", "scene": "hall", "index": 2},
        {"event": "hotspotmove", "scene": "hall", "index": 0, "yaw": -180.0, "pitch": 90.0},
    ]
    assert set(EDIT_MESSAGES) == {m["event"] for m in seen}
    assert hotspots == [] and viewer.hotspot is None  # a selection is not a visitor's activation


@pytest.mark.parametrize(
    "msg",
    [
        {"event": "editclick", "scene": "hall", "yaw": "12", "pitch": 0},
        {"event": "editclick", "scene": None, "yaw": 1, "pitch": 0},
        {"event": "hotspotmove", "scene": "hall", "index": 1, "yaw": float("nan"), "pitch": 0},
        {"event": "hotspotmove", "scene": "hall", "index": -1, "yaw": 1, "pitch": 0},
        {"event": "hotspotselect", "scene": "hall", "index": 1.5},
        {"event": "hotspotselect", "scene": "hall", "index": True},
        {"event": "hotspotselect", "scene": "hall"},
    ],
)
def test_a_malformed_edit_message_is_logged_and_reaches_no_callback(viewer, msg, caplog):
    seen = []
    viewer.on_edit(seen.append)
    viewer._handle_msg(msg)
    assert seen == [] and f"malformed {msg['event']} message" in caplog.text


def test_a_scene_the_built_tour_lacks_is_named_until_a_real_scene_is_shown(viewer):
    viewer.scene = "new-room"  # added in the editor, not built yet: the browser says so
    viewer._handle_msg({"event": "missingscene", "scene": "new-room"})
    assert viewer.missing_scene == "new-room" and viewer.scene == "new-room"
    viewer._handle_msg({"event": "missingscene", "scene": None})
    assert viewer.missing_scene is None


def test_the_visitors_messages_are_handled_as_before_in_edit_mode(viewer):
    seen = []
    viewer.on_hotspot(seen.append)
    viewer._handle_msg({"event": "hotspot", "hotspot": {"scene": "a", "id": None, "type": "info", "target": None}})
    viewer._handle_msg({"event": "ready", "state": {}})
    assert seen == [{"scene": "a", "id": None, "type": "info", "target": None}] and viewer.ready
