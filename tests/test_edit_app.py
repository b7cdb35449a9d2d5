"""vtour.edit.app: the editor page, driven without a browser.

The Editor is built over an EditDocument of the tiny sample tour and driven by the handlers its widgets call
(a button's on_click, ButtonList.choose, UploadInput.uploaded, FloorPlanPicker.pick) and by the viewer's edit
messages (TourViewer.on_edit); each test asserts the document changed and that what shows it followed.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile

import panel as pn
import pytest

from vtour.edit.app import Editor, built_scenes, editor_app, tour_files
from vtour.edit.document import EditDocument, EditError, Target
from vtour.edit.labels import LABELS, labels_for
from vtour.edit.widgets import ButtonList
from vtour.sample import TINY_SAMPLE_OPTIONS, write_sample

#: The English words the issue and the spec name for the controls (tests/browser drive them by these).
CONTROL_WORDS = (
    "Add scene", "Upload panorama", "Move scene up", "Move scene down", "Rename scene", "Delete scene",
    "Set start view", "Min zoom (fov)", "Max zoom (fov)", "North offset", "Add link", "Add info",
    "Add model hotspot", "Delete hotspot", "Target scene", "Add reverse link", "Yaw", "Pitch", "Title (en)",
    "Title (zh)", "Text (en)", "Text (zh)", "Image", "Add model", "Undo", "Redo", "Save", "Reload from disk",
    "Build", "Package", "Kiosk", "Idle before countdown (s)", "Countdown (s)", "Attract scenes",
    "Seconds per attract scene", "Attract narration", "Staff exit PIN (digits)", "Daily restart (HH:MM)",
    "Panorama files", "Scene id", "Editor language",
)  # fmt: skip


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The tiny sample tour's sources (written once)."""
    root = tmp_path_factory.mktemp("edit-sample") / "grotto"
    write_sample(root, TINY_SAMPLE_OPTIONS)
    return root


@pytest.fixture
def folder(sample, tmp_path):
    """A copy of the sample a test may change."""
    return shutil.copytree(sample, tmp_path / "grotto")


@pytest.fixture
def editor(folder, tmp_path) -> Editor:
    return editor_app(EditDocument.open(folder / "tour.yaml"), out=tmp_path / "site")


def walk(obj):
    """``obj`` and everything inside it (layouts' objects, landmarks' content)."""
    yield obj
    for child in [*getattr(obj, "objects", []), getattr(obj, "content", None)]:
        if child is not None and not isinstance(child, str):
            yield from walk(child)


def names(editor: Editor) -> list[str]:
    """Every visible control's accessible name on the page: labels, button words, list buttons' words."""
    out = []
    for obj in walk(editor.layout):
        if not getattr(obj, "visible", True):
            continue
        if isinstance(obj, ButtonList):
            out += obj.texts()
        if isinstance(obj, pn.widgets.CheckBoxGroup):  # each option a labelled checkbox
            out += list(obj.options)
        if isinstance(getattr(obj, "label", None), str):
            out.append(obj.label)
    return out


def click(button) -> None:
    button.clicks += 1


def mount_options(page: str) -> dict:
    """The mount options a kiosk's index.html passes to the viewer (``mount(element, "tour.json", {...})``)."""
    found = re.search(r'"tour\.json", (\{.*\})\);', page)
    assert found, "no mount options in the page"
    return json.loads(found[1])


# -- the page ---------------------------------------------------------------------------------------------


def test_every_control_the_spec_names_is_on_the_page_by_its_english_words(editor):
    editor.param.update(scene="entrance", hotspot=2)  # an info hotspot: its Image and texts shown
    found = " | ".join(names(editor))
    missing = [w for w in CONTROL_WORDS if w not in found]
    assert not missing


def test_the_scene_list_marks_the_start_and_the_scenes_not_built(editor):
    texts = editor.scene_list.texts()
    assert texts == [
        "Entrance (entrance) (start) (not built)",
        "Main chamber (chamber) (not built)",
        "Before the niche (niche) (not built)",
    ]
    assert editor.scene_list.value == "entrance" and editor.scene_list.attr == "aria-current"
    assert "press Build to preview it" in editor.not_built.object
    assert editor.viewer.edit and not editor.viewer.visible


def test_a_scene_missing_from_the_build_is_said_and_the_viewer_stays(editor, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "tour.json").write_text('{"scenes": [{"id": "entrance"}, {"id": "chamber"}]}')
    editor.built = built_scenes(tmp_path / "site")
    editor.scene_list.choose("chamber")
    assert editor.viewer.scene == "chamber" and editor.not_built.object == ""
    editor.scene_list.choose("niche")
    assert editor.scene == "niche" and editor.viewer.scene == "chamber"
    assert "This scene is not built yet: press Build to preview it" in editor.not_built.object
    assert editor.scene_list.texts()[2].endswith("(not built)") and "(not built)" not in editor.scene_list.texts()[1]


def test_a_click_with_a_tool_armed_adds_a_hotspot_there_selects_it_and_disarms_the_tool(editor):
    doc = editor.doc
    n = len(doc.hotspots("entrance"))
    editor.tools.choose("link")
    assert editor.tool == "link" and editor.tools.value == "link" and editor.tools.attr == "aria-pressed"
    editor.on_viewer_edit({"event": "editclick", "scene": "entrance", "yaw": 12.3, "pitch": -4.5})
    added = doc.hotspots("entrance")[n]
    assert (added["type"], added["yaw"], added["pitch"], added["target"]) == ("link", 12.3, -4.5, "chamber")
    assert (editor.scene, editor.hotspot, editor.tool, editor.tools.value) == ("entrance", n, None, None)
    assert editor.target_scene.value == "chamber" and editor.link_box.visible and not editor.info_box.visible
    assert doc.dirty and "unsaved changes" in editor.dirty_mark.object
    # a click without a tool armed adds nothing
    editor.on_viewer_edit({"event": "editclick", "scene": "entrance", "yaw": 1, "pitch": 1})
    assert len(doc.hotspots("entrance")) == n + 1


def test_one_tool_is_armed_at_a_time_and_choosing_it_again_disarms_it(editor):
    editor.tools.choose("info")
    editor.tools.choose("model")
    assert editor.tool == "model" and editor.viewer.tool == "model"
    editor.tools.choose("model")
    assert editor.tool is None and editor.viewer.tool is None and "Choose a kind of hotspot" in editor.armed.object


def test_a_model_hotspot_points_at_the_first_model(editor):
    editor.tools.choose("model")
    editor.on_viewer_edit({"event": "editclick", "scene": "niche", "yaw": -20, "pitch": 3})
    entry = editor.doc.hotspots("niche")[editor.hotspot]
    assert (entry["type"], entry["target"]) == ("model", "statue")
    assert editor.target_model.visible and editor.target_model.value == "statue"


def test_dragging_a_hotspot_moves_it_and_the_yaw_and_pitch_inputs_move_it_too(editor):
    editor.on_viewer_edit({"event": "hotspotmove", "scene": "chamber", "index": 1, "yaw": -40.25, "pitch": 2.5})
    h = editor.doc.hotspots("chamber")[1]
    assert (h["yaw"], h["pitch"]) == (-40.25, 2.5)
    assert (editor.scene, editor.hotspot) == ("chamber", 1)
    assert (editor.yaw.value, editor.pitch.value) == (-40.25, 2.5)
    editor.yaw.value = 100.0
    assert editor.doc.hotspots("chamber")[1]["yaw"] == 100.0
    editor.on_viewer_edit({"event": "hotspotselect", "scene": "niche", "index": 0})
    assert (editor.scene, editor.hotspot) == ("niche", 0) and editor.yaw.value == 165.2


def test_the_viewer_shows_the_documents_hotspots_of_its_scene_with_the_selected_one(editor, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "tour.json").write_text('{"scenes": [{"id": "entrance"}]}')
    editor.built = built_scenes(tmp_path / "site")
    editor.refresh()
    editor.on_viewer_edit({"event": "hotspotselect", "scene": "entrance", "index": 2})
    shown = editor.viewer.edit_hotspots
    assert [h["index"] for h in shown] == list(range(len(editor.doc.hotspots("entrance"))))
    assert shown[2]["title"] == "Preaching scene, north wall" and shown[0]["target"] == "chamber"
    assert editor.viewer.selected_hotspot == 2
    editor.on_viewer_edit({"event": "hotspotmove", "scene": "entrance", "index": 2, "yaw": 50, "pitch": 0})
    assert (editor.viewer.edit_hotspots[2]["yaw"], editor.viewer.edit_hotspots[2]["pitch"]) == (50, 0)


def test_undo_and_redo_restore_the_document_and_their_buttons_follow(editor):
    doc = editor.doc
    before = doc.text()
    assert editor.buttons["undo"].disabled and editor.buttons["redo"].disabled
    editor.on_viewer_edit({"event": "hotspotmove", "scene": "entrance", "index": 0, "yaw": 30, "pitch": 1})
    assert doc.text() != before and not editor.buttons["undo"].disabled
    click(editor.buttons["undo"])
    assert doc.text() == before and editor.buttons["undo"].disabled and not editor.buttons["redo"].disabled
    assert not doc.dirty and "all changes saved" in editor.dirty_mark.object
    assert editor.yaw.value == 16.7  # the selected hotspot's inputs follow
    click(editor.buttons["redo"])
    assert doc.hotspots("entrance")[0]["yaw"] == 30 and editor.yaw.value == 30


def test_a_broken_link_shows_in_problems_in_validates_words_and_its_button_goes_to_it(editor):
    assert editor.problem_list.items == [] and "No problems" in editor.no_problems.object
    editor.edit(editor.doc.set_hotspot, "chamber", 1, target="nowhere")
    texts = editor.problem_list.texts()
    assert texts == [p.text for p in editor.doc.problems()] and any("nowhere" in t for t in texts)
    assert editor.no_problems.object == ""
    editor.select_scene("entrance")
    editor.problem_list.choose(next(i for i, t in enumerate(texts) if "nowhere" in t))
    assert (editor.scene, editor.hotspot) == ("chamber", 1)
    assert editor.focuser.last == "Target scene"
    assert editor.target_scene.value == "nowhere"  # shown as it is, so that the staff see what is wrong
    editor.target_scene.value = "niche"
    assert editor.problem_list.items == []


def test_texts_are_edited_side_by_side_and_a_missing_translation_is_flagged(editor):
    editor.tools.choose("info")
    editor.on_viewer_edit({"event": "editclick", "scene": "entrance", "yaw": 90, "pitch": 10})
    title_en, title_zh = editor.texts["title", "en"], editor.texts["title", "zh"]
    assert (title_en.name, title_zh.name) == ("Title (en)", "Title (zh)")
    title_en.value = "Lamp niche"
    assert editor.doc.hotspots("entrance")[editor.hotspot]["title"] == {"en": "Lamp niche"}
    assert "missing" in title_zh.name and title_zh.name.startswith("Title (zh)") and "missing" not in title_en.name
    title_zh.value = "灯龛"
    assert editor.doc.hotspots("entrance")[editor.hotspot]["title"] == {"en": "Lamp niche", "zh": "灯龛"}
    assert title_zh.name == "Title (zh)"
    editor.texts["text", "zh"].value = "一段文字"
    assert "missing" in editor.texts["text", "en"].name


def test_an_info_hotspot_takes_an_image_of_the_folder_and_a_link_url(editor):
    editor.param.update(scene="entrance", hotspot=2)
    assert "panoramas/niche.jpg" in editor.image.options.values()
    editor.image.value = "panoramas/niche.jpg"
    editor.url.value = "https://example.org/mural"
    h = editor.doc.hotspots("entrance")[2]
    assert (h["image"], h["url"]) == ("panoramas/niche.jpg", "https://example.org/mural")
    editor.url.value = ""
    assert editor.doc.hotspots("entrance")[2]["url"] is None


def test_an_info_hotspot_may_open_a_deep_zoom_image_of_the_tour(editor):
    editor.param.update(scene="entrance", hotspot=2)
    deep = {name: value for name, value in editor.image.options.items() if value == "mural"}
    assert len(deep) == 1 and "deep zoom: mural" in next(iter(deep)), editor.image.options
    editor.image.value = "mural"
    assert editor.doc.hotspots("entrance")[2]["image"] == "mural"
    assert editor.doc.problems() == []  # an id of images:, not a missing file


def test_a_reverse_link_is_added_in_the_target_scene(editor):
    editor.pano_files.value = ["panoramas/niche.jpg"]
    click(editor.add_scene_button)
    new = editor.scene
    editor.tools.choose("link")
    editor.on_viewer_edit({"event": "editclick", "scene": "entrance", "yaw": 100, "pitch": 0})
    editor.target_scene.value = new
    click(editor.reverse_button)
    back = editor.doc.hotspots(new)
    assert len(back) == 1 and back[0]["target"] == "entrance" and back[0]["yaw"] == -80
    click(editor.reverse_button)  # once only: the error is said, never a traceback
    assert editor.alert and "already links back" in editor.status and "Traceback" not in editor.status


def test_deleting_a_hotspot_clears_the_selection(editor):
    editor.on_viewer_edit({"event": "hotspotselect", "scene": "niche", "index": 3})
    n = len(editor.doc.hotspots("niche"))
    click(editor.delete_hotspot_button)
    assert len(editor.doc.hotspots("niche")) == n - 1 and editor.hotspot is None
    assert not editor.hotspot_form.visible and "No hotspot selected" in editor.hotspot_info.object


# -- scenes -----------------------------------------------------------------------------------------------


def test_a_scene_is_added_from_panorama_files_of_the_folder(editor, folder):
    assert editor.pano_files.options[:3] == ["panoramas/chamber.jpg", "panoramas/entrance.jpg", "panoramas/niche.jpg"]
    assert not any(p.startswith("models/") for p in editor.pano_files.options)
    click(editor.add_scene_button)  # nothing chosen: said, and nothing added
    assert editor.alert and len(editor.doc.scene_ids()) == 3
    editor.pano_files.value = ["panoramas/chamber.jpg"]
    click(editor.add_scene_button)
    assert editor.doc.scene_ids()[-1] == editor.scene and editor.scene != "chamber"
    assert editor.doc.scene(editor.scene)["panorama"] == ["panoramas/chamber.jpg"]
    assert editor.scene_list.value == editor.scene


def test_an_upload_adds_a_scene_from_the_stored_panoramas_and_says_refused_files(editor, folder):
    shutil.copy(folder / "panoramas" / "niche.jpg", folder / "panoramas" / "hall.jpg")
    assert editor.upload.url == "api/edit/upload/panoramas" and editor.upload.label == "Upload panorama"
    editor.upload.uploaded(["panoramas/hall.jpg"], [])
    assert editor.scene == "hall" and "panoramas/hall.jpg" in editor.pano_files.options
    assert "Uploaded: panoramas/hall.jpg" in editor.status and not editor.alert
    editor.upload.uploaded([], ["notes.txt: not an image"])
    assert editor.alert and "notes.txt: not an image" in editor.status


def test_scenes_are_moved_renamed_and_made_the_start(editor):
    editor.scene_list.choose("niche")
    click(editor.scene_buttons["moveUp"])
    assert editor.doc.scene_ids() == ["entrance", "niche", "chamber"] and editor.scene == "niche"
    click(editor.scene_buttons["moveDown"])
    assert editor.doc.scene_ids()[-1] == "niche" and editor.scene_buttons["moveDown"].disabled
    editor.scene_id.value = "altar"
    editor.scene_titles["en"].value = "The altar"
    click(editor.rename_button)
    assert editor.scene == "altar" and editor.doc.scene("altar")["title"]["en"] == "The altar"
    assert all(h["target"] != "niche" for s in editor.doc.scene_ids() for h in editor.doc.hotspots(s))
    click(editor.scene_buttons["setStart"])
    assert editor.doc.start == "altar" and editor.scene_list.texts()[-1].endswith("(start) (not built)")
    editor.scene_id.value = "bad id!"
    click(editor.rename_button)
    assert editor.alert and "bad id!" in editor.status and editor.scene == "altar"


def test_deleting_a_scene_asks_first_and_says_how_many_links_go(editor):
    click(editor.buttons["undo"])  # nothing to undo: said
    assert editor.status == "Nothing to undo."
    editor.scene_list.choose("chamber")
    click(editor.delete_button)
    assert editor.delete_box.visible and editor.doc.scene_ids() == ["entrance", "chamber", "niche"]
    assert "2 links to it will be removed" in editor.delete_question.object
    assert editor.focuser.last == "Confirm delete"
    click(editor.delete_no)
    assert not editor.delete_box.visible and "chamber" in editor.doc.scene_ids()
    click(editor.delete_button)
    click(editor.delete_yes)
    assert editor.doc.scene_ids() == ["entrance", "niche"] and editor.scene == "niche"
    assert editor.status == "Deleted scene chamber and 2 links to it."


def test_the_zoom_limits_and_north_offset_are_applied(editor):
    editor.scene_list.choose("chamber")
    editor.min_fov.value, editor.max_fov.value, editor.north.value = 30.0, 100.0, 12.5
    click(editor.apply_view)
    s = editor.doc.scene("chamber")
    assert s["limits"] == {"min_fov": 30, "max_fov": 100} and s["north_offset"] == 12.5
    editor.min_fov.value = 120.0
    click(editor.apply_view)
    assert editor.alert and "min_fov" in editor.status and editor.doc.scene("chamber")["limits"]["min_fov"] == 30


def test_set_start_view_takes_the_viewers_camera(editor, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "tour.json").write_text('{"scenes": [{"id": "entrance"}]}')
    editor.built = built_scenes(tmp_path / "site")
    editor.refresh()
    editor.viewer.param.update(yaw=-12.3456, pitch=5.5, fov=60.0)
    click(editor.set_view_button)
    assert editor.doc.scene("entrance")["view"] == {"yaw": -12.35, "pitch": 5.5, "fov": 60}
    assert "Start view of entrance set" in editor.status


def test_a_click_on_the_floor_plan_places_the_selected_scene(editor):
    assert not editor.plan_box.visible and editor.plan_image.value is None
    editor.plan_image.value = "panoramas/entrance.jpg"  # chosen in "Floor plan image"
    assert editor.doc.floorplan == "panoramas/entrance.jpg"
    assert editor.plan_box.visible and editor.plan.src == "api/edit/file/panoramas/entrance.jpg"
    editor.scene_list.choose("chamber")
    editor.plan.pick(0.25, 0.75)
    assert editor.doc.scene("chamber")["floorplan_position"] == {"x": 0.25, "y": 0.75}
    assert editor.plan.points == [{"text": "chamber", "x": 0.25, "y": 0.75, "selected": True}]
    assert (editor.plan_x.value, editor.plan_y.value) == (0.25, 0.75)
    editor.plan_x.value = 0.5  # typed: the keyboard's way
    assert editor.doc.scene("chamber")["floorplan_position"] == {"x": 0.5, "y": 0.75}
    click(editor.plan_clear)
    assert editor.doc.scene("chamber")["floorplan_position"] is None


# -- models -----------------------------------------------------------------------------------------------


def test_a_model_is_added_from_a_mesh_file_and_its_title_units_and_metadata_edited(editor):
    assert "models/grotto.obj" in editor.mesh_files.options
    editor.mesh_files.value = "models/grotto.obj"
    click(editor.add_model_button)
    assert editor.model == "grotto" and editor.model_form.visible
    assert [i["value"] for i in editor.model_list.items] == ["statue", "grotto"]
    editor.model_titles["zh"].value = "石窟"
    editor.units.value = "mm"
    editor.metadata["credit"].value = "Survey team"
    m = next(m for m in editor.doc.models() if m["id"] == "grotto")
    assert m["title"]["zh"] == "石窟" and m["units"] == "mm" and m["metadata"] == {"credit": "Survey team"}
    assert editor.model_titles["en"].name == "Model title (en)"


# -- saving -----------------------------------------------------------------------------------------------


def test_save_writes_the_file_and_a_backup(editor, folder):
    editor.on_viewer_edit({"event": "hotspotmove", "scene": "entrance", "index": 0, "yaw": 31, "pitch": 2})
    click(editor.buttons["save"])
    assert not editor.doc.dirty and "all changes saved" in editor.dirty_mark.object
    assert "yaw: 31" in (folder / "tour.yaml").read_text() and (folder / "tour.yaml.bak").is_file()
    assert EditDocument.open(folder / "tour.yaml").hotspots("entrance")[0]["yaw"] == 31


def test_a_change_on_disk_is_said_before_a_save_and_a_save_is_refused_with_reload_offered(editor, folder):
    editor.on_viewer_edit({"event": "hotspotmove", "scene": "entrance", "index": 0, "yaw": 31, "pitch": 2})
    editor.check_disk()
    assert not editor.conflict
    path = folder / "tour.yaml"
    path.write_text(path.read_text().replace("Sample grotto", "Grotto (edited elsewhere)"))
    editor.check_disk()
    assert editor.conflict and editor.alert and editor.status.startswith("tour.yaml changed on disk")
    assert editor.buttons["reload"].color == "warning"
    click(editor.buttons["save"])
    assert editor.status == "tour.yaml changed on disk since it was loaded: nothing was saved" and editor.alert
    assert "Grotto (edited elsewhere)" in path.read_text()
    click(editor.buttons["reload"])  # unsaved edits: asks first
    assert editor.reload_box.visible and editor.doc.dirty
    click(editor.reload_yes)
    assert not editor.doc.dirty and not editor.conflict and "Grotto (edited elsewhere)" in editor.tour_title.object
    assert editor.doc.hotspots("entrance")[0]["yaw"] == 16.7


# -- words ------------------------------------------------------------------------------------------------


def test_both_languages_have_the_same_words_and_every_chinese_control_name_carries_the_english(editor):
    assert set(LABELS["zh"]) == set(LABELS["en"])
    for key, en in LABELS["en"].items():
        word = en.format(lang="zh") if "{lang}" in en else en
        if word in CONTROL_WORDS:
            zh = LABELS["zh"][key].format(lang="zh")
            assert zh.endswith(f"({word})") and zh != f"({word})", key


def test_changing_the_language_relabels_every_control_and_the_previews_language(editor):
    editor.param.update(scene="entrance", hotspot=2)
    editor.language_select.value = "zh"
    assert editor.language == "zh" and editor.viewer.language == "zh"
    assert editor.buttons["build"].name == "构建 (Build)" and editor.tools.texts()[0] == "添加链接 (Add link)"
    assert editor.texts["title", "zh"].name == "标题 zh (Title (zh))"
    assert editor.scene_list.texts()[0] == "入口 (entrance) （起始）(start) （未构建）(not built)"
    found = " | ".join(names(editor))
    assert not [w for w in CONTROL_WORDS if w not in found and w != "Editor language"]
    assert labels_for("zh-Hans")["undo"] == "撤销 (Undo)"
    editor.language_select.value = "en"
    assert editor.buttons["build"].name == "Build" and editor.layout.label == "Tour editor"


def test_nothing_from_the_tour_is_inserted_as_markup(editor):
    editor.edit(editor.doc.rename_scene, "entrance", title={"en": "<img src=x onerror=alert(1)>"})
    editor.edit(editor.doc.set_text, Target("tour"), "title", "en", "<b>x")
    assert "<b>x" not in editor.tour_title.object and "&lt;b&gt;x" in editor.tour_title.object
    assert editor.scene_list.texts()[0].startswith("<img")  # a list button's words: set as text by the widget
    click(editor.delete_button)
    assert "<img" not in editor.delete_question.object


# -- the kiosk --------------------------------------------------------------------------------------------


def test_the_kiosk_fields_show_tour_yamls_kiosk_section(editor):
    assert (editor.kiosk_idle.value, editor.kiosk_countdown.value, editor.attract_seconds.value) == (60, 15, 20)
    assert editor.attract_scenes.value == ["entrance", "chamber", "niche"]
    assert editor.attract_narration.value == ["narration"]


def test_attract_scenes_are_the_tours_scenes_in_its_order_by_their_titles_in_the_editors_language(editor):
    assert editor.attract_scenes.options == {
        "Entrance (entrance)": "entrance", "Main chamber (chamber)": "chamber", "Before the niche (niche)": "niche",
    }  # fmt: skip
    editor.language_select.value = "zh"
    assert list(editor.attract_scenes.options) == ["入口 (entrance)", "主室 (chamber)", "佛龛前 (niche)"]
    assert editor.attract_scenes.value == ["entrance", "chamber", "niche"]
    assert editor.attract_scenes.label == "待机轮播场景（不勾选即全部场景）(Attract scenes (none ticked: every scene))"


def test_editing_a_kiosk_field_edits_tour_yaml_keeping_its_comments_and_undo_restores_it(editor, folder):
    doc = editor.doc
    path = folder / "tour.yaml"
    path.write_text(path.read_text().replace("kiosk:\n", "kiosk:  # the visitor centre's display\n"))
    editor.reload()
    before = doc.text()
    editor.kiosk_idle.value = 90
    editor.attract_scenes.value = ["niche", "entrance"]  # chamber unticked
    editor.attract_seconds.value = 12.5
    editor.attract_narration.value = []
    k = doc.kiosk
    assert (k.idle_seconds, k.countdown_seconds, k.attract_scenes) == (90, 15, ("entrance", "niche"))
    assert (k.seconds_per_scene, k.narration) == (12.5, False)
    assert "kiosk:  # the visitor centre's display\n  idle_seconds: 90\n" in doc.text()
    assert "seconds_per_scene: 12.5\n    narration: false\n" in doc.text()
    assert doc.text().partition("\nkiosk:")[0] == before.partition("\nkiosk:")[0]  # only kiosk: (the file's end)
    editor.kiosk_countdown.value = None  # emptied: the key goes, the viewer's default applies
    assert "countdown_seconds" not in doc.text() and doc.kiosk.countdown_seconds is None
    editor.attract_scenes.value = []  # none ticked: every scene (the key goes)
    assert doc.kiosk.attract_scenes is None and "scenes:" not in doc.text().partition("\nkiosk:")[2]
    for _ in range(6):
        click(editor.buttons["undo"])
    assert doc.text() == before and editor.kiosk_idle.value == 60 and editor.attract_narration.value == ["narration"]
    assert editor.attract_scenes.value == ["entrance", "chamber", "niche"]
    click(editor.buttons["save"])
    assert path.read_text() == before


def test_ticking_an_attract_scene_keeps_the_order_written_and_adds_it_after(editor):
    editor.edit(editor.doc.set_kiosk, attract_scenes=["niche", "entrance"])  # an order made by hand
    assert editor.attract_scenes.value == ["niche", "entrance"]
    editor.attract_scenes.value = ["niche", "entrance", "chamber"]
    assert editor.doc.kiosk.attract_scenes == ("niche", "entrance", "chamber")


@pytest.mark.parametrize(
    ("widget", "value", "words"),
    [
        ("kiosk_idle", -5, "kiosk.idle_seconds=-5: must be a number of seconds >= 0"),
        ("kiosk_countdown", -1, "kiosk.countdown_seconds=-1: must be a number of seconds >= 0"),
        ("attract_seconds", 0, "kiosk.attract.seconds_per_scene=0: must be a number of seconds > 0"),
    ],
)
def test_a_bad_kiosk_value_is_said_in_the_status_line_and_changes_nothing(editor, widget, value, words):
    before = editor.doc.text()
    getattr(editor, widget).value = value
    assert editor.alert and words in editor.status and "Traceback" not in editor.status
    assert editor.doc.text() == before and getattr(editor, widget).value != value  # the input shows the file's


def test_set_kiosk_writes_a_new_kiosk_section_before_the_scenes_and_removes_it_when_empty(tmp_path):
    path = tmp_path / "tour.yaml"
    path.write_text(
        "# a tour\nid: t\ntitle: {en: T}\nlanguages: [en]\nsettings: {autorotate: 1}\n"
        "scenes:  # the scenes\n  - id: a\n    panorama: a.jpg\n  - id: b\n    panorama: b.jpg\n# the end\n"
    )
    doc = EditDocument.open(path)
    doc.set_kiosk(idle_seconds=30.0, attract_scenes=["b"], narration=True)
    assert doc.text() == (
        "# a tour\nid: t\ntitle: {en: T}\nlanguages: [en]\nsettings: {autorotate: 1}\n"
        "kiosk:\n  idle_seconds: 30\n  attract:\n    scenes:\n      - b\n    narration: true\n"
        "scenes:  # the scenes\n  - id: a\n    panorama: a.jpg\n  - id: b\n    panorama: b.jpg\n# the end\n"
    )
    doc.set_kiosk(idle_seconds=None, attract_scenes=None, narration=None)
    assert doc.text() == path.read_text()
    with pytest.raises(EditError, match="no scene 'c' in the tour"):
        doc.set_kiosk(attract_scenes=["a", "c"])
    with pytest.raises(EditError, match="cannot be set here"):
        doc.set_kiosk(idleSeconds=3)


def test_set_kiosk_keeps_a_camel_case_spelling(tmp_path):
    path = tmp_path / "tour.yaml"
    path.write_text("id: t\nscenes:\n  - {id: a, panorama: a.jpg}\nkiosk: {idleSeconds: 5, countdownSeconds: 3}\n")
    doc = EditDocument.open(path)
    doc.set_kiosk(idle_seconds=45)
    assert doc.text().endswith("kiosk: {idleSeconds: 45, countdownSeconds: 3}\n")


def test_the_pin_and_daily_restart_are_for_a_kiosk_package_only(editor):
    assert not editor.pin.disabled and not editor.daily_restart.disabled
    editor.kiosk.value = []
    assert editor.pin.disabled and editor.daily_restart.disabled
    assert not editor.kiosk_idle.disabled and not editor.attract_scenes.disabled  # the tour's own: always


def test_a_pin_that_is_not_4_to_12_digits_is_refused_without_being_shown_back(editor, tmp_path):
    editor.board.built_text, editor.built = editor.doc.text(), {"entrance"}  # as after a build of this text
    for pin in ("12ab", "123", "1234567890123"):
        editor.pin.value = pin
        click(editor.package_button)
        assert editor.alert and editor.status == "The staff exit PIN must be 4 to 12 digits (or empty: no staff exit)."
        assert pin not in editor.status and editor.board.package is None
    editor.pin.value, editor.daily_restart.value = "1234", "25:00"
    click(editor.package_button)
    assert editor.alert and "daily_restart='25:00'" in editor.status and "HH:MM" in editor.status
    assert editor.board.package is None
    assert "1234" not in editor.doc.text()


# -- build and package ------------------------------------------------------------------------------------


def test_package_before_a_build_says_build_first(editor):
    click(editor.package_button)
    assert editor.alert and editor.status.startswith("Build first")


def test_build_saves_first_then_shows_progress_reloads_the_preview_and_packages(editor, folder, tmp_path):
    editor.on_viewer_edit({"event": "hotspotmove", "scene": "entrance", "index": 0, "yaw": 20, "pitch": 0})
    editor.kiosk_countdown.value = 10  # the kiosk's behaviour, edited here: the build and the package carry it
    editor.attract_scenes.value = ["niche", "entrance"]
    click(editor.buttons["build"])
    assert not editor.doc.dirty and editor.board.build is not None
    assert editor.board.build.wait(120) == "done", editor.board.build.snapshot()
    editor.poll()
    assert 'value="100"' in editor.progress.object and "100 %" in editor.progress.object
    assert "Built in" in editor.build_state.object and "scene entrance built" in editor.log_view.text
    assert editor.viewer.reload == 1 and editor.viewer.visible
    assert not any("(not built)" in t for t in editor.scene_list.texts())
    assert editor.viewer.scene == editor.scene
    editor.kiosk.value = ["kiosk"]
    editor.pin.value, editor.daily_restart.value = "482915", "04:30"
    click(editor.package_button)
    assert editor.board.package.wait(120) == "done", editor.board.package.snapshot()
    editor.poll()
    zip_name = editor.board.package.snapshot()["zip"]
    assert f'href="api/edit/download/{zip_name}" download' in editor.download.object
    assert "Download package" in editor.download.object
    with zipfile.ZipFile(editor.board.package.zip_path) as z:
        assert any(n.endswith("tour.json") for n in z.namelist())
        meta = json.loads(z.read("kiosk.json"))
        page = z.read("index.html").decode()
        settings = json.loads(z.read("tour.json"))["settings"]["kiosk"]
    assert meta["pin"].startswith("pbkdf2_sha256$") and "482915" not in meta["pin"]
    assert meta["dailyRestart"] == "04:30"
    # tour.yaml's kiosk: as edited, built into tour.json and written into the kiosk's page with the staff exit
    assert (settings["idleSeconds"], settings["countdownSeconds"]) == (60, 10)
    assert settings["attract"] == {"scenes": ["entrance", "niche"], "secondsPerScene": 20, "narration": True}
    options = mount_options(page)
    assert options["urlState"] is False and options["kiosk"]["exit"] is True
    assert (options["kiosk"]["idleSeconds"], options["kiosk"]["countdownSeconds"]) == (60, 10)
    assert options["kiosk"]["attract"] == {"scenes": ["entrance", "niche"], "secondsPerScene": 20}
    # the PIN is nowhere but in its hash: not in tour.yaml, the page's words or the job's log
    assert "482915" not in (folder / "tour.yaml").read_text() + editor.status + editor.log_view.text
    assert "482915" not in " ".join(editor.board.package.snapshot()["log"]) + editor.package_state.object
    editor.on_viewer_edit({"event": "hotspotmove", "scene": "entrance", "index": 0, "yaw": 21, "pitch": 0})
    click(editor.package_button)  # the tour changed since the build
    assert editor.status.startswith("Build first")


def test_a_failed_build_says_the_builds_error(editor, folder):
    editor.edit(editor.doc.add_scene, ["panoramas/entrance.jpg"])
    (folder / "panoramas" / "entrance.jpg").write_bytes(b"not a jpeg")
    click(editor.buttons["build"])
    assert editor.board.build.wait(120) == "failed"
    editor.poll()
    assert editor.alert and "The build failed" in editor.status and "Traceback" not in editor.status


# -- files ------------------------------------------------------------------------------------------------


def test_tour_files_skip_hidden_cache_export_and_the_output(tmp_path):
    for rel in (
        "panoramas/a.jpg", "panoramas/sub/b.JPG", "c.png", ".hidden/d.jpg", ".vtour-cache/e.jpg",
        "export/f.jpg", "site/g.jpg", "panoramas/.h.jpg", "notes.txt", "models/m.obj",
    ):  # fmt: skip
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"")
    images = tour_files(tmp_path, (".jpg", ".png"), skip=(tmp_path / "site",))
    assert images == ["panoramas/a.jpg", "panoramas/sub/b.JPG", "c.png"]
    assert tour_files(tmp_path, (".obj",)) == ["models/m.obj"]


# -- two pages on one document ------------------------------------------------------------------------------


def test_a_page_behind_another_pages_edit_refuses_its_stale_edit_and_then_shows_the_document(folder, tmp_path):
    doc = EditDocument.open(folder / "tour.yaml")
    a = editor_app(doc, out=tmp_path / "site")
    b = editor_app(doc, out=tmp_path / "site")
    a.param.update(scene="entrance", hotspot=2)
    south = doc.hotspots("entrance")[3]
    b.edit(doc.delete_hotspot, "entrance", 0)  # every index after it moves down by one
    a.edit(doc.move_hotspot, "entrance", 2, 60.0, 0.0)  # a still thinks of the old hotspot 2
    assert a.failed and "changed in another window" in a.status
    assert doc.hotspots("entrance")[2] == {**south, "index": 2}  # the south wall did not move
    a.poll()  # a page follows the other's edits on its next poll
    b.edit(doc.set_start, "niche")
    a.poll()
    assert a._seen_version == doc.version
    a.edit(doc.set_start, "chamber")
    assert not a.failed and doc.start == "chamber"


def test_two_pages_of_one_output_share_the_build_and_package_jobs(folder, tmp_path):
    doc = EditDocument.open(folder / "tour.yaml")
    a = editor_app(doc, out=tmp_path / "site")
    b = editor_app(doc, out=tmp_path / "site")
    c = editor_app(doc, out=tmp_path / "other")
    assert a.board is b.board and c.board is not a.board
    assert a.board.build is None and a.board.package is None


def test_confirm_delete_deletes_the_scene_it_asked_about_and_the_question_goes_when_another_is_chosen(editor):
    editor.select_scene("niche")
    editor.ask_delete_scene()
    assert editor.delete_box.visible and "niche" in editor.delete_question.object
    editor.select_scene("entrance")
    editor.refresh()
    assert not editor.delete_box.visible  # the question was about niche
    editor.delete_scene()  # a late confirm deletes nothing: never entrance, the scene now selected
    assert editor.doc.scene_ids() == ["entrance", "chamber", "niche"]
    editor.ask_delete_scene()
    editor.delete_scene()
    assert editor.doc.scene_ids() == ["chamber", "niche"]
