"""vtour.output: every staged write appears complete or not at all, and never writes through to a source."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tour_helpers import age, read_only

from vtour import output
from vtour.errors import VtourError, VtourWarning
from vtour.output import (
    atomic_dir,
    atomic_file,
    link_file,
    link_tree,
    merge_staged,
    replace_entries,
    staging,
    swap_dir,
    write_bytes_atomic,
)


def _tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(folder):
    return sorted(p.name for p in folder.rglob("*") if ".tmp-" in p.name or ".old-" in p.name)


class Boom(Exception):
    pass


def test_atomic_dir_leaves_the_old_folder_on_failure_and_no_temporary_folder_behind(tmp_path):
    dest = tmp_path / "out"
    with atomic_dir(dest, marker="done.txt", step="t") as tmp:
        (tmp / "done.txt").write_text("old")
        (tmp / "a" / "b").mkdir(parents=True)
        (tmp / "a" / "b" / "c.bin").write_bytes(b"\x00\x01")
    before = _tree(dest)
    with pytest.raises(Boom), atomic_dir(dest, marker="done.txt", step="t") as tmp:
        (tmp / "done.txt").write_text("new")
        raise Boom
    assert _tree(dest) == before == {"done.txt": b"old", "a/b/c.bin": b"\x00\x01"}
    assert _leftovers(tmp_path) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_atomic_dir_replaces_an_earlier_output_whole(tmp_path):
    dest = tmp_path / "out"
    for files in ({"done.txt": b"1", "gone.txt": b"x"}, {"done.txt": b"2"}):
        with atomic_dir(dest, marker="done.txt", step="t") as tmp:
            for name, data in files.items():
                (tmp / name).write_bytes(data)
    assert _tree(dest) == {"done.txt": b"2"} and _leftovers(tmp_path) == []


def test_atomic_dir_refuses_a_folder_that_is_not_an_earlier_output(tmp_path):
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "thesis.tex").write_text("years of work")
    with pytest.raises(VtourError) as caught, atomic_dir(dest, marker="pano.json", step="pano"):
        pytest.fail("the block must not run")
    assert (caught.value.step, caught.value.path) == ("pano", dest.absolute())
    assert "holds no pano.json" in caught.value.message
    assert _tree(dest) == {"thesis.tex": b"years of work"} and _leftovers(tmp_path) == []
    (tmp_path / "file").write_text("x")
    with pytest.raises(VtourError, match="not a folder"), atomic_dir(tmp_path / "file", marker="m", step="t"):
        pass


def test_swap_dir_replaces_a_folder_without_a_marker_and_keeps_it_on_failure(tmp_path):
    dest = tmp_path / "viewer"
    dest.mkdir()
    (dest / "old.js").write_text("old")
    with pytest.raises(Boom), swap_dir(dest) as tmp:
        (tmp / "new.js").write_text("new")
        raise Boom
    assert _tree(dest) == {"old.js": b"old"}
    with swap_dir(dest) as tmp:
        (tmp / "new.js").write_text("new")
    assert _tree(dest) == {"new.js": b"new"} and _leftovers(tmp_path) == []


def test_replace_dir_puts_the_old_folder_back_when_the_new_one_cannot_be_moved_in(tmp_path, monkeypatch):
    dest, new = tmp_path / "dest", tmp_path / "new"
    dest.mkdir()
    (dest / "keep").write_text("old")
    new.mkdir()
    real_replace, calls = os.replace, []

    def second_rename_fails(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", second_rename_fails)
    with pytest.raises(OSError):
        output.replace_dir(new, dest)
    assert _tree(dest) == {"keep": b"old"} and new.is_dir() and _leftovers(tmp_path) == []


def test_replace_by_rename_never_writes_through_a_hard_link(tmp_path):
    source = tmp_path / "capture.jpg"
    source.write_bytes(b"CAPTURE")
    built = tmp_path / "tour" / "images" / "capture.jpg"
    built.parent.mkdir(parents=True)
    os.link(source, built)  # an earlier build that hard-linked the capture
    write_bytes_atomic(built, b"REWRITTEN")
    assert source.read_bytes() == b"CAPTURE" and built.read_bytes() == b"REWRITTEN"
    os.unlink(built)
    os.link(source, built)
    other = tmp_path / "other.jpg"
    other.write_bytes(b"OTHER")
    link_file(other, built, copy=True)
    assert source.read_bytes() == b"CAPTURE" and built.read_bytes() == b"OTHER"


def test_atomic_file_keeps_the_old_file_when_writing_fails(tmp_path):
    dest = tmp_path / "t.zip"
    dest.write_bytes(b"OLD")
    with pytest.raises(Boom), atomic_file(dest) as tmp:
        tmp.write_bytes(b"HALF")
        raise Boom
    assert dest.read_bytes() == b"OLD" and sorted(p.name for p in tmp_path.iterdir()) == ["t.zip"]
    with atomic_file(tmp_path / "new" / "t.zip") as tmp:
        tmp.write_bytes(b"NEW")
    assert (tmp_path / "new" / "t.zip").read_bytes() == b"NEW" and _leftovers(tmp_path) == []


def _disk_events(monkeypatch) -> list[tuple]:
    """Record ``("fsync", path)`` and ``("replace", src name, dest name)`` in the order they happen."""
    events: list[tuple] = []
    fsync, replace = os.fsync, os.replace

    def recording_fsync(fd):
        events.append(("fsync", Path(os.readlink(f"/proc/self/fd/{fd}"))))
        return fsync(fd)

    def recording_replace(src, dst, **kw):
        events.append(("replace", Path(src).name, Path(dst).name))
        return replace(src, dst, **kw)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    monkeypatch.setattr(os, "replace", recording_replace)
    return events


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names an open file through /proc")
def test_atomic_file_with_fsync_flushes_the_file_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    events = _disk_events(monkeypatch)
    dest = tmp_path / "notes.json"
    with atomic_file(dest, fsync=True) as tmp:
        tmp.write_text("NEW")
    assert [e[0] for e in events] == ["fsync", "replace", "fsync"]
    assert events[0] == ("fsync", tmp) and events[1] == ("replace", tmp.name, "notes.json")
    assert events[2] == ("fsync", tmp_path) and dest.read_text() == "NEW" and _leftovers(tmp_path) == []
    events.clear()
    with atomic_file(dest) as tmp:  # the default (tiles): no disk flush
        tmp.write_text("FAST")
    assert events == [("replace", tmp.name, "notes.json")]
    write_bytes_atomic(tmp_path / "0_0.jpg", b"TILE")
    assert [e[0] for e in events] == ["replace", "replace"]


def test_link_file_copies_authored_files_and_hard_links_vtour_output(tmp_path):
    src = tmp_path / "src.jpg"
    src.write_bytes(b"IMG")
    link_file(src, tmp_path / "copied.jpg", copy=True)
    link_file(src, tmp_path / "linked.jpg")
    assert (tmp_path / "copied.jpg").read_bytes() == b"IMG"
    assert not os.path.samefile(src, tmp_path / "copied.jpg")
    assert os.path.samefile(src, tmp_path / "linked.jpg")
    assert _leftovers(tmp_path) == []


def test_link_tree_links_every_file_but_the_skipped_ones_keeping_sub_folders(tmp_path):
    src = tmp_path / "stage"
    (src / "0" / "f" / "0").mkdir(parents=True)
    (src / "0" / "f" / "0" / "0.jpg").write_bytes(b"T")
    (src / "pano.json").write_text("{}")
    (src / "stitched.jpg").write_bytes(b"BIG")
    link_tree(src, tmp_path / "tour" / "scenes" / "a", skip={"stitched.jpg"})
    assert _tree(tmp_path / "tour") == {"scenes/a/0/f/0/0.jpg": b"T", "scenes/a/pano.json": b"{}"}


def test_staging_removes_its_folder_and_the_folders_it_made_when_the_block_fails(tmp_path):
    out = tmp_path / "new" / "deeper"
    with pytest.raises(Boom), staging(out, step="import") as stage:
        assert stage.parent == out and stage.name.startswith(".vtour-import.tmp-")
        (stage / "tour.yaml").write_text("id: x")
        raise Boom
    assert not (tmp_path / "new").exists()
    existing = tmp_path / "existing"
    existing.mkdir()
    with pytest.raises(Boom), staging(existing, step="import"):
        raise Boom
    assert existing.is_dir() and list(existing.iterdir()) == []


def test_staging_then_replace_entries_moves_whole_entries_in_order_and_cleans_up(tmp_path, monkeypatch):
    folder = tmp_path / "sample"
    (folder / "panoramas").mkdir(parents=True)
    (folder / "panoramas" / "stale.jpg").write_bytes(b"STALE")
    (folder / "notes.txt").write_text("the user's")
    moved, real_replace = [], os.replace
    monkeypatch.setattr(output.os, "replace", lambda a, b: (moved.append(os.path.basename(b)), real_replace(a, b)))
    with staging(folder, step="sample") as stage:
        (stage / "panoramas").mkdir()
        (stage / "panoramas" / "a.jpg").write_bytes(b"A")
        (stage / "tour.yaml").write_text("id: s")
        replace_entries(stage, folder, ["panoramas", "tour.yaml"])
    assert _tree(folder) == {"notes.txt": b"the user's", "panoramas/a.jpg": b"A", "tour.yaml": b"id: s"}
    assert moved[-1] == "tour.yaml" and _leftovers(tmp_path) == []


def _staged(tmp_path, files):
    stage = tmp_path / "stage"
    for rel, data in files.items():
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        (stage / rel).write_bytes(data)
    return stage


def test_merge_staged_refuses_every_different_file_naming_them_before_moving_anything(tmp_path):
    dest = tmp_path / "out"
    (dest / "images").mkdir(parents=True)
    (dest / "images" / "note.jpg").write_bytes(b"MINE")
    (dest / "tour.yaml").write_text("hand-written")
    stage = _staged(tmp_path, {"tour.yaml": b"Y", "panoramas/a.jpg": b"A", "images/note.jpg": b"THEIRS"})
    with pytest.raises(VtourError) as caught:
        merge_staged(stage, dest, step="import", last="tour.yaml")
    assert caught.value.path == dest and "--force" in caught.value.fix
    assert "2 file(s) in the output folder differ" in caught.value.message
    assert caught.value.message.endswith(": images/note.jpg, tour.yaml")
    assert _tree(dest) == {"images/note.jpg": b"MINE", "tour.yaml": b"hand-written"}


def test_merge_staged_with_force_replaces_different_files_and_skips_identical_ones(tmp_path):
    dest = tmp_path / "out"
    (dest / "panoramas").mkdir(parents=True)
    (dest / "panoramas" / "a.jpg").write_bytes(b"OLD")
    (dest / "images").mkdir()
    (dest / "images" / "note.jpg").write_bytes(b"SAME")
    stage = _staged(tmp_path, {"tour.yaml": b"Y", "panoramas/a.jpg": b"NEW", "images/note.jpg": b"SAME"})
    merge_staged(stage, dest, step="import", force=True, last="tour.yaml")
    assert _tree(dest) == {"images/note.jpg": b"SAME", "panoramas/a.jpg": b"NEW", "tour.yaml": b"Y"}


def test_merge_staged_never_follows_a_link_out_of_the_destination(tmp_path):
    dest, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    dest.mkdir()
    elsewhere.mkdir()
    (dest / "panoramas").symlink_to(elsewhere)
    stage = _staged(tmp_path, {"panoramas/a.jpg": b"A"})
    with pytest.raises(VtourError, match="outside the output folder"):
        merge_staged(stage, dest, step="import", force=True)
    assert list(elsewhere.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# leftovers of killed runs, read-only parents, the user's own files, ordinary modes


def test_the_next_run_deletes_the_temporary_folders_a_killed_run_left_but_not_those_in_use(tmp_path):
    dest = tmp_path / "out"
    stale_dir, stale_old = tmp_path / ".out.tmp-0123abcd", tmp_path / ".out.old-89abcdef"
    for d in (stale_dir, stale_old):
        (d / "scenes").mkdir(parents=True)
        (d / "scenes" / "t.jpg").write_bytes(b"HALF")
    (tmp_path / ".out.tmp-deadbeef").write_bytes(b"half a zip")  # a file left by atomic_file
    unrelated = tmp_path / ".other.tmp-01234567"  # another output's: not this run's to judge
    unrelated.mkdir()
    age(stale_dir, stale_old, tmp_path / ".out.tmp-deadbeef", unrelated)
    with swap_dir(tmp_path / "busy") as live:  # a run still at work beside us
        with atomic_dir(dest, marker="done.txt", step="t") as tmp:
            (tmp / "done.txt").write_text("ok")
        assert live.is_dir()
        assert output.clean_stale(tmp_path) == [unrelated]  # the live one is locked, so kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "out"]


def test_a_temporary_entry_just_made_and_not_yet_locked_is_never_taken_for_a_leftover(tmp_path):
    """Another run creates its temporary folder, then locks it: between the two it is unlocked."""
    fresh = tmp_path / ".out.tmp-0123abcd"
    fresh.mkdir()
    assert output.clean_stale(tmp_path) == [] and fresh.is_dir()
    age(fresh)
    assert output.clean_stale(tmp_path) == [fresh] and not fresh.exists()


def test_staging_deletes_the_leftovers_of_a_killed_import(tmp_path):
    folder = tmp_path / "tour"
    (folder / ".vtour-import.tmp-0123abcd" / "panoramas").mkdir(parents=True)
    age(folder / ".vtour-import.tmp-0123abcd")
    with staging(folder, step="import") as stage:
        (stage / "tour.yaml").write_text("id: x")
        replace_entries(stage, folder, ["tour.yaml"])
    assert sorted(p.name for p in folder.iterdir()) == ["tour.yaml"]


def test_a_writable_output_folder_in_a_read_only_parent_is_replaced_from_inside(tmp_path, monkeypatch):
    dest = tmp_path / "www" / "tour"
    with atomic_dir(dest, marker="tour.json", step="build", manifest=True) as tmp:
        (tmp / "tour.json").write_text("1")
        (tmp / "scenes" / "a").mkdir(parents=True)
        (tmp / "scenes" / "a" / "old.jpg").write_bytes(b"OLD")
        (tmp / "gone.json").write_text("x")
    (dest / "about.html").write_text("the user's page")
    read_only(monkeypatch, tmp_path / "www")
    with (
        pytest.warns(VtourWarning, match="about.html"),
        atomic_dir(dest, marker="tour.json", step="build", manifest=True) as tmp,
    ):
        assert tmp.parent == dest
        (tmp / "tour.json").write_text("2")
        (tmp / "scenes" / "a").mkdir(parents=True)
        (tmp / "scenes" / "a" / "new.jpg").write_bytes(b"NEW")
    assert {k: v for k, v in _tree(dest).items() if k != output.MANIFEST} == {
        "about.html": b"the user's page",
        "scenes/a/new.jpg": b"NEW",
        "tour.json": b"2",
    }
    assert sorted(p.name for p in (tmp_path / "www").iterdir()) == ["tour"] and _leftovers(tmp_path) == []


def test_an_output_folder_that_cannot_be_made_is_a_vtour_error_naming_its_folder(tmp_path, monkeypatch):
    read_only(monkeypatch, tmp_path / "www")
    os.makedirs(tmp_path / "www")
    with pytest.raises(VtourError) as caught, atomic_dir(tmp_path / "www" / "tour", marker="m", step="build"):
        pytest.fail("the block must not run")
    assert caught.value.path == tmp_path / "www" and "Permission denied" in caught.value.message


def test_a_rebuild_keeps_the_files_the_user_added_and_names_them(tmp_path):
    dest = tmp_path / "out"
    with atomic_dir(dest, marker="tour.json", step="build", manifest=True) as tmp:
        (tmp / "tour.json").write_text("1")
        (tmp / "images").mkdir()
        (tmp / "images" / "a.jpg").write_bytes(b"A")
    (dest / "about.html").write_text("mine")
    (dest / "images" / "extra.png").write_bytes(b"MINE")
    (dest / "notes").mkdir()
    (dest / "notes" / "n.txt").write_text("n")
    with pytest.warns(VtourWarning) as caught, atomic_dir(dest, marker="tour.json", step="build", manifest=True) as tmp:
        (tmp / "tour.json").write_text("2")
    message = str(caught[0].message)
    assert "kept 3 file(s)" in message and "about.html, images/extra.png, notes/n.txt" in message
    assert {k: v for k, v in _tree(dest).items() if k != output.MANIFEST} == {
        "about.html": b"mine",
        "images/extra.png": b"MINE",
        "notes/n.txt": b"n",
        "tour.json": b"2",
    }
    assert json.loads((dest / output.MANIFEST).read_text())["files"] == ["tour.json"]


def test_a_user_file_where_the_new_output_writes_is_refused_and_nothing_changes(tmp_path):
    dest = tmp_path / "out"
    with atomic_dir(dest, marker="tour.json", step="build", manifest=True) as tmp:
        (tmp / "tour.json").write_text("1")
    (dest / "pannellum.json").write_text("the user's own")
    before = _tree(dest)
    with pytest.raises(VtourError) as caught, atomic_dir(dest, marker="tour.json", step="build", manifest=True) as tmp:
        (tmp / "tour.json").write_text("2")
        (tmp / "pannellum.json").write_text("vtour's")
    assert "pannellum.json" in caught.value.message and caught.value.path == dest
    assert "move them out" in caught.value.fix
    assert _tree(dest) == before and _leftovers(tmp_path) == []


def test_an_output_without_a_manifest_keeps_what_lies_outside_the_legacy_names(tmp_path):
    dest = tmp_path / "out"
    (dest / "scenes").mkdir(parents=True)
    (dest / "scenes" / "old.jpg").write_bytes(b"OLD")
    (dest / "tour.json").write_text("1")
    (dest / "about.html").write_text("mine")
    with (
        pytest.warns(VtourWarning, match="about.html"),
        atomic_dir(dest, marker="tour.json", step="build", manifest=True, legacy=("tour.json", "scenes")) as tmp,
    ):
        (tmp / "tour.json").write_text("2")
    assert sorted(_tree(dest)) == sorted(["about.html", "tour.json", output.MANIFEST])


def test_files_and_folders_written_get_the_ordinary_modes_whatever_the_source(tmp_path):
    old = os.umask(0o022)
    try:
        src = tmp_path / "capture.jpg"
        src.write_bytes(b"IMG")
        src.chmod(0o600)
        with atomic_dir(tmp_path / "out", marker="m", step="t") as tmp:
            (tmp / "m").write_text("x")
            link_file(src, tmp / "images" / "capture.jpg", copy=True)
        write_bytes_atomic(tmp_path / "out.zip", b"zip")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "out") == 0o755 and _mode(tmp_path / "out" / "images") == 0o755
    assert _mode(tmp_path / "out" / "images" / "capture.jpg") == 0o644
    assert _mode(tmp_path / "out" / "m") == 0o644 and _mode(tmp_path / "out.zip") == 0o644


def _mode(path):
    return path.stat().st_mode & 0o777
