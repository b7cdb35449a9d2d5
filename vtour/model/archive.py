"""A deterministic zip of a scan and the files it depends on (its .mtl, its textures): the
original offered for download beside the web levels (tour.yaml ``downloads: true``).

The same files give the same bytes: members sorted by name, every timestamp 1980-01-01 00:00
(zip's epoch), permissions rw-r--r--, deflate at zlib's default level, or at level 1 for a member
over :data:`FAST_DEFLATE_BYTES` (a 20 M-triangle OBJ: about 5x faster, a few percent larger).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from vtour.errors import VtourError

#: zip's earliest representable time: the same for every member, so a file's mtime changes nothing.
EPOCH = (1980, 1, 1, 0, 0, 0)
#: Members larger than this (bytes) are deflated at zlib's level 1: the default level takes ~14 s per
#: 2 M-triangle OBJ (~140 s at 20 M) for little more saving on scan text.
FAST_DEFLATE_BYTES = 100 << 20
#: The name of a zip whose scan's stem has no ASCII letter or digit.
FALLBACK_NAME = "scan"


def archive_name(stem: str) -> str:
    """A file name (without ``.zip``) for a scan's stem that needs no escaping in a URL or a
    path: the rule of tour ids (vtour.tour.document.ID_PATTERN): ASCII letters, digits, ``_``,
    ``.`` and ``-``, each run of anything else one ``-``, not starting with ``.`` or ``-``, at
    most 64 characters. ``"Buddha #2"`` -> ``"Buddha-2"``; ``"佛像"`` -> :data:`FALLBACK_NAME`."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.")[:64].rstrip("-.")
    return name or FALLBACK_NAME


def write_zip(files: Sequence[str | Path], root: str | Path, dest: str | Path) -> list[str]:
    """Write ``files`` (each inside ``root``) into the zip ``dest`` as their paths relative to
    ``root``; returns the member names in the order written.

    Raises
    ------
    VtourError
        A file outside ``root`` (its name in the zip would climb out of the folder it unpacks to).
    """
    root = Path(root)
    members = {}
    for f in files:
        rel = os.path.relpath(f, root)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
            raise VtourError("model", f"downloads: {f} lies outside the scan's folder {root}", path=f)
        members[PurePosixPath(*Path(rel).parts).as_posix()] = Path(f)
    names = sorted(members)
    with zipfile.ZipFile(dest, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            if members[name].stat().st_size > FAST_DEFLATE_BYTES:
                # compress_level from Python 3.13; _compresslevel before (ZipInfo has __slots__)
                setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", 1)
            with members[name].open("rb") as src, archive.open(info, "w") as out:
                while chunk := src.read(1 << 20):
                    out.write(chunk)
    return names
