"""vtour.panel_images: the Panel app's side panel of a built tour's deep-zoom images (tour_helpers.deep_zoom_tour:
a 1500 x 900 image ``mural`` with one annotation, plus a second image added here with a text and markup in its
words) and tour_app's side column (the inspector, the images, or both in tabs)."""

from __future__ import annotations

import json

import panel as pn
import pytest
import yaml
from data_paths import require
from tour_helpers import deep_zoom_tour, mural, small_tour

from vtour.errors import VtourError
from vtour.panel_images import (
    FACTS,
    LABELS,
    ImageBrowser,
    annotation_rows,
    image_rows,
    labels_for,
    read_annotations,
    text_in,
)
from vtour.panel_inspector import Landmark
from vtour.panel_viewer import TourViewer
from vtour.tour import build_tour

#: The second image: a text, markup that must stay text, rights.
FRIEZE = {
    "id": "frieze", "title": {"en": "Frieze <b>bold</b> & more", "fr": "Frise"},
    "source": "images/frieze.png", "zoom": {"tile_size": 256},
    "rights": "http://creativecommons.org/licenses/by-nc/4.0/",
    "annotations": [
        {"id": "lion", "region": [100, 50, 200, 120], "title": {"en": "Lion", "fr": "Lion"},
         "text": {"en": "A <script>lion</script> & cub", "fr": "Un lion"}},
        {"region": [400, 300, 80, 60], "title": {"en": "Crack", "fr": "Fissure"}},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("images")
    mural(root / "src" / "images" / "frieze.png", size=(800, 400), seed=1)
    path = deep_zoom_tour(root / "src")
    data = yaml.safe_load(path.read_text())
    data["images"].append(FRIEZE)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    build_tour(path, root / "site", jobs=1)
    return root / "site"


def viewer(**params) -> TourViewer:
    require(TourViewer._bundle, "the viewer bundle", "npm run build, or make setup")
    return TourViewer(**params)


def entry(tour_dir, image_id) -> dict:
    return next(m for m in json.loads((tour_dir / "tour.json").read_text())["images"] if m["id"] == image_id)


# -- data ------------------------------------------------------------------------------------------------------


def test_annotations_are_read_from_the_built_annotation_page_with_their_regions_and_words(built):
    assert read_annotations(built, entry(built, "mural")) == [
        {"id": "donor", "region": [10, 20, 300, 200], "title": {"en": "Donor", "fr": "Donateur"}, "text": {}}
    ]
    lion, crack = read_annotations(built, entry(built, "frieze"))
    assert lion == {"id": "lion", "region": [100, 50, 200, 120], "title": {"en": "Lion", "fr": "Lion"},
                    "text": {"en": "A <script>lion</script> & cub", "fr": "Un lion"}}  # fmt: skip
    assert crack["region"] == [400, 300, 80, 60] and crack["title"] == {"en": "Crack", "fr": "Fissure"}
    assert read_annotations(built, {"id": "bare"}) == []


def test_an_annotation_page_that_is_not_one_or_lies_outside_the_tour_is_refused_naming_it(built, tmp_path):
    (tmp_path / "page.json").write_text('{"type": "Manifest"}')
    with pytest.raises(VtourError, match="not a W3C AnnotationPage"):
        read_annotations(tmp_path, {"id": "x", "annotations": "page.json"})
    with pytest.raises(VtourError, match="outside the tour"):
        read_annotations(built, {"id": "x", "annotations": "../elsewhere.json"})


def test_image_rows_give_title_size_megapixels_annotation_count_and_rights_in_the_language(built):
    images = [entry(built, "mural"), entry(built, "frieze")]
    rows = image_rows(images, {"mural": 1, "frieze": 2}, "zh", ["en", "fr"])  # not a language of the tour: en
    assert rows == [
        {"id": "mural", "title": "Mural", "size": "1,500 × 900", "megapixels": 1.4, "annotations": 1, "rights": ""},
        {"id": "frieze", "title": "Frieze <b>bold</b> & more", "size": "800 × 400", "megapixels": 0.3, "annotations": 2,
         "rights": "http://creativecommons.org/licenses/by-nc/4.0/"},
    ]  # fmt: skip
    assert [r["title"] for r in image_rows(images, {}, "fr", ["en", "fr"])] == ["Fresque", "Frise"]


def test_annotation_rows_fall_back_to_the_tours_languages_then_the_id():
    notes = [{"id": "a1", "region": [1, 2, 3, 4], "title": {}, "text": {"fr": "Texte"}}]
    assert annotation_rows(notes, "zh", ["en", "fr"]) == [{"id": "a1", "title": "a1", "text": "Texte",
                                                          "region": "1, 2, 3, 4"}]  # fmt: skip
    assert text_in({"en": "A", "zh": "甲"}, "zh-Hant") == "甲" and text_in("plain", "zh") == "plain"
    assert text_in(None, "en") == "" and text_in({"de": "D"}, "en", ["en"]) == "D"


def test_labels_exist_in_english_and_chinese_for_every_key():
    assert set(LABELS["zh"]) == set(LABELS["en"])
    assert labels_for("zh-CN")["images"] == "图像 (Images)" and labels_for("fr") == LABELS["en"]


# -- the panel --------------------------------------------------------------------------------------------------


def test_the_image_list_names_the_tours_images_as_text_and_the_facts_are_escaped(built):
    v = viewer()
    panel = ImageBrowser(v, built)
    assert panel.chooser.items == [
        {"value": "mural", "text": "Mural"},
        {"value": "frieze", "text": "Frieze <b>bold</b> & more"},  # the words as they are: the buttons show text
    ]
    assert panel.chooser.label == "Images" and panel.chooser.value is None
    assert panel.prompt.visible and not panel.image_box.visible
    v.image = "frieze"
    facts = panel.facts.object  # a captioned table, one row per fact, every word escaped
    assert facts.count("<tr>") == len(FACTS) and "<caption" in facts and "About Frieze &lt;b&gt;bold&lt;/b&gt;" in facts
    assert "<b>" not in facts and "<script>" not in panel.detail.object
    for word in ("Size (px)", "800 × 400", "Megapixels", "0.3", "Annotations", ">2<", "by-nc/4.0/"):
        assert word in facts, word
    v.image = "mural"
    assert (
        "<td style='padding: 2px 6px; text-align: left; vertical-align: top; border-bottom: 1px solid #ccc;"
        " overflow-wrap: anywhere'>—</td>" in panel.facts.object
    )  # no rights: a dash


def test_choosing_an_image_opens_it_whole_and_an_annotation_shows_its_region_and_words(built):
    v = viewer()
    panel = ImageBrowser(v, built)
    v.region = None
    panel.chooser.choose("frieze")
    assert (v.image, v.region) == ("frieze", None) and panel.chooser.value == "frieze"
    assert panel.annotation_list.texts() == ["Lion", "Crack"] and panel.annotation_list.value is None
    assert panel.image_box.visible and not panel.prompt.visible and "Frieze" in panel.heading.object
    assert "&lt;b&gt;" in panel.heading.object and "<b>" not in panel.heading.object  # escaped in the heading
    assert not panel.detail.visible
    panel.annotation_list.choose(0)
    assert v.region == [100, 50, 200, 120] and panel.annotation_list.value == 0 and panel.detail.visible
    detail = panel.detail.object  # its title, text and region, escaped
    assert "Lion" in detail and "A &lt;script&gt;lion&lt;/script&gt; &amp; cub" in detail and "<script>" not in detail
    assert "Region (x, y, w, h px): 100, 50, 200, 120" in detail
    seen = []
    v.param.watch(seen.append, "region")
    panel.annotation_list.choose(0)  # the same one again: shown again, wherever the view went
    assert len(seen) == 1 and v.region == [100, 50, 200, 120]
    panel.annotation_list.choose(7)  # not one of them: nothing happens
    panel.chooser.choose("nope")
    assert len(seen) == 1 and v.image == "frieze"
    # another image: opened whole, its own annotations listed, none chosen
    panel.chooser.choose("mural")
    assert (v.image, v.region) == ("mural", None) and panel.annotation_list.texts() == ["Donor"]
    assert panel.annotation_list.value is None and not panel.detail.visible
    panel.annotation_list.choose(0)
    assert v.region == [10, 20, 300, 200] and "10, 20, 300, 200" in panel.detail.object


def test_the_panel_follows_the_viewers_image_and_language(built):
    v = viewer(language="en")
    panel = ImageBrowser(v, built)
    v.param.update(image="mural", region=[0, 0, 750, 450])  # the visitor opened it, say, and zoomed
    assert panel.chooser.value == "mural" and v.region == [0, 0, 750, 450]
    assert panel.annotation_list.texts() == ["Donor"] and panel.annotation_list.visible
    v.language = "zh"
    assert panel.chooser.texts() == ["Mural", "Frieze <b>bold</b> & more"]  # the tour has no zh
    assert panel.annotation_list.label == "标注 (Annotations)" and panel.layout.label == "图像 (Images)"
    assert panel.chooser.value == "mural" and "的标注" in panel.heading.object and "尺寸（像素）" in panel.facts.object
    v.image = "frieze"
    assert panel.annotation_list.texts() == ["Lion", "Crack"]
    panel.annotation_list.choose(1)
    v.language = "fr"  # the chosen annotation stays chosen, in the new words
    assert panel.annotation_list.texts() == ["Lion", "Fissure"] and panel.heading.object.count("Frise")
    assert panel.annotation_list.value == 1 and "Fissure" in panel.detail.object
    v.image = None
    assert v.region is None and panel.chooser.value is None and panel.prompt.visible
    assert not panel.image_box.visible


def test_an_embedded_panel_is_no_landmark_of_its_own(built):
    panel = ImageBrowser(viewer(), built, landmark=False)
    assert not isinstance(panel.layout, Landmark) and isinstance(ImageBrowser(viewer(), built).layout, Landmark)


# -- tour_app's side column -------------------------------------------------------------------------------------


def test_tour_app_shows_the_images_panel_and_with_models_too_both_in_tabs_named_in_the_language(
    built, tmp_path, monkeypatch
):
    from vtour import panel_inspector, serve

    require(TourViewer._bundle, "the viewer bundle", "npm run build, or make setup")
    page = serve.tour_app(tour_dir=built)
    assert isinstance(page, pn.Row) and page[1].label == "Images"  # images only: their panel (its landmark)
    plain = tmp_path / "plain"
    build_tour(small_tour(tmp_path / "src", scenes=1), plain, jobs=1)
    assert len(serve.tour_app(tour_dir=plain)) == 1  # panoramas only: the viewer alone
    # models and images: the inspector and the images in tabs (a tour with models, faked for speed)
    original = panel_inspector.ModelInspector.__init__

    def init(self, viewer, tour_dir, **params):
        original(self, viewer, tour_dir, **params)
        self.models = {"urn": {"id": "urn"}}

    monkeypatch.setattr(panel_inspector.ModelInspector, "__init__", init)
    page = serve.tour_app(tour_dir=built, language="en")
    side = page[1]  # one landmark around the tabs; the panels in them are no landmarks (none nested)
    assert isinstance(side, Landmark) and side.label == "Inspector and images"
    tabs = side.content
    assert isinstance(tabs, pn.Tabs) and tabs._names == ["Inspector", "Images"]
    assert not any(isinstance(t, Landmark) for t in tabs) and len(tabs) == 2
    page[0].language = "zh"
    assert tabs._names == ["检视器", "图像 (Images)"] and side.label == "检视器与图像 (Inspector and images)"
