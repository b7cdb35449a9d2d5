"""vtour.edit.document: the editor's tour.yaml. Edits change only their lines, undo restores the
exact text, saves refuse a file changed behind their back, problems are `vtour validate`'s lines."""

from __future__ import annotations

import difflib
import os
import random
import shutil
import stat
import warnings

import pytest
import yaml

from vtour.edit.document import (
    ChangedOnDisk,
    EditDocument,
    EditError,
    Target,
    target_of,
)
from vtour.edit.yamltext import detect_indent, merge_text
from vtour.errors import VtourError
from vtour.sample import TINY_SAMPLE_OPTIONS, write_sample
from vtour.tour.document import read_tour
from vtour.tour.peer_import import import_config
from vtour.tour.validate import validate_path


@pytest.fixture(scope="module")
def sample_source(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    write_sample(folder, TINY_SAMPLE_OPTIONS)
    return folder


@pytest.fixture
def sample(sample_source, tmp_path):
    """A fresh copy of the tiny sample tour (`vtour sample`): its tour.yaml."""
    shutil.copytree(sample_source, tmp_path / "tour")
    return tmp_path / "tour" / "tour.yaml"


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """The '-' and '+' lines of the unified diff old -> new."""
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0))
    minus = [line[1:] for line in diff if line.startswith("-") and not line.startswith("---")]
    plus = [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]
    return minus, plus


def link_index(doc: EditDocument, scene: str, target: str) -> int:
    return next(h["index"] for h in doc.hotspots(scene) if h["type"] == "link" and h["target"] == target)


# ---------------------------------------------------------------------------------------------
# minimal diffs


def test_moving_one_hotspot_changes_only_its_yaw_and_pitch_lines(sample):
    old = sample.read_text(encoding="utf-8")
    doc = EditDocument.open(sample)
    i = link_index(doc, "entrance", "niche")
    before = doc.hotspots("entrance")[i]
    doc.move_hotspot("entrance", i, 200.004, -3.456)  # yaw folds to -160, rounded to 0.01
    assert doc.dirty
    doc.save()
    new = sample.read_text(encoding="utf-8")
    minus, plus = changed_lines(old, new)
    assert minus == [f"    yaw: {before['yaw']:g}", f"    pitch: {before['pitch']:g}"]
    assert plus == ["    yaw: -160", "    pitch: -3.46"]
    assert not doc.dirty
    assert (sample.parent / "tour.yaml.bak").read_text(encoding="utf-8") == old


def test_an_unchanged_save_writes_identical_bytes_and_no_backup(sample):
    old = sample.read_bytes()
    doc = EditDocument.open(sample)
    doc.save()
    assert sample.read_bytes() == old
    h = doc.hotspots("chamber")[0]
    doc.move_hotspot("chamber", 0, h["yaw"], h["pitch"])  # where it is: `pitch: 0.0` is not rewritten `0`
    assert doc.text() == old.decode("utf-8") and not doc.can_undo
    doc.move_hotspot("chamber", 0, 50, 10)
    assert doc.undo()
    assert doc.text() == old.decode("utf-8") and not doc.dirty
    doc.save()
    assert sample.read_bytes() == old
    assert not (sample.parent / "tour.yaml.bak").exists()


def test_comments_and_quoting_survive_an_edit_elsewhere(sample):
    text = sample.read_text(encoding="utf-8")
    text = text.replace("- id: chamber\n", "# the main room, with the statue\n- id: chamber  # keep this id\n")
    text = text.replace("    target: niche\n", '    target: "niche"  # the double quotes stay\n', 1)
    sample.write_text(text, encoding="utf-8")
    doc = EditDocument.open(sample)
    doc.set_view("niche", 40, -5, 70)
    doc.save()
    new = sample.read_text(encoding="utf-8")
    assert "# the main room, with the statue\n- id: chamber  # keep this id\n" in new
    assert '    target: "niche"  # the double quotes stay\n' in new
    assert "    date: '2019-05-14'\n" in new  # single quotes kept
    minus, plus = changed_lines(text, new)
    assert minus == ["    yaw: 35.0", "    pitch: 0", "    fov: 75"]
    assert plus == ["    yaw: 40", "    pitch: -5", "    fov: 70"]


def test_a_comment_before_the_next_scene_stays_there_when_hotspots_are_added_and_deleted(sample):
    """ruamel keeps the comment lines after a scene's last hotspot on that hotspot; a hotspot appended
    after it, or its deletion, must leave the comment in front of the next scene, not inside the list."""
    text = sample.read_text(encoding="utf-8").replace("- id: chamber", "# The main chamber, from the door\n- id: chamber")
    sample.write_text(text, encoding="utf-8")
    doc = EditDocument.open(sample)
    n = len(doc.hotspots("entrance"))
    doc.add_hotspot("entrance", "info", 10.5, -3.25, title={"en": "Lamp"})
    doc.save()
    saved = sample.read_text(encoding="utf-8")
    assert "# The main chamber, from the door\n- id: chamber" in saved
    minus, plus = changed_lines(text, saved)
    assert minus == [] and plus[0] == "  - type: info" and "# The main chamber" not in "".join(plus)
    doc.delete_hotspot("entrance", n)  # the new one: the file is as it was
    doc.delete_hotspot("entrance", n - 1)  # the last original one: the comment still opens chamber
    doc.save()
    saved = sample.read_text(encoding="utf-8")
    assert "# The main chamber, from the door\n- id: chamber" in saved
    assert len(doc.hotspots("entrance")) == n - 1


def test_editing_a_value_keeps_its_quoting_style(sample):
    text = sample.read_text(encoding="utf-8").replace("    target: chamber\n", "    target: 'chamber'\n", 1)
    sample.write_text(text, encoding="utf-8")
    doc = EditDocument.open(sample)
    doc.add_scene(["panoramas/hall.jpg"])
    doc.set_hotspot("entrance", link_index(doc, "entrance", "chamber"), target="hall")
    assert "    target: 'hall'\n" in doc.text()


def test_adding_a_scene_and_a_hotspot_only_adds_lines_in_block_style(sample):
    old = sample.read_text(encoding="utf-8")
    doc = EditDocument.open(sample)
    sid = doc.add_scene(["panoramas/side hall.jpg"], title={"en": "Side hall", "zh": "侧厅"})
    assert sid == "side-hall"
    index = doc.add_hotspot("entrance", "link", 90, -2, target=sid)
    assert index == len(doc.hotspots("entrance")) - 1
    minus, plus = changed_lines(old, doc.text())
    assert minus == []
    assert plus == [
        "  - type: link",
        "    yaw: 90",
        "    pitch: -2",
        "    target: side-hall",
        "- id: side-hall",
        "  title:",
        "    en: Side hall",
        "    zh: 侧厅",
        "  panorama: panoramas/side hall.jpg",
    ]
    data = yaml.safe_load(doc.text())
    assert data["scenes"][-1]["panorama"] == "panoramas/side hall.jpg"


def test_a_file_indented_with_offset_dashes_keeps_its_indentation(sample):
    data = yaml.safe_load(sample.read_text(encoding="utf-8"))

    class Indented(yaml.SafeDumper):
        def increase_indent(self, flow=False, indentless=False):
            return super().increase_indent(flow, False)

    text = yaml.dump(data, Dumper=Indented, sort_keys=False, allow_unicode=True, width=100)
    sample.write_text(text, encoding="utf-8")
    assert detect_indent(text) == (2, 4, 2)
    doc = EditDocument.open(sample)
    doc.move_hotspot("chamber", 0, 1.5, 2.5)
    index = doc.add_hotspot("chamber", "info", 3, 4, title={"en": "A", "zh": "甲"})
    minus, plus = changed_lines(text, doc.text())
    assert minus == ["        yaw: -163.3", "        pitch: 0.0"]
    assert plus[:2] == ["        yaw: 1.5", "        pitch: 2.5"]
    item = [
        "      - type: info",
        "        yaw: 3",
        "        pitch: 4",
        "        title:",
        "          en: A",
        "          zh: 甲",
    ]
    assert plus[2:] == item
    assert doc.hotspots("chamber")[index]["title"] == {"en": "A", "zh": "甲"}


def test_new_keys_use_the_camel_case_spelling_the_mapping_has(sample):
    text = sample.read_text(encoding="utf-8").replace(
        "  panorama: panoramas/chamber.jpg\n", "  panorama: panoramas/chamber.jpg\n  northOffset: 10\n"
    )
    sample.write_text(text, encoding="utf-8")
    doc = EditDocument.open(sample)
    doc.set_north("chamber", 370.5)
    doc.set_north("niche", -190)
    new = doc.text()
    assert "  northOffset: 10.5\n" in new and "north_offset: 10.5" not in new
    assert "  panorama: panoramas/niche.jpg\n  view:\n" in new
    assert "    fov: 75\n  north_offset: 170\n  hotspots:\n" in new.split("- id: niche")[1]
    assert doc.scene("chamber")["north_offset"] == 10.5


def test_strings_yaml_1_1_would_read_as_something_else_are_quoted(sample):
    doc = EditDocument.open(sample)
    doc.set_text(Target("scene", scene="niche"), "title", "en", "yes")
    doc.add_hotspot("niche", "info", 0, 0, title={"en": "2019-05-14", "zh": "on"})
    data = yaml.safe_load(doc.text())
    assert data["scenes"][2]["title"]["en"] == "yes"
    assert data["scenes"][2]["hotspots"][-1]["title"] == {"en": "2019-05-14", "zh": "on"}


def test_crlf_newlines_and_a_byte_order_mark_are_kept(sample):
    text = sample.read_text(encoding="utf-8")
    sample.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    doc = EditDocument.open(sample)
    doc.set_start("niche")
    doc.save()
    raw = sample.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == raw.count(b"\n")
    assert raw.decode("utf-8-sig").replace("\r\n", "\n") == text.replace("start: entrance\n", "start: niche\n")


# ---------------------------------------------------------------------------------------------
# the 3-way merge


def test_merge_text_applies_base_to_new_changes_onto_the_original():
    original = "a: 1\nlong: one two\n  three\nb: 2\n"
    base = "a: 1\nlong: one two three\nb: 2\n"
    assert merge_text(original, base, base) == original
    assert merge_text(base, base, "a: 5\n") == "a: 5\n"
    assert merge_text(original, base, "a: 1\nlong: one two three\nb: 3\n") == "a: 1\nlong: one two\n  three\nb: 3\n"
    # a change touching the re-wrapped lines takes them from the new dump, whole
    assert merge_text(original, base, "a: 1\nlong: four\nb: 2\n") == "a: 1\nlong: four\nb: 2\n"
    assert merge_text(original, base, "a: 1\nlong: one two three\nc: 0\nb: 2\n") == (
        "a: 1\nlong: one two\n  three\nc: 0\nb: 2\n"
    )


def test_merge_text_of_random_edits_equals_the_edit_where_nothing_was_reformatted():
    rng = random.Random(3)
    for _ in range(300):
        base = [f"k{i}: {rng.randrange(5)}\n" for i in range(rng.randrange(1, 12))]
        new = list(base)
        for _ in range(rng.randrange(1, 4)):
            at = rng.randrange(len(new) + 1)
            choice = rng.randrange(3)
            if choice == 0 or not new:
                new.insert(at, f"n{rng.randrange(99)}: x\n")
            elif choice == 1 and at < len(new):
                del new[at]
            elif at < len(new):
                new[at] = f"c{rng.randrange(99)}: y\n"
        assert merge_text("".join(base), "".join(base), "".join(new)) == "".join(new)
        # the original has a re-wrapped line that no edit touches: it stays, the rest is the edit
        wrapped = ["w: a\n", "  b\n"]
        original = "".join(wrapped + base)
        merged = merge_text(original, "".join(["w: a b\n", *base]), "".join(["w: a b\n", *new]))
        if not new or new[0] == base[0]:
            assert merged == "".join(wrapped + new)


# ---------------------------------------------------------------------------------------------
# edits, undo, redo


def test_each_edit_is_one_undo_step_back_to_the_exact_text(sample):
    doc = EditDocument.open(sample)
    texts = [doc.text()]
    doc.add_scene(["panoramas/a.jpg", "panoramas/b.jpg"])
    texts.append(doc.text())
    doc.set_view("entrance", 10, 20, 60)
    texts.append(doc.text())
    doc.delete_scene("niche")
    texts.append(doc.text())
    doc.set_text(Target("tour"), "title", "zh", "新标题")
    texts.append(doc.text())
    assert len(set(texts)) == len(texts)
    for expected in reversed(texts[:-1]):
        assert doc.undo()
        assert doc.text() == expected
    assert not doc.undo() and not doc.can_undo and doc.can_redo and not doc.dirty
    for expected in texts[1:]:
        assert doc.redo()
        assert doc.text() == expected
    assert not doc.redo() and not doc.can_redo
    doc.undo()
    doc.set_start("chamber")  # a new edit drops what could be redone
    assert not doc.can_redo


def test_an_edit_that_fails_changes_nothing(sample):
    doc = EditDocument.open(sample)
    old = doc.text()
    bad = [
        lambda: doc.set_view("entrance", 0, 100, 75),
        lambda: doc.set_view("entrance", 0, 0, 180),
        lambda: doc.set_view("entrance", float("nan"), 0, 75),
        lambda: doc.set_view("nowhere", 0, 0, 75),
        lambda: doc.add_hotspot("entrance", "door", 0, 0),
        lambda: doc.add_hotspot("entrance", "info", 0, -91),
        lambda: doc.move_hotspot("entrance", 99, 0, 0),
        lambda: doc.move_hotspot("entrance", 0, float("inf"), 0),
        lambda: doc.rename_scene("entrance", new_id="chamber"),
        lambda: doc.rename_scene("entrance", new_id="no spaces"),
        lambda: doc.add_scene(["../outside.jpg"]),
        lambda: doc.add_scene(["/etc/passwd"]),
        lambda: doc.add_scene([]),
        lambda: doc.set_limits("entrance", 90, 40),
        lambda: doc.set_floorplan_position("entrance", 0.5, None),
        lambda: doc.set_floorplan_position("entrance", 1.5, 0.5),
        lambda: doc.set_text(Target("scene", scene="entrance"), "title", "fr", "Entrée"),
        lambda: doc.set_text(Target("scene", scene="entrance"), "text", "en", "x"),
        lambda: doc.set_hotspot("entrance", 0, colour="red"),
        lambda: doc.set_hotspot("entrance", 0, type="door"),
        lambda: doc.add_model("models/x.obj", units="inches"),
        lambda: doc.add_model("models/x.obj", metadata={"colour": "red"}),
        lambda: doc.set_model("nothing", units="m"),
        lambda: doc.add_scene(["panoramas/x.jpg"], title={"en": "X", "de": "X"}),
    ]
    for edit in bad:
        with pytest.raises(EditError):
            edit()
        assert doc.text() == old and not doc.can_undo


def test_edit_errors_name_the_field_the_value_and_a_fix(sample):
    doc = EditDocument.open(sample)
    with pytest.raises(EditError) as caught:
        doc.add_hotspot("niche", "info", 10, 95)
    message = str(caught.value)
    assert message.startswith("edit: pitch=95.0: scene 'niche', new hotspot: pitch 95 is outside [-90, 90]; ")
    with pytest.raises(EditError, match=r"scene id 'chamber' is already taken; choose another id"):
        doc.rename_scene("entrance", new_id="chamber")
    with pytest.raises(EditError, match=r"no scene 'hall'; use one of \['entrance', 'chamber', 'niche'\]"):
        doc.set_start("hall")


def test_rename_scene_rewrites_link_targets_and_start(sample):
    doc = EditDocument.open(sample)
    model_targets = [h["target"] for s in doc.scene_ids() for h in doc.hotspots(s) if h["type"] == "model"]
    doc.rename_scene("entrance", new_id="porch", title={"en": "Porch", "zh": "门廊"})
    assert doc.start == "porch"
    assert doc.scene_ids() == ["porch", "chamber", "niche"]
    assert doc.scene("porch")["title"] == {"en": "Porch", "zh": "门廊"}
    targets = [h["target"] for s in doc.scene_ids() for h in doc.hotspots(s) if h["type"] == "link"]
    assert "entrance" not in targets and targets.count("porch") == 2
    assert [h["target"] for s in doc.scene_ids() for h in doc.hotspots(s) if h["type"] == "model"] == model_targets
    assert "target: entrance" not in doc.text() and "start: porch\n" in doc.text()
    assert doc.problems() == []


def test_delete_scene_removes_the_links_to_it_and_moves_start(sample):
    doc = EditDocument.open(sample)
    counts = {s: len(doc.hotspots(s)) for s in doc.scene_ids()}
    assert doc.delete_scene("entrance") == 2
    assert doc.scene_ids() == ["chamber", "niche"]
    assert {s: len(doc.hotspots(s)) for s in doc.scene_ids()} == {
        "chamber": counts["chamber"] - 1,
        "niche": counts["niche"] - 1,
    }
    assert doc.start == "chamber" and "start: chamber\n" in doc.text()
    assert doc.problems() == []


def _with_settings_kiosk(sample, scenes: str) -> EditDocument:
    """The sample with a ``settings: kiosk: attract: scenes:`` list as well as its ``kiosk:`` one."""
    sample.write_text(sample.read_text("utf-8") + f"settings:\n  kiosk:\n    attract:\n      scenes: {scenes}\n", "utf-8")
    return EditDocument.open(sample)


def test_rename_scene_renames_it_in_both_attract_loops(sample):
    doc = _with_settings_kiosk(sample, "[niche, entrance]")
    doc.rename_scene("entrance", new_id="porch")
    data = yaml.safe_load(doc.text())
    assert data["kiosk"]["attract"]["scenes"] == ["porch", "chamber", "niche"]
    assert data["settings"]["kiosk"]["attract"]["scenes"] == ["niche", "porch"]
    assert doc.problems() == []


def test_delete_scene_removes_it_from_both_attract_loops(sample):
    doc = _with_settings_kiosk(sample, "[niche]")
    doc.delete_scene("niche")
    data = yaml.safe_load(doc.text())
    assert data["kiosk"]["attract"]["scenes"] == ["entrance", "chamber"]
    assert data["settings"]["kiosk"]["attract"] == {}, "none left: every scene (the viewer's default)"
    assert doc.problems() == []
    doc.delete_scene("chamber")
    data = yaml.safe_load(doc.text())
    assert data["kiosk"]["attract"]["scenes"] == ["entrance"] and data["settings"]["kiosk"]["attract"] == {}


def test_move_scene_reorders_and_clamps(sample):
    doc = EditDocument.open(sample)
    doc.move_scene("entrance", 99)
    assert doc.scene_ids() == ["chamber", "niche", "entrance"]
    doc.move_scene("niche", -5)
    assert doc.scene_ids() == ["niche", "chamber", "entrance"]
    assert doc.start == "entrance"


def test_scene_settings_round_trip_through_the_queries(sample):
    doc = EditDocument.open(sample)
    doc.set_view("chamber", 185.126, -10.004, 60)
    doc.set_limits("chamber", 30, 100)
    doc.set_floorplan("images/plan.png")
    doc.set_floorplan_position("chamber", 0.25, 0.75)
    scene = doc.scene("chamber")
    assert scene["view"] == {"yaw": -174.87, "pitch": -10.0, "fov": 60}
    assert scene["limits"] == {"min_fov": 30, "max_fov": 100}
    assert scene["floorplan_position"] == {"x": 0.25, "y": 0.75}
    assert doc.floorplan == "images/plan.png"
    doc.set_limits("chamber", None, 100)
    assert doc.scene("chamber")["limits"] == {"max_fov": 100}
    doc.set_limits("chamber", None, None)
    doc.set_floorplan_position("chamber", None, None)
    doc.set_floorplan(None)
    scene = doc.scene("chamber")
    assert scene["limits"] is None and scene["floorplan_position"] is None and doc.floorplan is None
    assert "limits" not in doc.text() and "floorplan" not in doc.text()


def test_hotspot_fields_are_set_and_removed(sample):
    doc = EditDocument.open(sample)
    index = doc.add_hotspot("chamber", "info", -30, 5, title={"en": "Lamp", "zh": "灯"})
    doc.set_hotspot("chamber", index, image=str(sample.parent / "images" / "lamp.jpg"), url="https://example.org")
    h = doc.hotspots("chamber")[index]
    assert (h["image"], h["url"], h["type"], h["id"]) == ("images/lamp.jpg", "https://example.org", "info", None)
    doc.set_hotspot("chamber", index, url=None, type="link", target="niche")
    h = doc.hotspots("chamber")[index]
    assert (h["url"], h["type"], h["target"]) == (None, "link", "niche")
    doc.delete_hotspot("chamber", index)
    assert len(doc.hotspots("chamber")) == index


def test_move_hotspot_folds_yaw_and_clamps_pitch(sample):
    doc = EditDocument.open(sample)
    doc.move_hotspot("niche", 0, -540.0, 123)
    h = doc.hotspots("niche")[0]
    assert (h["yaw"], h["pitch"]) == (-180, 90)


def test_set_text_on_a_plain_string_keeps_it_as_the_first_language(sample):
    text = sample.read_text(encoding="utf-8").replace(
        "  title:\n    en: Before the niche\n    zh: 佛龛前\n", "  title: Before the niche  # plain\n"
    )
    sample.write_text(text, encoding="utf-8")
    doc = EditDocument.open(sample)
    niche = Target("scene", scene="niche")
    doc.set_text(niche, "title", "en", "In front of the niche")
    assert "  title: In front of the niche # plain\n" in doc.text()  # ruamel keeps the comment, one space on
    doc.set_text(niche, "title", "zh", "佛龛前")
    assert doc.scene("niche")["title"] == {"en": "In front of the niche", "zh": "佛龛前"}
    doc.set_text(niche, "title", "en", "")
    assert doc.scene("niche")["title"] == {"zh": "佛龛前"}
    doc.set_text(niche, "title", "zh", "")
    assert doc.scene("niche")["title"] == {} and "佛龛前" not in doc.text()


def test_set_text_reaches_every_kind_of_owner(sample):
    doc = EditDocument.open(sample)
    doc.set_text(Target("tour"), "description", "en", "About.")
    doc.set_text(Target("hotspot", scene="entrance", hotspot=2), "text", "zh", "新文字")
    doc.set_text(Target("model", model="statue"), "title", "en", "Buddha")
    tour, _ = read_tour_text(doc)
    assert tour.description["en"] == "About."
    assert tour.scenes[0].hotspots[2].text["zh"] == "新文字"
    assert tour.models[0].title["en"] == "Buddha"


def read_tour_text(doc: EditDocument):
    doc.path.write_text(doc.text(), encoding="utf-8")
    return read_tour(doc.path)


def test_add_reverse_link_points_back_the_opposite_way(sample):
    doc = EditDocument.open(sample)
    doc.delete_scene("niche")
    doc.set_north("entrance", 10)
    doc.set_north("chamber", -20)
    back = link_index(doc, "chamber", "entrance")
    doc.delete_hotspot("chamber", back)
    i = link_index(doc, "entrance", "chamber")
    a = doc.hotspots("entrance")[i]
    scene, index = doc.add_reverse_link("entrance", i)
    assert scene == "chamber"
    h = doc.hotspots("chamber")[index]
    assert (h["type"], h["target"], h["pitch"]) == ("link", "entrance", a["pitch"])
    expected = (a["yaw"] - 10 + 180 - 20 + 180) % 360 - 180
    assert h["yaw"] == pytest.approx(expected, abs=0.005)
    with pytest.raises(EditError, match="already links back"):
        doc.add_reverse_link("entrance", i)
    info = next(h["index"] for h in doc.hotspots("entrance") if h["type"] == "info")
    with pytest.raises(EditError, match="not a link"):
        doc.add_reverse_link("entrance", info)
    doc.set_hotspot("entrance", i, target="gone")
    with pytest.raises(EditError, match="unknown scene 'gone'"):
        doc.add_reverse_link("entrance", i)


def test_models_are_added_changed_and_deleted_with_their_hotspots(sample):
    doc = EditDocument.open(sample)
    mid = doc.add_model("models/statue.obj", units="m", metadata={"credit": "vtour", "date": "2024-02-03"})
    assert mid == "statue-2"
    doc.set_model(mid, title={"en": "Copy", "zh": "副本"}, units=None)
    model = doc.models()[1]
    assert model == {
        "id": "statue-2",
        "source": "models/statue.obj",
        "title": {"en": "Copy", "zh": "副本"},
        "units": None,
        "metadata": {"credit": "vtour", "date": "2024-02-03"},
    }
    assert "date: '2024-02-03'" in doc.text()
    assert doc.delete_model("statue") == 3
    assert [m["id"] for m in doc.models()] == ["statue-2"]
    assert not any(h["type"] == "model" for s in doc.scene_ids() for h in doc.hotspots(s))


# ---------------------------------------------------------------------------------------------
# problems


def test_problems_are_the_lines_vtour_validate_prints_with_their_targets(sample):
    doc = EditDocument.open(sample)
    doc.set_hotspot("chamber", 1, target="nowhere")
    doc.add_scene(["panoramas/missing.jpg"])
    doc.set_limits("niche", 20, 40)
    doc.set_text(Target("model", model="statue"), "title", "zh", "")
    problems = doc.problems()
    doc.save()
    assert [p.text for p in problems] == [str(p) for p in validate_path(sample)]
    by_where = {p.where: p.target for p in problems}
    assert by_where["scenes[1].hotspots[1].target"] == Target("hotspot", scene="chamber", hotspot=1, field="target")
    assert by_where["scenes[3].panorama"] == Target("scene", scene="missing", field="panorama")
    assert by_where["scenes[3].title"] == Target("scene", scene="missing", field="title")
    assert by_where["models[0].title"] == Target("model", model="statue", field="title")
    assert len(problems) == 4


def test_shape_problems_of_the_text_come_first_as_validate_prints_them(sample):
    text = sample.read_text(encoding="utf-8")
    text = text.replace("start: entrance\n", "start: hall\ncolour: red\n")
    sample.write_text(text, encoding="utf-8")
    doc = EditDocument.open(sample)
    problems = doc.problems()
    assert [p.text for p in problems] == [str(p) for p in validate_path(sample)]
    assert [p.target for p in problems] == [Target("tour", field="colour"), Target("tour", field="start")]


def test_target_of_reads_locations():
    data = {"scenes": [{"id": "a"}, {"title": "no id"}], "models": [{"id": 7}]}
    assert target_of("scenes[0].hotspots[3].title.en", data) == Target("hotspot", scene="a", hotspot=3, field="title")
    assert target_of("scenes[1].id", data) == Target("scene", scene="scene1", field="id")
    assert target_of("scenes[0].panorama[2]", data) == Target("scene", scene="a", field="panorama")
    assert target_of("models[0].source", data) == Target("model", model="7", field="source")
    assert target_of("title.zh", data) == Target("tour", field="title")
    assert target_of("", data) == Target("tour")


# ---------------------------------------------------------------------------------------------
# files


def test_save_refuses_a_file_changed_on_disk_and_writes_nothing(sample):
    doc = EditDocument.open(sample)
    doc.set_start("niche")
    doc.save()
    bak = (sample.parent / "tour.yaml.bak").read_bytes()
    theirs = sample.read_text(encoding="utf-8") + "# someone else's line\n"
    sample.write_text(theirs, encoding="utf-8")
    assert doc.changed_on_disk()
    doc.set_start("chamber")
    with pytest.raises(ChangedOnDisk) as caught:
        doc.save()
    assert "the file changed on disk since it was loaded" in str(caught.value)
    assert "Reload from disk to see the other changes, or copy your edits" in str(caught.value)
    assert sample.read_text(encoding="utf-8") == theirs
    assert (sample.parent / "tour.yaml.bak").read_bytes() == bak
    assert doc.dirty
    doc.reload()
    assert doc.text() == theirs and not doc.dirty and not doc.can_undo and doc.start == "niche"
    # deleted (or moved away) meanwhile: nothing to overwrite, and the edits are not trapped
    doc.set_start("chamber")
    sample.unlink()
    assert doc.changed_on_disk()
    doc.save()
    assert EditDocument.open(sample).start == "chamber" and not doc.dirty


def test_a_save_that_cannot_write_says_why_and_keeps_the_edits(sample):
    doc = EditDocument.open(sample)
    doc.set_start("niche")
    (sample.parent / "tour.yaml.bak").mkdir()  # in the way of the backup
    before = sample.read_bytes()
    with pytest.raises(VtourError) as caught:
        doc.save()
    assert "cannot be saved" in str(caught.value) and "tour.yaml.bak" in str(caught.value)
    assert sample.read_bytes() == before and doc.dirty and doc.start == "niche"


def test_create_never_replaces_a_tour_yaml_that_is_a_folder_or_a_broken_link(tmp_path):
    (tmp_path / "a" / "tour.yaml").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "tour.yaml").symlink_to(tmp_path / "unmounted" / "tour.yaml")
    for folder in ("a", "b"):
        with pytest.raises(VtourError, match="exists but is not a file"):
            EditDocument.create(tmp_path / folder)
    assert (tmp_path / "b" / "tour.yaml").is_symlink() and (tmp_path / "a" / "tour.yaml").is_dir()


def test_every_change_of_the_text_moves_the_version_on(sample):
    doc = EditDocument.open(sample)
    seen = [doc.version]
    doc.set_start("niche")
    doc.undo()
    doc.redo()
    doc.save()  # the text is the same: no new version
    seen.append(doc.version)
    doc.reload()
    seen.append(doc.version)
    assert seen == [seen[0], seen[0] + 3, seen[0] + 4]


ALIASED = """id: t
title: T
languages: [en]
scenes:
- id: a
  panorama: panoramas/a.jpg
  hotspots:
  - &door
    type: link
    yaw: 10
    pitch: 0
    target: b
    title: &doortitle {en: Door}
  - type: info
    yaw: 50
    pitch: 0
    title: *doortitle
  - <<: *door
    yaw: 90
- id: b
  panorama: panoramas/b.jpg
"""


def test_a_text_shared_through_an_anchor_is_copied_before_it_changes_and_a_shared_hotspot_is_refused(tmp_path):
    (tmp_path / "tour.yaml").write_text(ALIASED, encoding="utf-8")
    doc = EditDocument.open(tmp_path / "tour.yaml")
    doc.set_text(Target("hotspot", scene="a", hotspot=1), "title", "en", "Painting")
    doc.set_text(Target("hotspot", scene="a", hotspot=2), "title", "en", "Back door")  # merged from &door
    assert [h["title"] for h in doc.hotspots("a")] == [{"en": "Door"}, {"en": "Painting"}, {"en": "Back door"}]
    before = doc.text()
    with pytest.raises(EditError, match="shared as &door"):
        doc.move_hotspot("a", 0, 20, 0)  # the others merge it: they would move too
    assert doc.text() == before
    doc.move_hotspot("a", 2, 95, 0)  # its own yaw: only it moves
    assert [h["yaw"] for h in doc.hotspots("a")] == [10, 50, 95]


def test_save_keeps_the_previous_file_as_bak_and_the_permissions(sample):
    os.chmod(sample, 0o640)
    old = sample.read_bytes()
    doc = EditDocument.open(sample)
    doc.set_north("entrance", 45)
    assert doc.save() == sample
    assert (sample.parent / "tour.yaml.bak").read_bytes() == old
    assert stat.S_IMODE(sample.stat().st_mode) == 0o640
    assert sample.read_text(encoding="utf-8") == doc.text()
    assert not doc.changed_on_disk()
    doc.set_north("entrance", 50)
    doc.save()  # the second save backs up the first
    assert b"north_offset: 45" in (sample.parent / "tour.yaml.bak").read_bytes()
    assert [p.name for p in sample.parent.iterdir() if p.name.startswith(".")] == []


def test_open_names_the_file_it_cannot_read(tmp_path):
    with pytest.raises(VtourError, match="file not found"):
        EditDocument.open(tmp_path / "tour.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nscenes: [\n", encoding="utf-8")
    with pytest.raises(VtourError, match=r"bad\.yaml: not valid YAML at line"):
        EditDocument.open(bad)


def test_create_writes_a_commented_new_tour_and_opens_an_existing_one(tmp_path):
    folder = tmp_path / "My Museum!"
    doc = EditDocument.create(folder)
    text = (folder / "tour.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Made by `vtour edit`") and "comments" in text.splitlines()[0] + text.splitlines()[1]
    data = yaml.safe_load(text)
    assert data == {"id": "My-Museum", "title": {"en": "My Museum!"}, "languages": ["en", "zh"], "scenes": []}
    assert "languages: [en, zh]\n" in text
    assert doc.languages == ("en", "zh") and doc.scene_ids() == [] and doc.start is None
    doc.add_scene(["panoramas/hall.jpg"], title={"en": "Hall", "zh": "大厅"})
    assert "scenes:\n- id: hall\n  title:\n    en: Hall\n    zh: 大厅\n  panorama: panoramas/hall.jpg\n" in doc.text()
    doc.save()
    again = EditDocument.create(folder, tour_id="other")
    assert again.text() == doc.text()
    with pytest.raises(VtourError, match="parent folder does not exist"):
        EditDocument.create(tmp_path / "no" / "such")
    with pytest.raises(EditError, match="not a safe folder name"):
        EditDocument.create(tmp_path / "x", tour_id="../x")


def test_an_imported_pannellum_tour_is_edited_and_saved_with_small_diffs(data_file, tmp_path):
    config = data_file("tours/pannellum/example-tour.json")
    out = tmp_path / "tour.yaml"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import_config(config, out)
    old = out.read_text(encoding="utf-8")
    doc = EditDocument.open(out)
    pond = doc.scene_ids()[1]
    i = link_index(doc, doc.scene_ids()[0], pond)
    doc.move_hotspot(doc.scene_ids()[0], i, -61.5, 2)
    doc.set_text(Target("hotspot", scene=doc.scene_ids()[0], hotspot=i), "title", "en", "The pond")
    doc.save()
    minus, plus = changed_lines(old, out.read_text(encoding="utf-8"))
    assert len(minus) == len(plus) == 3
    assert set(plus) == {"    yaw: -61.5", "    pitch: 2", "    title: The pond"}
    assert [p.text for p in doc.problems()] == [str(p) for p in validate_path(out)]
