"""Output that appears complete or not at all: every staged write of vtour goes through here.

Whatever vtour writes is first written under a hidden temporary name beside its destination and
moved into place by a rename only when it is complete, so an interrupted run never leaves a
half-written result and never touches the sources. Temporary names are ``.<name>.tmp-<8 hex>``
(hidden, so a package or a listing skips them; one pattern, so a test can look for leftovers).
A temporary folder or file is locked (``flock``) while its run is alive: the next run deletes the
unlocked ones a killed run left behind (:func:`clean_stale`) and never one that is still in use.

- :func:`atomic_dir` -- a whole output folder (a panorama, a model, a built tour), swapped in when
  complete. An existing destination is replaced only when it is empty or carries the marker file of
  an earlier vtour output (:func:`check_output_dir`), so a typo in ``-o`` cannot delete a user's
  folder. With ``manifest=True`` the folder records what vtour wrote (:data:`MANIFEST`), and a rebuild
  keeps every other file (a user's ``about.html``), with a warning. When the destination's parent is
  not writable but the destination is, the new output is staged inside it and moved in entry by
  entry. :func:`swap_dir` is the same without the check, for a folder that vtour's layout owns (a
  tour's ``viewer/``).
- :func:`atomic_file` -- one file written under a temporary name and renamed over the destination:
  an existing file is replaced, never written through (were it a hard link to a source, writing
  into it would change the source). :func:`write_bytes_atomic`, :func:`link_file` and
  :func:`link_tree` (the stage cache hard-linked into a tour, authored files copied) use it.
- :func:`staging` -- a temporary folder inside a folder the user owns (``vtour import`` next to a
  tour.yaml, ``vtour sample`` into a folder), moved in by :func:`replace_entries` (whole entries,
  in a given order) or :func:`merge_staged` (file by file, refusing to replace what is not ours).
  On failure the temporary folder and the folders made for it are removed.

Every file and folder is created with the ordinary modes (0666 and 0777 less the umask: 0644 and
0755 as a rule), never the private ones of ``mkdtemp`` or the source's own mode: a tour deployed
with ``cp -r`` is served by a web server running as another user.
"""

from __future__ import annotations

import errno
import filecmp
import json
import os
import re
import shutil
import time
import uuid
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from vtour.errors import VtourError, VtourWarning

try:  # POSIX: temporary folders are locked while in use, so that a later run can tell leftovers
    import fcntl
except ImportError:  # pragma: no cover - Windows: leftovers are not cleaned
    fcntl = None  # type: ignore[assignment]

#: What an output folder written with ``manifest=True`` records: every file vtour wrote there.
MANIFEST = ".vtour-manifest.json"
#: The hidden temporary names of this module: ``.<name>.tmp-<8 hex>`` and ``.<name>.old-<8 hex>``.
TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)-[0-9a-f]{8}$")
#: errno values that mean "this folder cannot be written", as opposed to a missing or full disk.
_NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)
_LIST_MAX = 10


def temp_path(path: Path, kind: str = "tmp") -> Path:
    """A fresh hidden name beside ``path``: ``.<name>.<kind>-<8 hex>``."""
    return path.with_name(f".{path.name}.{kind}-{uuid.uuid4().hex[:8]}")


def _remove(path: Path) -> None:
    """Delete a file, a link or a folder tree; what cannot be deleted is left (never raises)."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _lock(path: Path) -> int | None:
    """Hold an exclusive lock on ``path`` (a file or folder) for as long as the returned descriptor
    is open; None where locks are not available (the temporary name is then simply not cleaned)."""
    if fcntl is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _unlock(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


#: An unlocked temporary entry younger than this may be one a live run has just created and not yet
#: locked (create, then lock: two steps); only older ones are a killed run's leftovers.
STALE_AFTER_S = 60.0


def _is_stale(path: Path) -> bool:
    """True when no live run holds ``path`` (a temporary entry) locked and it is not brand new."""
    try:
        if time.time() - path.lstat().st_mtime < STALE_AFTER_S:
            return False
    except OSError:
        return False
    fd = _lock(path)
    _unlock(fd)
    return fd is not None


def clean_stale(folder: str | Path, name: str | None = None) -> list[Path]:
    """Delete the temporary entries (``.<name>.tmp-*``, ``.<name>.old-*``; any name when ``name`` is
    None) that a killed run left in ``folder``; those a live run holds locked are kept. Returns the
    deleted paths; never raises."""
    folder = Path(folder)
    gone: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return gone
    for entry in entries:
        m = TEMP_NAME.match(entry.name)
        if m and (name is None or m["name"] == name) and _is_stale(entry):
            _remove(entry)
            gone.append(entry)
    return gone


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


def _make_temp_dir(path: Path) -> int | None:
    """Create the temporary folder ``path`` (mode 0777 less the umask) and lock it."""
    path.mkdir()
    return _lock(path)


@contextmanager
def swap_dir(dest: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary folder beside ``dest`` that replaces ``dest`` whole when the block
    ends without error (and is deleted when it raises). The parent is created if needed."""
    dest = Path(dest).absolute()
    dest.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(dest.parent, dest.name)
    tmp = temp_path(dest)
    fd = _make_temp_dir(tmp)
    try:
        yield tmp
        replace_dir(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        _unlock(fd)


def check_output_dir(dest: str | Path, *, marker: str, step: str) -> Path:
    """``dest`` (absolute) when vtour may write an output there: absent, an empty folder, or a folder
    holding ``marker`` (an earlier output of this kind). Called before any work, so that a wrong
    ``-o`` is refused at once, and again before the swap."""
    dest = Path(dest).absolute()
    if dest.exists() or dest.is_symlink():
        if not dest.is_dir():
            raise VtourError(step, "output path exists and is not a folder", path=dest, fix="choose another -o")
        entries = [p for p in dest.iterdir() if not TEMP_NAME.match(p.name)]
        if entries and not (dest / marker).exists():
            raise VtourError(
                step,
                f"output folder is not empty and holds no {marker}, so it is not an earlier vtour output",
                path=dest,
                fix="choose an empty or new folder for -o",
            )
    return dest


def _written(folder: Path) -> list[str]:
    """Every file (or link) below ``folder``, as sorted POSIX paths relative to it."""
    out = []
    for root, dirs, files in os.walk(folder):
        rel = Path(root).relative_to(folder)
        out += [(rel / n).as_posix() for n in files]
        out += [(rel / d).as_posix() for d in dirs if (Path(root) / d).is_symlink()]
    return sorted(out)


def _recorded(dest: Path) -> set[str] | None:
    """The files vtour wrote in ``dest`` by its manifest; None without one (an output written
    before manifests)."""
    try:
        data = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
        if isinstance(files, list) and all(isinstance(f, str) for f in files):
            return set(files)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _foreign(dest: Path, legacy: Iterable[str]) -> list[str]:
    """The files of ``dest`` that vtour did not write there (hidden temporary entries aside)."""
    if not dest.is_dir():
        return []
    ours = _recorded(dest)
    top = set(legacy)
    out = []
    for rel in _written(dest):
        first = rel.split("/", 1)[0]
        if TEMP_NAME.match(first) or rel == MANIFEST:
            continue
        if (rel not in ours) if ours is not None else (first not in top):
            out.append(rel)
    return out


def _listing(names: list[str]) -> str:
    more = len(names) - _LIST_MAX
    return ", ".join(names[:_LIST_MAX]) + (f" and {more} more" if more > 0 else "")


def _carry_foreign(dest: Path, tmp: Path, legacy: Iterable[str], step: str) -> list[str]:
    """Link the user's own files of ``dest`` into the new output ``tmp`` (refusing, before anything
    is moved, a file at a path the new output writes too); returns them."""
    foreign = _foreign(dest, legacy)
    clash = [rel for rel in foreign if (tmp / rel).exists() or (tmp / rel).is_symlink()]
    if clash:
        raise VtourError(
            step,
            f"the output folder holds {len(clash)} file(s) that vtour did not write, at paths this "
            f"build writes: {_listing(clash)}",
            path=dest,
            fix="move them out of the output folder (vtour keeps only files at paths it does not write)",
        )
    for rel in foreign:
        src, target = dest / rel, tmp / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), target)
            continue
        try:
            os.link(src, target)
        except OSError:
            shutil.copy2(src, target)  # the user's file, with the user's own mode
    return foreign


def _swap_in_place(tmp: Path, dest: Path, marker: str) -> None:
    """Move the complete output ``tmp`` (a hidden folder inside ``dest``) into ``dest`` entry by
    entry, ``marker`` last, then delete the entries of ``dest`` the new output does not hold. Used
    where ``dest``'s parent is not writable, so ``dest`` itself cannot be renamed: each entry is
    replaced by a rename, the folder as a whole is not."""
    names = sorted(p.name for p in tmp.iterdir())
    replace_entries(tmp, dest, [n for n in names if n != marker] + [n for n in names if n == marker])
    for entry in dest.iterdir():
        if entry.name not in names and entry != tmp and not TEMP_NAME.match(entry.name):
            _remove(entry)


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK | os.X_OK)


@contextmanager
def atomic_dir(
    dest: str | Path, *, marker: str, step: str, manifest: bool = False, legacy: Iterable[str] = ()
) -> Iterator[Path]:
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
    manifest : bool
        Record the files written in ``dest/MANIFEST``, and keep in the new output every file of the
        old one that is not recorded there (a warning names them; one at a path the new output
        writes is refused, before anything is replaced).
    legacy : names
        With ``manifest``, for an earlier output without a manifest: the top-level names that are
        vtour's (everything else is kept).
    """
    dest = check_output_dir(dest, marker=marker, step=step)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VtourError(
            step,
            f"cannot create the output's folder ({exc.strerror or exc})",
            path=dest.parent,
            fix="choose another -o",
        ) from None
    clean_stale(dest.parent, dest.name)
    in_place = dest.is_dir() and not _writable(dest.parent) and _writable(dest)
    tmp = temp_path(dest / dest.name if in_place else dest)
    if in_place:
        clean_stale(dest, dest.name)
    try:
        fd = _make_temp_dir(tmp)
    except OSError as exc:
        if exc.errno not in _NOT_WRITABLE or in_place or not (dest.is_dir() and _writable(dest)):
            raise VtourError(
                step,
                f"cannot write the output ({exc.strerror or exc})",
                path=dest if dest.is_dir() else dest.parent,
                fix="choose an output folder you can write in",
            ) from None
        in_place, tmp = True, temp_path(dest / dest.name)  # a writable folder in a read-only parent
        fd = _make_temp_dir(tmp)
    try:
        yield tmp
        kept: list[str] = []
        if manifest:
            check_output_dir(dest, marker=marker, step=step)  # it may have changed while we worked
            record = {"format": "vtour-manifest", "version": 1, "files": _written(tmp)}
            (tmp / MANIFEST).write_text(json.dumps(record, indent=0) + "\n", encoding="utf-8")
            kept = _carry_foreign(dest, tmp, legacy, step)
        if in_place:
            _swap_in_place(tmp, dest, marker)
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            replace_dir(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        _unlock(fd)
    if kept:
        warnings.warn(
            f"{step}: kept {len(kept)} file(s) in {dest} that vtour did not write: {_listing(kept)}",
            VtourWarning,
            stacklevel=3,
        )


@contextmanager
def atomic_file(dest: str | Path, *, lock: bool = True, fsync: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; when the block ends without error the file written
    there is renamed over ``dest``. Nothing is left under the temporary name either way.

    With ``lock`` (the default) the temporary file is created at once (0666 less the umask) and
    locked while written, and leftovers of ``dest`` from killed runs are deleted first; without,
    the caller creates it (:func:`link_file`, into a fresh temporary folder, file after file).

    With ``fsync`` the file's data reach the disk before the rename and the folder's entry after it
    (a power cut then leaves the old file or the new one, not an empty one: ext4 and XFS may order
    a rename before the data it names). It costs a disk flush per file: for a user's own writing
    (notes), never for bulk output (tiles) that a rerun rebuilds."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(dest)
    fd = None
    if lock:
        clean_stale(dest.parent, dest.name)
        tmp.touch()
        fd = _lock(tmp)
    try:
        yield tmp
        if fsync:
            _fsync(tmp)
        os.replace(tmp, dest)
        if fsync:
            _fsync(dest.parent)
    finally:
        _unlock(fd)
        tmp.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    """Flush ``path`` (a file, or a folder: its entries) to the disk. A folder that cannot be opened
    (Windows) is skipped: there the rename itself is durable once the file is."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        if path.is_dir():
            return
        raise
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write a single file through a temporary name and a rename."""
    with atomic_file(path) as tmp:
        tmp.write_bytes(data)


def link_file(src: Path, dest: Path, *, copy: bool = False) -> None:
    """Hard-link (or with ``copy``, copy) ``src`` to ``dest``, replacing any file there.

    The new file is made under a temporary name and renamed over ``dest`` (:func:`atomic_file`), so
    an existing ``dest`` is replaced, never written through. Authored sources (images) are copied,
    so that editing the built tour can never change a capture; only vtour's own output (the stage
    cache) is hard-linked, falling back to a copy across file systems. A copy gets the ordinary
    mode, not the source's (a capture may be private to its owner; the tour is published).
    """
    with atomic_file(dest, lock=False) as tmp:
        if copy:
            shutil.copyfile(src, tmp)
            return
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)


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
    fd = None
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
        clean_stale(folder, f"vtour-{step}")
        stage = temp_path(folder / f"vtour-{step}")
        try:
            fd = _make_temp_dir(stage)
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
        _unlock(fd)
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


def merge_staged(stage: Path, dest: Path, *, step: str, force: bool = False, last: str | None = None) -> None:
    """Move every staged file into ``dest`` at the same relative path; every check first, so a
    refusal changes nothing.

    An existing file that holds the same bytes is left as it is; one that differs (a hand-written
    tour.yaml, a capture of the same name) is replaced only with ``force``, and otherwise refused
    with every such file named. A file, folder or link in the way, or a link that would carry a file
    out of ``dest``, is refused. ``last`` (a relative path) is moved last.
    """
    dest_real = dest.resolve()
    files = sorted(
        (p for p in stage.rglob("*") if p.is_file() and not p.is_symlink()),
        key=lambda p: (p.relative_to(stage).as_posix() == last, p.relative_to(stage).as_posix()),
    )
    moves, differ = [], []
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
            differ.append(rel.as_posix())
        moves.append((f, target))
    if differ and not force:
        raise VtourError(
            step,
            f"{len(differ)} file(s) in the output folder differ from what vtour {step} would write there: "
            f"{_listing(differ)}",
            path=dest,
            fix="move them away or choose another output folder; pass --force to replace them",
        )
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
