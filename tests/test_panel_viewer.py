"""vtour.panel_viewer: the Panel component's parameters and its messages from the browser."""

import pytest
from data_paths import require

from vtour.panel_viewer import DEFAULT_TOUR_URL, TourViewer
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
