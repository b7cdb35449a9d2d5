"""vtour.image.manifest: the IIIF Presentation 3.0 manifest beside the tiles validates (iiif-prezi3), and
every file it names is in the folder (issue 13)."""

from __future__ import annotations

import json

import numpy as np
import pydantic
import pytest
from iiif_prezi3 import Manifest
from PIL import Image
from test_image_build import smooth_image

from vtour.cli import main
from vtour.errors import VtourError
from vtour.image import ImageOptions, build_image
from vtour.image.manifest import image_manifest
from vtour.images import write_image

BASE = "http://h:1/x"
CC_BY = "http://creativecommons.org/licenses/by/4.0/"


def urls(node) -> list[str]:
    """Every string in a JSON value that is an http(s) URL."""
    if isinstance(node, dict):
        return [u for v in node.values() for u in urls(v)]
    if isinstance(node, list):
        return [u for v in node for u in urls(v)]
    return [node] if isinstance(node, str) and node.startswith(("http://", "https://")) else []


def resources(node, kind: str) -> list[dict]:
    """Every object with ``"type": kind`` in a JSON value."""
    if isinstance(node, list):
        return [r for v in node for r in resources(v, kind)]
    if not isinstance(node, dict):
        return []
    return ([node] if node.get("type") == kind else []) + [r for v in node.values() for r in resources(v, kind)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("manifest")
    write_image(tmp / "mural.png", smooth_image(1100, 1500))
    return build_image([tmp / "mural.png"], tmp / "out", ImageOptions(tile_size=256, base_url=BASE + "/"))


def test_the_written_manifest_validates_with_iiif_prezi3_and_names_only_files_in_the_folder(built):
    out = built.out_dir
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    Manifest(**manifest)  # strict pydantic models of the Presentation 3.0 schema
    with pytest.raises(pydantic.ValidationError):  # the check is not vacuous
        Manifest(**{k: v for k, v in manifest.items() if k != "label"})
    assert manifest["id"] == f"{BASE}/out/manifest.json" and manifest["label"] == {"none": ["mural"]}

    (canvas,) = manifest["items"]
    assert (canvas["width"], canvas["height"]) == (1500, 1100)
    (annotation,) = resources(canvas, "Annotation")
    assert annotation["motivation"] == "painting" and annotation["target"] == canvas["id"]
    names = {canvas["id"], *(r["id"] for r in resources(manifest, "AnnotationPage")), annotation["id"]}
    for url in set(urls(manifest)) - names - {"http://iiif.io/api/presentation/3/context.json"}:
        assert url.startswith(f"{BASE}/out/") or url == f"{BASE}/out", url
    services = resources(manifest, "ImageService3")
    assert services and all(s["id"] == built.info["id"] and s["profile"] == "level0" for s in services)
    assert (out / "info.json").is_file()
    images = resources(manifest, "Image")
    assert annotation["body"] in images and len(manifest["thumbnail"]) == 1
    for image in images:  # each image is a file of the folder, of the size the manifest says
        path = out / image["id"].removeprefix(f"{BASE}/out/")
        with Image.open(path) as im:
            assert im.size == (image["width"], image["height"]) and im.format == "JPEG"
    for url in names:  # names only, but under the folder's URL
        assert url.startswith(f"{BASE}/out/canvas/1")


def test_texts_become_language_maps_in_every_language_given_and_still_validate(built):
    manifest = image_manifest(
        built.info,
        label={"en": "Mural", "zh": "壁画"},
        summary="A wall painting",
        metadata=[({"en": "Date", "zh": "年代"}, {"en": ["1500", "c. 1500"]})],
        rights=CC_BY,
        required_statement=({"en": "Attribution"}, "Museum"),
    )
    Manifest(**manifest)
    assert manifest["label"] == {"en": ["Mural"], "zh": ["壁画"]}
    assert manifest["summary"] == {"none": ["A wall painting"]}
    assert manifest["metadata"] == [{"label": {"en": ["Date"], "zh": ["年代"]}, "value": {"en": ["1500", "c. 1500"]}}]
    assert manifest["rights"] == CC_BY
    assert manifest["requiredStatement"] == {"label": {"en": ["Attribution"]}, "value": {"none": ["Museum"]}}


@pytest.mark.parametrize("kwargs, field", [
    ({"label": ""}, "label"),
    ({"label": {}}, "label"),
    ({"label": {"en": ""}}, "label"),
    ({"label": "x", "summary": {"en": []}}, "summary"),
    ({"label": "x", "metadata": [("Date", "")]}, "metadata"),
    ({"label": "x", "rights": "CC-BY"}, "rights"),
])
def test_an_empty_text_or_a_rights_that_is_not_a_url_is_refused_naming_the_field(built, kwargs, field):
    with pytest.raises(VtourError) as e:
        image_manifest(built.info, **kwargs)
    assert e.value.field == field and e.value.fix


def test_the_label_summary_and_rights_flags_reach_the_manifest_and_a_bad_rights_writes_nothing(tmp_path):
    write_image(tmp_path / "s.png", np.full((300, 500, 3), 90, np.uint8))
    flags = ["--label", "Mural of 1500", "--summary", "north wall", "--rights", CC_BY]
    assert main(["image", str(tmp_path / "s.png"), "-o", str(tmp_path / "m"), *flags]) == 0
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text(encoding="utf-8"))
    Manifest(**manifest)
    assert manifest["label"] == {"none": ["Mural of 1500"]} and manifest["summary"] == {"none": ["north wall"]}
    assert manifest["rights"] == CC_BY
    assert main(["image", str(tmp_path / "s.png"), "-o", str(tmp_path / "n"), "--rights", "CC-BY"]) == 2
    assert not (tmp_path / "n").exists()
