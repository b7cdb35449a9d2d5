"""Writing the sample grotto: geometry, panoramas, models and tour.yaml (see :mod:`vtour.sample`)."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import yaml

from vtour.conventions import yaw_pitch_to_direction
from vtour.errors import VtourError
from vtour.images import write_image
from vtour.model.change import transformed
from vtour.model.mesh import Mesh
from vtour.model.obj import write_obj
from vtour.output import replace_entries, staging
from vtour.render import links_between, look_at, prepare_scene, render_equirect
from vtour.sample import cave, murals
from vtour.sample.narration import FOLDER as NARRATION_FOLDER
from vtour.sample.narration import narration_files
from vtour.sample.statue import CHEST, chip, statue

log = logging.getLogger(__name__)
STEP = "sample"
SAMPLE_ID = "vtour-sample"
#: Where the statue stands: on the niche's platform, centred in the niche.
STATUE_AT = np.array([0.0, cave.NICHE_Y0, -cave.HALF_Z - 0.55])
#: Light colour seen through the doorway (daylight on sandstone).
OUTSIDE = (236, 224, 196)

#: (id, position in metres, initial view yaw, titles)
VIEWPOINTS = (
    ("entrance", (0.0, 1.6, 2.6), 0.0, {"en": "Entrance", "zh": "入口"}),
    ("chamber", (0.9, 1.6, -0.4), -10.0, {"en": "Main chamber", "zh": "主室"}),
    ("niche", (-1.4, 1.5, -2.7), 35.0, {"en": "Before the niche", "zh": "佛龛前"}),
)
#: Scene descriptions (the entrance's is also its narration's captions).
SCENE_DESCRIPTIONS = {
    "entrance": {
        "en": "Welcome to the sample grotto. Step inside: the walls are painted with preaching scenes, "
        "and a seated Buddha waits in the niche at the back.",
        "zh": "欢迎来到示例石窟。请进：四壁绘有说法图，后方佛龛中端坐一尊佛像。",
    },
}
#: What has narration: the entrance scene, and the first info hotspot on this mural (its text, spoken). Not
#: the north wall ("wall_right"): its hotspots open the deep-zoom mural, whose viewer plays no narration.
NARRATED_SCENE, NARRATED_MURAL = "entrance", "wall_left"
#: The file name (before .<lang>.wav / .vtt) of that hotspot's narration.
NARRATED_MURAL_FILE = "preaching-south"
#: The kiosk: the attract loop shows these scenes, 20 s each, with narration.
KIOSK = {
    "idle_seconds": 60,
    "countdown_seconds": 15,
    "attract": {"scenes": ["entrance", "chamber", "niche"], "seconds_per_scene": 20, "narration": True},
}
#: Info hotspots: the material they sit on, titles and texts.
MURALS = {
    "wall_right": (
        {"en": "Preaching scene, north wall", "zh": "说法图（北壁）"},
        {
            "en": "The Buddha preaches between two bodhisattvas while apsaras fly above, "
            "framed by the thousand Buddhas. Painted procedurally in the manner of "
            "the Mogao murals.",
            "zh": "佛陀在二菩萨之间说法，飞天飘舞于上方，四周绘千佛。仿莫高窟壁画的程序生成画面。",
        },
    ),
    "wall_left": (
        {"en": "Preaching scene, south wall", "zh": "说法图（南壁）"},
        {
            "en": "A second preaching scene with lotus rosettes scattered in the sky.",
            "zh": "另一幅说法图，空中散布莲花。",
        },
    ),
    "caisson": (
        {"en": "Caisson ceiling", "zh": "藻井"},
        {
            "en": "Nested squares turned in turn around a lotus crown the inverted-funnel ceiling.",
            "zh": "覆斗形窟顶中央的藻井：层层套叠的方井中心绘莲花。",
        },
    ),
    "niche_back": (
        {"en": "Halo and mandorla", "zh": "头光与背光"},
        {
            "en": "Painted behind the statue, the halo and flaming mandorla frame the Buddha.",
            "zh": "塑像背后绘头光与火焰纹背光。",
        },
    ),
}
#: The earlier scan of the statue (before the chip, :data:`vtour.sample.statue.CHIP`): its file and day.
PREVIOUS_SOURCE, PREVIOUS_DATE = "models/statue-2019.obj", "2019-05-14"
STATUE_TEXT = (
    {"en": "Seated Buddha (sample scan)", "zh": "坐佛（示例扫描）"},
    {
        "en": "A procedural statue with the noise and holes of a real scan, about a million triangles. "
        "Compared with a scan from 2019, it has lost a chip from its right knee.",
        "zh": "程序生成的塑像，带有真实扫描的噪声和孔洞，约一百万个三角形。与 2019 年的扫描相比，其右膝缺失了一块。",
    },
)


#: The deep-zoom image: the north wall's preaching scene painted at full resolution (2:1).
MURAL_ID, MURAL_SOURCE = "mural", "images/mural.jpg"
MURAL_TEXT = (
    {"en": "Preaching scene in detail", "zh": "说法图细部"},
    {
        "en": "The north wall's preaching scene at full resolution: zoom in to the brushwork.",
        "zh": "北壁说法图的高清图像：可放大观看笔触。",
    },
)
#: Its annotated regions: id, (x, y, w, h) as fractions of the image's width and height, title, text.
MURAL_REGIONS = (
    (
        "buddha",
        (0.413, 0.3, 0.174, 0.494),
        {"en": "The preaching Buddha", "zh": "说法佛"},
        {
            "en": "Seated in a blue mandorla under a lotus canopy, hands in the gesture of teaching.",
            "zh": "坐于蓝色背光之中，上有莲花宝盖，手作说法印。",
        },
    ),
    (
        "apsara",
        (0.158, 0.293, 0.158, 0.1),
        {"en": "Flying apsara", "zh": "飞天"},
        {"en": "A celestial musician trailing long ribbons.", "zh": "身披长飘带的飞天伎乐。"},
    ),
)


@dataclass(frozen=True)
class SampleOptions:
    """Sizes of the sample; the defaults make the demo, :data:`TINY_SAMPLE_OPTIONS` the tests.

    seed : everything random comes from it
    width : panorama width, px
    supersample : rays per edge pixel along each axis
    statue_triangles : triangles of the statue scan
    statue_texture : height of the statue's 2:1 texture, px
    density : wall texture pixels per metre
    headlight : lamp-at-camera shading of the renders (shows the statue's relief)
    quality : JPEG quality of the panoramas and the mural
    mural_width : width of the deep-zoom mural, px (its height is half)
    """

    seed: int = 0
    width: int = 4096
    supersample: int = 2
    statue_triangles: int = 1_000_000
    statue_texture: int = 1024
    density: float = 256.0
    headlight: float = 0.4
    quality: int = 90
    mural_width: int = 6000

    def replace(self, **changes) -> SampleOptions:
        return replace(self, **changes)


DEFAULT_SAMPLE_OPTIONS = SampleOptions()
TINY_SAMPLE_OPTIONS = SampleOptions(
    width=256, statue_triangles=20_000, statue_texture=64, density=24.0, mural_width=600
)


@dataclass(frozen=True)
class SampleResult:
    folder: Path
    tour: Path
    files: tuple[Path, ...]
    seconds: float
    rays: int = 0
    render_seconds: float = 0.0
    timings: dict = field(default_factory=dict)


def sample_is_complete(folder: str | Path) -> bool:
    """True when ``folder`` holds a sample tour.yaml and every file it names."""
    tour = Path(folder) / "tour.yaml"
    if not tour.is_file():
        return False
    try:
        doc = yaml.safe_load(tour.read_text("utf-8"))
    except yaml.YAMLError:
        return False
    if not isinstance(doc, dict) or doc.get("id") != SAMPLE_ID:
        return False
    models = doc.get("models", [])
    files = [s.get("panorama") for s in doc.get("scenes", [])] + [m.get("source") for m in models]
    files += [p.get("source") for m in models for p in m.get("previous", []) if isinstance(p, dict)]
    files += [i.get("source") for i in doc.get("images", []) if isinstance(i, dict)]
    scenes = [s for s in doc.get("scenes", []) if isinstance(s, dict)]
    for n in [s.get("narration") for s in scenes] + [h.get("narration") for s in scenes for h in s.get("hotspots", [])]:
        if isinstance(n, dict):
            files += [f for key in ("audio", "captions") for f in (n.get(key) or {}).values()]
    return all(isinstance(f, str) and (tour.parent / f).is_file() for f in files)


def _obj_format(mesh: Mesh) -> dict:
    """10 um positions, 1e-6 UVs: a million-face statue in 60 MB instead of 90."""
    return {"position_format": "%.5f", "uv_format": "%.6f", "comment": f"vtour sample, units: {mesh.units}"}


#: A hotspot is placed only where the rays this many degrees around it hit the same material,
#: so that its marker (and a click near it) sits on the thing it names, not on its edge.
HOTSPOT_MARGIN = 1.5


def _clear(scene, position, sight, material: int) -> bool:
    if sight.hit_material != material:
        return False
    m = HOTSPOT_MARGIN
    dirs = np.array(
        [yaw_pitch_to_direction(sight.yaw + dy, sight.pitch + dp) for dy, dp in ((m, 0), (-m, 0), (0, m), (0, -m))]
    )
    rays = np.concatenate([np.broadcast_to(position, dirs.shape), dirs], axis=1).astype(np.float32)
    hits = scene.cast(rays)
    ok = np.isfinite(hits["t_hit"])
    return bool(ok.all() and (scene.face_material[hits["primitive_ids"].astype(np.int64)] == material).all())


def _hotspot_angles(sight) -> dict:
    return {"yaw": round(sight.yaw, 2), "pitch": round(sight.pitch, 2)}


def mural_image(options: SampleOptions = DEFAULT_SAMPLE_OPTIONS) -> np.ndarray:
    """The deep-zoom mural, ``(mural_width / 2, mural_width, 3) uint8``: a preaching scene painted
    as the cave's walls are (:func:`vtour.sample.murals.wall`), from its own random stream."""
    rng = np.random.default_rng(options.seed).spawn(4)[3]  # streams 0..2 are the cave's and statues'
    image, _ = murals.wall(rng, options.mural_width, options.mural_width // 2, scene="preaching")
    return image


def mural_entry(width: int) -> dict:
    """tour.yaml's ``images:`` item of the mural ``width`` px wide (its regions scale with it)."""
    size = (width, width // 2, width, width // 2)
    return {
        "id": MURAL_ID,
        "title": MURAL_TEXT[0],
        "description": MURAL_TEXT[1],
        "source": MURAL_SOURCE,
        "metadata": {"provenance": "Procedural, vtour sample", "credit": "vtour"},
        "rights": "http://creativecommons.org/publicdomain/zero/1.0/",
        "annotations": [
            {"id": aid, "region": [round(f * n) for f, n in zip(box, size)], "title": title, "text": text}
            for aid, box, title, text in MURAL_REGIONS
        ],
    }


def sample_narration(options: SampleOptions = DEFAULT_SAMPLE_OPTIONS) -> tuple[dict, dict[str, bytes]]:
    """The narrations (``{"scene": entry, "mural": entry}``, tour.yaml's ``narration:``) and their
    files (path -> bytes): the entrance's description and the south mural's text in en and zh, over
    a chime from the sample's fifth random stream."""
    rng = np.random.default_rng(options.seed).spawn(5)[4]  # 0..2: cave and statues, 3: the mural
    scene, files = narration_files(rng, NARRATED_SCENE, SCENE_DESCRIPTIONS[NARRATED_SCENE])
    mural, more = narration_files(rng, NARRATED_MURAL_FILE, MURALS[NARRATED_MURAL][1])
    return {"scene": scene, "mural": mural}, {**files, **more}


def tour_yaml_data(
    scene,
    statue_material: int,
    mural_points: dict,
    material_index: dict,
    mural_width: int = SampleOptions.mural_width,
    narration: dict | None = None,
) -> dict:
    """tour.yaml's content: scenes with link, info and model hotspots computed by line of sight; the
    north wall's info hotspots open the deep-zoom mural. With ``narration`` (:func:`sample_narration`)
    the entrance and the first of the south mural's info hotspots (which shows its text) have
    narration, and the tour a kiosk: section."""
    points = np.array([p for _, p, _, _ in VIEWPOINTS])
    links = links_between(scene, points)
    scenes = []
    narrated = False
    for i, (sid, position, yaw, title) in enumerate(VIEWPOINTS):
        hotspots = []
        for j, (other, _, _, _) in enumerate(VIEWPOINTS):
            if j != i and links[(i, j)].visible:
                hotspots.append({"type": "link", **_hotspot_angles(links[(i, j)]), "target": other})
        names = list(MURALS)
        for name, sight in zip(names, look_at(scene, position, [mural_points[n] for n in names])):
            if _clear(scene, position, sight, material_index[name]):
                t, text = MURALS[name]
                spot = {"type": "info", **_hotspot_angles(sight), "title": t, "text": text}
                if name == "wall_right":
                    spot["image"] = MURAL_ID
                if name == NARRATED_MURAL and narration and not narrated and "image" not in spot:
                    spot["narration"] = narration["mural"]
                    narrated = True  # one hotspot: the first that shows this mural's text
                hotspots.append(spot)
        sight = look_at(scene, position, [STATUE_AT + np.array([0.0, CHEST, 0.0])])[0]
        if _clear(scene, position, sight, statue_material):
            hotspots.append({"type": "model", **_hotspot_angles(sight), "target": "statue", "title": STATUE_TEXT[0]})
        entry: dict = {"id": sid, "title": title}
        if sid in SCENE_DESCRIPTIONS:
            entry["description"] = SCENE_DESCRIPTIONS[sid]
        entry.update({"panorama": f"panoramas/{sid}.jpg", "view": {"yaw": yaw, "pitch": 0, "fov": 75}})
        if sid == NARRATED_SCENE and narration:
            entry["narration"] = narration["scene"]
        entry["hotspots"] = hotspots
        scenes.append(entry)
    doc = {
        "id": SAMPLE_ID,
        "title": {"en": "Sample grotto", "zh": "示例石窟"},
        "description": {
            "en": "A painted cave made by vtour itself: the walls, the statue and the "
            "panoramas are all procedural, rendered by ray casting.",
            "zh": "由 vtour 程序生成的彩绘石窟：壁画、塑像和全景图均为程序生成，并以光线投射渲染。",
        },
        "languages": ["en", "zh"],
        "start": VIEWPOINTS[0][0],
        "scenes": scenes,
        "models": [
            {
                "id": "statue",
                "title": STATUE_TEXT[0],
                "description": STATUE_TEXT[1],
                "source": "models/statue.obj",
                "units": "m",
                "downloads": True,
                "previous": [{"source": PREVIOUS_SOURCE, "date": PREVIOUS_DATE}],
            }
        ],
        "images": [mural_entry(mural_width)],
    }
    if narration:
        doc["kiosk"] = KIOSK
    return doc


def sample_world(options: SampleOptions = DEFAULT_SAMPLE_OPTIONS) -> tuple[Mesh, Mesh, dict]:
    """The cave (materials :data:`vtour.sample.cave.MATERIALS`), the statue with its chip (at the
    origin; it stands at :data:`STATUE_AT`) and the 3D centres of the murals' main figures."""
    rng_cave, rng_statue, _ = np.random.default_rng(options.seed).spawn(3)
    room, mural_points = cave.chamber(rng_cave, options.density)
    figure = chip(statue(rng_statue, options.statue_triangles, options.statue_texture))
    return room, figure, mural_points


def previous_statue(options: SampleOptions = DEFAULT_SAMPLE_OPTIONS) -> tuple[Mesh, np.ndarray]:
    """The earlier scan: the intact statue (its own noise and holes, as another scanning session
    would have them), in a scanner frame of its own; and that frame's (4, 4) rigid motion from the
    statue standing at :data:`STATUE_AT`."""
    from scipy.spatial.transform import Rotation

    rng = np.random.default_rng(options.seed).spawn(3)[2]
    figure = statue(rng, options.statue_triangles, options.statue_texture)
    motion = np.eye(4)
    motion[:3, :3] = Rotation.random(random_state=int(rng.integers(2**31))).as_matrix()
    motion[:3, 3] = rng.uniform(-1.0, 1.0, 3)
    return transformed(figure.replace(positions=figure.positions + STATUE_AT), motion), motion


def _render(scene, sid: str, position, options: SampleOptions) -> tuple[np.ndarray, dict]:
    """One viewpoint's equirect panorama, ``(H, W, 3) uint8``, and the renderer's stats."""
    stats: dict = {}
    rgb, _ = render_equirect(
        scene,
        position,
        options.width,
        supersample=options.supersample,
        headlight=options.headlight,
        background=OUTSIDE,
        stats=stats,
    )
    log.info(
        "sample: rendered %s, %dx%d, %.1f M rays at %.2f M rays/s",
        sid,
        options.width,
        options.width // 2,
        stats["rays"] / 1e6,
        stats["rays_per_second"] / 1e6,
    )
    return rgb, stats


def _tour_yaml_text(doc: dict, seed: int) -> str:
    """tour.yaml's text: a header saying where it came from, then the document."""
    return (
        "# The vtour sample grotto, generated by `vtour sample` (seed %d). Hotspot angles are\n"
        "# computed from the geometry; regenerate rather than edit.\n"
        % seed
        # A JSON round trip unshares repeated texts, so YAML writes no &anchors.
        + yaml.safe_dump(json.loads(json.dumps(doc)), sort_keys=False, allow_unicode=True, width=100)
    )


def write_sample(
    folder: str | Path, options: SampleOptions = DEFAULT_SAMPLE_OPTIONS, *, overwrite: bool = False
) -> SampleResult:
    """Generate the sample grotto into ``folder`` (see :mod:`vtour.sample`).

    Existing ``tour.yaml``, ``panoramas/`` or ``models/`` in ``folder`` are an error unless
    ``overwrite``. Files are written into a hidden temporary folder first and moved into place,
    tour.yaml last (:func:`vtour.output.staging`): an interrupted run leaves the folder as it was.
    """
    folder = Path(folder).absolute()
    targets = [
        folder / "tour.yaml",
        folder / "panoramas",
        folder / "models",
        folder / "images",
        folder / NARRATION_FOLDER,
    ]
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        raise VtourError(
            STEP,
            "the folder already holds " + ", ".join(t.name for t in existing),
            path=folder,
            fix="choose an empty folder, or pass --force to replace them",
        )
    t0 = time.perf_counter()
    timings = {}
    room, figure, mural_points = sample_world(options)
    placed = figure.replace(positions=figure.positions + STATUE_AT)
    world = cave.combine([room, placed])
    timings["geometry"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    scene = prepare_scene(world)
    timings["scene"] = time.perf_counter() - t1
    rays, render_seconds = 0, 0.0
    with staging(folder, step=STEP) as tmp:
        (tmp / "panoramas").mkdir()
        (tmp / "models").mkdir()
        (tmp / "images").mkdir()
        (tmp / NARRATION_FOLDER).mkdir()
        t1 = time.perf_counter()
        for sid, position, _, _ in VIEWPOINTS:
            rgb, stats = _render(scene, sid, position, options)
            rays += stats["rays"]
            render_seconds += stats["seconds"]
            write_image(tmp / "panoramas" / f"{sid}.jpg", rgb, quality=options.quality)
        timings["render"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        write_obj(figure.replace(positions=placed.positions), tmp / "models" / "statue.obj", **_obj_format(figure))
        earlier, _ = previous_statue(options)
        write_obj(earlier, tmp / PREVIOUS_SOURCE, **_obj_format(earlier))
        del earlier
        write_obj(room, tmp / "models" / "grotto.obj", **_obj_format(room))
        timings["models"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        write_image(tmp / MURAL_SOURCE, mural_image(options), quality=options.quality)
        timings["mural"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        narration, sounds = sample_narration(options)
        for rel, data in sounds.items():
            (tmp / rel).write_bytes(data)
        timings["narration"] = time.perf_counter() - t1
        index = {name: k for k, name in enumerate(cave.MATERIALS)}
        doc = tour_yaml_data(scene, len(room.materials), mural_points, index, options.mural_width, narration)
        (tmp / "tour.yaml").write_text(_tour_yaml_text(doc, options.seed), "utf-8")
        entries = ["panoramas", "models", "images", NARRATION_FOLDER, "tour.yaml"]
        replace_entries(tmp, folder, entries)  # tour.yaml last: complete
    files = [*sorted((folder / "panoramas").iterdir()), *sorted((folder / "models").iterdir())]
    files += [*sorted((folder / "images").iterdir()), *sorted((folder / NARRATION_FOLDER).iterdir())]
    seconds = time.perf_counter() - t0
    log.info("sample: %s in %.1f s (%s)", folder, seconds, ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    return SampleResult(
        folder, folder / "tour.yaml", (*tuple(files), folder / "tour.yaml"), seconds, rays, render_seconds, timings
    )
