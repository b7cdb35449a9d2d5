"""The six views, the turntable and the scale bar (vtour/collection/views.py), against an independent
reference: silhouettes of the projected triangles filled by Pillow (tests/collection_render_reference.py)."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from collection_render_reference import ASYMMETRIC_BOXES, SPEC_AXES, box_mesh, iou, silhouette
from data_paths import SHARED_DATA, require
from PIL import Image

from vtour.collection.views import (
    BACKGROUND,
    SMALL_VIEW_SIZE,
    THUMB_SIZE,
    THUMB_SMALL_SIZE,
    VIEW_FILL,
    VIEW_NAMES,
    render_turntable,
    render_views,
    scale_bar,
    views_options,
    views_stage,
    write_views,
)
from vtour.errors import VtourError
from vtour.model.io import read_mesh
from vtour.model.mesh import Material
from vtour.sample.statue import statue

ARTIFACTS = Path(__file__).parent / "artifacts" / "collection_views"
SIZE = 256


def fuze_path() -> Path:
    return require(SHARED_DATA / "meshes/fuze/fuze.obj", "the textured fuze bottle scan")


def covered(rgb: np.ndarray) -> np.ndarray:
    """(h, w) bool: pixels at least about half covered by the dark test mesh (red channel: the
    background's 236 and the mesh's < 70 sRGB meet at 180 when averaged half and half in linear light)."""
    return rgb[..., 0] < 180


def view_step(mesh, size: int) -> float:
    """Mesh units per pixel as the spec has it: the largest extent fills VIEW_FILL of the side."""
    used = mesh.positions[np.unique(mesh.faces)]
    return float(np.ptp(used, axis=0).max()) / (VIEW_FILL * size)


def longest_dark_run(rgb: np.ndarray) -> int:
    """The longest horizontal run of dark pixels: the scale bar's length in px."""
    dark = rgb.max(axis=2) < 100
    best = 0
    for row in dark:
        edges = np.flatnonzero(np.diff(np.concatenate([[0], row.astype(np.int8), [0]])))
        if len(edges):
            best = max(best, int((edges[1::2] - edges[::2]).max()))
    return best


@pytest.fixture(scope="module")
def asymmetric():
    return box_mesh(ASYMMETRIC_BOXES)


@pytest.fixture(scope="module")
def asymmetric_views(asymmetric):
    return render_views(asymmetric, SIZE, metres_per_unit=None)


# --- geometry: the six views and the turntable against the reference -----------------------------------


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_each_view_matches_the_silhouette_projected_along_its_axis(asymmetric, asymmetric_views, name):
    rgb = asymmetric_views[name]
    assert rgb.shape == (SIZE, SIZE, 3) and rgb.dtype == np.uint8
    reference = silhouette(asymmetric, *SPEC_AXES[name], view_step(asymmetric, SIZE), SIZE)
    assert iou(covered(rgb), reference) > 0.97
    # the object is asymmetric enough that a mirrored or upside-down view would fail: orientation is pinned
    assert iou(covered(rgb), reference[:, ::-1]) < 0.8
    assert iou(covered(rgb), reference[::-1]) < 0.8


def test_the_front_is_at_the_bottom_of_the_top_view_and_the_right_side_at_the_right_of_the_front_view(
    asymmetric_views,
):
    # the nose sits at +X, +Z (the right front), the tower at -X, -Z (the left back)
    nose_top = covered(asymmetric_views["top"])
    rows = np.flatnonzero(nose_top.any(axis=1))
    assert nose_top[rows[-1]].nonzero()[0].mean() > SIZE / 2  # the bottom row is the nose, on the right (+X)
    tower_front = covered(asymmetric_views["front"])
    rows = np.flatnonzero(tower_front.any(axis=1))
    assert tower_front[rows[0]].nonzero()[0].mean() < SIZE / 2  # the tower stands at -X: left in the front view
    tower_right = covered(asymmetric_views["right"])
    rows = np.flatnonzero(tower_right.any(axis=1))
    assert tower_right[rows[0]].nonzero()[0].mean() > SIZE / 2  # and at -Z: right in the right view


def test_the_six_views_of_the_sample_statue_match_the_reference():
    mesh = statue(np.random.default_rng(3), 6000, 64)
    # untextured and dark: its silhouette is what this test compares
    lit = mesh.replace(materials=(Material(base_color=(0.05, 0.1, 0.4, 1.0)),), uv=None, colors=None)
    views = render_views(lit, SIZE, metres_per_unit=None)
    for name in VIEW_NAMES:
        reference = silhouette(lit, *SPEC_AXES[name], view_step(lit, SIZE), SIZE, supersample=2)
        assert iou(covered(views[name]), reference) > 0.97, name


def test_turntable_frame_k_is_the_camera_turned_k_steps_counter_clockwise_seen_from_above(asymmetric):
    # frame 0 is the front, a quarter turn (camera on +X) the right view, half a turn the back, and
    # every frame between them the silhouette seen from (sin a, 0, cos a), image right (cos a, 0, -sin a)
    frames, size = 8, SIZE
    strip = render_turntable(asymmetric, size, frames)
    assert strip.shape == (size, size * frames, 3) and strip.dtype == np.uint8
    used = asymmetric.positions
    centre = (used.min(axis=0) + used.max(axis=0)) / 2
    radius = np.hypot(used[:, 0] - centre[0], used[:, 2] - centre[2]).max()
    step = max(2 * radius, np.ptp(used[:, 1])) / (VIEW_FILL * size)  # no turn crops the object
    named = {0: "front", frames // 4: "right", frames // 2: "back", 3 * frames // 4: "left"}
    for k in range(frames):
        a = 2 * math.pi * k / frames
        axes = SPEC_AXES[named[k]] if k in named else ((math.cos(a), 0, -math.sin(a)), (0, 1, 0))
        frame = covered(strip[:, k * size : (k + 1) * size])
        assert iou(frame, silhouette(asymmetric, *axes, step, size)) > 0.97, k
        assert frame[0].sum() == frame[-1].sum() == frame[:, 0].sum() == frame[:, -1].sum() == 0  # not cropped


# --- the scale bar ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, metres, label",
    [
        (0.1, 0.1, "10 cm"),
        (0.9, 1.0, "1 m"),
        (1.7, 2.0, "2 m"),
        (0.0051, 0.005, "5 mm"),
        (0.023, 0.02, "2 cm"),
        (0.0006, 0.0005, "0.5 mm"),
        (3.4, 5.0, "5 m"),
        (1400.0, 1000.0, "1 km"),
    ],
)
def test_the_scale_bar_is_the_round_length_nearest_a_quarter_of_the_side(target, metres, label):
    size = 1024
    mpp = target / (size / 4)
    bar = scale_bar(mpp, size)
    assert (bar.metres, bar.label) == (metres, label)
    assert abs(bar.pixels - metres / mpp) <= 0.5


@pytest.mark.parametrize(
    "units, metres_per_unit, label", [("m", 1.0, "5 m"), ("cm", 0.01, "5 cm"), ("mm", 0.001, "5 mm")]
)
def test_the_drawn_bar_is_metres_over_metres_per_pixel_long_and_labelled_in_the_scan_units(
    tmp_path, units, metres_per_unit, label
):
    # a 16-unit object: a quarter of the view is 16 / 0.8 / 4 = 5 units
    mesh = box_mesh([(0, 0, 0, 16, 8, 4)], colour=(0.8, 0.8, 0.8), units=units)
    summary = write_views(mesh, tmp_path, size=SIZE, frames=2, turntable_size=64, metres_per_unit=metres_per_unit)
    assert summary["metresPerPixel"] == pytest.approx(16 / (VIEW_FILL * SIZE) * metres_per_unit)
    bar = summary["scaleBar"]
    assert bar["label"] == label and bar["metres"] == pytest.approx(5 * metres_per_unit)
    assert abs(bar["pixels"] - bar["metres"] / summary["metresPerPixel"]) <= 1
    views = render_views(mesh, SIZE, metres_per_unit=metres_per_unit)
    for name in VIEW_NAMES:  # the same bar on all six: they share one scale
        corner = views[name][int(SIZE * 0.85) :, : SIZE // 2]
        assert abs(longest_dark_run(corner) - bar["pixels"]) <= 1, name


def test_unknown_units_draw_no_bar_and_say_so_in_views_json(tmp_path, asymmetric, asymmetric_views):
    summary = write_views(asymmetric, tmp_path, size=SIZE, frames=2, turntable_size=64, metres_per_unit=None)
    assert summary["metresPerPixel"] is None and summary["scaleBar"] is None
    assert json.loads((tmp_path / "views.json").read_text()) == summary
    corner = asymmetric_views["front"][int(SIZE * 0.92) :, : SIZE // 2]  # below the object
    assert (corner == np.asarray(BACKGROUND, np.uint8)).all()  # nothing drawn where the bar would be


# --- files, determinism, the real textured scan ----------------------------------------------------------


def test_write_views_writes_the_files_views_json_names_deterministically(tmp_path, asymmetric):
    first = write_views(asymmetric, tmp_path / "a", size=64, frames=6, turntable_size=32, metres_per_unit=1.0)
    second = write_views(asymmetric, tmp_path / "b", size=64, frames=6, turntable_size=32, metres_per_unit=1.0)
    assert first == second
    assert first["files"] == {name: f"views/{name}.jpg" for name in VIEW_NAMES}
    assert first["turntable"] == {"path": "turntable.jpg", "frames": 6, "size": 32} and first["thumb"] == "thumb.jpg"
    assert first["thumbSmall"] == "thumb-small.jpg"
    assert first["small"] == {name: f"views/small/{name}.jpg" for name in VIEW_NAMES}
    names = sorted(p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*") if p.is_file())
    expected = [*first["files"].values(), *first["small"].values(), "turntable.jpg", "thumb.jpg", "thumb-small.jpg"]
    assert names == sorted([*expected, "views.json"])
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    sizes = {
        "views/front.jpg": (64, 64),
        "turntable.jpg": (192, 32),
        "thumb.jpg": (THUMB_SIZE, THUMB_SIZE),
        "thumb-small.jpg": (THUMB_SMALL_SIZE, THUMB_SMALL_SIZE),
        "views/small/top.jpg": (64, 64),
    }
    for name, wh in sizes.items():
        with Image.open(tmp_path / "a" / name) as im:
            assert im.format == "JPEG" and im.size == wh


@pytest.mark.shared_data
def test_the_textured_fuze_scan_renders_in_its_texture_colours_through_the_stage(tmp_path):
    source = fuze_path()
    summary = views_stage(str(source), "m", {"size": 512, "turntable": 12, "turntable_size": 128}, str(tmp_path / "f"))
    assert summary["scaleBar"]["label"] == "5 cm"  # a 21.5 cm bottle
    again = views_stage(str(source), "m", {"size": 512, "turntable": 12, "turntable_size": 128}, str(tmp_path / "g"))
    assert again == summary
    for p in (tmp_path / "f").rglob("*.jpg"):
        assert p.read_bytes() == (tmp_path / "g" / p.relative_to(tmp_path / "f")).read_bytes(), p
    with Image.open(tmp_path / "f/views/bottom.jpg") as im:  # the bottle's label, side on
        rgb = np.asarray(im.convert("RGB")).astype(np.float64)
    body = np.abs(rgb - BACKGROUND).max(axis=2) > 30
    assert body.mean() > 0.1
    chroma = rgb[body].max(axis=1) - rgb[body].min(axis=1)
    assert chroma.mean() > 60  # red, orange and blue print, not a grey untextured shape
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name in [*VIEW_NAMES, "turntable", "thumb"]:
        rel = summary["files"].get(name, f"{name}.jpg")
        shutil.copyfile(tmp_path / "f" / rel, ARTIFACTS / f"fuze-{name}.jpg")
    unknown = views_stage(str(source), None, {"size": 64, "turntable": 1, "turntable_size": 64}, str(tmp_path / "u"))
    assert unknown["scaleBar"] is None  # an OBJ carries no units


def test_the_fuze_scan_is_textured_as_read():
    mesh = read_mesh(fuze_path())
    assert mesh.textured  # the colour test above is about the texture, not vertex colours


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda m: render_views(m, 15, metres_per_unit=None), "size"),
        (lambda m: render_views(m, 8193, metres_per_unit=None), "size"),
        (lambda m: render_views(m, 64.0, metres_per_unit=None), "size"),
        (lambda m: render_views(m, 64, metres_per_unit=0.0), "metres_per_unit"),
        (lambda m: render_turntable(m, 64, 0), "frames"),
        (lambda m: render_turntable(m, 10, 4), "turntable_size"),
        (lambda m: render_turntable(m, 1024, 64), "frames"),  # 65536 px: over JPEG's limit
        (lambda m: write_views(m, "unused", size=64, frames=0, turntable_size=64, metres_per_unit=None), "frames"),
        (lambda m: views_options({"size": 8}), "views.size"),
        (lambda m: views_options({"turntable": 0}), "views.turntable"),
        (lambda m: views_options({"turntable_size": True}), "views.turntable_size"),
        (lambda m: views_options({"sizes": 512}), "views.sizes"),
    ],
)
def test_bad_sizes_and_frame_counts_are_refused_naming_the_field(asymmetric, call, field):
    with pytest.raises(VtourError) as err:
        call(asymmetric)
    assert err.value.field == field and err.value.step == "views"


def test_a_stage_that_fails_leaves_no_output(tmp_path):
    with pytest.raises(VtourError):
        views_stage(str(tmp_path / "missing.ply"), None, {}, str(tmp_path / "out"))
    with pytest.raises(VtourError):
        views_stage(str(tmp_path / "missing.ply"), None, {"size": 4}, str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()
    assert views_options(None) == {"size": 1024, "turntable": 24, "turntable_size": 256}


def test_small_views_are_the_views_reduced_for_the_view_buttons(tmp_path, asymmetric):
    summary = write_views(asymmetric, tmp_path, size=256, frames=1, turntable_size=32, metres_per_unit=1.0)
    for name in VIEW_NAMES:
        with (
            Image.open(tmp_path / summary["small"][name]) as small,
            Image.open(tmp_path / summary["files"][name]) as full,
        ):
            assert small.size == (SMALL_VIEW_SIZE, SMALL_VIEW_SIZE)
            reduced = np.asarray(full.convert("RGB").resize(small.size, Image.Resampling.LANCZOS), dtype=np.float64)
            assert np.abs(np.asarray(small.convert("RGB"), dtype=np.float64) - reduced).mean() < 4, name
    assert (tmp_path / "thumb-small.jpg").stat().st_size < (tmp_path / "thumb.jpg").stat().st_size
