"""The inspector's tools (vtour/web/src/inspector/Measure.js, Section.js, Notes.js) in headless Chromium, on a
box of known size built by ``vtour model`` (100 x 40 x 20 mm): a measurement between two known points is within
0.5 %, polylines and heights too, picked by mouse and by keyboard; a section through the middle hides the right
half and its SVG and DXF downloads are to scale; notes load read-only from a static tour, are added, saved and
reloaded after a conflict through the notes API; axe-core finds no violation with the tools open, in English
and Chinese.

The tools are mounted on a ModelStage by a page of their own (``inspector_tools/``) that imports the built
model bundle (``vtour/web/dist/vtour-model.js``: run ``npm run build`` first). Screenshots are in
``tests/artifacts/test_*-<name>.png``.
"""

from __future__ import annotations

import csv
import json
import math
import re
import urllib.parse
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from data_paths import ROOT
from helpers import axe_violations, box_obj, frames, wait_for_js

from vtour.model import DEFAULT_MODEL_OPTIONS, Level, build_model

PAGE = Path(__file__).parent / "inspector_tools"
DIST = ROOT / "vtour" / "web" / "dist"
pytestmark = pytest.mark.browser

#: The box, in millimetres: x 0..100, y 0..40, z 0..20 (the front face, towards the camera, is z = 20).
SIZE = (100.0, 40.0, 20.0)
#: The stage's clear colour (ModelStage's default background 0x202020).
BACKGROUND = np.array([32, 32, 32])


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> Path:
    """A folder with ``mm/lod0.glb`` and ``unknown/lod0.glb`` (the box with known and unknown units)."""
    scan = box_obj(tmp_path_factory.mktemp("scan") / "box.obj", SIZE)
    out = tmp_path_factory.mktemp("models")
    for units in ("mm", "unknown"):
        options = DEFAULT_MODEL_OPTIONS.replace(lods=(Level(12, 64),), units=units, title="Box", deviation_samples=1000)
        build_model(scan, out / units, options)
    return out


def world(mm: tuple[float, float, float], units: str = "mm") -> list[float]:
    """World (glTF) coordinates of a point of the box given in mm: metres when the units are known."""
    return [v / 1000 for v in mm] if units == "mm" else list(mm)


def open_page(page, page_log, serve, models: Path, **query) -> str:
    base = serve({"/": PAGE, "/dist/": DIST, "/models/": models})
    query.setdefault("glb", "mm/lod0.glb")
    page.goto(f"{base}index.html?{urllib.parse.urlencode(query)}")
    error = wait_for_js(
        page,
        "() => (window.vtourTools && window.vtourTools.ready) || window.vtourToolsError",
        what="the tools on the stage",
        log=page_log,
    )
    assert error is True, error
    return base


#: A view of the whole box from the front and a little above, its centre (x = 50 mm) in the middle of the canvas.
FRONT = {"position": [0.05, 0.07, 0.25], "target": [0.05, 0.02, 0.01], "fov": 40}


def front_view(page, units: str = "mm") -> None:
    scale = 1 if units == "mm" else 1000
    page.evaluate(
        "(v) => window.vtourTools.stage.setView(v)",
        {k: ([c * scale for c in v] if k != "fov" else v) for k, v in FRONT.items()},
    )
    frames(page, 2)


def click_world(page, point: list[float]) -> None:
    """A click on the canvas where ``point`` (world) is drawn."""
    xy = page.evaluate("(p) => window.vtourTools.screenOf(p)", point)
    page.mouse.click(xy["x"], xy["y"])


def measurements(page) -> list[dict]:
    return page.evaluate("""() => window.vtourTools.tools.measure.measurements.map((m) => ({
        kind: m.kind, points: m.points, text: window.vtourTools.tools.measure.formatValue(m),
        label: m.label.textContent }))""")


def list_texts(page, selector: str) -> list[str]:
    return page.locator(selector).all_inner_texts()


def download(page, button_name: str) -> Path:
    with page.expect_download() as info:
        page.get_by_role("button", name=button_name, exact=True).click()
    return Path(info.value.path())


# ---------------------------------------------------------------------------------------------------
# Measure


def test_measurements_on_a_box_of_known_size_are_within_half_a_percent_by_mouse_and_keyboard(
    models, serve, page, page_log, screenshot
):
    open_page(page, page_log, serve, models)
    front_view(page)
    page.get_by_role("button", name="Measure on the model").click()
    assert not page.get_by_label("Reference plane from").is_visible()  # only for heights
    # point to point: two known points of the front face, 98 mm apart
    click_world(page, world((1, 20, 20)))
    click_world(page, world((99, 20, 20)))
    # polyline: 40 mm then 25 mm on the front face, ended with Enter (the focus is not on a control)
    page.get_by_label("Measurement", exact=True).select_option("polyline")
    page.evaluate("() => document.activeElement.blur()")
    for p in ((10, 10, 20), (50, 10, 20), (50, 35, 20)):
        click_world(page, world(p))
    page.keyboard.press("Enter")
    # height above the front face's plane (point + surface normal), picked with the keyboard at the crosshair:
    # a point of the top face is 10 mm behind it
    page.get_by_label("Measurement", exact=True).select_option("height")
    page.get_by_label("Reference plane from").select_option("normal")
    click_world(page, world((70, 20, 20)))
    page.evaluate(
        "(v) => window.vtourTools.stage.setView(v)",
        {"position": world((60, 200, 12)), "target": world((60, 40, 10)), "fov": 40},
    )
    frames(page)
    page.get_by_role("button", name="Pick at the crosshair").focus()
    page.keyboard.press("Enter")
    got = measurements(page)
    assert [m["kind"] for m in got] == ["distance", "polyline", "height"], got
    d = math.dist(*got[0]["points"]) * 1000
    assert abs(d - 98) <= 0.005 * 98, f"distance {d} mm, expected 98 mm"
    length = sum(math.dist(a, b) for a, b in zip(got[1]["points"], got[1]["points"][1:])) * 1000
    assert len(got[1]["points"]) == 3 and abs(length - 65) <= 0.005 * 65, got[1]
    height = float(got[2]["text"].split()[0])
    assert abs(height - -10) <= 0.05, got[2]  # picked 2 mm from the ideal point: the top face is flat
    assert got[0]["text"].endswith(" mm") and got[0]["label"] == got[0]["text"]
    items = list_texts(page, ".vtour-tool-measure .vtour-tool-list li")
    assert len(items) == 3 and items[0].startswith("1. Distance: 9") and " mm" in items[0], items
    assert items[1].startswith("2. Polyline (2 segments): 6"), items
    # labels follow the camera: back to the front view, every label is over the canvas
    front_view(page)
    boxes = [page.locator(".vtour-tool-label").nth(i).bounding_box() for i in range(3)]
    assert all(b and 0 <= b["x"] <= 520 and 0 <= b["y"] <= 600 for b in boxes), boxes
    screenshot(page, "measurements")

    rows = list(csv.DictReader(download(page, "Export measurements CSV").read_text().splitlines()))
    assert [r["kind"] for r in rows] == ["distance"] * 2 + ["polyline"] * 3 + ["height"]
    assert abs(float(rows[0]["value"]) - 98) <= 0.49 and rows[0]["units"] == "mm"
    assert abs(float(rows[2]["value"]) - 65) <= 0.33 and abs(float(rows[5]["value"]) + 10) <= 0.05
    assert abs(float(rows[1]["x"]) - 99) <= 0.5 and abs(float(rows[1]["z"]) - 20) <= 0.01  # points in mm
    doc = json.loads(download(page, "Export measurements JSON").read_text())
    assert doc["units"] == "mm" and doc["model"] == "box"
    assert [m["kind"] for m in doc["measurements"]] == ["distance", "polyline", "height"]
    assert doc["measurements"][2]["plane"]["normal"] == pytest.approx([0, 0, 1], abs=1e-6)
    # each records the level it was measured on (the page's ctx.level(): level 1 of 2, Hausdorff 0.25 mm)
    assert [(r["level"], r["levels"], r["level_path"], r["triangles"], r["hausdorff"]) for r in rows] == [
        ("1", "2", "models/mm/lod0.glb", "12", "0.25")
    ] * 6
    assert doc["measurements"][0]["level"] == {
        "level": 1,
        "levels": 2,
        "path": "models/mm/lod0.glb",
        "triangles": 12,
        "hausdorff": 0.25,
    }
    # not the finest level: the results say so, with a button that loads the finest
    notice = page.locator(".vtour-tool-measure .vtour-tool-level")
    assert notice.inner_text().startswith(
        "Measured on level 1 of 2, Hausdorff 0.25 mm: load the finest level for full accuracy."
    ), notice.inner_text()
    notice.get_by_role("button", name="Load the most detailed level").click()
    assert page.evaluate("() => window.finestAsked") == 1
    page.evaluate("() => { window.LEVEL = {...window.LEVEL, index: 1}; window.vtourTools.stage.emit('objectchange'); }")
    assert not notice.is_visible()

    page.get_by_role("button", name="Delete measurement 2").click()
    assert [m["kind"] for m in measurements(page)] == ["distance", "height"]
    assert page.locator(".vtour-tool-label").count() == 2
    page_log.assert_clean()
    page_log.assert_local_only()


def test_a_height_above_a_plane_through_three_points_and_escape_drops_the_measurement_being_made(
    models, serve, page, page_log
):
    open_page(page, page_log, serve, models)
    front_view(page)
    page.get_by_role("button", name="Measure on the model").click()
    page.get_by_label("Measurement", exact=True).select_option("height")
    status = page.locator(".vtour-tool-measure [role=status]")
    for p in ((10, 10, 20), (20, 10, 20), (30, 10, 20)):  # in one line: refused, the plane's points dropped
        click_world(page, world(p))
    assert "in one line" in status.inner_text()
    for p in ((10, 5, 20), (90, 5, 20)):
        click_world(page, world(p))
    assert "1 more point" in status.inner_text()
    click_world(page, world((50, 35, 20)))
    assert "height above the reference plane" in status.inner_text()
    # a point of the top face, seen from above, picked at the crosshair: 15 mm behind the front face's plane
    page.evaluate(
        "(v) => window.vtourTools.stage.setView(v)",
        {"position": world((40, 200, 5)), "target": world((40, 40, 5)), "fov": 40},
    )
    frames(page)
    page.get_by_role("button", name="Pick at the crosshair").click()
    [m] = measurements(page)
    assert m["kind"] == "height" and abs(float(m["text"].split()[0]) + 15) <= 0.05, m
    # Escape drops a polyline being made (and nothing else)
    front_view(page)
    page.get_by_label("Measurement", exact=True).select_option("polyline")
    page.evaluate("() => document.activeElement.blur()")
    click_world(page, world((10, 10, 20)))
    click_world(page, world((60, 10, 20)))
    assert page.evaluate("() => window.vtourTools.tools.measure.pending.length") == 2
    page.keyboard.press("Escape")
    assert page.evaluate("() => window.vtourTools.tools.measure.pending.length") == 0
    assert len(measurements(page)) == 1
    page_log.assert_clean()


def test_a_model_with_unknown_units_says_so_beside_every_number(models, serve, page, page_log):
    open_page(page, page_log, serve, models, glb="unknown/lod0.glb", units="unknown")
    front_view(page, "unknown")
    page.get_by_role("button", name="Measure on the model").click()
    click_world(page, world((1, 20, 20), "unknown"))
    click_world(page, world((99, 20, 20), "unknown"))
    [m] = measurements(page)
    assert abs(math.dist(*m["points"]) - 98) <= 0.49
    assert m["text"].endswith("(units unknown)") and m["label"] == m["text"], m
    assert "(units unknown)" in list_texts(page, ".vtour-tool-measure .vtour-tool-list li")[0]
    rows = list(csv.DictReader(download(page, "Export measurements CSV").read_text().splitlines()))
    assert {r["units"] for r in rows} == {"unknown"}
    page_log.assert_clean()


# ---------------------------------------------------------------------------------------------------
# Section


def _not_background(rgb: np.ndarray) -> np.ndarray:
    return np.abs(rgb.astype(int) - BACKGROUND).sum(axis=2) > 12


def test_a_section_through_the_middle_hides_the_right_half_and_exports_to_scale(
    models, serve, page, page_log, screenshot
):
    open_page(page, page_log, serve, models)
    front_view(page)
    _, before = screenshot(page, "before-section", as_array=True)
    stage = before[:, :520]
    centre = 260
    assert _not_background(stage[:, centre + 4 :]).sum() > 2000, "the box should fill the right half before the cut"
    page.get_by_role("checkbox", name="Section plane").check()
    wait_for_js(page, "() => window.vtourTools.tools.section.polylines.length > 0", what="the section outline")
    frames(page, 3)
    _, after = screenshot(page, "section-x", as_array=True)
    stage = after[:, :520]
    right = _not_background(stage[:, centre + 4 :])
    assert right.sum() == 0, f"{right.sum()} pixels right of the centre are not background after the cut"
    assert _not_background(stage[:, : centre - 4]).sum() > 2000, "the left half should still be drawn"
    section = page.evaluate("() => window.vtourTools.tools.section.getState()")
    assert section["normal"] == [1, 0, 0] and section["offset"] == pytest.approx(0.05, abs=1e-6)
    assert page.evaluate("() => window.changes.at(-1)") == section
    lines = page.evaluate("() => window.vtourTools.tools.section.polylines")
    assert len(lines) == 1 and lines[0]["closed"]
    pts = np.array(lines[0]["points"]) * 1000
    assert np.allclose(pts[:, 0], 50, atol=1e-3)
    assert np.allclose(pts.min(axis=0)[1:], [0, 0], atol=0.01) and np.allclose(pts.max(axis=0)[1:], [40, 20], atol=0.01)
    assert page.get_by_role("status").filter(has_text="Outline").inner_text() == "Outline: 1 line(s), 1 closed."

    # a new object shown (a finer level) gets its own outline
    page.evaluate("""async () => { const { stage, tools } = window.vtourTools;
      tools.section._clearOutline(); stage.show(await stage.load('/models/mm/lod0.glb'), false); }""")
    wait_for_js(page, "() => window.vtourTools.tools.section.polylines.length === 1", what="the new object's outline")
    svg = ET.parse(download(page, "Export section SVG")).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    view = [float(v) for v in svg.get("viewBox").split()]
    assert svg.get("width").endswith("mm") and float(svg.get("width")[:-2]) == pytest.approx(view[2], rel=1e-6)
    assert float(svg.get("height")[:-2]) == pytest.approx(view[3], rel=1e-6)
    [polygon] = svg.iter(f"{ns}polygon")
    xy = np.array([[float(c) for c in p.split(",")] for p in polygon.get("points").split()])
    assert np.ptp(xy[:, 0]) == pytest.approx(20, abs=0.01) and np.ptp(xy[:, 1]) == pytest.approx(40, abs=0.01)
    dxf = download(page, "Export section DXF").read_text().splitlines()
    pairs = list(zip(dxf[::2], dxf[1::2]))
    assert ("9", "$INSUNITS") in pairs and pairs[pairs.index(("9", "$INSUNITS")) + 1] == ("70", "4")
    vx = [float(v) for c, v in pairs if c == "10"][1 + 2 + 1 :]  # after $EXTMIN, $EXTMAX and the POLYLINE's own
    vy = [float(v) for c, v in pairs if c == "20"][1 + 2 + 1 :]
    assert sum(1 for _, v in pairs if v == "POLYLINE") == 1
    assert max(vx) - min(vx) == pytest.approx(20, abs=0.01) and max(vy) - min(vy) == pytest.approx(40, abs=0.01)
    comments = [v for c, v in pairs if c == "999"]
    assert comments[0] == "vtour section outline of model box" and comments[1].startswith("units: millimetres")
    assert comments[2].startswith("cut from level 1 of 2 (models/mm/lod0.glb, 12 triangles)"), comments
    assert "Hausdorff deviation from the scan 0.25 mm" in svg.find(f"{ns}desc").text

    # Shift + drag to the right moves the plane along +X; the camera stays where it was
    view_before = page.evaluate("() => window.vtourTools.stage.getView()")
    page.mouse.move(200, 300)
    page.keyboard.down("Shift")
    page.mouse.down()
    page.mouse.move(230, 300, steps=3)
    page.mouse.move(260, 300, steps=3)
    page.mouse.up()
    page.keyboard.up("Shift")
    moved = page.evaluate("() => window.vtourTools.tools.section.getState()")
    assert moved["normal"] == [1, 0, 0] and moved["offset"] > 0.05 + 0.005, moved
    assert page.evaluate("() => window.vtourTools.stage.getView()") == view_before
    # Y keeps the plane's distance from the centre: through the middle, the top half cut
    page.get_by_role("button", name="Section normal Y").click()
    state = page.evaluate("() => window.vtourTools.tools.section.getState()")
    assert state["normal"] == [0, 1, 0] and state["offset"] == pytest.approx(0.02 + moved["offset"] - 0.05, abs=1e-5)
    page.evaluate("() => window.vtourTools.tools.section.setState({normal: [0, 1, 0], offset: 0.02})")
    wait_for_js(page, "() => window.vtourTools.tools.section.polylines.length === 1", what="the Y outline")
    frames(page, 3)
    screenshot(page, "section-y")
    assert page.evaluate("() => window.vtourTools.stage.renderer.clippingPlanes.length") == 1
    assert page.evaluate(
        "() => [...window.vtourTools.tools.section.element.querySelectorAll('input[type=range]')]"
        ".map((s) => Number(s.value))"
    )[:2] == [0, 90]  # azimuth, elevation
    page.evaluate("() => window.vtourTools.tools.section.setState({normal: [0, 0, 2], offset: 0.01})")
    assert page.evaluate("() => window.vtourTools.tools.section.getState()") == {"normal": [0, 0, 1], "offset": 0.01}
    with pytest.raises(Exception, match="Section: state normal"):
        page.evaluate("() => window.vtourTools.tools.section.setState({normal: [0, 0, 0], offset: 0})")
    page.get_by_role("checkbox", name="Section plane").uncheck()
    assert page.evaluate("() => window.vtourTools.tools.section.getState()") is None
    assert page.evaluate("() => window.vtourTools.stage.renderer.clippingPlanes.length") == 0
    page_log.assert_clean()


# ---------------------------------------------------------------------------------------------------
# Notes

VIEW = {"position": world((30, 60, 150)), "target": world((30, 20, 20)), "fov": 35}


def annotation(uuid: str, kind: str, texts: dict[str, str], point_mm, view: dict, modified: str) -> dict:
    """A note in the spec's W3C Web Annotation form."""
    xyz = lambda p: dict(zip("xyz", p))  # noqa: E731
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"urn:uuid:{uuid}",
        "type": "Annotation",
        "motivation": "commenting",
        "created": modified,
        "modified": modified,
        "creator": {"type": "Person", "name": "Li Wei"},
        "body": [{"type": "TextualBody", "purpose": "classifying", "value": kind}]
        + [
            {"type": "TextualBody", "purpose": "describing", "format": "text/plain", "language": k, "value": v}
            for k, v in texts.items()
        ],
        "target": {
            "type": "SpecificResource",
            "source": {"id": "models/box", "type": "Model"},
            "selector": {"type": "PointSelector", **xyz(world(point_mm))},
            "scope": {
                "type": "PerspectiveCamera",
                "position": xyz(view["position"]),
                "lookAt": {"type": "PointSelector", **xyz(view["target"])},
                "fieldOfView": view["fov"],
            },
        },
    }


NOTES = [
    annotation(
        "11111111-1111-4111-8111-111111111111",
        "crack",
        {"en": "Hairline crack", "zh": "细裂纹"},
        (30, 20, 20),
        VIEW,
        "2026-11-01T10:00:00Z",
    ),
    annotation(
        "22222222-2222-4222-8222-222222222222",
        "loss",
        {"en": "Chipped corner"},
        (95, 35, 20),
        {"position": world((150, 80, 120)), "target": world((95, 35, 20)), "fov": 30},
        "2026-11-02T10:00:00Z",
    ),
]


def test_static_notes_are_listed_filtered_pinned_jump_to_their_view_and_export_but_cannot_be_edited(
    models, serve, page, page_log, screenshot, tmp_path
):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "mm").symlink_to(models / "mm")
    (folder / "notes.json").write_text(
        json.dumps({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationPage", "items": NOTES})
    )
    open_page(page, page_log, serve, folder, notes="notes.json")
    front_view(page)
    assert page.get_by_text("Notes are read-only in this published tour").is_visible()
    assert page.get_by_role("button", name="Notes: add a note").is_disabled()
    items = list_texts(page, ".vtour-tool-notes .vtour-tool-list li")
    assert len(items) == 2 and items[0].startswith("1. Crack: Hairline crack"), items
    assert "missing: Chinese" in items[1] and "missing" not in items[0], items
    assert page.get_by_role("button", name="Edit note 1").count() == 0
    pins = page.get_by_role("button", name="Note 1: Crack: Hairline crack", exact=True)
    assert pins.count() == 1
    box = pins.bounding_box()
    expected = page.evaluate("(p) => window.vtourTools.screenOf(p)", world((30, 20, 20)))
    assert abs(box["x"] + box["width"] / 2 - expected["x"]) < 1.5
    assert abs(box["y"] + box["height"] / 2 - expected["y"]) < 1.5
    screenshot(page, "notes-static")
    # the list's entry jumps to the saved view; the pin does too
    page.get_by_role("button", name="Go to note 2: Loss: Chipped corner").click()
    view = page.evaluate("() => window.vtourTools.stage.getView()")
    assert view["position"] == pytest.approx(list(NOTES[1]["target"]["scope"]["position"].values()), abs=1e-9)
    assert view["fov"] == 30
    frames(page, 2)  # the pins follow the camera: note 1's point is out of this view, its pin hidden
    assert not page.get_by_role("button", name="Note 1: Crack: Hairline crack", exact=True).is_visible()
    front_view(page)
    page.get_by_role("button", name="Note 1: Crack: Hairline crack", exact=True).click()
    view = page.evaluate("() => window.vtourTools.stage.getView()")
    assert view["target"] == pytest.approx(VIEW["target"], abs=1e-9) and view["fov"] == 35
    # the filter by type: the list and the pins
    page.get_by_label("Show notes of type").select_option("loss")
    assert len(list_texts(page, ".vtour-tool-notes .vtour-tool-list li")) == 1
    assert page.locator(".vtour-note-pin").count() == 1
    page.get_by_label("Show notes of type").select_option("")
    exported = json.loads(download(page, "Export notes JSON").read_text())
    assert exported["type"] == "AnnotationPage" and exported["items"] == NOTES
    page_log.assert_clean()


class NotesApi:
    """The notes HTTP API of the spec, answered in the page's route (the server side is vtour serve's)."""

    def __init__(self, token: str):
        self.token = token
        self.notes: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict, dict | None]] = []
        self.count = 0

    def stamp(self) -> str:
        self.count += 1
        return datetime(2026, 11, 30, 12, 0, self.count, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def handle(self, route, request):
        body = json.loads(request.post_data) if request.post_data else None
        self.requests.append((request.method, request.url, dict(request.headers), body))
        path = urllib.parse.urlsplit(request.url).path
        reply = lambda status, doc=None: route.fulfill(  # noqa: E731
            status=status, content_type="application/json", body="" if doc is None else json.dumps(doc)
        )
        if request.method != "GET" and request.headers.get("x-vtour-token") != self.token:
            return reply(403, {"error": "token"})
        if request.method == "GET" and path.rstrip("/") == "/api/notes":  # may this page edit?
            ok = request.headers.get("x-vtour-token") == self.token
            return reply(200, {"models": ["box"], "tokenRequired": True, "edit": ok})
        if request.method == "GET":
            return reply(
                200,
                {
                    "@context": "http://www.w3.org/ns/anno.jsonld",
                    "type": "AnnotationPage",
                    "items": list(self.notes.values()),
                },
            )
        if request.method == "POST":
            uuid = f"{len(self.notes) + 1:08d}-0000-4000-8000-000000000000"
            stamp = self.stamp()
            stored = {**body, "id": f"urn:uuid:{uuid}", "created": body.get("created", stamp), "modified": stamp}
            self.notes[uuid] = stored
            return reply(201, stored)
        uuid = path.rsplit("/", 1)[1]
        if uuid not in self.notes:
            return reply(404, {"error": "gone"})
        if request.method == "PUT":
            if request.headers.get("if-match") != self.notes[uuid]["modified"]:
                return reply(409, {"error": "changed meanwhile", "current": self.notes[uuid]})
            self.notes[uuid] = {**body, "modified": self.stamp()}
            return reply(200, self.notes[uuid])
        # DELETE, as vtour serve answers it: If-Match required (428 without), the version deleted must be the latest
        if "if-match" not in request.headers:
            return reply(428, {"error": "If-Match required"})
        if request.headers["if-match"] != self.notes[uuid]["modified"]:
            return reply(409, {"error": "changed meanwhile", "current": self.notes[uuid]})
        del self.notes[uuid]
        return reply(204)


def test_a_note_is_added_through_the_api_and_a_conflicting_save_reloads_it_and_says_so(
    models, serve, page, page_log, screenshot
):
    api = NotesApi("s3cret")
    page.route("**/api/notes{,/**}", api.handle)
    open_page(page, page_log, serve, models, api="api/notes", token="s3cret")
    front_view(page)
    page.get_by_role("button", name="Notes: add a note").click()
    click_world(page, world((70, 10, 20)))
    form = page.locator(".vtour-tool-form")
    assert form.is_visible()
    page.get_by_label("Type", exact=True).select_option("loss")
    page.get_by_label("Text (English)").fill("Paint loss <b>here</b>")
    assert page.locator(".vtour-tool-missing").all_inner_texts() == ["", "missing translation"]
    page.get_by_label("Author").fill("Li Wei")
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert page.get_by_label("Date").input_value() == today
    view = page.evaluate("() => window.vtourTools.stage.getView()")
    page.get_by_role("button", name="Save note").click()
    wait_for_js(page, "() => window.vtourTools.tools.notes.notes.length === 1", what="the saved note")
    method, url, headers, sent = api.requests[-1]
    assert method == "POST" and urllib.parse.urlsplit(url).path == "/api/notes/box"
    assert headers["x-vtour-token"] == "s3cret" and headers["content-type"] == "application/json"
    assert "id" not in sent and sent["type"] == "Annotation" and sent["motivation"] == "commenting"
    assert sent["body"] == [
        {"type": "TextualBody", "purpose": "classifying", "value": "loss"},
        {
            "type": "TextualBody",
            "purpose": "describing",
            "format": "text/plain",
            "language": "en",
            "value": "Paint loss <b>here</b>",
        },
    ]
    sel = sent["target"]["selector"]
    assert [sel["x"], sel["y"], sel["z"]] == pytest.approx(world((70, 10, 20)), abs=2e-4)
    scope = sent["target"]["scope"]
    assert [scope["position"][k] for k in "xyz"] == pytest.approx(view["position"])
    assert scope["fieldOfView"] == view["fov"]
    assert sent["creator"] == {"type": "Person", "name": "Li Wei"} and sent["created"].startswith(today)
    assert page.evaluate("() => localStorage.getItem('vtour.notes.author')") == "Li Wei"
    assert list_texts(page, ".vtour-tool-notes .vtour-tool-list li")[0].startswith("1. Loss: Paint loss <b>here</b>")
    assert page.locator(".vtour-tool-notes b").count() == 0  # text, never HTML
    assert not form.is_visible()
    screenshot(page, "note-added")

    # another tab changes the note; this one's edit is refused (409), the list shows the other version
    [uuid] = api.notes
    kind, text = api.notes[uuid]["body"]
    other = {**text, "value": "Loss (other tab)"}
    api.notes[uuid] = {**api.notes[uuid], "modified": api.stamp(), "body": [kind, other]}
    page.get_by_role("button", name="Edit note 1").click()
    page.get_by_label("Text (Chinese)").fill("颜料脱落")
    page.get_by_role("button", name="Save note").click()
    status = "document.querySelector('.vtour-tool-notes [role=status]').textContent"
    wait_for_js(page, f"() => /changed this note meanwhile/.test({status})", what="the conflict message")
    assert api.requests[-1][0] == "PUT" and api.requests[-1][2]["if-match"] != api.notes[uuid]["modified"]
    assert list_texts(page, ".vtour-tool-notes .vtour-tool-list li")[0].startswith("1. Loss: Loss (other tab)")
    # the form merges: the other tab's English (untouched here) and this tab's Chinese; saving again keeps both
    assert form.is_visible()
    assert page.get_by_label("Text (English)").input_value() == "Loss (other tab)"
    assert page.get_by_label("Text (Chinese)").input_value() == "颜料脱落"
    page.get_by_role("button", name="Save note").click()
    wait_for_js(page, f"() => /^Saved/.test({status})", what="the second save")
    assert api.requests[-1][0] == "PUT"
    texts = {b.get("language"): b["value"] for b in api.notes[uuid]["body"] if b["purpose"] == "describing"}
    assert texts == {"en": "Loss (other tab)", "zh": "颜料脱落"}
    # a reload of the page lists the stored note
    page.reload()
    wait_for_js(page, "() => window.vtourTools && window.vtourTools.ready", what="the reloaded page")
    assert list_texts(page, ".vtour-tool-notes .vtour-tool-list li")[0].startswith("1. Loss: Loss (other tab)")
    # deleting asks first, inside the panel; the focus is on "keep", and Escape keeps the note
    asks = len(api.requests)
    page.get_by_role("button", name="Delete note 1", exact=True).click()
    confirm = page.get_by_role("group", name=re.compile(r"^Delete note 1 \(Loss: Loss \(other tab\)\)\?"))
    assert confirm.is_visible()
    assert page.evaluate("() => document.activeElement.textContent") == "Keep note 1"
    page.keyboard.press("Escape")
    assert not confirm.is_visible() and len(api.requests) == asks and len(api.notes) == 1
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Delete note 1"
    page.keyboard.press("Enter")
    [latest] = [n["modified"] for n in api.notes.values()]
    confirm.get_by_role("button", name="Delete note 1: yes").click()
    wait_for_js(page, "() => window.vtourTools.tools.notes.notes.length === 0", what="the deletion")
    assert api.notes == {}
    method, _, headers, _ = api.requests[-1]
    assert method == "DELETE" and headers["if-match"] == latest, headers
    # the one refusal was the conflict, which the page told the user about (Chromium logs every 4xx)
    assert [s for s, _ in page_log.bad_responses] == [409]
    assert all("409" in t for t in page_log.console_errors) and not page_log.page_errors and not page_log.failed


# ---------------------------------------------------------------------------------------------------
# Accessibility


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_no_violation_with_every_tool_open(lang, models, serve, page, page_log, screenshot):
    api = NotesApi("t")
    api.notes["x"] = {**NOTES[0], "id": "urn:uuid:x"}
    page.route("**/api/notes{,/**}", api.handle)
    open_page(page, page_log, serve, models, api="api/notes", token="t", lang=lang)
    front_view(page)
    tools = "window.vtourTools.tools"
    page.evaluate(f"() => {tools}.section.setState({{normal: [1, 0, 0], offset: 0.05}})")
    page.evaluate(f"() => {tools}.measure.activate()")
    page.evaluate(
        f"() => {tools}.measure._picked(window.vtourTools.stage.pick("
        f"...Object.values(window.vtourTools.screenOf([0.01, 0.02, 0.02]))))"
    )
    page.evaluate(
        f"() => {tools}.measure._picked(window.vtourTools.stage.pick("
        f"...Object.values(window.vtourTools.screenOf([0.04, 0.03, 0.02]))))"
    )
    page.evaluate(f"() => {tools}.notes.openForm(null, [0.02, 0.02, 0.02])")
    wait_for_js(page, f"() => {tools}.section.polylines.length === 1", what="the outline")
    frames(page, 3)
    screenshot(page, f"tools-{lang}", full_page=True)
    names = [
        page.get_by_role(role, name=name).count()
        for role, name in (("button", "Measure"), ("checkbox", "Section"), ("button", "Notes"))
    ]
    assert all(names), f"accessible names with Measure, Section, Notes ({lang}): {names}"
    problems = axe_violations(page)
    assert not problems, f"axe-core ({lang}):\n  " + "\n  ".join(problems)
    page_log.assert_clean()
