"""vtour.pano.stream: panoramas of any size in bounded memory, partial ones without empty tiles."""

import json
import math
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from vtour.conventions import FACES
from vtour.errors import VtourError
from vtour.pano import PanoOptions, build_pano, choose_face_size, source, stream
from vtour.pano.coverage import Coverage
from vtour.pano.manifest import decode_present

ROOT = Path(__file__).resolve().parents[1]

# (yaw, pitch, RGB) of the markers painted on the synthetic equirects
MARKERS = [(10.0, 10.0, (255, 0, 0)), (100.0, -20.0, (0, 255, 0)), (-135.0, 65.0, (0, 0, 255))]


def tiles_on_disc(out: Path) -> set[tuple[int, str, int, int]]:
    return {(int(p.parts[-4]), p.parts[-3], int(p.parts[-2]), int(p.stem)) for p in out.glob("*/*/*/*.*")}


def face_of(out: Path, z: int, face: str, level: dict) -> np.ndarray:
    n, t = level["size"], level["tileSize"]
    img = np.zeros((n, n, 3), np.uint8)
    for y in range(n // t):
        for x in range(n // t):
            p = out / f"{z}/{face}/{y}/{x}.jpg"
            if p.exists():
                img[y * t : (y + 1) * t, x * t : (x + 1) * t] = cv2.imread(str(p))[..., ::-1]
    return img


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 10 * math.log10(255**2 / max(mse, 1e-12))


def marker_centre(face: np.ndarray, rgb) -> tuple[float, float] | None:
    hit = np.all(np.abs(face.astype(int) - rgb) < 60, axis=2)
    if hit.sum() < 4:
        return None
    ys, xs = np.nonzero(hit)
    return float(ys.mean()), float(xs.mean())


def expected_pixel(yaw: float, pitch: float, face: str, n: int) -> tuple[float, float] | None:
    """Pixel (row, col) of a direction on a face, from vtour.conventions' axes (x right, y up, -z front)."""
    lon, lat = math.radians(yaw), math.radians(pitch)
    d = np.array([math.cos(lat) * math.sin(lon), math.sin(lat), -math.cos(lat) * math.cos(lon)])
    # (right, down, forward) axes of each face, as vtour.pano.equirect's face maps use them
    axes = {
        "f": ((1, 0, 0), (0, -1, 0), (0, 0, -1)),
        "r": ((0, 0, 1), (0, -1, 0), (1, 0, 0)),
        "u": ((1, 0, 0), (0, 0, -1), (0, 1, 0)),
    }[face]
    right, down, fwd = (np.array(a, float) for a in axes)
    if d @ fwd <= 0:
        return None
    u, v = d @ right / (d @ fwd), d @ down / (d @ fwd)
    return (v + 1) / 2 * n, (u + 1) / 2 * n


def write_marked_equirect(path: Path, width: int, radius: int) -> Path:
    """A ``width`` x ``width/2`` JPEG from libvips (never in memory): a soft gradient with square markers."""
    import pyvips

    h = width // 2
    xy = pyvips.Image.xyz(width, h)
    x, y = xy[0], xy[1]
    img = ((x * (120.0 / width) + 40).cast("uchar")).bandjoin([(y * (120.0 / h) + 40).cast("uchar"), 80])
    for yaw, pitch, rgb in MARKERS:
        cx, cy = (yaw / 360 + 0.5) * width, (0.5 - pitch / 180) * h
        rx = radius / max(math.cos(math.radians(pitch)), 0.2)  # square on the sphere, not in the image
        inside = ((x - cx).abs() < rx) & ((y - cy).abs() < radius)
        img = inside.ifthenelse(list(rgb), img)
    img.cast("uchar").copy(interpretation="srgb").jpegsave(str(path), Q=90)
    return path


_CHILD = """
import json, re, sys
from vtour.pano import PanoOptions, build_pano
r = build_pano([sys.argv[1]], sys.argv[2], PanoOptions(face_size=int(sys.argv[3]), jobs=2, tile_format="jpeg"))
# VmHWM, this process's own peak: ru_maxrss would carry the forking parent's (a big test process) over exec
hwm = int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
print(json.dumps({"tiles": r.tiles, "peak_mb": hwm / 1024}))
"""


def test_a_32768_px_equirect_builds_in_bounded_memory_with_its_markers_in_place(tmp_path):
    src = write_marked_equirect(tmp_path / "huge.jpg", 32768, radius=120)
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, str(src), str(out), "2048"], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr[-2000:]
    res = json.loads(run.stdout.strip().splitlines()[-1])
    assert res["peak_mb"] < 2048, res  # the decoded source alone is 1.5 GB
    man = json.loads((out / "pano.json").read_text())
    assert [lv["size"] for lv in man["levels"]] == [256, 512, 1024, 2048] and "present" not in man
    assert res["tiles"] == len(tiles_on_disc(out)) == 6 * (1 + 1 + 4 + 16)
    z = len(man["levels"]) - 1
    for yaw, pitch, rgb in MARKERS:
        for face in ("f", "r", "u"):
            want = expected_pixel(yaw, pitch, face, 2048)
            if want is None or not (0 < want[0] < 2048 and 0 < want[1] < 2048):
                continue
            got = marker_centre(face_of(out, z, face, man["levels"][z]), rgb)
            assert got is not None and np.hypot(got[0] - want[0], got[1] - want[1]) < 3, (yaw, pitch, face, got, want)
    # the raw copy of the source went with the build's temporary folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.jpg", "out"]
    assert not list(out.rglob("*.raw"))


def test_the_automatic_face_size_follows_the_source_past_8192():
    assert choose_face_size(100_000 / math.pi, PanoOptions()) == 32768
    assert choose_face_size(30_000 / math.pi, PanoOptions()) == 8192


@pytest.fixture(scope="module")
def mid_equirect(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mid") / "mid.png"
    rng = np.random.default_rng(3)
    img = cv2.resize(rng.integers(0, 256, (32, 64, 3), np.uint8), (4096, 2048), interpolation=cv2.INTER_CUBIC)
    img[1000:1048, 2000:2048] = (250, 20, 20)  # a sharp edge, to catch a shifted block
    cv2.imwrite(str(path), img[..., ::-1])
    return path


def test_streaming_and_in_memory_paths_write_the_same_tiles(mid_equirect, tmp_path, monkeypatch):
    opts = PanoOptions(face_size=1024, tile_size=256, jobs=2, tile_format="jpeg")
    mem = build_pano([mid_equirect], tmp_path / "mem", opts)  # whole faces, in memory
    monkeypatch.setattr(stream, "BLOCK_SIZE", 256)  # 16 blocks a face
    monkeypatch.setattr(stream, "REGION_BYTES", 1 << 20)  # regions split down the polar blocks
    streamed = build_pano([mid_equirect], tmp_path / "disc", opts, stream_above=0)
    assert tiles_on_disc(tmp_path / "mem") == tiles_on_disc(tmp_path / "disc")
    assert mem.tiles == streamed.tiles == len(tiles_on_disc(tmp_path / "mem"))
    for z, level in enumerate(mem.manifest["levels"]):
        for face in FACES:
            a, b = face_of(tmp_path / "mem", z, face, level), face_of(tmp_path / "disc", z, face, level)
            assert psnr(a, b) > 40, (z, face, psnr(a, b))
    assert not list((tmp_path / "disc").rglob("*.raw"))


def _inside(lon: np.ndarray, lat: np.ndarray, cov: Coverage, margin: float) -> np.ndarray:
    dlon = (lon - cov.yaw + 180) % 360 - 180
    return (np.abs(dlon) <= cov.hfov / 2 + margin) & (np.abs(lat - cov.pitch) <= cov.vfov / 2 + margin)


def test_a_partial_panorama_writes_only_tiles_inside_its_coverage_and_lists_them(tmp_path):
    cov = Coverage(hfov=100, vfov=50, yaw=150, pitch=25)  # straddles the back seam, reaches the top face
    src = tmp_path / "part.jpg"
    cv2.imwrite(str(src), np.full((500, 1000, 3), 180, np.uint8))
    opts = PanoOptions(coverage=cov, tile_size=128, face_size=1024, tile_format="jpeg")
    r = build_pano([src], tmp_path / "out", opts)
    man = json.loads((tmp_path / "out" / "pano.json").read_text())
    present = decode_present(man["present"], man["levels"])
    on_disc = tiles_on_disc(tmp_path / "out")
    listed = {
        (z, f, int(y), int(x)) for z, faces in present.items() for f, m in faces.items() for y, x in zip(*np.nonzero(m))
    }
    assert listed == on_disc and r.tiles == len(on_disc) < 6 * sum(lv.tiles_per_side**2 for lv in r.levels) // 3
    z = len(r.levels) - 1
    t, n = r.levels[-1].tile_size, r.face_size
    px = cov.hfov / 1000  # degrees per source pixel
    for face in FACES:
        for ty in range(n // t):
            for tx in range(n // t):
                lon, lat = stream.window_angles(face, n, np.arange(ty * t, ty * t + t), np.arange(tx * t, tx * t + t))
                lon = np.broadcast_to(lon, lat.shape)
                written = (z, face, ty, tx) in on_disc
                if _inside(lon, lat, cov, -px).any():
                    assert written, (face, ty, tx)  # a tile with covered pixels is there
                if written:
                    assert _inside(lon, lat, cov, 4 * px).any(), (face, ty, tx)  # and no other
    back = face_of(tmp_path / "out", z, "b", man["levels"][z])
    assert back.max() > 150  # the coverage is drawn


def test_stitched_photos_write_far_fewer_tiles_than_six_faces(data_file, tmp_path):
    photos = [data_file(f"stitching/boat/boat{i}.jpg") for i in (1, 2, 3)]
    r = build_pano(photos, tmp_path / "out", PanoOptions(jobs=2, tile_format="jpeg"))
    full = 6 * sum(lv.tiles_per_side**2 for lv in r.levels)
    assert r.tiles == len(tiles_on_disc(tmp_path / "out")) < full / 5, (r.tiles, full)
    present = decode_present(r.manifest["present"], r.manifest["levels"])
    assert sum(int(m.sum()) for faces in present.values() for m in faces.values()) == r.tiles
    assert (tmp_path / "out" / "stitched.jpg").exists() and (tmp_path / "out" / "preview.jpg").exists()


def test_an_equirect_libvips_cannot_decode_is_refused_naming_it_and_leaves_nothing(tmp_path):
    src = tmp_path / "cut.jpg"
    _, buf = cv2.imencode(".jpg", np.random.default_rng(0).integers(0, 256, (512, 1024, 3), np.uint8))
    src.write_bytes(buf.tobytes()[: len(buf) // 2])  # truncated: the header is fine, the pixels end early
    with pytest.raises(VtourError) as e:
        build_pano([src], tmp_path / "out", stream_above=0)
    assert e.value.path == src or str(src) in str(e.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.jpg"]


def test_a_failed_streamed_build_removes_its_raw_copy(mid_equirect, tmp_path, monkeypatch):
    def fail(*a, **k):
        raise RuntimeError("disc full")

    monkeypatch.setattr(stream, "encode_tile", fail)
    with pytest.raises(RuntimeError):
        build_pano([mid_equirect], tmp_path / "out", PanoOptions(face_size=256), stream_above=0)
    assert list(tmp_path.iterdir()) == []


def test_by_default_an_equirect_past_the_in_memory_limit_streams_and_one_that_would_be_held_is_refused(
    tmp_path, monkeypatch
):
    """The default pixel limit is a 100,000 x 50,000 equirect's; images held whole in memory keep the
    lower one. Scaled down: an in-memory limit of 10,000 pixels and a 200 x 100 equirect."""
    from vtour.pano import options as pano_options

    assert PanoOptions().max_pixels == pano_options.MAX_PANO_PIXELS == 100_000 * 50_000
    monkeypatch.setattr(pano_options, "DEFAULT_MAX_PIXELS", 10_000)
    src = tmp_path / "p.png"
    cv2.imwrite(str(src), np.full((100, 200, 3), 90, np.uint8))
    assert PanoOptions().in_memory_pixels == 10_000 and PanoOptions(max_pixels=30_000).in_memory_pixels == 30_000
    r = build_pano([src], tmp_path / "streamed", PanoOptions(face_size=64, tile_format="jpeg"), stream_above=0)
    assert r.tiles > 0
    with pytest.raises(VtourError, match="too many pixels"):  # decoded into memory: the lower limit holds
        source.open_equirect(src, max_pixels=PanoOptions().max_pixels, memory_pixels=10_000, work_dir=None)


def test_a_cmyk_equirect_streams_in_its_colours(tmp_path):
    import pyvips

    rgb = np.zeros((256, 512, 3), np.uint8)
    rgb[:] = (200, 60, 30)
    src = tmp_path / "cmyk.jpg"
    pyvips.Image.new_from_array(rgb, interpretation="srgb").icc_transform(
        "cmyk", intent="relative"
    ).jpegsave(str(src))
    disc = build_pano([src], tmp_path / "disc", PanoOptions(face_size=64, tile_format="jpeg"), stream_above=0)
    z = len(disc.levels) - 1
    got = face_of(tmp_path / "disc", z, "f", disc.manifest["levels"][z]).mean(axis=(0, 1))
    # libvips converts through the ICC profiles: the colour comes back, not its K band taken as alpha (black)
    assert np.abs(got - (200, 60, 30)).max() < 16, got
