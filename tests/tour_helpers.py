"""Small tours made in code for the tour tests (tiny generated panoramas, so builds take ~0.1 s)."""

from __future__ import annotations

import argparse
import os
import importlib
import time
from pathlib import Path

import numpy as np
import yaml
from PIL import Image


def equirect(path: Path, seed: int, size=(256, 128)) -> Path:
    """A smooth random 2:1 RGB image (compresses well, differs per seed)."""
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.stack([(127 + 120 * np.sin(xx / w * 2 * np.pi * k + rng.uniform(0, 6))) for k in (1, 2, 3)], -1)
    img = img + 30 * np.cos(yy[..., None] / h * np.pi)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(path)
    return path


def small_tour(root: Path, scenes: int = 2, **extra) -> Path:
    """tour.yaml with ``scenes`` generated equirects, links between them and an info hotspot."""
    ids = [f"s{i}" for i in range(scenes)]
    for i in range(scenes):
        equirect(root / "panoramas" / f"s{i}.png", i)
    Image.new("RGB", (32, 24), (10, 200, 30)).save(root / "panoramas" / "note.jpg")
    data = {"id": "small", "title": {"en": "Small", "fr": "Petit"}, "languages": ["en", "fr"],
            "pano": {"face_size": 128, "tile_size": 64},
            "scenes": [{"id": sid, "title": {"en": f"Scene {i}", "fr": f"Scène {i}"},
                        "panorama": f"panoramas/{sid}.png",
                        "view": {"yaw": 10.5 * i - 20, "pitch": -3.25 * i, "fov": 60 + i},
                        "north_offset": 5.0 * i,
                        "hotspots": [{"type": "link", "yaw": -170.0 + 33.3 * i, "pitch": 1.5 * i - 7,
                                      "target": ids[(i + 1) % scenes]},
                                     {"type": "info", "yaw": 45.125, "pitch": 12.75 - i,
                                      "title": {"en": "A <b>note</b> & more", "fr": "Une note"},
                                      "text": {"en": "Text", "fr": "Texte"},
                                      "image": "panoramas/note.jpg"}]}
                       for i, sid in enumerate(ids)]}
    data.update(extra)
    path = root / "tour.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def cli(*argv: str) -> int:
    """Run one of the tour commands as ``vtour`` would (their own parsers, exit code returned)."""
    parser = argparse.ArgumentParser(prog="vtour")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("build", "validate", "import_tour"):
        importlib.import_module(f"vtour.commands.{name}").register(sub)
    args = parser.parse_args([str(a) for a in argv])
    return int(args.func(args) or 0)


def tree_bytes(folder: Path, pattern: str = "**/*") -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.glob(pattern)) if p.is_file()}


def read_only(monkeypatch, folder: Path) -> None:
    """Make ``folder`` act as a folder this user cannot write in, whoever runs the tests (root may
    write anywhere): creating or renaming an entry in it fails with EACCES."""
    import os

    from vtour import output

    folder = Path(folder).absolute()
    real_mkdir, real_replace = os.mkdir, os.replace

    def denied(path):
        if Path(os.path.abspath(path)).parent == folder:
            raise PermissionError(13, "Permission denied", str(path))

    def mkdir(path, *args, **kwargs):
        denied(path)
        return real_mkdir(path, *args, **kwargs)

    def replace(src, dst, **kwargs):
        denied(src)
        denied(dst)
        return real_replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(output, "_writable", lambda p: Path(p).absolute() != folder)


def age(*paths: Path, seconds: float = 3600) -> None:
    """Date ``paths`` (the entries themselves, not their contents) ``seconds`` back: a killed run's
    leftovers are only deleted once they are older than ``vtour.output.STALE_AFTER_S``."""
    when = time.time() - seconds
    for p in paths:
        os.utime(p, (when, when), follow_symlinks=False)


def mural(path: Path, size=(1500, 900), seed: int = 0) -> Path:
    """A deterministic RGB image with detail at every scale (a stand-in for a painted wall)."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    rng = np.random.default_rng(seed)
    img = np.stack([(xx * 7 + yy * (k + 1) + rng.integers(0, 256)) % 256 for k in range(3)], -1)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(img.astype(np.uint8)).save(path)
    return path


def deep_zoom_tour(root: Path, images: list | None = None, hotspot: str | None = "mural", **extra) -> Path:
    """:func:`small_tour` with one deep-zoom image ``mural`` (1500 x 900 px, 256 px tiles, one
    annotated region) and, with ``hotspot``, an info hotspot of scene s0 opening that id."""
    mural(root / "images" / "mural.png")
    if images is None:
        images = [{"id": "mural", "title": {"en": "Mural", "fr": "Fresque"}, "source": "images/mural.png",
                   "zoom": {"tile_size": 256},
                   "annotations": [{"id": "donor", "region": [10, 20, 300, 200],
                                    "title": {"en": "Donor", "fr": "Donateur"}}]}]
    path = small_tour(root, images=images, **extra)
    if hotspot is not None:
        data = yaml.safe_load(path.read_text())
        data["scenes"][0]["hotspots"].append({"type": "info", "yaw": 1.5, "pitch": 2.5, "image": hotspot,
                                              "title": {"en": "See the mural", "fr": "Voir la fresque"}})
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def edit_tour(path: Path, change) -> None:
    """Apply ``change(data)`` to a tour.yaml in place."""
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
