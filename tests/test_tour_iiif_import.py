"""vtour.tour.iiif_import: IIIF Presentation 3.0 manifests and collections into a tour.yaml's images: and
models:; files only (URLs under the manifest's own base read locally, never fetched), all or nothing."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import yaml
from PIL import Image
from tour_helpers import cli

from vtour.errors import VtourError, VtourWarning
from vtour.image.build import build_image
from vtour.image.options import ImageOptions
from vtour.image.reassemble import reassemble
from vtour.tour.iiif_import import import_iiif, is_iiif

BASE = "http://localhost:8000"
CTX = "http://iiif.io/api/presentation/3/context.json"


def _jpg(path, size=(64, 48)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (120, 80, 40)).save(path)
    return path


def _manifest(mid, body_id, *, label=None, canvas=(64, 48), annotations=None, **extra):
    canvas_id = f"{mid}/canvas/1"
    out = {
        "@context": CTX,
        "id": mid,
        "type": "Manifest",
        "label": label or {"en": ["Western Paradise"], "zh": ["西方净土变"]},
        **extra,
        "items": [
            {
                "id": canvas_id,
                "type": "Canvas",
                "width": canvas[0],
                "height": canvas[1],
                "items": [
                    {
                        "id": f"{canvas_id}/page/1",
                        "type": "AnnotationPage",
                        "items": [
                            {
                                "id": f"{canvas_id}/page/1/annotation/1",
                                "type": "Annotation",
                                "motivation": "painting",
                                "body": {"id": body_id, "type": "Image", "format": "image/jpeg"},
                                "target": canvas_id,
                            }
                        ],
                    }
                ],
            }
        ],
    }
    if annotations is not None:
        out["items"][0]["annotations"] = annotations
    return out


def _write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _page(page_id, target):
    return {
        "id": page_id,
        "type": "AnnotationPage",
        "items": [
            {
                "id": f"{page_id}#donor",
                "type": "Annotation",
                "motivation": "commenting",
                "body": [
                    {"type": "TextualBody", "value": "Donor figure", "language": "en", "purpose": "identifying"},
                    {"type": "TextualBody", "value": "供养人", "language": "zh", "purpose": "identifying"},
                    {
                        "type": "TextualBody",
                        "value": "<p>A kneeling donor</p>",
                        "language": "en",
                        "purpose": "describing",
                    },
                ],
                "target": f"{target}#xywh=4,6,20,10",
            },
            {
                "type": "Annotation",
                "motivation": "commenting",
                "body": {"type": "TextualBody", "value": "Lotus", "language": "en"},
                "target": {
                    "type": "SpecificResource",
                    "source": target,
                    "selector": {"type": "FragmentSelector", "value": "xywh=1,2,3,4"},
                },
            },
        ],
    }


def _import(src, out, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tour = import_iiif(src, out, **kw)
    return tour, [str(w.message) for w in caught if issubclass(w.category, VtourWarning)]


def test_a_manifest_becomes_one_image_with_texts_metadata_rights_and_embedded_annotations(tmp_path):
    src = tmp_path / "src"
    _jpg(src / "mural.jpg")
    mid = "http://museum.example/iiif/mural.json"
    data = _manifest(
        mid,
        "mural.jpg",
        summary={"en": ["A Tang mural"], "zh": ["唐代壁画"]},
        metadata=[
            {"label": {"en": ["Date"]}, "value": {"none": ["8th century"]}},
            {"label": {"en": ["Current location"]}, "value": {"en": ["Cave 45"]}},
            {"label": {"zh": ["尺寸"]}, "value": {"zh": ["三米"]}},
        ],
        requiredStatement={"label": {"en": ["Attribution"]}, "value": {"en": ["Dunhuang Academy"]}},
        rights="http://creativecommons.org/licenses/by-nc/4.0/",
        annotations=[_page("http://museum.example/iiif/mural-annotations.json", f"{mid}/canvas/1")],
    )
    manifest = _write(src / "mural.json", data)
    out = tmp_path / "tour" / "tour.yaml"
    tour, notes = _import(manifest, out)
    (image,) = tour["images"]
    assert image["id"] == "mural"
    assert image["title"] == {"en": "Western Paradise", "zh": "西方净土变"}
    assert image["description"] == {"en": "A Tang mural", "zh": "唐代壁画"}
    assert image["metadata"] == {
        "date": "8th century",  # language none: a plain string, as tour.yaml writes one
        "current_location": {"en": "Cave 45"},
        "credit": {"en": "Dunhuang Academy"},
    }
    assert any("尺寸" in n and "dropped" in n for n in notes)
    assert image["rights"] == "http://creativecommons.org/licenses/by-nc/4.0/"
    assert image["source"] == "images/mural.jpg"
    assert (out.parent / "images/mural.jpg").read_bytes() == (src / "mural.jpg").read_bytes()
    assert image["annotations"] == [
        {
            "id": "donor",
            "region": [4, 6, 20, 10],
            "title": {"en": "Donor figure", "zh": "供养人"},
            "text": {"en": "A kneeling donor"},
        },
        {"id": "a2", "region": [1, 2, 3, 4], "title": {"en": "Lotus"}},
    ]
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert written == tour
    assert tour["languages"] == ["en", "zh"] and tour["scenes"] == []
    assert tour["title"] == image["title"]


def test_a_url_under_the_manifests_own_base_and_an_external_annotation_page_are_read_locally(tmp_path):
    """The round-trip shape: ids absolute under a base URL, the annotation page in its own file."""
    root = tmp_path / "built"
    _jpg(root / "images/mural/full/64,48/0/default.jpg")
    mid = f"{BASE}/iiif/images/mural.json"
    page_id = f"{BASE}/iiif/images/mural-annotations.json"
    _write(root / "iiif/images/mural-annotations.json", {"@context": CTX, **_page(page_id, f"{mid}/canvas/1")})
    _write(
        root / "iiif/images/mural.json",
        _manifest(
            mid,
            f"{BASE}/images/mural/full/64,48/0/default.jpg",
            annotations=[{"id": page_id, "type": "AnnotationPage"}],
        ),
    )
    _write(
        root / "iiif/collection.json",
        {
            "@context": CTX,
            "id": f"{BASE}/iiif/collection.json",
            "type": "Collection",
            "label": {"en": ["Mogao 45"], "zh": ["莫高窟第45窟"]},
            "items": [{"id": mid, "type": "Manifest", "label": {"en": ["Western Paradise"]}}],
        },
    )
    out = tmp_path / "tour" / "tour.yaml"
    assert is_iiif(root)
    tour, _ = _import(root, out, language="zh")
    assert tour["title"] == {"en": "Mogao 45", "zh": "莫高窟第45窟"} and tour["languages"] == ["zh", "en"]
    (image,) = tour["images"]
    assert image["source"] == "images/mural.jpg" and [a["id"] for a in image["annotations"]] == ["donor", "a2"]
    # the collection given as a file: its folder (iiif/) is the root, the image's URL is under no base there
    # it names the folder to give instead, the one its id's base URL maps to
    with pytest.raises(VtourError, match=r"never fetches URLs") as err:
        import_iiif(root / "iiif/collection.json", tmp_path / "t2" / "tour.yaml")
    assert f"give the folder {root.resolve()} instead: vtour import {root.resolve()} -o" in str(err.value)
    assert not (tmp_path / "t2").exists()


def test_a_collection_of_two_manifests_nested_and_embedded_gives_two_images_with_unique_ids(tmp_path):
    src = tmp_path / "src"
    _jpg(src / "a.jpg")
    _jpg(src / "b.png", (32, 32))
    _write(src / "one/mural.json", _manifest("http://h/x/one/mural.json", "../a.jpg"))
    inner = {
        "id": "http://h/x/inner.json",
        "type": "Collection",
        "label": {"en": ["Inner"]},
        "items": [_manifest("http://h/x/two/mural.json", "b.png", label={"none": ["Second"]})],
    }
    collection = _write(
        src / "collection.json",
        {
            "@context": CTX,
            "id": "http://h/x/collection.json",
            "type": "Collection",
            "label": {"en": ["Two murals"]},
            "items": [{"id": "one/mural.json", "type": "Manifest"}, inner],
        },
    )
    tour, _ = _import(collection, tmp_path / "t" / "tour.yaml")
    assert [i["id"] for i in tour["images"]] == ["mural", "mural-2"]
    assert [i["source"] for i in tour["images"]] == ["images/mural.jpg", "images/mural-2.png"]
    assert tour["images"][1]["title"] == {"en": "Second"}
    assert tour["id"] == "Two-murals"


def _smooth(path, size=(700, 300)):
    """A smooth RGB image (gradients), where JPEG tiles stay close to the source."""
    w, h = size
    x, y = np.meshgrid(np.arange(w), np.arange(h))
    rgb = np.stack([x * 255 // w, y * 255 // h, 128 + 60 * np.sin(x / 40.0) * np.cos(y / 30.0)], axis=-1)
    Image.fromarray(rgb.astype(np.uint8)).save(path, quality=98)
    return path


def _pyramid(tmp_path, size=(700, 300)):
    src = _smooth(tmp_path / "scan.jpg", size)
    build_image([src], tmp_path / "scan", ImageOptions(tile_size=256, base_url=BASE))
    return src, tmp_path / "scan"


def _mean_diff(a, b):
    return float(np.abs(np.asarray(Image.open(a), float) - np.asarray(Image.open(b), float)).mean())


def test_reassemble_joins_the_full_resolution_tiles_back_into_the_source_image(tmp_path):
    src, folder = _pyramid(tmp_path)
    assert reassemble(folder, tmp_path / "out.tif") == (700, 300)
    with Image.open(tmp_path / "out.tif") as out:
        assert out.size == (700, 300) and out.mode == "RGB"
    assert _mean_diff(src, tmp_path / "out.tif") < 3  # JPEG twice (tiles, TIFF) on a smooth image
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no strips left


@pytest.mark.parametrize("damage", ["missing", "resized"])
def test_reassemble_names_a_missing_or_wrong_sized_tile(tmp_path, damage):
    _, folder = _pyramid(tmp_path)
    tile = folder / "512,256,188,44/188,44/0/default.jpg"
    if damage == "missing":
        tile.unlink()
    else:
        Image.new("RGB", (100, 44)).save(tile)
    with pytest.raises(VtourError, match=r"tile 512,256,188,44/188,44/0/default\.jpg (is missing|is 100x44 px)"):
        reassemble(folder, tmp_path / "out.tif")
    assert not (tmp_path / "out.tif").exists()


def test_a_vtour_image_folder_is_imported_at_full_resolution_with_regions_unscaled(tmp_path):
    src, folder = _pyramid(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    target = manifest["items"][0]["id"]
    manifest["items"][0]["annotations"] = [_page(f"{BASE}/scan/annotations.json", target)]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "tour" / "tour.yaml"
    tour, notes = _import(folder, out)
    (image,) = tour["images"]
    assert image["id"] == "scan" and image["source"] == "images/scan.tif" and notes == []
    with Image.open(out.parent / "images/scan.tif") as full:
        assert full.size == (700, 300)
    assert _mean_diff(src, out.parent / "images/scan.tif") < 3
    assert image["annotations"][0]["region"] == [4, 6, 20, 10]


def test_an_image_service_without_full_resolution_tiles_falls_back_to_its_largest_whole_image(tmp_path):
    _, folder = _pyramid(tmp_path)
    info = json.loads((folder / "info.json").read_text())
    info["tiles"][0]["scaleFactors"].remove(1)
    (folder / "info.json").write_text(json.dumps(info))
    largest = max(info["sizes"], key=lambda s: s["width"])
    out = tmp_path / "tour" / "tour.yaml"
    tour, notes = _import(folder, out)
    assert tour["images"][0]["source"] == "images/scan.jpg"
    expected = folder / f"full/{largest['width']},{largest['height']}/0/default.jpg"
    assert (out.parent / "images/scan.jpg").read_bytes() == expected.read_bytes()
    assert any("full resolution is lost" in n for n in notes)


def test_an_image_service_is_used_when_the_body_is_not_local(tmp_path):
    src = tmp_path / "src"
    _jpg(src / "svc/full/max/0/default.jpg")
    _write(
        src / "svc/info.json",
        {
            "id": "http://h/iiif/svc",
            "type": "ImageService3",
            "width": 64,
            "height": 48,
            "sizes": [{"width": 32, "height": 24}],
        },
    )
    data = _manifest("http://h/iiif/m.json", "http://h/iiif/elsewhere/big.jpg")
    data["items"][0]["items"][0]["items"][0]["body"]["service"] = [{"id": "http://h/iiif/svc", "type": "ImageService3"}]
    tour, notes = _import(_write(src / "m.json", data), tmp_path / "t/tour.yaml")
    assert tour["images"][0]["source"] == "images/m.jpg" and not notes


def test_a_3d_scene_painted_with_a_model_becomes_a_model(tmp_path):
    src = tmp_path / "src"
    (src / "buddha.glb").parent.mkdir(parents=True)
    (src / "buddha.glb").write_bytes(b"glTF....")
    data = {
        "@context": CTX,
        "id": "http://h/iiif/models/buddha.json",
        "type": "Manifest",
        "label": {"en": ["Buddha"], "zh": ["佛像"]},
        "rights": "http://creativecommons.org/licenses/by/4.0/",
        "items": [
            {
                "id": "http://h/s/1",
                "type": "Scene",
                "items": [
                    {
                        "id": "http://h/p",
                        "type": "AnnotationPage",
                        "items": [
                            {
                                "id": "http://h/a",
                                "type": "Annotation",
                                "motivation": ["painting"],
                                "body": {"id": "buddha.glb", "type": "Model", "format": "model/gltf-binary"},
                                "target": "http://h/s/1",
                            }
                        ],
                    }
                ],
            }
        ],
    }
    tour, _ = _import(_write(src / "buddha.json", data), tmp_path / "t/tour.yaml")
    assert "images" not in tour
    assert tour["models"] == [
        {
            "id": "buddha",
            "title": {"en": "Buddha", "zh": "佛像"},
            "metadata": {"licence": "http://creativecommons.org/licenses/by/4.0/"},
            "source": "models/buddha.glb",
        }
    ]
    assert (tmp_path / "t/models/buddha.glb").read_bytes() == b"glTF...."


def _bad(tmp_path, data, *, files=("mural.jpg",)):
    src = tmp_path / "src"
    for f in files:
        _jpg(src / f)
    manifest = _write(src / "m.json", data)
    out = tmp_path / "out" / "tour.yaml"
    with pytest.raises(VtourError) as err:
        import_iiif(manifest, out)
    assert not (tmp_path / "out").exists()  # nothing left behind
    return str(err.value)


def test_an_unknown_type_names_its_field_path_and_value(tmp_path):
    data = _manifest("http://h/m.json", "mural.jpg")
    data["items"][0]["items"][0]["type"] = "Page"
    msg = _bad(tmp_path, data)
    assert "items[0].items[0].type='Page'" in msg and "AnnotationPage" in msg


def test_a_missing_label_names_the_field(tmp_path):
    data = _manifest("http://h/m.json", "mural.jpg")
    del data["label"]
    assert "label: is missing" in _bad(tmp_path, data)


def test_a_url_outside_the_manifests_base_is_never_fetched(tmp_path):
    msg = _bad(tmp_path, _manifest("http://h/m.json", "https://other.example/mural.jpg"))
    assert "vtour import never fetches URLs: https://other.example/mural.jpg" in msg
    assert "download the image next to the manifest and give its relative path" in msg


@pytest.mark.parametrize("ref", ["../outside.jpg", "http://h/../outside.jpg", "link.jpg"])
def test_a_file_outside_the_manifests_folder_is_refused(tmp_path, ref):
    _jpg(tmp_path / "outside.jpg")
    (tmp_path / "src").mkdir()
    (tmp_path / "src/link.jpg").symlink_to(tmp_path / "outside.jpg")
    msg = _bad(tmp_path, _manifest("http://h/m.json", ref), files=())
    assert "outside the folder vtour import reads" in msg


def test_presentation_2_is_refused_saying_only_3_is_read(tmp_path):
    data = {
        "@context": "http://iiif.io/api/presentation/2/context.json",
        "@id": "http://h/m.json",
        "@type": "sc:Manifest",
        "label": "Old",
    }
    assert "reads only 3.0" in _bad(tmp_path, data)


def test_deep_json_and_bad_annotations_are_errors_naming_the_field(tmp_path):
    deep = _manifest("http://h/m.json", "mural.jpg")
    nested: list = []
    for _ in range(100):
        nested = [nested]
    deep["metadata"] = [{"label": {"en": ["x"]}, "value": {"en": ["y"]}, "deep": nested}]
    assert "nest more than" in _bad(tmp_path, deep)
    page = _page("http://h/p.json", "http://h/m.json/canvas/1")
    page["items"][0]["target"] = "http://h/m.json/canvas/1#xywh=1,2,0,4"
    msg = _bad(tmp_path, _manifest("http://h/m.json", "mural.jpg", annotations=[page]))
    assert "items[0].annotations[0].items[0].target" in msg and "xywh=1,2,0,4" in msg
    page = _page("http://h/p.json", "http://h/m.json/canvas/1")
    page["items"][1]["body"] = {"type": "TextualBody", "value": "only text", "purpose": "describing"}
    msg = _bad(tmp_path, _manifest("http://h/m.json", "mural.jpg", annotations=[page]))
    assert "items[0].annotations[0].items[1].body" in msg and "no title" in msg
    msg = _bad(
        tmp_path,
        _manifest(
            "http://h/m.json", "mural.jpg", annotations=[{"id": "https://x.example/p.json", "type": "AnnotationPage"}]
        ),
    )
    assert "never fetches URLs: https://x.example/p.json" in msg


def test_an_existing_different_tour_yaml_is_kept_without_force(tmp_path):
    src = tmp_path / "src"
    _jpg(src / "mural.jpg")
    manifest = _write(src / "m.json", _manifest("http://h/m.json", "mural.jpg"))
    out = tmp_path / "out" / "tour.yaml"
    out.parent.mkdir()
    out.write_text("# mine\n")
    with pytest.raises(VtourError):
        import_iiif(manifest, out)
    assert out.read_text() == "# mine\n" and not (out.parent / "images").exists()
    _import(manifest, out, force=True)
    assert "images:" in out.read_text()


def test_the_cli_dispatches_iiif_and_says_scenes_are_needed(tmp_path, capsys):
    src = tmp_path / "src"
    _jpg(src / "mural.jpg")
    manifest = _write(src / "m.json", _manifest("http://h/mural.json", "mural.jpg"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert cli("import", manifest, "-o", tmp_path / "t" / "tour.yaml") == 0
    assert "1 image(s)" in capsys.readouterr().out and "add scenes" in open(tmp_path / "t" / "tour.yaml").read()
    assert not is_iiif(_write(tmp_path / "pannellum.json", {"type": "equirectangular", "panorama": "p.jpg"}))


def test_reassemble_joins_many_strips_in_bands_of_at_most_max_join(tmp_path, monkeypatch):
    import vtour.image.reassemble as module

    monkeypatch.setattr(module, "MAX_JOIN", 2)  # 5 strips -> 3 bands -> 2 bands -> the image
    src = _smooth(tmp_path / "scan.jpg", (300, 300))
    build_image([src], tmp_path / "scan", ImageOptions(tile_size=64, base_url=BASE))
    assert reassemble(tmp_path / "scan", tmp_path / "out.tif") == (300, 300)
    assert _mean_diff(src, tmp_path / "out.tif") < 3


# -- review fixes ---------------------------------------------------------------------------------


def _service_manifest(src, info):
    _jpg(src / "svc/full/max/0/default.jpg")
    _write(src / "svc/info.json", {"id": "http://h/iiif/svc", "type": "ImageService3", **info})
    data = _manifest("http://h/iiif/m.json", "http://h/iiif/elsewhere/big.jpg")
    data["items"][0]["items"][0]["items"][0]["body"]["service"] = [{"id": "http://h/iiif/svc", "type": "ImageService3"}]
    return _write(src / "m.json", data)


@pytest.mark.parametrize(
    ("info", "field"),
    [
        ({"tiles": 7}, "tiles=7"),
        ({"sizes": 5}, "sizes=5"),
        ({"sizes": {"width": 32, "height": 24}}, "sizes={'width': 32"),
        ({"tiles": ["x"]}, "tiles=['x']"),
    ],
)
def test_an_info_json_whose_tiles_or_sizes_is_no_list_of_objects_is_an_error_naming_it(tmp_path, info, field):
    manifest = _service_manifest(tmp_path / "src", {"width": 64, "height": 48, **info})
    with pytest.raises(VtourError) as err:
        import_iiif(manifest, tmp_path / "t" / "tour.yaml")
    msg = str(err.value)
    assert "info.json" in msg and field in msg and "must be a list of objects" in msg
    assert not (tmp_path / "t").exists()


def test_reassemble_refuses_tiles_that_are_no_list(tmp_path):
    _, folder = _pyramid(tmp_path)
    info = json.loads((folder / "info.json").read_text())
    (folder / "info.json").write_text(json.dumps({**info, "tiles": 3}))
    with pytest.raises(VtourError, match=r"info\.json: tiles=3: tiles must be a list of objects"):
        reassemble(folder, tmp_path / "out.tif")


def _annotated(tmp_path, target, canvas=(64, 48)):
    page = {
        "id": "http://h/p.json",
        "type": "AnnotationPage",
        "items": [
            {
                "id": "http://h/p.json#r",
                "type": "Annotation",
                "motivation": "commenting",
                "body": {"type": "TextualBody", "value": "R", "language": "en"},
                "target": target,
            }
        ],
    }
    src = tmp_path / "src"
    _jpg(src / "mural.jpg")
    return _write(src / "m.json", _manifest("http://h/m.json", "mural.jpg", canvas=canvas, annotations=[page]))


@pytest.mark.parametrize(
    ("xywh", "region", "note"),
    [
        ("50,40,100,100", [50, 40, 14, 8], "leaves the image (64x48 px)"),
        ("1.5,2.5,10.4,10.6", [2, 2, 10, 11], "is not whole px"),
        ("0,0,99999999999999999999999,5", [0, 0, 64, 5], "leaves the image"),
    ],
)
def test_a_region_is_whole_px_clamped_to_the_image_with_a_warning_naming_its_target(tmp_path, xywh, region, note):
    tour, notes = _import(_annotated(tmp_path, f"http://h/m.json/canvas/1#xywh={xywh}"), tmp_path / "t/tour.yaml")
    (anno,) = tour["images"][0]["annotations"]
    assert anno["region"] == region and all(isinstance(v, int) for v in anno["region"])
    assert any("items[0].annotations[0].items[0].target" in n and note in n for n in notes), notes


def test_a_region_wholly_outside_the_image_is_refused(tmp_path):
    manifest = _annotated(tmp_path, "http://h/m.json/canvas/1#xywh=99999999999999999999999,1,5,5")
    with pytest.raises(VtourError, match=r"items\[0\]\.annotations\[0\]\.items\[0\]\.target.*outside the image"):
        import_iiif(manifest, tmp_path / "t" / "tour.yaml")
    assert not (tmp_path / "t").exists()


def test_an_annotation_on_another_canvas_is_skipped_with_a_warning_naming_it(tmp_path):
    tour, notes = _import(_annotated(tmp_path, "http://other.org/c/9#xywh=1,1,5,5"), tmp_path / "t/tour.yaml")
    assert "annotations" not in tour["images"][0]
    assert any("targets http://other.org/c/9, not this Canvas (http://h/m.json/canvas/1)" in n for n in notes), notes


def test_a_dropped_metadata_entry_adds_no_language(tmp_path):
    src = tmp_path / "src"
    _jpg(src / "mural.jpg")
    data = _manifest(
        "http://h/m.json",
        "mural.jpg",
        label={"en": ["Mural"]},
        metadata=[
            {"label": {"ja": ["寸法"]}, "value": {"ja": ["三米"]}},
            {"label": {"en": ["Date"]}, "value": {"none": ["8th century"]}},
        ],
    )
    tour, notes = _import(_write(src / "m.json", data), tmp_path / "t/tour.yaml")
    assert tour["languages"] == ["en"] and tour["images"][0]["metadata"] == {"date": "8th century"}
    assert any("寸法" in n and "dropped" in n for n in notes)


def test_a_built_tour_round_trips_its_id_plain_metadata_and_languages(tmp_path):
    from tour_helpers import deep_zoom_tour

    from vtour.tour import build_tour

    path = deep_zoom_tour(tmp_path / "src")
    data = yaml.safe_load(path.read_text())
    data["images"][0]["metadata"] = {"date": "8th century", "provenance": {"en": "Cave 45", "fr": "Grotte 45"}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    build_tour(path, tmp_path / "built", jobs=1)
    tour, _ = _import(tmp_path / "built", tmp_path / "t" / "tour.yaml")
    assert tour["id"] == data["id"]  # tour.json's id, not the label's words
    assert tour["languages"] == data["languages"]
    (image,) = tour["images"]
    assert image["metadata"] == data["images"][0]["metadata"]
    assert image["title"] == data["images"][0]["title"]


def test_a_collection_id_under_iiif_names_the_tour(tmp_path):
    root = tmp_path / "built"
    _jpg(root / "mural.jpg")
    mid = "http://h/tours/small/iiif/images/mural.json"
    _write(root / "iiif/images/mural.json", _manifest(mid, "../../mural.jpg"))
    collection = {
        "@context": CTX,
        "id": "http://h/tours/small/iiif/collection.json",
        "type": "Collection",
        "label": {"en": ["Small Tour"]},
        "items": [{"id": mid, "type": "Manifest"}],
    }
    _write(root / "iiif/collection.json", collection)
    tour, _ = _import(root, tmp_path / "t" / "tour.yaml")
    assert tour["id"] == "small"
    _write(root / "tour.json", {"id": "mogao-45"})
    tour, _ = _import(root, tmp_path / "t2" / "tour.yaml")
    assert tour["id"] == "mogao-45"


@pytest.mark.parametrize(("fmt", "suffix"), [("PNG", ".png"), ("TIFF", ".tif"), ("JPEG", ".jpg")])
def test_an_image_keeps_the_extension_of_its_real_format(tmp_path, fmt, suffix):
    src = tmp_path / "src"
    src.mkdir()
    Image.new("RGB", (64, 48), (1, 2, 3)).save(src / "mural.jpg", format=fmt)
    tour, _ = _import(_write(src / "m.json", _manifest("http://h/m.json", "mural.jpg")), tmp_path / "t/tour.yaml")
    assert tour["images"][0]["source"] == f"images/m{suffix}"
    with Image.open(tmp_path / "t" / tour["images"][0]["source"]) as im:
        assert im.format == fmt


def test_an_image_format_the_build_cannot_read_is_refused(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    Image.new("RGB", (64, 48)).save(src / "mural.jpg", format="GIF")
    manifest = _write(src / "m.json", _manifest("http://h/m.json", "mural.jpg"))
    with pytest.raises(VtourError, match=r"the image is GIF; vtour build reads JPEG, PNG, TIFF"):
        import_iiif(manifest, tmp_path / "t" / "tour.yaml")


def test_a_deep_or_non_utf8_iiif_file_is_the_iiif_readers_to_report(tmp_path):
    data = json.dumps(_manifest("http://h/m.json", "mural.jpg"))
    deep = _write(tmp_path / "deep.json", {})
    deep.write_text(data[:-1] + ', "x": ' + "[" * 100000 + "]" * 100000 + "}")
    latin = tmp_path / "latin.json"
    latin.write_bytes(data.replace("Western Paradise", "Caf\u00e9").encode("latin-1"))
    for path, why in ((deep, "nest more than"), (latin, "not UTF-8")):
        assert is_iiif(path)
        with pytest.raises(VtourError, match=why):
            import_iiif(path, tmp_path / "t" / "tour.yaml")
