"""Output that appears complete or not at all.

A stage writes into a hidden temporary folder next to its destination and moves it into place only
when every file is written, so an interrupted run never leaves a half-written result and never
touches the sources. An existing destination is replaced only when it is empty or carries the
marker file of an earlier vtour output, so a typo in ``-o`` cannot delete a user's folder.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vtour.errors import VtourError


@contextmanager
def atomic_dir(dest: str | Path, *, marker: str, step: str) -> Iterator[Path]:
    """Yield a fresh temporary folder that becomes ``dest`` when the block ends without error.

    Parameters
    ----------
    dest : path
        Final folder. Its parent is created if needed.
    marker : str
        Name of a file that every complete output of this kind contains (``"pano.json"``); an
        existing ``dest`` without it, and not empty, is refused rather than replaced.
    step : str
        Step name for error messages.
    """
    dest = Path(dest).absolute()
    if dest.exists():
        if not dest.is_dir():
            raise VtourError(step, "output path exists and is not a folder", path=dest, fix="choose another -o")
        if any(dest.iterdir()) and not (dest / marker).exists():
            raise VtourError(
                step,
                f"output folder is not empty and holds no {marker}, so it is not an earlier vtour output",
                path=dest,
                fix="choose an empty or new folder for -o",
            )
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if dest.exists():
        old = dest.parent / f".{dest.name}.old-{uuid.uuid4().hex[:8]}"
        os.replace(dest, old)
    os.replace(tmp, dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write a single file through a temporary name and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
