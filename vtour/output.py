"""Output that appears complete or not at all: every staged write of vtour goes through here.

Whatever vtour writes is first written under a hidden temporary name beside its destination and
moved into place by a rename only when it is complete, so an interrupted run never leaves a
half-written result and never touches the sources. Temporary names are ``.<name>.tmp-<8 hex>``
(hidden, so a package or a listing skips them; one pattern, so a test can look for leftovers).

- :func:`atomic_dir` -- a whole output folder (a panorama, a model, a built tour), swapped in when
  complete. An existing destination is replaced only when it is empty or carries the marker file of
  an earlier vtour output, so a typo in ``-o`` cannot delete a user's folder. :func:`swap_dir` is the
  same without that check, for a folder that vtour's layout owns (a tour's ``viewer/``).
- :func:`atomic_file` -- one file written under a temporary name and renamed over the destination:
  an existing file is replaced, never written through (were it a hard link to a source, writing
  into it would change the source). :func:`write_bytes_atomic`, :func:`link_file` and
  :func:`link_tree` (the stage cache hard-linked into a tour, authored files copied) use it.
- :func:`staging` -- a temporary folder inside a folder the user owns (``vtour import`` next to a
  tour.yaml, ``vtour sample`` into a folder), moved in by :func:`replace_entries` (whole entries,
  in a given order) or :func:`merge_staged` (file by file, refusing to replace what is not ours).
  On failure the temporary folder and the folders made for it are removed.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from vtour.errors import VtourError


def temp_path(path: Path, kind: str = "tmp") -> Path:
    """A fresh hidden name beside ``path``: ``.<name>.<kind>-<8 hex>``."""
    return path.with_name(f".{path.name}.{kind}-{uuid.uuid4().hex[:8]}")


def _remove(path: Path) -> None:
    """Delete a file, a link or a folder tree; what cannot be deleted is left (never raises)."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def replace_dir(src: Path, dest: Path) -> None:
    """Move the complete folder ``src`` to ``dest``, replacing whatever ``dest`` was.

    The old ``dest`` is renamed aside first and deleted last, so ``dest`` is always either the old or
    the new folder (or, between the two renames, absent); if the second rename fails the old one is
    put back. ``src`` and ``dest`` must be on one file system (siblings are).
    """
    old = None
    if dest.exists() or dest.is_symlink():
        old = temp_path(dest, "old")
        os.replace(dest, old)
    try:
        os.replace(src, dest)
    except BaseException:
        if old is not None:
            os.replace(old, dest)
        raise
    if old is not None:
        _remove(old)


@contextmanager
def swap_dir(dest: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary folder beside ``dest`` that replaces ``dest`` whole when the block
    ends without error (and is deleted when it raises). The parent is created if needed."""
    dest = Path(dest).absolute()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(dest)
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    replace_dir(tmp, dest)


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
    with swap_dir(dest) as tmp:
        yield tmp


@contextmanager
def atomic_file(dest: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; when the block ends without error the file written
    there is renamed over ``dest``. Nothing is left under the temporary name either way."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(dest)
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write a single file through a temporary name and a rename."""
    with atomic_file(path) as tmp:
        tmp.write_bytes(data)


def link_file(src: Path, dest: Path, *, copy: bool = False) -> None:
    """Hard-link (or with ``copy``, copy) ``src`` to ``dest``, replacing any file there.

    The new file is made under a temporary name and renamed over ``dest`` (:func:`atomic_file`), so
    an existing ``dest`` is replaced, never written through. Authored sources (images) are copied,
    so that editing the built tour can never change a capture; only vtour's own output (the stage
    cache) is hard-linked, falling back to a copy across file systems.
    """
    with atomic_file(dest) as tmp:
        if copy:
            shutil.copy2(src, tmp)
            return
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copy2(src, tmp)


def link_tree(src: Path, dest: Path, skip: Iterable[str] = frozenset()) -> None:
    """Hard-link every file of ``src`` under ``dest`` (copy where links are impossible); files
    named in ``skip`` (at any depth) are left out."""
    skip = frozenset(skip)
    for root, _, files in os.walk(src):
        rel = Path(root).relative_to(src)
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            if name not in skip:
                link_file(Path(root) / name, dest / rel / name)


@contextmanager
def staging(folder: str | Path, *, step: str) -> Iterator[Path]:
    """Yield a hidden temporary folder inside ``folder`` to write a result into before moving it in.

    ``folder`` is created with its missing parents. The temporary folder is deleted when the block
    ends; when it raises, the folders created for it are deleted too (those still empty), so a
    failed run leaves the file system as it found it.
    """
    folder = Path(folder)
    created = [p for p in [folder, *folder.parents] if not p.exists()][::-1]
    done = False
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise VtourError(
                step,
                f"cannot create the output folder ({exc.strerror or exc})",
                path=folder,
                fix="choose another output path",
            ) from None
        stage = temp_path(folder / f"vtour-{step}")
        try:
            stage.mkdir()
        except OSError as exc:
            raise VtourError(
                step,
                f"cannot write in the output folder ({exc.strerror or exc})",
                path=folder,
                fix="check its permissions",
            ) from None
        try:
            yield stage
            done = True
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    finally:
        if not done:
            for made in reversed(created):
                try:
                    made.rmdir()
                except OSError:
                    break


def replace_entries(stage: Path, folder: Path, names: Iterable[str]) -> None:
    """Move ``stage/<name>`` to ``folder/<name>`` for each name, in the given order (put the file
    whose presence means "complete" last); a folder replaces the old one whole (:func:`replace_dir`)."""
    for name in names:
        src, dest = stage / name, folder / name
        if src.is_dir():
            replace_dir(src, dest)
        else:
            os.replace(src, dest)


def is_within(path: Path, root: Path) -> bool:
    """True when ``path`` is ``root`` or lies below it (compare resolved paths to follow links)."""
    return path == root or root in path.parents


def merge_staged(stage: Path, dest: Path, *, step: str, owned: tuple[str, ...], last: str | None = None) -> None:
    """Move every staged file into ``dest`` at the same relative path; every check first, so a
    refusal changes nothing.

    ``owned`` names the top-level entries of ``dest`` this step may overwrite (a trailing ``/``
    marks a folder: ``("tour.yaml", "panoramas/")``); any other existing file is replaced only when
    it holds the same bytes, and refused otherwise. A file, folder or link in the way, or a link that
    would carry a file out of ``dest``, is refused. ``last`` (a relative path) is moved last.
    """
    dest_real = dest.resolve()
    names = {o.rstrip("/") for o in owned}
    files = sorted(
        (p for p in stage.rglob("*") if p.is_file() and not p.is_symlink()),
        key=lambda p: (p.relative_to(stage).as_posix() == last, p.relative_to(stage).as_posix()),
    )
    moves = []
    for f in files:
        rel = PurePosixPath(f.relative_to(stage).as_posix())
        target = dest / rel
        for folder in [dest / a for a in reversed(rel.parents[:-1])]:
            if folder.exists() and not folder.is_dir():
                raise VtourError(
                    step,
                    f"{folder} is a file, and vtour {step} writes {rel} in it",
                    path=folder,
                    fix="move it away or choose another output folder",
                )
        if not is_within(target.parent.resolve(), dest_real):
            raise VtourError(
                step,
                f"{target} would land outside the output folder {dest_real} (a link on its way)",
                path=target,
                fix="remove the link or choose another output folder",
            )
        if target.is_dir() and not target.is_symlink():
            raise VtourError(
                step,
                f"{target} is a folder, and vtour {step} writes a file there",
                path=target,
                fix="move it away or choose another output folder",
            )
        if target.exists() or target.is_symlink():
            if target.is_file() and filecmp.cmp(f, target, shallow=False):
                continue  # already there (e.g. the config's own image, imported in place)
            if rel.parts[0] not in names:
                raise VtourError(
                    step,
                    f"{target} exists and differs from the {rel} that vtour {step} would write",
                    path=target,
                    fix=f"vtour {step} overwrites only its {' and '.join(owned)}: "
                    "move the file away or choose another output folder",
                )
        moves.append((f, target))
    for f, target in moves:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(f, target)
        except OSError as exc:
            raise VtourError(
                step,
                f"cannot write {target} ({exc.strerror or exc})",
                path=target,
                fix="check the output folder's permissions and free space",
            ) from None
