"""The build's stages: pure functions of (inputs, options) -> one folder, and the keys that cache them.

A stage's key is the sha256 of its kind, :data:`STAGE_VERSION`, vtour's version, its options and
the sha256 of every input file's bytes (with the name the output records). Hashing a file is the
truth; a (size, mtime_ns) match against the hash recorded for that path is the fast pre-check that
skips re-reading unchanged files. Stage functions run in this process, in a process pool or on a
Dask worker: they take and return only plain picklable values.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import urllib.parse
from dataclasses import asdict, is_dataclass
from pathlib import Path

from vtour import __version__

#: Bump when a stage's output changes for the same inputs and options.
STAGE_VERSION = 1
_CHUNK = 1 << 20


class FileHasher:
    """sha256 of files, remembered by (path, size, mtime_ns) in ``<cache>/hashes.json``."""

    def __init__(self, store: Path | None = None):
        self.store = store
        self.known: dict = {}
        if store is not None and store.is_file():
            try:
                self.known = json.loads(store.read_text())
            except (OSError, ValueError):
                self.known = {}
        self.used: dict = {}

    def __call__(self, path: Path) -> str:
        path = Path(path).absolute()
        st = path.stat()
        rec = self.known.get(str(path))
        if rec and rec[0] == st.st_size and rec[1] == st.st_mtime_ns:
            digest = rec[2]
        else:
            h = hashlib.sha256()
            with open(path, "rb") as f:
                while chunk := f.read(_CHUNK):
                    h.update(chunk)
            digest = h.hexdigest()
        self.used[str(path)] = [st.st_size, st.st_mtime_ns, digest]
        return digest

    def save(self) -> None:
        if self.store is not None:
            from vtour.output import write_bytes_atomic

            write_bytes_atomic(self.store, json.dumps(self.used, indent=0, sort_keys=True).encode())


def options_json(options) -> dict:
    """Options as plain JSON for the key; ``jobs`` (threads) does not change the output."""
    d = asdict(options) if is_dataclass(options) else dict(options)
    d.pop("jobs", None)
    return json.loads(json.dumps(d, default=str))


def stage_key(kind: str, options, inputs: list[tuple[str, str]]) -> str:
    """sha256 of everything the stage's output depends on. ``inputs``: (name, sha256) pairs."""
    blob = json.dumps(
        {
            "stage": kind,
            "stage_version": STAGE_VERSION,
            "vtour": __version__,
            "options": options_json(options),
            "inputs": inputs,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def model_dependencies(source: Path) -> list[Path]:
    """The scan and the files it names: an OBJ's .mtl and its maps, a glTF's buffers and images."""
    out = [source]
    try:
        if source.suffix.lower() == ".obj":
            text = source.read_text(errors="replace")
            for lib in re.findall(r"^\s*mtllib\s+(.+?)\s*$", text, re.M):
                mtl = source.parent / lib
                if mtl.is_file():
                    out.append(mtl)
                    maps = re.findall(
                        r"^\s*(?:map_\w+|bump|disp|norm|refl)\s+(?:.*\s)?(\S+)\s*$",
                        mtl.read_text(errors="replace"),
                        re.M,
                    )
                    out += [mtl.parent / m for m in maps]
        elif source.suffix.lower() == ".gltf":
            doc = json.loads(source.read_text("utf-8"))
            for item in doc.get("buffers", []) + doc.get("images", []):
                uri = item.get("uri")
                if uri and not uri.startswith("data:"):
                    out.append(source.parent / urllib.parse.unquote(uri))
    except (OSError, ValueError):
        pass  # the model stage reports unreadable sources with its own message
    seen, unique = set(), []
    for p in out:
        if p.is_file() and p not in seen:
            seen.add(p)
            unique.append(p)
    return unique


# ---------------------------------------------------------------------------------------------
# the stage functions: (inputs, options, dest) -> summary; dest is written atomically


def pano_stage(inputs: list[str], faces: bool, options, dest: str) -> dict:
    """Build one scene's panorama into ``dest``; returns its pano.json. With ``faces`` the six
    inputs are f r b l u d and are linked under those names, so no file name can reorder them."""
    from vtour.pano import build_pano

    if not faces:
        return build_pano(inputs, dest, options).manifest
    with tempfile.TemporaryDirectory(prefix="vtour-faces-") as tmp:
        links = []
        for letter, src in zip("frblud", inputs):
            link = Path(tmp) / f"{letter}{Path(src).suffix.lower()}"
            os.symlink(os.path.abspath(src), link)
            links.append(link)
        return build_pano(links, dest, options).manifest


def model_stage(source: str, options, dest: str) -> dict:
    """Build one model's LOD chain and report into ``dest``; returns report.json's content."""
    from vtour.model import build_model

    return build_model(source, dest, options).report
