"""The sample grotto: files, reproducibility, a tour.yaml that validates, and hotspots that land on
what they name in the rendered panoramas."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from PIL import Image

from vtour.cli import main
from vtour.errors import VtourError
from vtour.model.mesh import Material
from vtour.render import render_equirect
from vtour.sample import (
    TINY_SAMPLE_OPTIONS,
    cave,
    sample_is_complete,
    write_sample,
)
from vtour.sample.statue import CHIP, NOISE
from vtour.sample.write import PREVIOUS_DATE, PREVIOUS_SOURCE, STATUE_AT, VIEWPOINTS, previous_statue, sample_world

EXPECTED = {"tour.yaml", "panoramas/entrance.jpg", "panoramas/chamber.jpg", "panoramas/niche.jpg",
            "models/statue.obj", "models/statue.mtl", "models/statue_0.png", "models/statue-2019.obj",
            "models/statue-2019.mtl", "models/statue-2019_0.png", "models/grotto.obj",
            "models/grotto.mtl", "images/mural.jpg"} | {
               f"narration/{name}.{lang}.{ext}" for name in ("entrance", "preaching-south") for lang in ("en", "zh")
               for ext in ("wav", "vtt")} | {f"models/grotto_{k}.png" for k in range(len(cave.MATERIALS))}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    write_sample(folder, TINY_SAMPLE_OPTIONS)
    return folder


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_tiny_sample_writes_the_expected_files(sample):
    assert set(_files(sample)) == EXPECTED
    assert sample_is_complete(sample)
    import cv2

    pano = cv2.imread(str(sample / "panoramas" / "entrance.jpg"))
    assert pano.shape == (TINY_SAMPLE_OPTIONS.width // 2, TINY_SAMPLE_OPTIONS.width, 3)


def test_same_seed_gives_the_same_bytes_and_another_seed_differs(sample, tmp_path):
    write_sample(tmp_path / "again", TINY_SAMPLE_OPTIONS)
    assert _files(tmp_path / "again") == _files(sample)
    write_sample(tmp_path / "other", TINY_SAMPLE_OPTIONS.replace(seed=1))
    assert _files(tmp_path / "other")["panoramas/chamber.jpg"] != _files(sample)["panoramas/chamber.jpg"]


def test_existing_sample_is_not_overwritten_without_force(sample):
    with pytest.raises(VtourError, match="--force"):
        write_sample(sample, TINY_SAMPLE_OPTIONS)


def test_an_interrupted_sample_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    import vtour.sample.write as sample_write

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sample_write, "render_equirect", interrupted)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("the user's")
    for folder in (tmp_path / "mine", tmp_path / "new" / "deeper"):
        with pytest.raises(KeyboardInterrupt):
            write_sample(folder, TINY_SAMPLE_OPTIONS, overwrite=True)
    assert _files(tmp_path) == {"mine/notes.txt": b"the user's"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_tour_yaml_has_english_and_chinese_texts_and_validates(sample):
    doc = yaml.safe_load((sample / "tour.yaml").read_text("utf-8"))
    assert doc["languages"] == ["en", "zh"] and set(doc["title"]) == {"en", "zh"}
    kinds = set()
    for scene in doc["scenes"]:
        assert set(scene["title"]) == {"en", "zh"}
        for h in scene["hotspots"]:
            kinds.add(h["type"])
            if h["type"] == "info":
                assert set(h["title"]) == {"en", "zh"} and set(h["text"]) == {"en", "zh"}
            assert -180 <= h["yaw"] < 180 and -90 <= h["pitch"] <= 90
    assert kinds == {"link", "info", "model"}
    ids = {s["id"] for s in doc["scenes"]}
    links = [(s["id"], h["target"]) for s in doc["scenes"] for h in s["hotspots"] if h["type"] == "link"]
    assert {t for _, t in links} == ids, "every scene is reachable by a computed link"
    from vtour.tour.document import read_tour

    _, problems = read_tour(sample / "tour.yaml")
    assert problems == [], [str(p) for p in problems]


def test_the_mural_is_a_deep_zoom_image_with_regions_in_english_and_chinese_opened_by_a_hotspot(sample):
    from vtour.tour import read_tour, validate_tour

    tour, _ = read_tour(sample / "tour.yaml")
    assert validate_tour(tour) == []
    (mural,) = tour.images
    with Image.open(sample / mural.source[0]) as im:
        assert im.size == (TINY_SAMPLE_OPTIONS.mural_width, TINY_SAMPLE_OPTIONS.mural_width // 2)
    assert len(mural.annotations) == 2
    for a in mural.annotations:
        assert set(a.title) == set(a.text) == {"en", "zh"}
        x, y, w, h = a.region
        assert 0 <= x and 0 <= y and x + w <= im.size[0] and y + h <= im.size[1]
    openers = [(s.id, h.id) for s in tour.scenes for h in s.hotspots if tour.deep_zoom(h) is mural]
    assert openers, "a scene's info hotspot opens the mural"


def test_hotspots_land_on_the_statue_and_the_murals_in_the_rendered_panorama(sample):
    """Render the sample with the statue and each mural painted a flat key colour; each hotspot's
    pixel must show the key colour of what it names."""
    room, figure, _ = sample_world(TINY_SAMPLE_OPTIONS)
    keys = {"wall_left": (255, 0, 0), "wall_right": (0, 255, 0), "caisson": (0, 0, 255),
            "niche_back": (255, 255, 0)}
    materials = tuple(Material(m.name, base_color=(*(c / 255 for c in keys[m.name]), 1.0))
                      if m.name in keys else m for m in room.materials)
    statue = figure.replace(positions=figure.positions + STATUE_AT,
                            materials=(Material("statue", base_color=(1.0, 0.0, 1.0, 1.0)),), uv=None)
    world = cave.combine([room.replace(materials=materials), statue.replace(uv=np.zeros((statue.vertex_count, 2)))])
    by_title = {"Preaching scene, south wall": keys["wall_left"], "Preaching scene, north wall": keys["wall_right"],
                "Caisson ceiling": keys["caisson"], "Halo and mandorla": keys["niche_back"]}
    doc = yaml.safe_load((sample / "tour.yaml").read_text("utf-8"))
    width, checked = 512, 0
    for scene, (_, position, _, _) in zip(doc["scenes"], VIEWPOINTS):
        rgb, _ = render_equirect(world, position, width, supersample=1)
        for h in scene["hotspots"]:
            if h["type"] == "link":
                continue
            want = (255, 0, 255) if h["type"] == "model" else by_title[h["title"]["en"]]
            col = int((h["yaw"] / 360 + 0.5) * width)
            row = int((0.5 - h["pitch"] / 180) * (width // 2))
            got = rgb[row - 1:row + 2, col - 1:col + 2].reshape(-1, 3)
            assert (np.abs(got.astype(int) - want).max(axis=1) <= 2).all(), (scene["id"], h, got)
            checked += 1
    assert checked >= 6
    assert any(h["type"] == "model" for s in doc["scenes"] for h in s["hotspots"])


def test_statue_is_a_dense_scan_with_holes():
    from vtour.sample.statue import statue

    mesh = statue(np.random.default_rng(0), triangles=200_000, texture_size=64)
    assert 190_000 < mesh.triangle_count < 200_000, "holes remove a few faces"
    # Holes leave boundary edges beyond the open bottom ring and the UV seam.
    edges = np.sort(mesh.faces[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2), axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    assert (counts == 1).sum() > 2 * 450 + 100
    assert mesh.textured and mesh.units == "m"
    lo, hi = mesh.bounds
    assert hi[1] == pytest.approx(1.715, abs=0.01) and lo[1] == pytest.approx(0.0, abs=0.01)


def test_the_statue_lost_a_chip_since_its_previous_scan_and_the_change_map_finds_it(sample, tmp_path):
    from vtour.model import DEFAULT_MODEL_OPTIONS, Level, PreviousScan, build_model
    from vtour.model.glb import read_accessor, unpack_glb

    doc = yaml.safe_load((sample / "tour.yaml").read_text("utf-8"))
    model = doc["models"][0]
    assert model["downloads"] is True and model["previous"] == [{"source": PREVIOUS_SOURCE, "date": PREVIOUS_DATE}]
    options = DEFAULT_MODEL_OPTIONS.replace(units="m", lods=(Level(30_000, 64),), deviation_samples=20_000)
    previous = [PreviousScan(sample / PREVIOUS_SOURCE, PREVIOUS_DATE)]
    result = build_model(sample / "models" / "statue.obj", tmp_path / "statue", options, previous=previous)
    change = result.report["change"][0]
    # the earlier scan's own frame is undone
    error = np.asarray(change["alignment"]["transform"]) @ previous_statue(TINY_SAMPLE_OPTIONS)[1]
    assert np.degrees(np.arccos(min(1.0, (np.trace(error[:3, :3]) - 1) / 2))) < 0.1
    assert np.linalg.norm(error[:3, 3]) < 2 * NOISE
    assert change["alignment"]["rms"] < 2 * NOISE and change["noise"] < 2 * NOISE
    # the chip: its depth, within the noise, and its place on the right knee
    height, angle, radius, depth = CHIP
    level = change["levels"][0]
    assert level["min"] == pytest.approx(-depth, abs=3 * change["noise"])
    assert 0 < level["area_fraction"]["major"] < 0.01
    gl, data = unpack_glb((tmp_path / "statue" / "lod0.glb").read_bytes())
    node, prim = gl["nodes"][0], gl["meshes"][0]["primitives"][0]
    q = read_accessor(gl, data, prim["attributes"]["POSITION"])[:, :3].astype(np.float64)
    p = np.asarray(node["translation"]) + node["scale"][0] * q - STATUE_AT
    lost = read_accessor(gl, data, prim["attributes"]["_CHANGE_0"]) < -change["limits"]["major"]
    assert lost.sum() > 10
    assert np.all(np.abs(p[lost, 1] - height) < 1.2 * radius)
    assert np.all(np.abs(np.arctan2(p[lost, 0], p[lost, 2]) - angle) < 0.5)


def test_cli_sample_tiny(tmp_path, capsys):
    assert main(["sample", str(tmp_path / "s"), "--tiny"]) == 0
    assert "rays/s" in capsys.readouterr().out
    assert main(["sample", str(tmp_path / "s"), "--tiny"]) == 2


def test_the_entrance_and_the_south_mural_have_narration_in_english_and_chinese_and_the_tour_a_kiosk(sample):
    import wave

    from vtour.tour import read_tour, validate_tour
    from vtour.tour.validate import captions_problem

    doc = yaml.safe_load((sample / "tour.yaml").read_text("utf-8"))
    entrance = doc["scenes"][0]
    assert entrance["id"] == "entrance" and set(entrance["description"]) == {"en", "zh"}
    narrated = [entrance["narration"]] + [h["narration"] for s in doc["scenes"] for h in s["hotspots"] if "narration" in h]
    assert len(narrated) == 2, "the entrance and one info hotspot (the first on the south mural)"
    for n in narrated:
        assert set(n["audio"]) == set(n["captions"]) == {"en", "zh"}
        for rel in n["audio"].values():
            assert (sample / rel).stat().st_size < 150_000
            with wave.open(str(sample / rel)) as w:
                assert w.getnchannels() == 1 and 16000 <= w.getframerate() <= 22050
                assert 2 <= w.getnframes() / w.getframerate() <= 6
        for rel in n["captions"].values():
            assert captions_problem(sample / rel) is None
    vtt = (sample / entrance["narration"]["captions"]["zh"]).read_text("utf-8")
    cues = [block.splitlines()[2] for block in vtt.split("\n\n")[1:] if block.strip()]
    assert 2 <= len(cues) <= 3 and "".join(cues) == entrance["description"]["zh"]
    assert doc["kiosk"]["attract"]["seconds_per_scene"] == 20
    assert set(doc["kiosk"]["attract"]["scenes"]) <= {s["id"] for s in doc["scenes"]}
    tour, problems = read_tour(sample / "tour.yaml")
    assert problems + validate_tour(tour) == []


def test_captions_break_after_a_clause_rather_than_inside_a_word():
    from vtour.sample.narration import split_cues

    assert split_cues("另一幅说法图，空中散布莲花。") == ["另一幅说法图，", "空中散布莲花。"]
    assert split_cues("A second preaching scene with lotus rosettes scattered in the sky.") == [
        "A second preaching scene",
        "with lotus rosettes scattered",
        "in the sky.",
    ]


def test_the_sample_s_hotspot_narration_is_on_an_info_hotspot_whose_dialog_offers_it(sample):
    """The viewer plays a hotspot's narration only from an info hotspot's dialog: not from one that
    opens the deep-zoom mural (the image viewer), nor from a link or a model."""
    from vtour.tour import read_tour

    tour, _ = read_tour(sample / "tour.yaml")
    (spot,) = [h for s in tour.scenes for h in s.hotspots if h.narration is not None]
    assert spot.type == "info" and spot.image is None and tour.deep_zoom(spot) is None
    assert spot.title["en"] == "Preaching scene, south wall" and spot.text
    assert tour.plays_narration(spot)


def test_the_built_sample_has_its_narration_in_media_and_its_kiosk_settings(sample, tmp_path):
    import json

    from vtour.tour import build_tour
    from vtour.tour.validate import validate_built

    out = tmp_path / "built"
    build_tour(sample / "tour.yaml", out, cache_dir=tmp_path / "cache")
    doc = json.loads((out / "tour.json").read_text("utf-8"))
    narration = doc["scenes"][0]["narration"]
    assert set(narration["audio"]) == {"en", "zh"} and all(p.startswith("media/") for p in narration["audio"].values())
    assert all((out / p).is_file() for files in narration.values() for p in files.values())
    spots = [h for s in doc["scenes"] for h in s["hotspots"] if "narration" in h]
    assert len(spots) == 1 and spots[0]["type"] == "info" and "deepZoom" not in spots[0]
    assert all((out / p).is_file() for files in spots[0]["narration"].values() for p in files.values())
    assert doc["settings"]["kiosk"] == {
        "idleSeconds": 60,
        "countdownSeconds": 15,
        "attract": {"scenes": ["entrance", "chamber", "niche"], "secondsPerScene": 20, "narration": True},
    }
    assert validate_built(out) == []
