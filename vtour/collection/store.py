"""The collection cache's assembled parts: object pages kept by the hash of their inputs, every other
published file by the hash of its bytes (``pages/<key>/`` and ``files/<sha256>`` beside the stages).

The build (vtour.collection.build) hard-links OUT's files to them, so an edit made in OUT reaches
the cache: a page folder is reused only while its record (:func:`vtour.tour.stages.record_stage`)
checks out, and a ``files/<sha256>`` only while its bytes are still those; otherwise (and always
with ``force``) it is made again, with a warning.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
from pathlib import Path

from vtour import __version__
from vtour.collection.objects import INDEX_HTML, BuiltObject
from vtour.errors import VtourWarning
from vtour.output import atomic_dir, clean_stale, write_bytes_atomic
from vtour.tour.layout import STAGE_RECORD
from vtour.tour.stages import record_stage, stage_intact

#: Cache folders of the assembled parts, beside the stage folders.
PAGES, FILES = "pages", "files"


class Store:
    """The cache's assembled parts: object pages by the hash of their inputs, other files by the
    hash of their bytes. Each is checked before it is reused (published files are hard links to
    them: an edit in OUT changes them); records the pages made anew and what was used, so the rest
    can be pruned. With ``force`` every part is made anew."""

    def __init__(self, cache: Path, force: bool = False):
        self.pages, self.files = cache / PAGES, cache / FILES
        self.force = force
        self.used: set[Path] = set()
        self.new_pages: list[str] = []

    def page(self, built: BuiltObject, base: str) -> Path:
        """The cache folder holding ``built``'s page files, made only when its inputs changed or
        the folder no longer matches its record."""
        blob = json.dumps({"doc": built.document, "base": base, "vtour": __version__}, sort_keys=True)
        folder = self.pages / hashlib.sha256(blob.encode()).hexdigest()
        if folder in self.used:
            return folder
        self.used.add(folder)
        if not self.force and (folder / INDEX_HTML).is_file() and stage_intact(folder):
            return folder
        if not self.force and (folder / STAGE_RECORD).is_file():
            _stale(f"page of {built.obj.id}", folder)
        shutil.rmtree(folder, ignore_errors=True)
        with atomic_dir(folder, marker=INDEX_HTML, step="build") as tmp:
            for name, data in built.page_files(base).items():
                (tmp / name).write_bytes(data)
            record_stage(tmp)
        self.new_pages.append(built.obj.id)
        return folder

    def file(self, rel: str, data: bytes) -> Path:
        """The cache file holding ``data`` (``rel``: where it is published, for the warning),
        written when no file holds those bytes yet."""
        path = self.files / hashlib.sha256(data).hexdigest()
        if path in self.used:
            return path
        self.used.add(path)
        if not self.force and _holds(path, data):
            return path
        if not self.force and path.is_file():
            _stale(rel, path)
        write_bytes_atomic(path, data)  # a new file, never written through: OUT's links keep theirs
        return path

    def prune(self) -> None:
        for folder in (self.pages, self.files):
            if folder.is_dir():
                clean_stale(folder)
                for entry in folder.iterdir():
                    if entry not in self.used and not entry.name.startswith("."):
                        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _holds(path: Path, data: bytes) -> bool:
    """True when the file ``path`` holds exactly ``data``."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _stale(what: str, path: Path) -> None:
    warnings.warn(
        f"build: the cached {what} ({path}) no longer matches its record (a file missing or changed, "
        "perhaps edited in a published collection): making it again",
        VtourWarning,
        stacklevel=4,
    )


__all__ = ["FILES", "PAGES", "Store"]
