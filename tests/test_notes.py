"""vtour.notes: W3C Web Annotation notes checked at the boundary, a store that never loses a note
(one note's change on the latest file, under a lock; .bak; atomic), and notes carried into a build."""

from __future__ import annotations

import json
import multiprocessing
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from tour_helpers import cli, small_tour, tree_bytes

from vtour.errors import VtourError
from vtour.notes import (
    CONTEXT,
    NOTE_TYPES,
    NoteConflict,
    NoteMissing,
    NotesFileError,
    NotesStore,
    built_notes_problems,
    check_note,
    check_page,
    empty_page,
    note_id,
    notes_problems,
    read_history,
    read_page,
    write_page,
)
from vtour.tour import build_tour, read_tour, schema_problems, validate_path

UUID = "0b6c2f2e-5a4e-4c1b-9a43-6f1f3c3d2e10"


def note(kind="crack", text="Hairline crack", model="buddha", **extra) -> dict:
    """One annotation as the inspector sends it (no id or dates: the store sets them)."""
    out = {
        "@context": CONTEXT,
        "type": "Annotation",
        "motivation": "commenting",
        "creator": {"type": "Person", "name": "Li Wei"},
        "body": [
            {"type": "TextualBody", "purpose": "classifying", "value": kind},
            {"type": "TextualBody", "purpose": "describing", "format": "text/plain", "language": "en", "value": text},
            {
                "type": "TextualBody",
                "purpose": "describing",
                "format": "text/plain",
                "language": "zh",
                "value": "细裂纹",
            },
        ],
        "target": {
            "type": "SpecificResource",
            "source": {"id": f"models/{model}", "type": "Model"},
            "selector": {"type": "PointSelector", "x": 0.1, "y": 1.2, "z": 0.05},
            "scope": {
                "type": "PerspectiveCamera",
                "position": {"x": 1.0, "y": 1.5, "z": 2.0},
                "lookAt": {"type": "PointSelector", "x": 0.1, "y": 1.2, "z": 0.05},
                "fieldOfView": 40,
            },
        },
    }
    out.update(extra)
    return out


def stored(**extra) -> dict:
    return note(id=f"urn:uuid:{UUID}", created="2026-11-30T17:20:00Z", modified="2026-11-30T17:20:00Z", **extra)


# --- one annotation ---------------------------------------------------------------------------------


def test_the_specs_example_note_is_valid_and_comes_back_unchanged():
    a = stored()
    assert check_note(a, model="buddha") == a


def test_a_note_without_id_or_dates_is_valid_for_the_store_to_complete():
    out = check_note(note(), model="buddha", stored=False)
    assert "id" not in out and "created" not in out
    with pytest.raises(VtourError, match=r"^notes: id: a note.s id is urn:uuid: and a UUID"):
        check_note(note(), model="buddha")


def test_a_target_without_source_is_placed_on_the_model_and_empty_texts_are_left_out():
    a = note()
    del a["target"]["source"]
    a["body"][2]["value"] = "  "
    out = check_note(a, model="statue", stored=False)
    assert out["target"]["source"] == {"id": "models/statue", "type": "Model"}
    assert [b.get("language") for b in out["body"]] == [None, "en"]


def _broken(change) -> dict:
    a = stored()
    change(a)
    return a


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda a: a["body"][0].update(value="crak"), "body[0].value='crak'", "crack, loss, restoration"),
        (lambda a: a["body"].pop(0), "body", "exactly one classifying body"),
        (lambda a: a["body"].append(dict(a["body"][0])), "body", "not 2"),
        (lambda a: a["body"][1].update(language="english!"), "body[1].language='english!'", "language tag"),
        (lambda a: a["body"][2].update(language="en"), "body[2].language='en'", "two texts in one language"),
        (lambda a: a["body"][1].update(format="text/html"), "body[1].format='text/html'", "'text/plain'"),
        (lambda a: a["body"][1].update(purpose="tagging"), "body[1].purpose='tagging'", "classifying"),
        (lambda a: a.update(creator={"name": " "}), "creator.name=' '", "author's name"),
        (lambda a: a.pop("creator"), "creator", "must be a JSON object"),
        (lambda a: a.update(created="yesterday"), "created='yesterday'", "ISO 8601"),
        (lambda a: a.update(modified="2026-11-30T17:20:00"), "modified=", "time zone"),
        (lambda a: a["target"]["selector"].update(x=float("nan")), "target.selector.x=nan", "finite number"),
        (lambda a: a["target"]["selector"].update(y="1"), "target.selector.y='1'", "finite number"),
        (lambda a: a["target"]["selector"].update(z=True), "target.selector.z=True", "finite number"),
        (lambda a: a["target"]["selector"].update(type="FragmentSelector"), "target.selector.type", "PointSelector"),
        (lambda a: a["target"]["scope"].update(fieldOfView=180), "target.scope.fieldOfView=180", "(0, 180)"),
        (lambda a: a["target"]["scope"]["position"].pop("z"), "target.scope.position.z", "finite number"),
        (lambda a: a["target"]["source"].update(id="models/other"), "target.source.id='models/other'", "this model"),
        (lambda a: a.update(id="note-1"), "id='note-1'", "urn:uuid:"),
        (lambda a: a.update(type="Comment"), "type='Comment'", "'Annotation'"),
        (lambda a: a.update(colour="red"), "colour", "unknown property"),
        (lambda a: a.update(motivation="shouting"), "motivation='shouting'", "W3C motivation"),
    ],
)
def test_a_bad_note_is_refused_in_one_line_naming_the_field_and_value(change, field, words):
    with pytest.raises(VtourError) as caught:
        check_note(_broken(change), model="buddha", path="notes/buddha.json")
    text = str(caught.value)
    assert text.startswith(f"notes: notes/buddha.json: {field}") and words in text and "\n" not in text


def test_a_long_value_is_cut_in_the_message():
    with pytest.raises(VtourError) as caught:
        check_note(_broken(lambda a: a["body"][0].update(value="x" * 5000)), model="buddha")
    assert len(str(caught.value)) < 300


def test_every_note_type_is_accepted():
    for kind in NOTE_TYPES:
        assert check_note(note(kind), model="buddha", stored=False)["body"][0]["value"] == kind


# --- a page -----------------------------------------------------------------------------------------


def test_a_page_round_trips_through_its_file(tmp_path):
    page = empty_page() | {"items": [stored()]}
    write_page(tmp_path / "notes" / "buddha.json", page)
    assert read_page(tmp_path / "notes" / "buddha.json", model="buddha") == page


def test_a_page_with_two_notes_of_one_id_names_both(tmp_path):
    with pytest.raises(VtourError, match=r"items\[1\]\.id=.*the same id as items\[0\]"):
        check_page(empty_page() | {"items": [stored(), stored()]})


def test_a_file_that_is_not_json_names_the_file_the_line_and_the_backup(tmp_path):
    path = tmp_path / "buddha.json"
    path.write_text('{"type": "AnnotationPage",\n "items": [,]}')
    with pytest.raises(VtourError) as caught:
        read_page(path)
    e = caught.value
    assert e.path == path and "line 2 column" in e.message and "buddha.json.bak" in e.fix


# --- the store --------------------------------------------------------------------------------------


class Clock:
    """A clock that stands still unless moved: versions must differ even within one millisecond."""

    def __init__(self):
        self.now = datetime(2026, 11, 30, 17, 20, tzinfo=UTC)

    def __call__(self):
        return self.now


@pytest.fixture
def store(tmp_path):
    return NotesStore(tmp_path, ["buddha", "statue"], clock=Clock())


def test_a_note_added_updated_and_deleted_round_trips(store, tmp_path):
    assert store.page("buddha") == empty_page()
    a = store.add("buddha", note())
    assert note_id(a["id"]) == a["id"] and a["created"] == a["modified"] == "2026-11-30T17:20:00.000Z"
    assert store.page("buddha")["items"] == [a]
    assert store.get("buddha", a["id"].removeprefix("urn:uuid:")) == a
    b = store.update("buddha", a["id"], note("loss", "Flaking"), if_match=a["modified"])
    assert (b["id"], b["created"]) == (a["id"], a["created"]) and b["modified"] > a["modified"]
    assert b["body"][0]["value"] == "loss" and store.page("buddha")["items"] == [b]
    assert store.delete("buddha", b["id"], if_match=b["modified"]) is True
    assert store.page("buddha")["items"] == [] and store.delete("buddha", b["id"], if_match=b["modified"]) is False
    assert json.loads((tmp_path / "notes" / "buddha.json").read_text())["items"] == []


def test_each_write_keeps_the_previous_file_as_bak(store, tmp_path):
    first = store.add("buddha", note())
    file, bak = tmp_path / "notes" / "buddha.json", tmp_path / "notes" / "buddha.json.bak"
    assert not bak.exists()  # nothing before the first note
    before = file.read_bytes()
    store.add("buddha", note("loss"))
    assert bak.read_bytes() == before and json.loads(bak.read_text())["items"] == [first]
    assert sorted(p.name for p in file.parent.iterdir()) == ["buddha.json", "buddha.json.bak", "buddha.json.lock"]


def test_no_text_ever_saved_is_lost_every_replaced_or_deleted_version_is_in_the_history(store, tmp_path):
    """Add, update, delete, add: each version the file no longer holds is a line of the history, in order."""
    history = tmp_path / "notes" / "buddha.history.jsonl"
    a = store.add("buddha", note(text="first words"))
    assert not history.exists()  # an addition replaces nothing
    store.clock.now += timedelta(minutes=1)
    b = store.update("buddha", a["id"], note(text="second words"), if_match=a["modified"])
    store.clock.now += timedelta(minutes=1)
    assert store.delete("buddha", b["id"], if_match=b["modified"]) is True
    c = store.add("buddha", note(text="third words"))
    entries = read_history(history)
    assert [(e["action"], e["note"]) for e in entries] == [("update", a), ("delete", b)]
    assert [e["at"] for e in entries] == ["2026-11-30T17:21:00.000Z", "2026-11-30T17:22:00.000Z"]
    kept = [e["note"] for e in entries] + store.page("buddha")["items"]
    assert [n["body"][1]["value"] for n in kept] == ["first words", "second words", "third words"]
    assert kept[-1] == c and all(len(json.loads(line)) == 3 for line in history.read_text().splitlines())
    # a refused change (stale, or a note already gone) writes no history
    with pytest.raises(NoteConflict):
        store.update("buddha", c["id"], note(text="stale"), if_match=a["modified"])
    assert store.delete("buddha", b["id"], if_match=b["modified"]) is False and read_history(history) == entries


def test_a_history_line_cut_by_a_crash_loses_no_earlier_entry_and_the_next_starts_on_its_own_line(store, tmp_path):
    a = store.add("buddha", note())
    b = store.update("buddha", a["id"], note(text="two"), if_match=a["modified"])
    history = tmp_path / "notes" / "buddha.history.jsonl"
    history.write_bytes(history.read_bytes() + b'{"at": "2026-')  # a crash in the middle of a line
    store.update("buddha", a["id"], note(text="three"), if_match=b["modified"])
    assert [e["note"] for e in read_history(history)] == [a, b]


def test_a_deletion_needs_the_version_it_was_made_from(store):
    a = store.add("buddha", note())
    with pytest.raises(TypeError):
        store.delete("buddha", a["id"])  # type: ignore[call-arg]
    assert store.page("buddha")["items"] == [a]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names an open file through /proc")
def test_the_history_and_the_notes_reach_the_disk_before_the_file_is_replaced(store, tmp_path, monkeypatch):
    """fsync: the history line, the .bak and the new file, each before its rename; the folder after."""
    import os

    a = store.add("buddha", note())
    events: list[tuple] = []
    fsync, replace = os.fsync, os.replace
    monkeypatch.setattr(
        os, "fsync", lambda fd: events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}"))) or fsync(fd)
    )
    monkeypatch.setattr(os, "replace", lambda s, d: events.append(("replace", Path(d).name)) or replace(s, d))
    store.update("buddha", a["id"], note(text="two"), if_match=a["modified"])
    folder = str(tmp_path / "notes")
    names = [e[1] if e[0] == "replace" else Path(e[1]).name if e[1] != folder else "<folder>" for e in events]
    assert names[0] == "buddha.history.jsonl"
    bak, new = names.index("buddha.json.bak"), names.index("buddha.json")
    assert names[bak - 1].startswith(".buddha.json.bak.tmp-") and names[bak + 1] == "<folder>"
    assert names[new - 1].startswith(".buddha.json.tmp-") and names[new + 1] == "<folder>" and bak < new


def test_a_stale_update_is_a_conflict_carrying_the_current_note_and_changes_nothing(store, tmp_path):
    a = store.add("buddha", note())
    b = store.update("buddha", a["id"], note(text="mine"), if_match=a["modified"])
    file = tmp_path / "notes" / "buddha.json"
    before = file.read_bytes()
    with pytest.raises(NoteConflict) as caught:
        store.update("buddha", a["id"], note(text="theirs"), if_match=a["modified"])
    assert caught.value.current == b and file.read_bytes() == before
    with pytest.raises(NoteConflict):
        store.delete("buddha", a["id"], if_match=a["modified"])
    assert store.page("buddha")["items"] == [b]


def test_an_update_of_a_deleted_note_is_missing_and_adding_it_again_keeps_its_id(store):
    a = store.add("buddha", note())
    store.delete("buddha", a["id"], a["modified"])
    with pytest.raises(NoteMissing):
        store.update("buddha", a["id"], note(), if_match=a["modified"])
    again = store.add("buddha", note(id=a["id"]))
    assert again["id"] == a["id"]
    with pytest.raises(NoteConflict, match="a note with this id exists"):
        store.add("buddha", note(id=a["id"]))


def test_unknown_models_and_ids_that_are_not_uuids_never_name_a_file(store, tmp_path):
    for model in ("../buddha", "buddha/..", "..", "nope", "", "buddha.json"):
        with pytest.raises(NoteMissing):
            store.add(model, note(model=model))
        with pytest.raises(NoteMissing):
            store.page(model)
    for bad in ("../../etc/passwd", "..", f"{UUID}/..", "urn:uuid:x", ""):
        with pytest.raises(VtourError, match="a note's id is a UUID"):
            store.get("buddha", bad)
        with pytest.raises(VtourError, match="a note's id is a UUID"):
            store.update("buddha", bad, note(), if_match="x")
    assert not (tmp_path / "notes").exists() or sorted(p.name for p in (tmp_path / "notes").iterdir()) == []


def test_a_tampered_model_id_from_the_tour_is_not_a_model(tmp_path):
    assert NotesStore(tmp_path, ["ok", "../x", "/abs", ".hidden"]).models == ("ok",)


def test_the_url_id_must_match_the_notes_own(store):
    a = store.add("buddha", note())
    with pytest.raises(VtourError, match="not the one in the URL"):
        store.update("buddha", a["id"], note(id=f"urn:uuid:{UUID}"), if_match=a["modified"])


def test_modified_moves_forward_even_when_the_clock_does_not(store):
    a = store.add("buddha", note())
    versions = [a["modified"]]
    for _ in range(3):
        a = store.update("buddha", a["id"], note(), if_match=a["modified"])
        versions.append(a["modified"])
    assert versions == sorted(set(versions)) and len(versions) == 4


def test_a_broken_file_is_the_servers_problem_and_is_never_overwritten(store, tmp_path):
    (tmp_path / "notes").mkdir()
    broken = tmp_path / "notes" / "buddha.json"
    broken.write_text("{not json")
    with pytest.raises(NotesFileError) as caught:
        store.add("buddha", note())
    assert caught.value.path == broken and broken.read_text() == "{not json"


def test_threads_saving_different_notes_at_once_keep_every_note(tmp_path):
    store = NotesStore(tmp_path, ["buddha"])
    barrier = threading.Barrier(8)
    made: list[str] = []

    def save(i):
        barrier.wait()
        for j in range(5):
            made.append(store.add("buddha", note(text=f"thread {i} note {j}"))["id"])

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    items = store.page("buddha")["items"]
    assert sorted(n["id"] for n in items) == sorted(made) and len(made) == 40
    assert {n["body"][1]["value"] for n in items} == {f"thread {i} note {j}" for i in range(8) for j in range(5)}


def _save_in_process(folder: str, i: int, start) -> None:
    start.wait()
    store = NotesStore(folder, ["buddha"])
    for j in range(10):
        store.add("buddha", note(text=f"process {i} note {j}"))


@pytest.mark.skipif(sys.platform == "win32", reason="flock: POSIX")
def test_processes_saving_different_notes_at_once_keep_every_note(tmp_path):
    """Two servers on one tour's sources: the flock, not only the threading lock, serialises them."""
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    procs = [context.Process(target=_save_in_process, args=(str(tmp_path), i, start)) for i in range(3)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    texts = [n["body"][1]["value"] for n in NotesStore(tmp_path, ["buddha"]).page("buddha")["items"]]
    assert sorted(texts) == sorted(f"process {i} note {j}" for i in range(3) for j in range(10))


def test_a_conflict_error_pickles_with_the_current_note():
    import pickle

    e = NoteConflict("notes", "changed", current={"id": "x"})
    again = pickle.loads(pickle.dumps(e))
    assert again.current == {"id": "x"} and str(again) == str(e)


# --- notes in a build -------------------------------------------------------------------------------

OBJ = "v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n"


def tour_with_model(root: Path) -> Path:
    path = small_tour(root)
    (root / "m.obj").write_text(OBJ)
    data = yaml.safe_load(path.read_text())
    data["models"] = [{"id": "m", "source": "m.obj", "units": "mm"}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def test_a_build_carries_each_models_notes_into_the_tour_and_never_changes_the_sources(tmp_path):
    path = tour_with_model(tmp_path)
    store = NotesStore(tmp_path, ["m"])
    a = store.add("m", note(model="m"))
    sources = tree_bytes(tmp_path, "notes/*") | {"tour.yaml": path.read_bytes()}
    out = build_tour(path, tmp_path / "out", jobs=1).out_dir
    doc = json.loads((out / "tour.json").read_text())
    assert doc["models"][0]["notes"] == "models/m/notes.json" and schema_problems(doc) == []
    assert read_page(out / "models" / "m" / "notes.json", model="m")["items"] == [a]
    assert tree_bytes(tmp_path, "notes/*") | {"tour.yaml": path.read_bytes()} == sources
    assert validate_path(out) == [] and built_notes_problems(out, doc) == []
    # a note added since is in the next build, with nothing else rebuilt
    store.add("m", note("deposit", model="m"))
    again = build_tour(path, tmp_path / "out", jobs=1)
    assert again.built == []
    assert len(read_page(out / "models" / "m" / "notes.json")["items"]) == 2


def test_a_tampered_notes_file_of_a_built_tour_is_a_problem(tmp_path):
    path = tour_with_model(tmp_path)
    NotesStore(tmp_path, ["m"]).add("m", note(model="m"))
    out = build_tour(path, tmp_path / "out", jobs=1).out_dir
    doc = json.loads((out / "tour.json").read_text())
    built = out / "models" / "m" / "notes.json"
    built.write_text(built.read_text().replace('"crack"', '"scratch"'))
    assert [str(p) for p in built_notes_problems(out, doc)] == [
        "models/m/notes.json: items[0].body[0].value='scratch': a note's type is one of crack, loss, "
        "restoration, deposit, other"
    ]
    doc["models"][0]["notes"] = "../../etc/passwd"
    assert built_notes_problems(out, doc) == []  # the schema's to report; never read


def test_a_model_without_notes_has_no_notes_key(tmp_path):
    out = build_tour(tour_with_model(tmp_path), tmp_path / "out", jobs=1).out_dir
    assert "notes" not in json.loads((out / "tour.json").read_text())["models"][0]
    assert not (out / "models" / "m" / "notes.json").exists()


def test_notes_of_an_unknown_model_or_an_invalid_note_are_problems_and_stop_the_build(tmp_path):
    path = tour_with_model(tmp_path)
    write_page(tmp_path / "notes" / "ghost.json", empty_page())
    bad = stored(target={**note(model="m")["target"]})
    bad["body"][0]["value"] = "scratch"
    write_page(tmp_path / "notes" / "m.json", empty_page() | {"items": [bad]})
    tour, _ = read_tour(path)
    found = [str(p) for p in notes_problems(tour)]
    assert found == [
        "notes/ghost.json: notes for a model the tour does not have ('ghost'); rename it to "
        "notes/<model id>.json for one of ['m'], or remove it",
        "notes/m.json: items[0].body[0].value='scratch': a note's type is one of crack, loss, restoration, "
        "deposit, other",
    ]
    with pytest.raises(VtourError) as caught:
        build_tour(path, tmp_path / "out", jobs=1)
    assert "2 problem(s)" in str(caught.value) and "notes/ghost.json" in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_the_stores_own_files_are_not_notes(tmp_path):
    path = tour_with_model(tmp_path)
    store = NotesStore(tmp_path, ["m"])
    a = store.add("m", note(model="m"))
    b = store.update("m", a["id"], note(model="m"), if_match=a["modified"])  # .bak, .lock, .history.jsonl
    store.delete("m", b["id"], if_match=b["modified"])
    store.add("m", note(model="m"))
    assert sorted(p.name for p in (tmp_path / "notes").iterdir()) == [
        "m.history.jsonl", "m.json", "m.json.bak", "m.json.lock"
    ]  # fmt: skip
    tour, _ = read_tour(path)
    assert notes_problems(tour) == [] and validate_path(path) == []
    build_tour(path, tmp_path / "out", jobs=1)
    assert sorted(p.name for p in (tmp_path / "out" / "models" / "m").iterdir() if "notes" in p.name) == ["notes.json"]


def test_validate_lists_the_notes_problems_too(tmp_path, capsys):
    """`vtour validate` reports what the build would refuse, once."""
    path = tour_with_model(tmp_path)
    write_page(tmp_path / "notes" / "ghost.json", empty_page())
    code = cli("validate", path)
    out = capsys.readouterr().out
    assert code == 1 and out.count("notes/ghost.json") == 1


def test_dates_stay_comparable_after_a_round_trip():
    """``modified`` is compared as written: the store writes one format, milliseconds and Z."""
    from vtour.notes import stamp

    t = datetime(2026, 11, 30, 17, 20, 0, 999999, tzinfo=UTC)
    assert stamp(t) == "2026-11-30T17:20:00.999Z"
    assert stamp(t + timedelta(milliseconds=1)) > stamp(t)


def test_the_authors_date_is_kept_and_the_server_stamps_the_version(store):
    """A conservator dates a note by the observation (``created``); ``modified`` is the server's."""
    a = store.add("buddha", note(created="2019-05-14T09:00:00Z"))
    assert a["created"] == "2019-05-14T09:00:00Z" and a["modified"] == "2026-11-30T17:20:00.000Z"
    b = store.update("buddha", a["id"], note("loss", "Flaking"), if_match=a["modified"])
    assert b["created"] == "2019-05-14T09:00:00Z" and b["modified"] > a["modified"]
    c = store.update("buddha", a["id"], note(created="2020-01-02T00:00:00Z"), if_match=b["modified"])
    assert c["created"] == "2020-01-02T00:00:00Z"
    with pytest.raises(VtourError, match="ISO 8601"):
        store.add("buddha", note(created="14 May 2019"))


def test_notes_linked_from_outside_the_tour_are_refused_everywhere(tmp_path):
    """Paths stay inside the tour after links are resolved: a notes file or folder linking out is a problem
    for validate, refused by the build (which would publish it) and by the store (which would write there)."""
    src = tmp_path / "src"
    src.mkdir()
    path = tour_with_model(src)
    outside = tmp_path / "elsewhere.json"
    write_page(outside, empty_page())
    (src / "notes").mkdir()
    (src / "notes" / "m.json").symlink_to(outside)
    tour, _ = read_tour(path)
    [problem] = notes_problems(tour)
    assert "link out of the tour's folder" in problem.message and problem.location == "notes/m.json"
    store = NotesStore(src, ["m"])
    with pytest.raises(VtourError, match="a notes file is a link"):
        store.add("m", note(model="m"))
    assert json.loads(outside.read_text())["items"] == []  # nothing written through the link
    (src / "notes" / "m.json").unlink()
    (src / "notes").rmdir()
    (tmp_path / "out-notes").mkdir()
    (src / "notes").symlink_to(tmp_path / "out-notes")
    with pytest.raises(VtourError, match="links out of the tour's folder"):
        NotesStore(src, ["m"])
