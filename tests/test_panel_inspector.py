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
from data_paths import require
from tour_helpers import cli, small_tour

from vtour.errors import VtourError
from vtour.model.obj import write_obj
from vtour.model.synthetic import checker_texture, uv_sphere
from vtour.panel_inspector import (
    LABELS,
    ModelInspector,
    change_histogram,
    deviation_histogram,
    glb_attribute,
    labels_for,
    level_rows,
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


def test_the_change_histogram_is_shown_with_the_change_map_only(tour):
    doc = json.loads((tour / "tour.json").read_text())
    doc["models"][0]["previous"] = [
        {"date": "2019-05-14", "path": "models/urn/previous0.glb", "attribute": "_change_0"}
    ]
    (tour / "tour.json").write_text(json.dumps(doc))
    report_path = tour / doc["models"][0]["report"]
    report = json.loads(report_path.read_text())
    hist = {"edges": [-3.0, -1.0, -0.1, 0.1, 1.0, 3.0], "counts": [4, 6, 170, 15, 5]}
    report["change"] = [{"index": 0, "date": "2019-05-14", "limits": {"minor": 0.15, "major": 1.0},
                         "levels": [{"level": k, "histogram": hist, "area_fraction": {"none": 0.85, "minor": 0.1,
                                                                                      "major": 0.05}}
                                    for k in range(2)]}]  # fmt: skip
    report_path.write_text(json.dumps(report))
    v = viewer()
    panel = ModelInspector(v, tour)
    v.model = "urn"
    show_level(v, doc["models"][0]["lods"][1]["path"])
    assert "change" in panel.modes.options.values() and "compare" in panel.switches["detail"].options.values()
    assert not panel.change_box.visible
    panel.modes.value = "change"
    assert v.mode == "change" and panel.change_box.visible
    fig = panel.change.object
    data = fig.renderers[0].data_source.data
    np.testing.assert_array_equal(data["top"], hist["counts"])
    # each bar coloured by its class: |middle| < 0.15 none, < 1 minor, else major
    assert list(data["fill_color"]) == ["#c0392b", "#e0a030", "#9e9e9e", "#e0a030", "#c0392b"]
    assert (
        fig.title.text == "Change since 2019-05-14, level 2"
        and "(mm; negative: material lost)" in fig.xaxis[0].axis_label
    )
    assert "85 % none, 10 % minor, 5 % major" in panel.change_summary.object
    panel.switches["detail"].value = ["compare"]
    assert v.compare and not v.finest
    v.mode = "deviation"
    assert not panel.change_box.visible


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
