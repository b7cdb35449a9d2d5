"""vtour.panel_collection: the Panel app over a built collection. The collection is a small fake built folder
(:func:`fake_collection`: object.json files in the build's shape, in English and Chinese, one title made of markup,
small JPEG views), and, when the collection build is there, a real one built from the synthetic generator."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import panel as pn
import pytest
from PIL import Image

from vtour.collection.views import VIEW_NAMES
from vtour.errors import VtourError
from vtour.panel_collection import (
    FACETS,
    URL_STATE,
    CollectionBrowser,
    collection_app,
    facet_counts,
    filter_objects,
    labels_for,
    read_built_collection,
)

#: A title that must stay text wherever it is shown.
HOSTILE = "<img src=x onerror=alert(1)>"
COLLECTION = {"id": "bronzes", "title": {"en": "Bronzes & Jades", "zh": "青铜与玉器"}, "catalogue": "../../index.html"}
BRONZE = {"en": "bronze", "zh": "青铜"}
WESTERN_ZHOU = {"en": "Western Zhou", "zh": "西周"}
#: (id, title, period, material, museum, tags, description, has a scan), in the collection's order.
OBJECTS = [
    ("ding-01", {"en": "Tripod cauldron", "zh": "鼎"}, WESTERN_ZHOU, BRONZE, "Shenzhen Museum",
     [{"en": "ritual", "zh": "礼器"}, {"en": "vessel", "zh": "容器"}], {"en": "Cast with a taotie mask.",
                                                                     "zh": "饰饕餮纹。"}, True),
    ("gui-02", {"en": "Food vessel", "zh": "簋"}, WESTERN_ZHOU, BRONZE, {"en": "Palace Museum", "zh": "故宫博物院"},
     [{"en": "ritual", "zh": "礼器"}], None, True),
    ("vase-03", {"en": "Blue-and-white vase", "zh": "青花瓷瓶"}, {"en": "Ming", "zh": "明"},
     {"en": "porcelain", "zh": "瓷"}, {"en": "Shanghai Museum", "zh": "上海博物馆"}, [{"en": "flower", "zh": "花卉"}],
     {"en": "Painted in cobalt blue.", "zh": "钴蓝彩绘。"}, True),
    ("mirror-04", {"en": HOSTILE, "zh": "<script>alert(2)</script>铜镜"}, {"en": "Tang", "zh": "唐"}, BRONZE,
     "Shenzhen Museum", [], {"en": "A <b>bold</b> & shiny mirror.", "zh": "铜镜。"}, True),
    ("bi-05", {"en": "Jade disc", "zh": "玉璧"}, {"en": "Han", "zh": "汉"}, {"en": "jade", "zh": "玉"},
     {"en": "Palace Museum", "zh": "故宫博物院"}, [{"en": "ritual", "zh": "礼器"}], None, False),
]  # fmt: skip
#: Each view's colour in the fake JPEGs (so a screenshot shows which is which).
VIEW_COLOURS = {
    "front": (200, 60, 60), "back": (60, 160, 60), "left": (60, 60, 200), "right": (200, 160, 40),
    "top": (140, 60, 160), "bottom": (40, 160, 160),
}  # fmt: skip


def _jpeg(path: Path, colour, size: int = 96) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rgb = np.full((size, size, 3), 235, np.uint8)
    rgb[size // 5 : -size // 5, size // 4 : -size // 4] = colour  # an "object" on a light ground
    Image.fromarray(rgb).save(path, quality=85)


def _texts(value):
    return {"en": value} if isinstance(value, str) else value


def fake_collection(out: Path) -> Path:
    """A built collection's folder as the build writes it (object.json of docs/collection.md, views, thumbnails,
    index.html stubs), with :data:`OBJECTS`; returns ``out``."""
    for oid, title, period, material, museum, tags, description, scan in OBJECTS:
        folder = out / "objects" / oid
        fields = [{"key": "date", "value": {"en": "c. 1000 BCE", "zh": "约公元前1000年"}}]
        fields += [{"key": "period", "value": period}, {"key": "material", "value": material}]
        fields += [{"key": "dimensions", "value": {"en": "H 42 cm", "zh": "高42厘米"}}]
        fields += [
            {"key": "museum", "value": _texts(museum)},
            {"key": "credit", "value": {"en": "Gift & <i>bequest</i>"}},
        ]
        fields += [{"key": "metadata", "label": {"en": "Inventory"}, "value": {"en": f"INV-{oid}"}}]
        views = None
        if scan:
            for name in VIEW_NAMES:
                _jpeg(folder / "views" / f"{name}.jpg", VIEW_COLOURS[name])
            _jpeg(folder / "thumb.jpg", VIEW_COLOURS["front"], 64)
            views = {
                "size": 96, "metresPerPixel": 0.005, "scaleBar": {"metres": 0.1, "label": "10 cm", "pixels": 20},
                "files": {name: f"views/{name}.jpg" for name in VIEW_NAMES},
                "turntable": {"path": "turntable.jpg", "frames": 8, "size": 48}, "thumb": "thumb.jpg",
            }  # fmt: skip
        images = []
        if not scan:
            _jpeg(folder / "images" / "1" / "thumb.jpg", (90, 140, 90), 64)
            images = [{"id": "1", "path": "images/1", "thumb": "images/1/thumb.jpg", "width": 800, "height": 600}]
        doc = {
            "vtour": "object/1", "id": oid, "collection": COLLECTION, "languages": ["en", "zh"], "title": title,
            "fields": fields, "description": description, "tags": tags, "museum": _texts(museum),
            "credit": {"en": "Gift & <i>bequest</i>"}, "rights": "http://creativecommons.org/licenses/by/4.0/",
            "views": views, "model": {"id": oid, "lods": []} if scan else None, "images": images,
            "manifest": "manifest.json",
        }  # fmt: skip
        (folder / "object.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        (folder / "index.html").write_text(f"<!doctype html><title>{oid}</title>", "utf-8")
    (out / "index.html").write_text("<!doctype html><title>catalogue</title>", "utf-8")
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return fake_collection(tmp_path_factory.mktemp("collection"))


@pytest.fixture(scope="module")
def collection(built):
    return read_built_collection(built)


def ids(frame) -> list[str]:
    return list(frame["id"])


def chart_data(app) -> dict:
    """The bar chart's columns: x (period as shown), count, colour."""
    return app.chart.object.renderers[0].data_source.data


# -- data ------------------------------------------------------------------------------------------------------


def test_a_built_collection_is_read_with_its_languages_facets_and_objects(collection, built):
    assert collection.folder == built and collection.id == "bronzes" and collection.languages == ("en", "zh")
    assert list(collection.objects) == sorted(o[0] for o in OBJECTS)  # no catalogue: by id
    assert collection.labels["period"]["western zhou"] == WESTERN_ZHOU
    assert set(collection.labels["museum"]) == {"shenzhen museum", "palace museum", "shanghai museum"}
    assert set(collection.labels["tag"]) == {"ritual", "vessel", "flower"}
    row = collection.frame.set_index("id").loc["ding-01"]
    assert (row["period"], row["material"], row["tag"]) == ("western zhou", "bronze", ("ritual", "vessel"))


def test_the_catalogue_record_shards_give_the_collection_order(tmp_path):
    out = fake_collection(tmp_path / "out")
    (out / "catalogue" / "records").mkdir(parents=True)
    order = [o[0] for o in OBJECTS]
    (out / "catalogue" / "records" / "0.json").write_text(json.dumps([{"id": i} for i in order[:3]]))
    (out / "catalogue" / "records" / "1.json").write_text(json.dumps([{"id": i} for i in order[3:]]))
    assert list(read_built_collection(out).objects) == order


def test_a_folder_that_is_not_a_built_collection_is_refused_naming_it_and_the_fix(tmp_path):
    with pytest.raises(VtourError, match=r"is not a built collection \(no such folder\).*vtour build"):
        read_built_collection(tmp_path / "nope")
    (tmp_path / "tour").mkdir()
    (tmp_path / "tour" / "tour.json").write_text("{}")
    with pytest.raises(VtourError, match=r"tour is not a built collection \(it has no objects/<id>/object.json\)"):
        collection_app(tmp_path / "tour")  # at once, not in a visitor's session
    bad = tmp_path / "bad" / "objects" / "x" / "object.json"
    bad.parent.mkdir(parents=True)
    bad.write_text('{"vtour": "tour/1", "id": "x"}')
    with pytest.raises(VtourError, match=r"object.json: vtour='tour/1': not an object document.*rebuild"):
        read_built_collection(tmp_path / "bad")
    bad.write_text("{oops")
    with pytest.raises(VtourError, match=r"cannot read an object document"):
        read_built_collection(tmp_path / "bad")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("BRONZE", ["ding-01", "gui-02", "mirror-04"]),  # a material, any case
        ("tripod", ["ding-01"]),  # a word of a title
        ("cobalt", ["vase-03"]),  # the description
        ("ritual zhou", ["ding-01", "gui-02"]),  # every word (tag, period)
        ("青铜", ["ding-01", "gui-02", "mirror-04"]),  # a Chinese word
        ("鼎", ["ding-01"]),  # a single character
        ("瓷", ["vase-03"]),  # a character inside a word (青花瓷瓶)
        ("礼器", ["bi-05", "ding-01", "gui-02"]),  # a tag in Chinese
        ("故宫", ["bi-05", "gui-02"]),  # a museum, by a part of its name
        ("onerror", ["mirror-04"]),  # markup is text too
        ("  ", sorted(o[0] for o in OBJECTS)),
        ("bronze jade", []),
    ],
)
def test_search_finds_every_word_in_every_language_case_insensitively(collection, query, expected):
    assert ids(filter_objects(collection.frame, query)) == expected


def test_facets_filter_and_count(collection):
    frame = collection.frame
    assert ids(filter_objects(frame, period="western zhou")) == ["ding-01", "gui-02"]
    assert ids(filter_objects(frame, tag="ritual", museum="palace museum")) == ["bi-05", "gui-02"]
    assert ids(filter_objects(frame, "鼎", tag="ritual", material="")) == ["ding-01"]
    assert facet_counts(frame, "material") == {"bronze": 3, "porcelain": 1, "jade": 1}
    assert facet_counts(frame, "tag") == {"ritual": 3, "vessel": 1, "flower": 1}
    assert facet_counts(filter_objects(frame, "bronze"), "museum") == {"shenzhen museum": 2, "palace museum": 1}


# -- the app -----------------------------------------------------------------------------------------------------


def test_the_state_is_parameters_bounded_by_the_collection(collection):
    app = CollectionBrowser(collection, period="western zhou", language="zh")
    assert app.param.period.objects == ["", "han", "western zhou", "tang", "ming"]
    assert app.param.language.objects == ["en", "zh"] and app.language == "zh"
    assert app.param.selected.objects == [None, *collection.objects]
    assert ids(app.results) == ["ding-01", "gui-02"] and app.selects["period"].value == "western zhou"
    for name, value in [("period", "Song"), ("language", "fr"), ("selected", "nope"), ("tag", "bronze")]:
        with pytest.raises(ValueError):
            setattr(app, name, value)
    other = CollectionBrowser(collection)  # each session its own bounds and state
    assert other.period == "" and other.language == "en" and len(other.results) == len(OBJECTS)


def test_widgets_set_the_parameters_and_the_selects_count_what_the_other_filters_keep(collection):
    app = CollectionBrowser(collection)
    assert app.selects["material"].options == {"Any (5)": "", "bronze (3)": "bronze", "jade (1)": "jade",
                                               "porcelain (1)": "porcelain"}  # fmt: skip
    app.search.value_input = "ritual"  # typing
    assert app.query == "ritual" and ids(app.results) == ["bi-05", "ding-01", "gui-02"]
    assert app.selects["material"].options == {"Any (3)": "", "bronze (2)": "bronze", "jade (1)": "jade"}
    app.selects["material"].value = "bronze"
    assert app.material == "bronze" and ids(app.results) == ["ding-01", "gui-02"]
    # the material's own counts keep ignoring the material; the others' follow it
    assert app.selects["material"].options == {"Any (3)": "", "bronze (2)": "bronze", "jade (1)": "jade"}
    assert app.selects["museum"].options == {"Any (2)": "", "Palace Museum (1)": "palace museum",
                                             "Shenzhen Museum (1)": "shenzhen museum"}  # fmt: skip
    assert app.status.text == "2 of 5 objects"
    assert app.list.texts() == [
        "Tripod cauldron · Western Zhou · Shenzhen Museum",
        "Food vessel · Western Zhou · Palace Museum",
    ]
    app.query = "鼎"  # from Python: the field follows
    assert app.search.value == "鼎" and ids(app.results) == ["ding-01"]
    app.list.choose("gui-02")  # a click on a result
    assert app.selected == "gui-02" and app.list.value == "gui-02"


def test_a_long_list_of_results_is_cut_and_says_so(collection, monkeypatch):
    monkeypatch.setattr("vtour.panel_collection.RESULTS_MAX", 2)
    app = CollectionBrowser(collection)
    assert len(app.list.items) == 2 and "The first 2 are listed" in app.more.object
    app.query = "鼎"
    assert len(app.list.items) == 1 and app.more.object == ""


def test_the_chart_counts_the_results_per_period_with_a_table_for_assistive_technology(collection):
    app = CollectionBrowser(collection)
    data = chart_data(app)
    assert list(data["x"]) == ["Western Zhou", "Han", "Ming", "Tang"] and list(data["count"]) == [2, 1, 1, 1]
    assert (
        list(app.chart.object.x_range.factors) == list(data["x"])
        and app.chart.object.title.text == "Objects per period"
    )
    app.param.update(material="bronze", period="tang")
    assert list(chart_data(app)["x"]) == ["Tang"] and list(chart_data(app)["colour"]) == ["#c0392b"]
    table = app.chart_table.object
    assert "<caption>Objects per period</caption>" in table and "<th scope='row'" in table and ">1</td>" in table
    app.language = "zh"
    assert list(chart_data(app)["x"]) == ["唐"] and app.chart.object.title.text == "各时期文物数量"


def test_the_language_switch_changes_every_word(collection):
    app = CollectionBrowser(collection, selected="ding-01")
    assert app.switch.options == {"English": "en", "中文": "zh"}
    app.switch.value = "zh"
    L = labels_for("zh")
    assert app.language == "zh" and app.L is not None and app.search.label == L["search"]
    assert [s.label for s in app.selects.values()] == [L[f] for f in FACETS]
    assert app.layout.label == "青铜与玉器" and "青铜与玉器" in app.heading.object
    assert app.sections["results"].label == "结果" and app.status.text == "共 5 件，符合 5 件"
    assert "鼎 · 西周 · Shenzhen Museum" in app.list.texts()  # a museum without Chinese: its English
    assert "西周 (2)" in app.selects["period"].options and "全部（5）" in app.selects["period"].options
    detail = app.detail.object
    assert "鼎的正视图" in detail and "<th scope='row' style" in detail and "年代" in detail and "饰饕餮纹。" in detail
    assert "#lang=zh" in detail
    app.language = "en"
    assert app.switch.value == "en" and app.search.label == "Search the collection"


def test_the_detail_shows_six_views_the_documentation_and_links_under_the_prefix(collection):
    app = CollectionBrowser(collection, prefix="site/bronzes")
    assert "Choose an object" in app.detail.object
    app.selected = "ding-01"
    detail = app.detail.object
    for name in VIEW_NAMES:
        assert f"src='site/bronzes/objects/ding-01/views/{name}.jpg'" in detail
    assert detail.count("<img ") == 6 and "alt='Front view of Tripod cauldron'" in detail
    for words in ("c. 1000 BCE", "H 42 cm", "Inventory", "INV-ding-01", "ritual, vessel", "creativecommons.org"):
        assert words in detail
    assert "href='site/bronzes/objects/ding-01/index.html#lang=en'" in detail
    assert "href='site/bronzes/objects/ding-01/index.html#lang=en&amp;model'" in detail
    app.selected = "bi-05"  # no scan: its photograph, and no 3D link
    detail = app.detail.object
    assert (
        detail.count("<img ") == 1
        and "objects/bi-05/images/1/thumb.jpg" in detail
        and "#lang=en&amp;model" not in detail
    )


def test_visitor_texts_are_escaped_everywhere(collection):
    app = CollectionBrowser(collection, selected="mirror-04")
    html = app.detail.object + app.heading.object + app.chart_table.object
    assert "<img src=x" not in html and "<b>bold" not in html and "<i>bequest" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "A &lt;b&gt;bold&lt;/b&gt; &amp; shiny" in html
    assert "alt='Front view of &lt;img src=x onerror=alert(1)&gt;'" in html
    assert HOSTILE in app.list.texts()[3]  # ButtonList sets its words with textContent
    app.language = "zh"
    assert "<script>" not in app.detail.object and "&lt;script&gt;alert(2)&lt;/script&gt;铜镜" in app.detail.object


def test_collection_app_makes_a_page_per_session_over_one_reading(built):
    page = collection_app(built, prefix="files")
    first, second = page(), page()
    assert isinstance(first, CollectionBrowser) and first is not second and first.collection is second.collection
    assert first.prefix == "files" and isinstance(first.__panel__(), pn.viewable.Viewable)
    assert set(URL_STATE) == {"query", "language", "selected", *FACETS}


def test_a_really_built_collection_is_browsed(tmp_path):
    build = pytest.importorskip("vtour.collection.build")
    synthetic = pytest.importorskip("vtour.collection.synthetic")
    import yaml

    path = synthetic.write_synthetic_collection(tmp_path / "src", 4, seed=1, images_per_object=0)
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["views"] = {"size": 192, "turntable": 8, "turntable_size": 96}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    out = tmp_path / "out"
    build.build_collection(path, out, jobs=1)
    app = CollectionBrowser(out, prefix="files")
    order = [o["id"] for o in doc.get("objects") or []]
    assert len(app.results) == 4 and (not order or list(app.collection.objects) == order)
    for oid, obj in app.collection.objects.items():
        app.selected = oid
        title = app._text(obj["title"])
        assert oid in ids(filter_objects(app.collection.frame, title.split()[0]))
        if obj.get("model"):  # six views, each a file of the build, and the inspector's link
            sources = re.findall(r"src='files/([^']+)'", app.detail.object)
            assert len(sources) == 6 and all((out / rel).is_file() for rel in sources), sources
            assert "index.html#lang=en&amp;model" in app.detail.object
        zh = obj["title"].get("zh")
        if zh:
            assert oid in ids(filter_objects(app.collection.frame, zh[-1]))
