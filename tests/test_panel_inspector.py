"""vtour.panel_inspector: the Panel app's inspector panel over a built tour (one scene, one model in mm, two levels).

The widgets are bound both ways to TourViewer's parameters; the levels table, the deviation histogram and the
change histogram come from the model's report.json (the histogram also from the level's .glb, for reports
without one); words follow the viewer's language.
"""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import param
import pytest
from data_paths import ROOT, require
from tour_helpers import cli, small_tour

from vtour.errors import VtourError
from vtour.model.obj import write_obj
from vtour.model.synthetic import checker_texture, uv_sphere
from vtour.panel_inspector import (
    BAR,
    CHANGE_CLASSES,
    CHANGE_COLOURS,
    LABELS,
    ModelInspector,
    change_bars,
    change_classes,
    change_fractions,
    change_histogram,
    deviation_histogram,
    glb_attribute,
    labels_for,
    level_rows,
    model_centre,
    quantile,
    read_report,
)
from vtour.panel_viewer import MODES, TourViewer


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A built tour with model "urn" (a 25 mm radius sphere, in mm, two levels)."""
    root = tmp_path_factory.mktemp("inspector")
    write_obj(uv_sphere(16, 32, 25.0, texture=checker_texture(64), units="mm"), root / "models" / "urn.obj")
    small_tour(
        root, scenes=1, lod={"levels": ["200:64", "900:64"], "deviation_samples": 3000},
        models=[{"id": "urn", "title": {"en": "Urn", "fr": "Urne"}, "source": "models/urn.obj", "units": "mm"}],
    )  # fmt: skip
    assert cli("build", root / "tour.yaml", "-o", root / "site") == 0
    return root / "site"


@pytest.fixture
def tour(built, tmp_path):
    """A copy of the built tour a test may change."""
    return shutil.copytree(built, tmp_path / "site")


def model_entry(tour_dir, model_id="urn") -> dict:
    doc = json.loads((tour_dir / "tour.json").read_text())
    return next(m for m in doc["models"] if m["id"] == model_id)


def viewer() -> TourViewer:
    require(TourViewer._bundle, "the viewer bundle", "npm run build, or make setup")
    return TourViewer()


def show_level(v: TourViewer, path: str | None) -> None:
    """What the browser does when a level is on screen (the parameter is read-only in Python)."""
    with param.parameterized.edit_constant(v):
        v.level = path


# -- data ------------------------------------------------------------------------------------------------------


def test_level_rows_are_the_reports_levels_with_the_deviation_as_a_percentage_of_the_diagonal(built):
    report = read_report(built, model_entry(built))
    rows = level_rows(report)
    assert [r["level"] for r in rows] == [1, 2] and [r["file"] for r in rows] == ["lod0.glb", "lod1.glb"]
    for row, lod in zip(rows, report["lods"], strict=True):
        assert (row["triangles"], row["bytes"]) == (lod["triangles"], lod["bytes"])
        assert row["texture"] == max(max(s) for s in lod["texture_sizes"] if s)
        assert row["hausdorff"] == lod["deviation"]["hausdorff"] and row["rms"] == lod["deviation"]["rms"]
        assert row["percent"] == pytest.approx(100 * lod["deviation"]["hausdorff"] / lod["deviation"]["diagonal"])
    assert rows[0]["triangles"] < rows[1]["triangles"] and rows[0]["hausdorff"] > rows[1]["hausdorff"] > 0


def test_a_report_without_histograms_gets_them_from_each_levels_deviation_attribute(built):
    model, report = model_entry(built), read_report(built, model_entry(built))
    bare = json.loads(json.dumps(report))
    for lod in bare["lods"]:
        lod["per_vertex_deviation"].pop("histogram", None)
    for k, lod in enumerate(report["lods"]):
        values = glb_attribute(built / model["lods"][k]["path"], "_DEVIATION")
        assert values.shape == (lod["vertices"],) and values.min() >= 0
        assert values.max() == pytest.approx(lod["per_vertex_deviation"]["max"], rel=1e-6)
        computed = deviation_histogram(built, model, bare, k)
        assert sum(computed["counts"]) == lod["vertices"] and len(computed["edges"]) == len(computed["counts"]) + 1
        assert computed["edges"][0] == 0 and computed["edges"][-1] == pytest.approx(values.max())
        if "histogram" in lod["per_vertex_deviation"]:  # the build's own, from float64 values: the same bins
            ours = lod["per_vertex_deviation"]["histogram"]
            assert deviation_histogram(built, model, report, k) is ours
            np.testing.assert_allclose(computed["edges"], ours["edges"], rtol=1e-6)
            assert np.abs(np.subtract(computed["counts"], ours["counts"])).sum() <= 2  # float32 rounding at an edge


def test_change_histogram_is_the_previous_scans_entry_for_the_level_and_quantiles_are_bin_edges():
    hist = {"edges": [-2.0, -1.0, 0.0, 1.0, 2.0], "counts": [5, 10, 80, 5]}
    areas = {"none": 0.8, "minor": 0.15, "major": 0.05}
    report = {"change": [
        {"index": 1, "date": "2019-05-14", "limits": {"minor": 0.2, "major": 1.0},
         "levels": [{"level": 0, "histogram": {"edges": [0, 1], "counts": [1]}},
                    {"level": 1, "histogram": hist, "area_fraction": areas}]}]}  # fmt: skip
    entry = change_histogram(report, 1, 1)
    assert entry["histogram"] is hist and entry["date"] == "2019-05-14" and entry["limits"]["major"] == 1.0
    assert entry["area_fraction"]["none"] == 0.8
    assert change_histogram(report, 0, 1) is None and change_histogram(report, 1, 2) is None
    assert change_histogram({}, 0, 0) is None
    assert [quantile(hist, q) for q in (0.05, 0.1, 0.5, 0.95, 1.0)] == [-1.0, 0.0, 1.0, 1.0, 2.0]


def test_a_missing_or_broken_report_is_a_clear_error_and_one_outside_the_tour_is_refused(tour):
    model = model_entry(tour)
    (tour / model["report"]).write_text("{not json")
    with pytest.raises(VtourError, match=r"cannot read model 'urn'.s report.*rebuild the tour"):
        read_report(tour, model)
    with pytest.raises(VtourError, match="outside the tour"):
        read_report(tour, {**model, "report": "../elsewhere/report.json"})


# -- the panel -------------------------------------------------------------------------------------------------


def test_the_panel_opens_the_chosen_model_and_its_widgets_drive_the_viewer_and_follow_it(built):
    v = viewer()
    panel = ModelInspector(v, built)
    assert panel.chooser.options == {"(none)": None, "Urn": "urn"}
    assert panel.prompt.visible and not panel.body.visible  # no model: "Choose a model"
    panel.chooser.value = "urn"
    assert v.model == "urn" and panel.body.visible and not panel.prompt.visible
    # widgets -> viewer
    panel.modes.value = "clay"
    panel.sliders["light_azimuth"].value = 270
    panel.sliders["exposure"].value = 2.5
    panel.switches["light"].value = ["shadows"]
    panel.switches["detail"].value = ["finest"]
    assert (v.mode, v.light_azimuth, v.exposure, v.shadows, v.finest) == ("clay", 270, 2.5, True, True)
    # viewer (the browser, or Python) -> widgets
    v.param.update(mode="normals", light_elevation=-45, ambient=1.5, shadows=False, finest=False)
    assert panel.modes.value == "normals"
    assert (panel.sliders["light_elevation"].value, panel.sliders["ambient"].value) == (-45, 1.5)
    assert panel.sliders["ambient"].shown == "1.5"
    assert panel.switches["light"].value == [] and panel.switches["detail"].value == []
    with pytest.raises(ValueError):  # the viewer's bounds hold whatever a widget sends
        panel.sliders["exposure"].value = 9
    assert v.exposure == 2.5
    # no previous scan: no "Change" mode and no comparison offered
    assert "change" not in panel.modes.options.values() and "compare" not in panel.switches["detail"].options.values()
    v.model = None
    assert panel.chooser.value is None and panel.prompt.visible and not panel.body.visible


def test_the_levels_table_marks_the_level_on_screen_and_the_histogram_is_its_deviation_in_mm(built):
    v = viewer()
    panel = ModelInspector(v, built)
    model, report = model_entry(built), read_report(built, model_entry(built))
    v.model = "urn"
    for k in (0, 1):
        show_level(v, model["lods"][k]["path"])
        assert panel.level_index == k
        table = panel.table.object
        assert "<caption" in table and 'role="region"' in table and 'tabindex="0"' in table
        assert "Hausdorff (mm)" in table and "RMS (mm)" in table and "% of diagonal" in table
        marked = marked_rows(table)
        assert len(marked) == 1 and f"lod{k}.glb" in marked[0] and "shown" in marked[0]
        assert f"{report['lods'][k]['triangles']:,}" in table
        lod = report["lods"][k]
        assert panel.detail.object.count(f"Level {k + 1} of 2: {lod['triangles']:,} triangles") == 1
        assert f"{lod['deviation']['hausdorff']:.3g} mm" in panel.detail.object
        fig = panel.histogram.object
        data = fig.renderers[0].data_source.data
        hist = deviation_histogram(built, model, report, k)
        np.testing.assert_array_equal(data["top"], hist["counts"])
        np.testing.assert_allclose(data["left"], hist["edges"][:-1])
        np.testing.assert_allclose(data["right"], hist["edges"][1:])
        assert fig.xaxis[0].axis_label == "distance to the scan (mm)" and fig.title.text.endswith(f"level {k + 1}")
        assert f"{sum(hist['counts']):,} vertices" in panel.summary.object
    show_level(v, None)  # closing: nothing marked
    assert marked_rows(panel.table.object) == [] and panel.summary.object == ""


def marked_rows(table: str) -> list[str]:
    """The rows of the levels table drawn in bold (Styler writes each cell's CSS as a rule on its id)."""
    bold = set()
    for ids, decl in re.findall(r"((?:#T_\w+_row\d+_col\d+(?:, )?)+) \{([^}]*)\}", table):
        if "font-weight: bold" in decl:
            bold.update(re.findall(r"T_\w+_row\d+_col\d+", ids))
    rows = re.findall(r"<tr>(?:(?!</tr>).)*</tr>", table, re.S)
    return [r for r in rows if any(f'id="{i}"' in r for i in bold)]


HIST = {"edges": [-3.0, -1.0, -0.1, 0.1, 1.0, 3.0], "counts": [4, 6, 170, 15, 5]}


def with_previous(tour, limits=({"minor": 0.15, "major": 1.0}, None), uncovered=0.1) -> dict:
    """The tour with two previous scans of "urn" (2019 and 2022) in tour.json and report.json (the
    second without limits when ``limits[1]`` is None); returns the model's tour.json entry."""
    doc = json.loads((tour / "tour.json").read_text())
    entry = doc["models"][0]
    entry["previous"] = [
        {"date": date, "path": f"models/urn/previous{j}.glb", "attribute": f"_change_{j}"}
        | ({"limits": limits[j]} if limits[j] else {})
        for j, date in enumerate(("2019-05-14", "2022-03-01"))
    ]
    (tour / "tour.json").write_text(json.dumps(doc))
    report_path = tour / entry["report"]
    report = json.loads(report_path.read_text())
    area = {"none": 0.75, "minor": 0.1, "major": 0.05, "uncovered": uncovered}
    report["change"] = [
        {"index": j, "date": p["date"], **({"limits": p["limits"]} if "limits" in p else {}),
         "levels": [{"level": k, "histogram": HIST, "area_fraction": area} for k in range(2)]}
        for j, p in enumerate(entry["previous"])
    ]  # fmt: skip
    report_path.write_text(json.dumps(report))
    return entry


def test_the_change_classes_and_colours_are_the_inspectors():
    """Python's histogram and the inspector's shader and legend agree (web/src/inspector/colormap.js)."""
    js = (ROOT / "vtour" / "web" / "src" / "inspector" / "colormap.js").read_text()
    classes = re.search(r"CHANGE_CLASSES = Object\.freeze\(\[([^\]]*)\]\)", js).group(1)
    assert tuple(re.findall(r'"(\w+)"', classes)) == CHANGE_CLASSES
    colours = re.search(r"CHANGE_HEX = Object\.freeze\(\{([^}]*)\}\)", js).group(1)
    assert dict(re.findall(r'(\w+): "(#[0-9a-f]{6})"', colours)) == CHANGE_COLOURS
    assert CHANGE_COLOURS == {"none": "#9e9e9e", "minorLoss": "#f4a259", "minorGain": "#8ab8e8",
                              "majorLoss": "#c62828", "majorGain": "#1f4fa8", "notMeasured": "#6a4c93"}  # fmt: skip


def test_change_classes_are_signed_and_a_boundary_belongs_to_the_class_above():
    limits = {"minor": 0.15, "major": 1.0}
    values = [-2.0, -1.0, -0.5, -0.15, -0.1, 0.0, 0.1, 0.15, 0.5, 1.0, 2.0, 1e30]
    assert list(change_classes(values, limits)) == [
        "majorLoss", "majorLoss", "minorLoss", "minorLoss", "none", "none", "none", "minorGain", "minorGain",
        "majorGain", "majorGain", "notMeasured",
    ]  # fmt: skip


def test_change_bars_split_each_bin_at_the_limits_and_fractions_follow_the_limits():
    limits = {"minor": 0.15, "major": 1.0}
    bars = change_bars(HIST, limits)
    # the bins [-1, -0.1] and [0.1, 1] are cut at -0.15 and 0.15; 1.0 and -1.0 are edges already
    np.testing.assert_allclose(bars["left"], [-3.0, -1.0, -0.15, -0.1, 0.1, 0.15, 1.0])
    np.testing.assert_allclose(bars["right"], [-1.0, -0.15, -0.1, 0.1, 0.15, 1.0, 3.0])
    assert list(bars["class"]) == ["majorLoss", "minorLoss", "none", "none", "none", "minorGain", "majorGain"]
    np.testing.assert_allclose(bars["top"], [4, 6, 6, 170, 15, 15, 5])  # a split bin keeps its height
    np.testing.assert_allclose(bars["share"], [4, 6 * 0.85 / 0.9, 6 * 0.05 / 0.9, 170, 15 / 18, 15 * 17 / 18, 5])
    assert bars["share"].sum() == pytest.approx(sum(HIST["counts"]))
    f = change_fractions(HIST, limits, uncovered=0.1)
    assert set(f) == set(CHANGE_CLASSES) and sum(f.values()) == pytest.approx(1.0)
    n = 200 * (1 / 0.9)  # the measured 90 % split as the 200 vertices fall
    assert f["notMeasured"] == pytest.approx(0.1)
    assert (f["majorLoss"], f["majorGain"]) == (pytest.approx(4 / n), pytest.approx(5 / n))
    assert f["minorLoss"] == pytest.approx(6 * 0.85 / 0.9 / n) and f["minorGain"] == pytest.approx(15 * 17 / 18 / n)
    # other limits, other shares: everything under 1.0 is now no change, and a boundary is major (>=)
    g = change_fractions(HIST, {"minor": 1.0, "major": 1.0}, uncovered=0.1)
    assert g["minorLoss"] == g["minorGain"] == 0 and g["none"] == pytest.approx(191 / n)
    assert (g["majorLoss"], g["majorGain"]) == (f["majorLoss"], f["majorGain"])
    # without limits: one class for none of them
    assert list(change_bars(HIST, None)["class"]) == [None] * 5
    assert change_fractions({"edges": [0, 1], "counts": [0]}, limits, 0.25)["notMeasured"] == 1.0


def test_model_centre_is_the_middle_of_the_glb_box_in_world_coordinates(tmp_path):
    """A 2 x 4 x 6 box at the origin, scaled by 0.5, turned 90 degrees about +Y and moved 10 along +X:
    its middle (0.5, 1, 1.5) turns to (1.5, 1, -0.5) and moves to (11.5, 1, -0.5)."""
    from vtour.model.glb import pack_glb

    half = float(np.sqrt(0.5))
    doc = {
        "asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}],
        "nodes": [{"children": [1], "translation": [10, 0, 0]},
                  {"mesh": 0, "rotation": [0, half, 0, half], "scale": [0.5, 0.5, 0.5]}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
        "accessors": [{"componentType": 5126, "count": 2, "type": "VEC3", "min": [0, 0, 0], "max": [2, 4, 6]}],
    }  # fmt: skip
    (tmp_path / "box.glb").write_bytes(pack_glb(doc, b""))
    np.testing.assert_allclose(model_centre(tmp_path / "box.glb"), [11.5, 1.0, -0.5], atol=1e-12)
    doc["nodes"][1] = {"mesh": 0, "matrix": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 2, 3, 1]}  # column-major
    (tmp_path / "box.glb").write_bytes(pack_glb(doc, b""))
    np.testing.assert_allclose(model_centre(tmp_path / "box.glb"), [12.0, 4.0, 6.0], atol=1e-12)


def test_the_change_histogram_is_shown_with_the_change_map_only_in_the_classes_of_the_limits(tour):
    entry = with_previous(tour)
    v = viewer()
    panel = ModelInspector(v, tour)
    v.model = "urn"
    show_level(v, entry["lods"][1]["path"])
    assert "change" in panel.modes.options.values() and "compare" in panel.switches["detail"].options.values()
    assert panel.change_group.visible and panel.previous.options == {"2019-05-14": 0, "2022-03-01": 1}
    assert not panel.change_box.visible
    panel.modes.value = "change"
    assert v.mode == "change" and panel.change_box.visible
    # the tour's limits: the inputs show them, the bars are split and coloured by the signed classes
    assert (panel.limits["minor"].value, panel.limits["major"].value) == (0.15, 1.0)
    assert panel.limits["minor"].label == "Change: minor from (mm)"
    data = panel.change.object.renderers[0].data_source.data
    np.testing.assert_array_equal(data["top"], [4, 6, 6, 170, 15, 15, 5])
    assert list(data["fill_color"]) == [
        CHANGE_COLOURS[c] for c in ("majorLoss", "minorLoss", "none", "none", "none", "minorGain", "majorGain")
    ]
    fig = panel.change.object
    assert (
        fig.title.text == "Change since 2019-05-14, level 2"
        and "(mm; negative: material lost)" in fig.xaxis[0].axis_label
    )
    shares = change_fractions(HIST, {"minor": 0.15, "major": 1.0}, 0.1)
    summary = panel.change_summary.object
    assert "minor from 0.15, major from 1 (mm)" in summary and "not measured: 10.0 %" in summary
    assert f"minor loss: {100 * shares['minorLoss']:.1f} %" in summary and summary.count("<li>") == 6
    assert all(CHANGE_COLOURS[c] in summary for c in CHANGE_CLASSES)  # the swatches match the bars
    # limits typed in the panel: the viewer (so the inspector) and the histogram follow
    panel.limits["minor"].value = 1.0
    assert v.change_limits == {"minor": 1.0, "major": 1.0}
    data = panel.change.object.renderers[0].data_source.data
    assert list(data["fill_color"]) == [CHANGE_COLOURS[c] for c in ("majorLoss", "none", "none", "none", "majorGain")]
    assert "minor loss: 0.0 %" in panel.change_summary.object
    # limits from the inspector (the browser): the inputs follow; a major below minor is raised to it
    v.change_limits = {"minor": 0.05, "major": 2.0}
    assert (panel.limits["minor"].value, panel.limits["major"].value) == (0.05, 2.0)
    panel.limits["major"].value = 0.01
    assert v.change_limits == {"minor": 0.05, "major": 0.05}
    # the previous scan: chosen by date, both ways; the second one has no limits: the panel says so
    v.change_limits = None
    panel.previous.value = 1
    assert v.previous == 1
    assert panel.limits["minor"].value is None and "has no change limits" in panel.change_summary.object
    data = panel.change.object.renderers[0].data_source.data
    assert set(data["fill_color"]) == {BAR} and panel.change.object.title.text.startswith("Change since 2022-03-01")
    v.previous = 0
    assert panel.previous.value == 0 and panel.limits["minor"].value == 0.15
    panel.switches["detail"].value = ["compare"]
    assert v.compare and not v.finest
    v.mode = "deviation"
    assert not panel.change_box.visible


def test_a_model_without_previous_scans_has_no_change_controls(built):
    v = viewer()
    panel = ModelInspector(v, built)
    v.model = "urn"
    assert not panel.change_group.visible and panel.previous.options == {}


def test_the_section_presets_cut_through_the_middle_of_the_model_and_follow_the_viewer(built):
    v = viewer()
    panel = ModelInspector(v, built)
    v.model = "urn"
    centre = model_centre(built / model_entry(built)["lods"][0]["path"])
    assert list(panel.section.options.values()) == ["off", "x", "y", "z"] and panel.section.value == "off"
    assert "Section: Y, through the middle" in panel.section.options
    panel.section.value = "y"
    assert v.section == {"normal": [0.0, 1.0, 0.0], "offset": pytest.approx(centre[1])}
    panel.section.value = "off"
    assert v.section is None
    v.section = {"normal": [0.0, 0.0, 1.0], "offset": float(centre[2])}  # the browser's Z through the middle
    assert panel.section.value == "z"
    v.section = {"normal": [0.6, 0.8, 0.0], "offset": 0.01}  # a plane set in the view: none of the presets
    assert panel.section.value == "other" and "Section: another plane (set in the view)" in panel.section.options
    panel.section.value = "x"
    assert v.section["normal"] == [1.0, 0.0, 0.0] and "other" not in panel.section.options.values()
    v.section = None
    assert panel.section.value == "off"


def test_the_screenshot_button_asks_the_page_for_the_size_chosen_and_says_what_was_saved(built, monkeypatch):
    v = viewer()
    sent: list = []
    monkeypatch.setattr(v, "_send_msg", sent.append)
    panel = ModelInspector(v, built)
    v.model = "urn"
    assert list(panel.shot_size.options) == ["1 × the view", "2 × the view", "1920 pixels wide", "3840 pixels wide"]
    assert panel.shot_button.label == "Screenshot"
    panel.shot_size.value = "1920"
    panel.shot_button.clicks += 1
    panel.shot_size.value = "2x"
    panel.shot_button.clicks += 1
    assert sent == [{"event": "screenshot", "width": 1920, "scale": 1.0},
                    {"event": "screenshot", "width": None, "scale": 2.0}]  # fmt: skip
    v._handle_msg({"event": "screenshot", "file": "urn-clay-1920x1080.png", "width": 1920, "height": 1080,
                   "bytes": 123456})  # fmt: skip
    assert v.screenshot == {"file": "urn-clay-1920x1080.png", "width": 1920, "height": 1080, "bytes": 123456}
    assert "Saved urn-clay-1920x1080.png (1920 × 1080 pixels, 123,456 bytes)." in panel.shot_status.object


def test_words_follow_the_viewers_language_and_every_control_keeps_its_english_word(built):
    v = viewer()
    panel = ModelInspector(v, built)
    v.model = "urn"
    v.language = "zh"
    assert panel.layout.label == "检视器" and "Model" in panel.chooser.label
    assert set(panel.modes.options) >= {"白模 (Clay)", "法线 (Normals)", "线框 (Wireframe)", "透视 (X-ray)"}
    for p, slider in panel.sliders.items():
        assert "Light" in slider.text, p
    assert "最精细层级 (Finest level)" in panel.switches["detail"].options
    assert panel.chooser.options["Urn"] == "urn"  # no Chinese title: the English one
    assert "豪斯多夫距离（mm）" in panel.table.object
    v.language = "fr"  # no French words: English
    assert panel.layout.label == "Inspector" and "Clay" in panel.modes.options
    assert panel.chooser.options["Urne"] == "urn"  # the model's own French title
    assert set(LABELS["zh"]) == set(LABELS["en"]) and labels_for("zh-Hans")["clay"] == "白模 (Clay)"
    english = {k: LABELS["en"][k] for k in ("clay", "normals", "wireframe", "xray", "deviation", "change", "finest")}
    for k, word in english.items():
        assert word in LABELS["zh"][k], k
    assert set(MODES) <= set(LABELS["en"])


def test_a_model_of_unknown_units_says_so_beside_every_length(tour):
    report_path = tour / model_entry(tour)["report"]
    report = json.loads(report_path.read_text())
    report["units"] = "unknown"
    report_path.write_text(json.dumps(report))
    v = viewer()
    panel = ModelInspector(v, tour)
    v.model = "urn"
    show_level(v, model_entry(tour)["lods"][0]["path"])
    assert "Hausdorff (units unknown)" in panel.table.object
    assert "units unknown" in panel.detail.object and "units unknown" in panel.summary.object
    assert panel.histogram.object.xaxis[0].axis_label == "distance to the scan (units unknown)"
