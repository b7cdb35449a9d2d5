"""Change over time: a previous scan aligned to the current one, the signed distance per vertex in
every level, report.json's ``change`` and tour.json's ``previous`` and ``downloads``.

The issue's measure: the Stanford bunny in millimetres, Gaussian noise of a known sigma on both
scans, a 2 mm deep loss carved in a known patch of the current one, the previous one moved by a
random rigid motion. The build must undo the motion, and its change map must put -2 mm on the
patch and nothing beyond the noise elsewhere.
"""

from __future__ import annotations

import json
import re
import zipfile
from typing import NamedTuple

import numpy as np
import pytest
import yaml
from data_paths import copy_data
from gltf_validator import validate
from scipy.spatial.transform import Rotation
from tour_helpers import small_tour

from vtour.conventions import UNIT_METRES
from vtour.model.carry import carried, carried_to_level
from vtour.model.change import (
    NOT_MEASURED,
    NOT_MEASURED_MIN,
    PreviousSurface,
    border_edges,
    default_limits,
    estimate_noise,
    level_change,
    transformed,
    vertex_areas,
)
from vtour.model.clean import clean_mesh
from vtour.model.deviation import Surface
from vtour.model.glb import read_accessor, unpack_glb
from vtour.model.io import read_mesh
from vtour.model.mesh import Mesh
from vtour.model.obj import write_obj
from vtour.model.synthetic import uv_sphere
from vtour.tour.build import build_tour
from vtour.tour.document import read_tour
from vtour.tour.stages import FileHasher, plan_stages
from vtour.tour.validate import validate_built, validate_path

BUNNY = "meshes/stanford-bunny.obj"
#: Noise of each scan along its normals, mm; the two scans' difference has sqrt(2) times it.
SIGMA = 0.1
COMBINED = SIGMA * np.sqrt(2)
#: The loss: 2 mm deep over a disc of RADIUS mm, tapering to nothing over TAPER mm more.
DEPTH, RADIUS, TAPER = 2.0, 12.0, 3.0
#: The previous scan's pose relative to the current one: a random rotation and a shift, mm.
MOTION = np.eye(4)
MOTION[:3, :3] = Rotation.random(random_state=3).as_matrix()
MOTION[:3, 3] = (40.0, -25.0, 60.0)
#: The previous scan has a hole (it did not see there): no face within HOLE mm of the back-most point.
HOLE = 10.0
DATE = "2019-05-14"


def _noisy(mesh, rng):
    n = mesh.normals.astype(np.float64)
    return mesh.replace(positions=mesh.positions + rng.normal(0, SIGMA, (len(n), 1)) * n)


class Scans(NamedTuple):
    """The current scan (with the loss), the previous one (moved, with a hole), the patch centre,
    each current vertex's distance to it and the centre of the previous scan's hole (mm)."""

    current: Mesh
    previous: Mesh
    centre: np.ndarray
    r: np.ndarray
    back: np.ndarray


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    root = copy_data([BUNNY], tmp_path_factory.mktemp("data"))
    bunny = read_mesh(root / BUNNY, units="m")
    bunny, _ = clean_mesh(bunny.replace(positions=bunny.positions * 1000.0, units="mm"))
    rng = np.random.default_rng(1)
    centre = bunny.positions[np.argmax(bunny.positions[:, 2])]  # the front-most point
    r = np.linalg.norm(bunny.positions - centre, axis=1)
    depth = DEPTH * np.clip((RADIUS + TAPER - r) / TAPER, 0.0, 1.0)
    current = _noisy(bunny, rng)
    current = current.replace(positions=current.positions - depth[:, None] * bunny.normals)
    back = bunny.positions[np.argmin(bunny.positions[:, 2])]  # the back-most point
    previous = _noisy(bunny, rng)
    seen = (np.linalg.norm(previous.positions - back, axis=1) > HOLE)[previous.faces].all(axis=1)
    previous, _ = clean_mesh(previous.replace(faces=previous.faces[seen], face_material=previous.face_material[seen]))
    return Scans(current, transformed(previous, MOTION), centre, r, back)


@pytest.fixture(scope="module")
def tour(scans, tmp_path_factory):
    """A small tour whose bunny model has the previous scan and downloads; built once."""
    current, previous = scans.current, scans.previous
    root = tmp_path_factory.mktemp("tour")
    write_obj(current, root / "models" / "bunny.obj")
    write_obj(previous, root / "models" / "bunny-2019.obj")
    model = {
        "id": "bunny",
        "source": "models/bunny.obj",
        "units": "mm",
        "downloads": True,
        "lod": {"levels": ["4k:64", "100k:64"], "deviation_samples": 20_000},
        "previous": [{"source": "models/bunny-2019.obj", "date": DATE}],
    }
    path = small_tour(root, models=[model])
    result = build_tour(path, root / "out", jobs=1)
    return path, result.out_dir


def _report(tour):
    return json.loads((tour[1] / "models" / "bunny" / "report.json").read_text())


def _level(tour, k):
    """Level ``k``'s decoded positions (mm) and its _CHANGE_0 and _DEVIATION values."""
    return _decoded(tour[1] / "models" / "bunny" / f"lod{k}.glb")


def _decoded(path):
    """A level file's decoded positions (mm) and its _CHANGE_0 and _DEVIATION values."""
    doc, data = unpack_glb(path.read_bytes())
    node = doc["nodes"][0]
    positions, change, deviation = [], [], []
    for prim in doc["meshes"][0]["primitives"]:
        q = read_accessor(doc, data, prim["attributes"]["POSITION"])[:, :3].astype(np.float64)
        positions.append((np.asarray(node["translation"]) + node["scale"][0] * q) / UNIT_METRES["mm"])
        change.append(read_accessor(doc, data, prim["attributes"]["_CHANGE_0"]))
        deviation.append(read_accessor(doc, data, prim["attributes"]["_DEVIATION"]))
    return np.concatenate(positions), np.concatenate(change), np.concatenate(deviation)


def test_the_alignment_undoes_the_rigid_motion_within_the_noise(tour):
    change = _report(tour)["change"]
    assert [(c["index"], c["date"], c["file"], c["attribute"]) for c in change] == [
        (0, DATE, "previous0.glb", "_CHANGE_0")
    ]
    alignment = change[0]["alignment"]
    error = np.asarray(alignment["transform"]) @ MOTION  # identity when the motion is undone
    angle = np.degrees(np.arccos(np.clip((np.trace(error[:3, :3]) - 1) / 2, -1, 1)))
    assert angle < 0.05 and np.linalg.norm(error[:3, 3]) < 0.05 * SIGMA / 0.1
    assert alignment["method"].startswith("fpfh-ransac + point-to-plane icp")
    assert alignment["rms"] < 1.3 * COMBINED and alignment["fitness"] > 0.95
    assert change[0]["noise"] == pytest.approx(COMBINED, rel=0.2)
    assert change[0]["limits"] == pytest.approx(default_limits(change[0]["noise"]))


def test_the_change_map_finds_the_loss_at_its_place_and_depth(tour, scans):
    centre = scans.centre
    positions, change, _ = _level(tour, 1)  # the finest level: the whole scan
    r = np.linalg.norm(positions - centre, axis=1)
    measured = np.abs(change) < NOT_MEASURED_MIN  # all but the previous scan's hole
    core, outside = r < RADIUS - 1.0, (r > RADIUS + TAPER + 3.0) & measured
    assert core.sum() > 100 and measured.mean() > 0.98
    # the depth: -2 mm on the patch, within the scan noise
    assert np.median(change[core]) == pytest.approx(-DEPTH, abs=COMBINED / 3)
    assert np.mean(np.abs(change[core] + DEPTH) < 3 * COMBINED) > 0.99
    assert np.all(np.abs(change[core] + DEPTH) < 4 * COMBINED)
    # nothing beyond the noise elsewhere
    assert np.all(np.abs(change[outside]) < 5 * COMBINED)
    # the place: what is found as a major loss is where the carved depth exceeds that limit
    limits = _report(tour)["change"][0]["limits"]
    lost = change < -limits["major"]
    carved = DEPTH * np.clip((RADIUS + TAPER - r) / TAPER, 0.0, 1.0) > limits["major"]
    assert np.all(r[lost] < RADIUS + TAPER)
    assert np.mean(lost == carved) > 0.999
    assert np.linalg.norm(positions[lost].mean(axis=0) - positions[carved].mean(axis=0)) < 0.5


def test_area_fractions_classify_the_patch_as_major_change(tour, scans):
    current, r = scans.current, scans.r
    area = vertex_areas(current.positions, current.faces)
    core = area[r < RADIUS].sum() / area.sum()
    whole = area[r < RADIUS + TAPER].sum() / area.sum()
    levels = _report(tour)["change"][0]["levels"]
    assert [lv["level"] for lv in levels] == [0, 1]
    fine = levels[1]
    assert 0.9 * core < fine["area_fraction"]["major"] < whole
    assert fine["area_fraction"]["minor"] < 0.01
    assert sum(fine["area_fraction"].values()) == pytest.approx(1.0)
    assert fine["min"] < -DEPTH + 4 * COMBINED and fine["p05"] > -DEPTH  # the loss is under 5 % of the area
    change = _level(tour, 1)[1]
    assert sum(fine["histogram"]["counts"]) == np.count_nonzero(np.abs(change) < NOT_MEASURED_MIN)
    hole = area[np.linalg.norm(current.positions - scans.back, axis=1) < HOLE].sum() / area.sum()
    assert fine["area_fraction"]["uncovered"] == pytest.approx(hole, rel=0.25)
    assert fine["histogram"]["edges"][0] == fine["min"] and fine["histogram"]["edges"][-1] == fine["max"]


def test_a_coarse_level_shows_the_scans_change_not_its_own_simplification(tour, scans):
    """Change is measured once, on the scan; each level carries it interpolated at its vertices, so
    a coarse level's own simplification error (its deviation) never reads as change."""
    report = _report(tour)
    limits = report["change"][0]["limits"]
    coarse, fine = (lv["area_fraction"] for lv in report["change"][0]["levels"])
    assert coarse["none"] >= fine["none"] - 0.005
    assert coarse["minor"] <= fine["minor"] + 0.005
    positions, change, deviation = _level(tour, 0)
    assert np.percentile(deviation, 99) > limits["minor"]  # what it would show if measured on its own
    r = np.linalg.norm(positions - scans.centre, axis=1)
    core, outside = r < RADIUS - 1.0, (r > RADIUS + TAPER + 3.0) & (np.abs(change) < NOT_MEASURED_MIN)
    assert core.sum() >= 5
    assert np.median(change[core]) == pytest.approx(-DEPTH, abs=COMBINED / 3)
    assert np.all(np.abs(change[outside]) < 5 * COMBINED)


def test_report_json_gives_the_change_measured_on_the_scan_weighted_by_area(tour, scans):
    current = scans.current
    area = vertex_areas(current.positions, current.faces)
    core = area[scans.r < RADIUS].sum() / area.sum()
    whole = area[scans.r < RADIUS + TAPER].sum() / area.sum()
    hole = area[np.linalg.norm(current.positions - scans.back, axis=1) < HOLE].sum() / area.sum()
    scan = _report(tour)["change"][0]["scan"]
    assert 0.9 * core < scan["area_fraction"]["major"] < whole
    assert scan["area_fraction"]["minor"] < 0.01
    assert scan["area_fraction"]["uncovered"] == pytest.approx(hole, rel=0.25)
    assert sum(scan["area_fraction"].values()) == pytest.approx(1.0)
    assert scan["min"] == pytest.approx(-DEPTH, abs=4 * COMBINED) and scan["p05"] > -DEPTH
    assert 0.98 * current.vertex_count < sum(scan["histogram"]["counts"]) < current.vertex_count


def test_where_the_previous_scan_has_a_hole_every_level_says_not_measured(tour, scans):
    from scipy.spatial import cKDTree

    current = scans.current
    border = current.faces[border_edges(current.positions, current.faces)]  # the bunny's own holes
    rim = cKDTree(current.positions[np.unique(border)])
    for k in (0, 1):
        positions, change, _ = _level(tour, k)
        d = np.linalg.norm(positions - scans.back, axis=1)
        inside = d < HOLE - 3.0
        beyond = (d > HOLE + 3.0) & (rim.query(positions)[0] > 1.0)
        assert inside.sum() >= 1
        assert np.all(change[inside] == np.float32(NOT_MEASURED))  # the sentinel, not "no change"
        assert np.all(np.abs(change[beyond]) < NOT_MEASURED_MIN)
    doc = json.loads((tour[1] / "tour.json").read_text())
    assert NOT_MEASURED == 1e30 and doc["models"][0]["previous"][0]["notMeasured"] == NOT_MEASURED


def test_a_change_equal_to_a_limit_is_in_the_class_above():
    ball = uv_sphere(32, 64)
    z = ball.positions[:, 2]
    limits = {"minor": 0.125, "major": 0.5}
    values = np.where(z > 0.5, -limits["major"], np.where(z < -0.5, limits["minor"], 0.0))
    stats = level_change(values, ball.positions, ball.faces, limits)
    area = vertex_areas(ball.positions, ball.faces)
    assert stats["area_fraction"]["major"] == pytest.approx(area[z > 0.5].sum() / area.sum())
    assert stats["area_fraction"]["minor"] == pytest.approx(area[z < -0.5].sum() / area.sum())


def test_a_previous_scan_wound_inside_out_still_shows_a_loss_as_negative(scans, tmp_path):
    from vtour.errors import VtourWarning
    from vtour.model import DEFAULT_MODEL_OPTIONS, Level, PreviousScan, build_model

    write_obj(scans.current, tmp_path / "bunny.obj")
    # its faces wound clockwise seen from outside (no normals in the file: computed from the winding)
    inverted = scans.previous.replace(faces=scans.previous.faces[:, ::-1])
    write_obj(inverted, tmp_path / "bunny-inverted.obj")
    options = DEFAULT_MODEL_OPTIONS.replace(units="mm", lods=(Level(100_000, 64),), deviation_samples=5000)
    with pytest.warns(VtourWarning, match=r"bunny-inverted\.obj: its faces are wound inside out"):
        result = build_model(
            tmp_path / "bunny.obj",
            tmp_path / "out",
            options,
            previous=[PreviousScan(tmp_path / "bunny-inverted.obj", DATE)],
        )
    change = result.report["change"][0]
    assert change["alignment"]["fitness"] > 0.95
    assert change["scan"]["min"] == pytest.approx(-DEPTH, abs=4 * COMBINED)
    positions, values, _ = _decoded(tmp_path / "out" / "lod0.glb")
    core = np.linalg.norm(positions - scans.centre, axis=1) < RADIUS - 1.0
    assert np.median(values[core]) == pytest.approx(-DEPTH, abs=COMBINED / 3)
    # previous0.glb is written wound outwards, its normals with it
    doc, data = unpack_glb((tmp_path / "out" / "previous0.glb").read_bytes())
    prim = doc["meshes"][0]["primitives"][0]
    q = read_accessor(doc, data, prim["attributes"]["POSITION"])[:, :3].astype(np.float64)
    normals = read_accessor(doc, data, prim["attributes"]["NORMAL"])[:, :3].astype(np.float64)
    faces = read_accessor(doc, data, prim["indices"]).reshape(-1, 3)
    a, b, c = (q[faces[:, i]] for i in range(3))
    outward = np.einsum("ij,ij->i", np.cross(b - a, c - a), a - q.mean(axis=0))
    assert np.mean(outward > 0) > 0.8
    assert np.mean(np.einsum("ij,ij->i", normals, q - q.mean(axis=0)) > 0) > 0.8


def test_every_level_carries_its_change_and_every_glb_passes_the_validator(tour):
    folder = tour[1] / "models" / "bunny"
    report = _report(tour)
    for k, lod in enumerate(report["lods"]):
        positions, change, deviation = _level(tour, k)
        assert len(change) == len(positions) == lod["vertices"]
        stats = report["change"][0]["levels"][k]
        measured = change[np.abs(change) < NOT_MEASURED_MIN]
        assert measured.min() == pytest.approx(stats["min"], abs=1e-5)
        assert measured.max() == pytest.approx(stats["max"], abs=1e-5)
        hist = lod["per_vertex_deviation"]["histogram"]
        assert len(hist["edges"]) == len(hist["counts"]) + 1 == 33 and sum(hist["counts"]) == len(deviation)
        assert hist["edges"][0] == 0.0 and hist["edges"][-1] == pytest.approx(float(deviation.max()))
    files = [folder / "lod0.glb", folder / "lod1.glb", folder / "lod1.uncompressed.glb", folder / "previous0.glb"]
    for path, result in zip(files, validate(files)):
        assert result["numErrors"] == 0, (path.name, result["messages"][:3])


def test_the_previous_glb_lies_in_the_current_frame(tour, scans):
    previous = scans.previous
    doc, data = unpack_glb((tour[1] / "models" / "bunny" / "previous0.glb").read_bytes())
    node = doc["nodes"][0]
    assert doc["asset"]["extras"]["date"] == DATE
    q = read_accessor(doc, data, doc["meshes"][0]["primitives"][0]["attributes"]["POSITION"])[:, :3]
    positions = (np.asarray(node["translation"]) + node["scale"][0] * q.astype(np.float64)) / UNIT_METRES["mm"]
    lo, hi = transformed(previous, np.linalg.inv(MOTION)).bounds  # where it was before it was moved
    assert np.allclose(positions.min(axis=0), lo, atol=0.1) and np.allclose(positions.max(axis=0), hi, atol=0.1)


def test_tour_json_names_the_previous_scan_and_the_downloads(tour):
    doc = json.loads((tour[1] / "tour.json").read_text())
    model = doc["models"][0]
    report = _report(tour)
    base = "models/bunny"
    assert model["diagonal"] == pytest.approx(report["input"]["diagonal"])
    assert model["previous"] == [
        {
            "date": DATE,
            "path": f"{base}/previous0.glb",
            "attribute": "_change_0",
            "rms": report["change"][0]["alignment"]["rms"],
            "noise": report["change"][0]["noise"],
            "limits": report["change"][0]["limits"],
            "notMeasured": 1e30,
        }
    ]
    assert model["downloads"] == {"scan": f"{base}/scan/bunny.zip", "glb": f"{base}/lod1.uncompressed.glb"}
    assert model["lods"][-1]["uncompressedPath"] == f"{base}/lod1.uncompressed.glb"
    assert "uncompressedPath" not in model["lods"][0]
    assert validate_built(tour[1]) == []  # the schema and every file named


def test_the_scan_zip_holds_the_original_files_byte_for_byte(tour):
    root = tour[0].parent
    with zipfile.ZipFile(tour[1] / "models" / "bunny" / "scan" / "bunny.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names) and "bunny.obj" in names and "bunny-2019.obj" not in names
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert archive.read(info) == (root / "models" / info.filename).read_bytes()


def test_editing_a_previous_scan_changes_only_the_model_stage_key(tour, scans, tmp_path):
    path = tour[0]
    parsed, _ = read_tour(path)
    before = {s.name: s.key for s in plan_stages(parsed, tmp_path, FileHasher())}
    previous = scans.previous
    write_obj(previous.replace(positions=previous.positions + 0.01), path.parent / "models" / "bunny-2019.obj")
    after = {s.name: s.key for s in plan_stages(parsed, tmp_path, FileHasher())}
    data = yaml.safe_load(path.read_text())
    data["models"][0]["previous"][0]["date"] = "2019-05-15"
    moved = path.parent / "redated.yaml"
    moved.write_text(yaml.safe_dump(data))
    redated = {s.name: s.key for s in plan_stages(read_tour(moved)[0], tmp_path, FileHasher())}
    write_obj(previous, path.parent / "models" / "bunny-2019.obj")  # as the built tour had it
    assert after["model bunny"] != before["model bunny"] != redated["model bunny"] != after["model bunny"]
    assert {k: v for k, v in after.items() if k != "model bunny"} == {
        k: v for k, v in before.items() if k != "model bunny"
    }


@pytest.mark.parametrize(
    ("previous", "where", "says"),
    [
        ([{"source": "models/ball.obj"}], "models[0].previous[0].date", "previous scan has no date"),
        ([{"source": "models/ball.obj", "date": "2019-02-30"}], "models[0].previous[0].date", "not a day"),
        ([{"source": "models/ball.obj", "date": "14/05/2019"}], "models[0].previous[0].date", "not a day"),
        ([{"source": "models/gone.obj", "date": DATE}], "models[0].previous[0].source", "'models/gone.obj' not found"),
        ([{"source": "../ball.obj", "date": DATE}], "models[0].previous[0].source", "leaves the tour folder"),
        ([{"source": "/tmp/ball.obj", "date": DATE}], "models[0].previous[0].source", "is absolute"),
        ([{"date": DATE}], "models[0].previous[0].source", "previous scan has no source"),
        ([{"source": "models/ball.obj", "date": DATE, "units": "inch"}], "models[0].previous[0].units", "unknown"),
        (["models/ball.obj"], "models[0].previous[0]", "a previous scan is a mapping"),
        ({"source": "models/ball.obj"}, "models[0].previous", "expected a list"),
        ([{"source": "models/ball.fbx", "date": DATE}], "models[0].previous[0].source", "FBX is not supported"),
        ([{"source": "models/ball.xyz", "date": DATE}], "models[0].previous[0].source", "not a mesh format the build"),
    ],
)
def test_a_bad_previous_scan_is_a_problem_naming_its_line_field_and_fix(tmp_path, previous, where, says):
    write_obj(uv_sphere(8, 16), tmp_path / "models" / "ball.obj")
    model = {"id": "ball", "source": "models/ball.obj", "units": "mm", "previous": previous}
    problems = validate_path(small_tour(tmp_path, models=[model]))
    found = [p for p in problems if says in p.message]
    assert len(found) == 1, problems
    assert found[0].location.startswith("tour.yaml:") and found[0].location.endswith(where) and found[0].fix


@pytest.mark.parametrize(
    ("model_units", "source", "units", "says"),
    [
        (
            "mm",
            "models/ball.obj",
            "unknown",
            "previous scan units 'unknown' cannot be compared with the model's units 'mm'",
        ),
        (
            None,
            "models/ball.obj",
            "mm",
            "units 'mm' cannot be compared with the model's units 'unknown' (what its .obj",
        ),
        ("unknown", "models/ball.obj", "m", "units 'm' cannot be compared with the model's units 'unknown':"),
        (None, "models/ball.glb", "unknown", "units 'unknown' cannot be compared with the model's units 'm' (what its"),
        ("mm", "models/ball.obj", "cm", None),  # both known: scaled
        (None, "models/ball.glb", "mm", None),
        ("unknown", "models/ball.obj", "unknown", None),
    ],
)
def test_units_a_previous_scan_cannot_be_compared_in_are_a_problem_before_any_stage(
    tmp_path, model_units, source, units, says
):
    from vtour.errors import VtourError
    from vtour.model.glb import encode_glb

    ball = uv_sphere(8, 16)
    write_obj(ball, tmp_path / "models" / "ball.obj")
    (tmp_path / "models" / "ball.glb").write_bytes(encode_glb(ball, [None]))
    model = {"id": "ball", "source": source, "previous": [{"source": "models/ball.obj", "date": DATE, "units": units}]}
    if model_units:
        model["units"] = model_units
    path = small_tour(tmp_path, models=[model])
    problems = validate_path(path)
    if says is None:
        assert problems == []
        return
    (found,) = problems
    assert says in found.message and "None" not in found.message
    assert re.fullmatch(r"tour\.yaml:\d+: models\[0\]\.previous\[0\]\.units", found.location)
    assert "units:" in found.fix
    with pytest.raises(VtourError, match=r"previous\[0\]\.units"):
        build_tour(path, tmp_path / "out", jobs=1)
    assert not (tmp_path / "out").exists()


def test_unquoted_dates_are_days_and_duplicate_dates_are_fine(tmp_path):
    write_obj(uv_sphere(8, 16), tmp_path / "models" / "ball.obj")
    path = small_tour(tmp_path, models=[{"id": "ball", "source": "models/ball.obj"}])
    text = path.read_text().replace(
        "source: models/ball.obj\n",
        "source: models/ball.obj\n  units: mm\n  downloads: true\n  previous:\n"
        "  - {source: models/ball.obj, date: 2019-05-14}\n  - {source: models/ball.obj, date: 2019-05-14, units: cm}\n",
    )
    path.write_text(text)
    tour, problems = read_tour(path)
    assert problems == [] and validate_path(path) == []
    model = tour.models[0]
    assert model.downloads is True
    assert [(p.source, p.date, p.units) for p in model.previous] == [
        ("models/ball.obj", DATE, None),
        ("models/ball.obj", DATE, "cm"),
    ]


def test_downloads_must_be_true_or_false(tmp_path):
    write_obj(uv_sphere(8, 16), tmp_path / "models" / "ball.obj")
    model = {"id": "ball", "source": "models/ball.obj", "downloads": "yes please"}
    problems = validate_path(small_tour(tmp_path, models=[model]))
    assert [p.location.split(": ", 1)[1] for p in problems] == ["models[0].downloads"]
    assert "true or false" in problems[0].message


def test_signed_distance_is_negative_inside_the_previous_surface():
    ball = uv_sphere(64, 128)  # radius 1, wound outwards
    surface = PreviousSurface(ball.positions, ball.faces)
    directions = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, -1], [0.6, 0.0, 0.8]])
    (inside, covered_in), (outside, covered_out) = (surface.signed_distance(f * directions) for f in (0.9, 1.25))
    surface.dispose()
    assert np.allclose(inside, -0.1, atol=2e-3) and np.allclose(outside, 0.25, atol=2e-3)
    assert covered_in.all() and covered_out.all()  # the UV seam and the poles are no border


def test_where_the_previous_scan_has_a_hole_nothing_is_measured():
    ball = uv_sphere(64, 128)
    centre = ball.positions[ball.faces].mean(axis=1)
    holed = ball.replace(faces=ball.faces[centre[:, 2] < 0.8], face_material=ball.face_material[centre[:, 2] < 0.8])
    surface = PreviousSurface(holed.positions, holed.faces)
    values, covered = surface.signed_distance(ball.positions)
    surface.dispose()
    z = ball.positions[:, 2]
    assert not covered[z > 0.83].any() and covered[z < 0.78].all()  # the rim is jagged in between
    assert np.abs(values[covered]).max() < 1e-3 and np.abs(values[z > 0.95]).min() > 0.1  # the rim is far
    stats = level_change(values, ball.positions, ball.faces, {"minor": 0.01, "major": 0.05}, covered)
    cap = vertex_areas(ball.positions, ball.faces)[~covered].sum() / vertex_areas(ball.positions, ball.faces).sum()
    assert stats["area_fraction"]["uncovered"] == pytest.approx(cap)
    assert stats["area_fraction"]["major"] == 0.0 and stats["max"] < 1e-3
    assert sum(stats["area_fraction"].values()) == pytest.approx(1.0)


def _grid(n: int, z: float, up: bool) -> tuple[np.ndarray, np.ndarray]:
    """A square [-1, 1]^2 at height z, n x n quads as triangles wound to face +z (``up``) or -z."""
    u = np.linspace(-1.0, 1.0, n + 1)
    x, y = np.meshgrid(u, u)
    positions = np.c_[x.ravel(), y.ravel(), np.full(x.size, z)]
    i = (np.arange(n)[:, None] * (n + 1) + np.arange(n)[None, :]).ravel()
    faces = np.r_[np.c_[i, i + 1, i + n + 2], np.c_[i, i + n + 2, i + n + 1]]
    return positions, faces if up else faces[:, ::-1]


def test_a_point_over_the_far_side_of_a_thin_part_is_not_measured():
    """A slab 0.1 thick whose previous scan has a hole in its top: a point of the current top over
    the hole is closest to the slab's bottom, which faces the other way: not measured, where
    without the normals it would read as a 0.1 loss."""
    top, top_faces = _grid(100, 0.1, True)
    bottom, bottom_faces = _grid(100, 0.0, False)
    seen = np.linalg.norm(top[top_faces].mean(axis=1)[:, :2], axis=1) > 0.5
    surface = PreviousSurface(np.r_[top, bottom], np.r_[top_faces[seen], bottom_faces + len(top)])
    points = np.array([[0.0, 0.0, 0.1], [0.8, 0.8, 0.1], [0.8, 0.8, 0.08]])  # over the hole; on the top; 0.02 lost
    normals = np.tile([0.0, 0.0, 1.0], (3, 1))
    values, covered = surface.signed_distance(points, normals)
    blind, seen_all = surface.signed_distance(points)
    surface.dispose()
    assert covered.tolist() == [False, True, True] and seen_all.all()
    assert values[1:] == pytest.approx([0.0, -0.02], abs=1e-9) and blind[0] == pytest.approx(-0.1)


def test_a_level_vertex_carries_the_area_weighted_mean_of_the_scan_it_stands_for():
    values = np.array([1.0, 3.0, 5.0, 7.0])
    covered = np.array([True, True, False, True])
    weight = np.array([1.0, 3.0, 2.0, 1.0])
    nearest = np.array([0, 0, 1, 1])  # scan vertices 0, 1 -> level vertex 0; 2, 3 -> level vertex 1
    group = np.array([0, 1, 0])  # level vertex 2 is a copy of 0 (a UV seam)
    out, measured, reached = carried(values, covered, weight, np.arange(4), nearest, group)
    assert out[[0, 2]] == pytest.approx([2.5, 2.5])  # (1 x 1 + 3 x 3) / 4
    assert measured.tolist() == [True, False, True]  # vertex 1: only a third of its weight measured
    assert reached.all()


def test_a_level_vertex_standing_for_no_scan_vertex_takes_the_scans_value_where_it_lies():
    ball = uv_sphere(16, 32)
    values, covered = ball.positions[:, 2] * 0.01, ball.positions[:, 2] > -0.9
    surface = Surface(ball.positions, ball.faces)
    charged = np.arange(0, ball.vertex_count, 2)  # half the scan: the rest stands for nothing
    ((out, measured),) = carried_to_level([(values, covered)], ball, surface, charged, charged, ball.positions)
    surface.dispose()
    assert out[measured] == pytest.approx(values[measured], abs=1e-9)
    assert measured.tolist() == covered.tolist()


def test_noise_is_the_robust_spread_and_ignores_a_minority_of_change():
    rng = np.random.default_rng(0)
    distances = rng.normal(0.0, 0.3, 100_000)
    distances[:5_000] = -2.0  # a 5 % loss
    assert estimate_noise(distances) == pytest.approx(0.3, rel=0.1)
    assert default_limits(0.3) == pytest.approx({"minor": 0.9, "major": 3.0})


def test_area_fractions_weigh_vertices_by_their_area():
    ball = uv_sphere(32, 64)
    values = np.where(ball.positions[:, 2] > 0.5, -1.0, 0.0)  # a cap lost
    stats = level_change(values, ball.positions, ball.faces, {"minor": 0.1, "major": 0.5})
    cap = vertex_areas(ball.positions, ball.faces)[ball.positions[:, 2] > 0.5].sum()
    assert stats["area_fraction"]["major"] == pytest.approx(cap / vertex_areas(ball.positions, ball.faces).sum())
    assert stats["area_fraction"]["minor"] == 0.0 and stats["min"] == -1.0 and stats["max"] == 0.0


def test_a_change_attribute_needs_a_name_starting_with_an_underscore_and_a_value_per_vertex():
    from vtour.errors import VtourError
    from vtour.model.glb import encode_glb

    ball = uv_sphere(8, 16)
    values = np.linspace(-1, 1, ball.vertex_count)
    doc, data = unpack_glb(encode_glb(ball, [None], attributes={"_CHANGE_0": values, "_CHANGE_1": -values}))
    attributes = doc["meshes"][0]["primitives"][0]["attributes"]
    assert list(attributes)[-2:] == ["_CHANGE_0", "_CHANGE_1"]
    assert sorted(read_accessor(doc, data, attributes["_CHANGE_1"])) == pytest.approx(sorted(-values), abs=1e-6)
    for bad in ({"CHANGE_0": values}, {"_CHANGE_0": values[:-1]}):
        with pytest.raises(VtourError, match="attribute"):
            encode_glb(ball, [None], attributes=bad)


def test_validate_names_a_missing_previous_glb_or_scan_zip_of_a_built_tour(tour, tmp_path):
    import shutil

    copy = tmp_path / "built"
    shutil.copytree(tour[1], copy)
    (copy / "models" / "bunny" / "previous0.glb").unlink()
    (copy / "models" / "bunny" / "scan" / "bunny.zip").unlink()
    problems = validate_built(copy)
    assert sorted(p.location for p in problems) == [
        "tour.json: models[0].downloads.scan",
        "tour.json: models[0].previous[0].path",
    ]
    assert all("not found" in p.message and p.fix == "rebuild the tour" for p in problems)


def test_a_previous_scan_of_another_object_is_warned_about(tour, tmp_path):
    from vtour.errors import VtourWarning
    from vtour.model import DEFAULT_MODEL_OPTIONS, Level, PreviousScan, build_model

    ball = uv_sphere(32, 64, radius=40.0)
    write_obj(ball, tmp_path / "ball.obj")
    options = DEFAULT_MODEL_OPTIONS.replace(units="mm", lods=(Level(2000, 64),), deviation_samples=5000)
    with pytest.warns(VtourWarning, match=r"ball.obj: only \d+ % .*\(previous0.glb\) is unreliable"):
        result = build_model(
            tour[0].parent / "models" / "bunny.obj",
            tmp_path / "out",
            options,
            previous=[PreviousScan(tmp_path / "ball.obj", DATE)],
        )
    assert result.report["change"][0]["alignment"]["fitness"] < 0.5
