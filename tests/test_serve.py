"""vtour.serve: the Panel component's parameters and its messages from the browser."""

import pytest
from data_paths import require

from vtour.errors import VtourError


def test_tour_viewer_params_are_bounded_and_hotspot_messages_reach_python():
    from vtour.serve import TourViewer

    require(TourViewer._bundle, "the viewer bundle", "npm run build, or make setup")
    v = TourViewer()
    with pytest.raises(ValueError):
        v.pitch = 120
    seen = []
    v.on_hotspot(seen.append)
    v._handle_msg({"event": "hotspot", "hotspot": {"scene": "a", "id": "a-0", "type": "link", "target": "b"}})
    v._handle_msg({"event": "ready", "state": {}})
    assert seen == [{"scene": "a", "id": "a-0", "type": "link", "target": "b"}] and v.hotspot == seen[0] and v.ready


def test_serving_needs_a_built_tour(tmp_path):
    from vtour.serve import DEFAULT_ADDRESS, serve_tour

    assert DEFAULT_ADDRESS == "127.0.0.1"
    with pytest.raises(VtourError, match="tour.json"):
        serve_tour(tmp_path)
