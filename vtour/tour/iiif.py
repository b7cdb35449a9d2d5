"""A built tour's IIIF: one Manifest per deep-zoom image and per model, and a Collection of them.

:func:`write_iiif` writes, under ``<folder>/iiif/`` only (paths from :mod:`vtour.tour.layout`)::

    iiif/collection.json                 Presentation 3.0 Collection: the image Manifests, then the model ones
    iiif/images/<id>.json                Presentation 3.0 Manifest: one Canvas, the level-0 ImageService3
    iiif/images/<id>-annotations.json    its W3C AnnotationPage of region annotations, when it has any
    iiif/models/<id>.json                Manifest after the IIIF 3D draft (Presentation 4): one Scene
    iiif/models/<id>.jpg                 the model's thumbnail, rendered from its coarsest level

Every id is absolute under tour.json's ``baseUrl`` (``<base>/iiif/...``; info.json's ``id`` is
``<base>/images/<id>``, checked). Every text is a language map holding each language the text has,
the tour's ``languages`` first in their order (a plain string is language ``"none"``).

Descriptive properties, alike for images and models: ``label`` (title, required), ``summary``
(description), ``metadata`` (the entry's provenance, date, dimensions, licence, credit, in that
order, then any other key sorted; labels in :data:`METADATA_LABELS`, en and zh, and every other
language of the tour in English), ``rights`` (the entry's ``rights``, else its licence when that is
an http(s) URL) and ``requiredStatement`` ("Attribution": the credit, when there is one).

Region annotations (``annotations[image_id]``, regions in px of the full image): each one an
Annotation with motivation ``commenting``, target ``<manifest>/canvas/1#xywh=x,y,w,h``, and one
``TextualBody`` (``format`` text/plain, ``language``) per language of its title with ``purpose``
``identifying`` (the title names what the region shows) and one per language of its text with
``purpose`` ``describing``, language by language (en title, en text, zh title, zh text: Mirador
shows them in that order, one language after the other). Neither is ``tagging``: Mirador 4
(``AnnotationItem.chars``) shows the value of every body whose purpose is not ``tagging``, so it
shows title and text; the tour's viewer
takes the first non-``describing`` body of a language as the label and its ``describing`` one as the text.

Model Manifests follow the IIIF 3D Technical Specification Group's draft of Presentation 4, as its
reference manifests have it (github.com/IIIF/3d, ``manifests/1_basic_model_in_scene/model_origin.json``
and ``manifests/9_commenting_annotations/astronaut_comment.json``; IIIF/api
``source/presentation/4.0``): ``@context`` ``http://iiif.io/api/presentation/4/context.json``, a
``Scene`` in ``items`` holding an AnnotationPage with one Annotation, ``motivation`` ``["painting"]``,
whose body is ``{"type": "Model", "format": "model/gltf-binary"}`` (the finest level,
``lods[-1].path``) and whose target is the Scene (no selector: the model's origin at the Scene's;
the viewer adds default camera and lights)::

    {"@context": P4, "id": <base>/iiif/models/<id>.json, "type": "Manifest", label, summary?, metadata?,
     rights?, requiredStatement?, "thumbnail": [{<id>.jpg, Image, image/jpeg, 256 x 256}], "partOf": [collection],
     "items": [{"id": <manifest>/scene/1, "type": "Scene", label,
                "items": [{"id": <scene>/page/1, "type": "AnnotationPage",
                           "items": [{"id": <page>/annotation/1, "type": "Annotation", "motivation": ["painting"],
                                      "body": {"id": <base>/models/<id>/lod<k>.glb, "type": "Model",
                                               "format": "model/gltf-binary"},
                                      "target": {"id": <scene>, "type": "Scene"}}]}]}]}

The thumbnail is an orthographic front view (glTF's: looking down -Z, +Y up) of the coarsest level,
the model's x-y extent filling 90 % of 256 px, rendered by the collections' orthographic renderer
(:func:`vtour.collection.views.render_orthographic`: one ray per pixel, 2 x 2 on edges; texture and
vertex colour from :mod:`vtour.render.scene`, averaged in linear light) and Lambert-shaded
by a light from the upper left front plus an ambient term. It is deterministic, and takes well under
a second for a coarse level.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from vtour.errors import VtourError
from vtour.image.manifest import PRESENTATION_CONTEXT, descriptive, image_manifest, language_map
from vtour.model.glb import read_accessor, read_view, unpack_glb
from vtour.model.mesh import Material, Mesh
from vtour.tour import layout
from vtour.tour.deepzoom import url_problem

STEP = "iiif"
PRESENTATION_4_CONTEXT = "http://iiif.io/api/presentation/4/context.json"
GLB_FORMAT = "model/gltf-binary"
#: Labels of tour.yaml's METADATA_KEYS (and of the required statement); other languages get the English.
METADATA_LABELS = {
    "provenance": {"en": "Provenance", "zh": "来源"},
    "date": {"en": "Date", "zh": "年代"},
    "dimensions": {"en": "Dimensions", "zh": "尺寸"},
    "licence": {"en": "Licence", "zh": "许可"},
    "credit": {"en": "Credit", "zh": "鸣谢"},
}
ATTRIBUTION = {"en": "Attribution", "zh": "署名"}
#: Thumbnail: side in px, rays per pixel along each axis, share of the side the model fills, JPEG quality.
THUMB_SIZE, THUMB_SUPERSAMPLE, THUMB_FILL, THUMB_QUALITY = 256, 2, 0.9, 85
#: Lambert shading: ambient share, unit direction towards the light (upper left, in front), background sRGB.
AMBIENT = 0.3
LIGHT = np.array([-0.4, 0.5, 0.77]) / np.linalg.norm([-0.4, 0.5, 0.77])
BACKGROUND = (236, 236, 236)
RIGHTS_FIX = "give an absolute http(s) URL, e.g. http://creativecommons.org/licenses/by/4.0/"


def write_iiif(doc: dict, folder: Path, annotations: Mapping[str, Sequence[dict]]) -> None:
    """Write ``folder``'s IIIF files (module docstring) from its tour.json ``doc``.

    Parameters
    ----------
    doc : tour.json as a dict: ``baseUrl``, ``languages``, ``title``, ``description``, ``images``
        (their info.json already under ``folder``), ``models`` (their .glb files under ``folder``)
    folder : the built tour's folder; nothing is written outside ``folder/iiif``
    annotations : image id -> its regions, each ``{"id": str, "region": [x, y, w, h],
        "title": {lang: str}, "text": {lang: str} | None}`` (px of the full image, inside it)

    Raises
    ------
    VtourError
        A missing title or empty text (naming the field), a region outside its image, annotations of
        an unknown image, an info.json whose id is not under ``baseUrl``, a missing .glb.
    """
    folder = Path(folder)
    base = str(doc.get("baseUrl") or "").rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise VtourError(STEP, "tour.json has no absolute http(s) baseUrl", field="baseUrl", value=doc.get("baseUrl"))
    languages = list(doc.get("languages") or [])
    image_ids = [entry["id"] for entry in doc.get("images", [])]
    unknown = sorted(set(annotations) - set(image_ids))
    if unknown:
        raise VtourError(STEP, "annotations of an image the tour does not have", field="annotations", value=unknown[0])
    collection_id = f"{base}/{layout.IIIF_COLLECTION}"
    part_of = [{"id": collection_id, "type": "Collection"}]
    files: dict[str, bytes] = {}
    manifests = []
    for entry in doc.get("images", []):
        regions = list(annotations.get(entry["id"], ()))
        manifest, page = image_files(entry, folder, base, languages, regions)
        manifest["partOf"] = part_of
        files[layout.image_manifest(entry["id"])] = dump_json(manifest)
        if page is not None:
            files[layout.image_annotations(entry["id"])] = dump_json(page)
        manifests.append(manifest)
    for entry in doc.get("models", []):
        manifest, thumb = model_files(entry, folder, base, languages)
        manifest["partOf"] = part_of
        files[layout.model_manifest(entry["id"])] = dump_json(manifest)
        files[layout.model_thumb(entry["id"])] = thumb
        manifests.append(manifest)
    collection: dict = {"@context": PRESENTATION_CONTEXT, "id": collection_id, "type": "Collection"}
    collection.update(descriptive(*_description(doc, languages, "tour"), step=STEP))
    collection["items"] = [
        {"id": m["id"], "type": "Manifest", "label": m["label"], "thumbnail": m["thumbnail"]} for m in manifests
    ]
    files[layout.IIIF_COLLECTION] = dump_json(collection)
    for rel, data in files.items():  # only after every check passed: an error writes nothing
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def dump_json(value: dict) -> bytes:
    return (json.dumps(value, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


# --- texts ------------------------------------------------------------------------------------------


def text_map(text, languages: Sequence[str], field: str) -> dict[str, list[str]]:
    """A tour text (a string, or language -> string) as a language map, the tour's languages first."""
    if isinstance(text, Mapping):
        order = [lang for lang in languages if lang in text] + [lang for lang in text if lang not in languages]
        text = {lang: text[lang] for lang in order}
    return language_map(text, field=field, step=STEP)


def label_map(labels: Mapping[str, str], languages: Sequence[str]) -> dict[str, str]:
    """A fixed label in en and zh and every other language of the tour (in English)."""
    return {lang: labels.get(lang, labels["en"]) for lang in [*languages, *(k for k in labels if k not in languages)]}


def _description(entry: dict, languages: Sequence[str], where: str) -> tuple:
    """(label, summary, metadata, rights, required statement) of a tour, image or model entry."""
    if not entry.get("title"):
        raise VtourError(STEP, f"{where} has no title, which its IIIF label needs", field=f"{where}.title")
    label = text_map(entry["title"], languages, f"{where}.title")
    summary = text_map(entry["description"], languages, f"{where}.description") if entry.get("description") else None
    meta = entry.get("metadata") or {}
    keys = [k for k in METADATA_LABELS if meta.get(k)] + sorted(k for k in meta if k not in METADATA_LABELS and meta[k])
    metadata = [
        (
            label_map(METADATA_LABELS[k], languages) if k in METADATA_LABELS else k.replace("_", " ").capitalize(),
            text_map(meta[k], languages, f"{where}.metadata.{k}"),
        )
        for k in keys
    ]
    licence = meta.get("licence")
    rights = entry.get("rights") or (licence if isinstance(licence, str) and licence.startswith("http") else None)
    if rights and url_problem(rights):
        raise VtourError(STEP, f"rights {url_problem(rights)}", field=f"{where}.rights", value=rights, fix=RIGHTS_FIX)
    credit = meta.get("credit")
    required = None
    if credit:
        required = (label_map(ATTRIBUTION, languages), text_map(credit, languages, f"{where}.metadata.credit"))
    return label, summary, metadata, rights, required


# --- deep-zoom images -------------------------------------------------------------------------------


def image_files(
    entry: dict, folder: Path, base: str, languages: Sequence[str], regions: Sequence[dict]
) -> tuple[dict, dict | None]:
    """The Manifest of a tour.json image entry and its AnnotationPage (None without regions)."""
    image_id = entry["id"]
    where = f"images.{image_id}"
    rel = entry.get("path") or layout.image_dir(image_id)
    if not (folder / rel / "info.json").is_file():
        raise VtourError(STEP, "the image's info.json is missing", path=folder / rel, field=f"{where}.path", value=rel)
    info = json.loads((folder / rel / "info.json").read_text(encoding="utf-8"))
    if info.get("id") != f"{base}/{rel}":
        raise VtourError(
            STEP,
            f"info.json's id is not {base}/{rel}",
            path=folder / rel / "info.json",
            field="id",
            value=info.get("id"),
            fix="rebuild the tour: the image was built for another base_url",
        )
    manifest_id = f"{base}/{layout.image_manifest(image_id)}"
    page_id = f"{base}/{layout.image_annotations(image_id)}"
    label, summary, metadata, rights, required = _description(entry, languages, where)
    manifest = image_manifest(
        info,
        label=label,
        summary=summary,
        metadata=metadata,
        rights=rights,
        required_statement=required,
        manifest_id=manifest_id,
        annotations=[page_id] if regions else (),
    )
    if not regions:
        return manifest, None
    canvas = manifest["items"][0]["id"]
    items = [
        region_annotation(a, f"{page_id}#{a.get('id') or f'a{i + 1}'}", canvas, info, languages, f"{where}[{i}]")
        for i, a in enumerate(regions)
    ]
    page = {"@context": PRESENTATION_CONTEXT, "id": page_id, "type": "AnnotationPage", "items": items}
    return manifest, page


def region_annotation(
    annotation: dict, annotation_id: str, canvas: str, info: dict, languages: Sequence[str], where: str
) -> dict:
    """One ``commenting`` Annotation on ``xywh`` of the Canvas (module docstring: body purposes)."""
    region = annotation.get("region")
    ok = isinstance(region, (list, tuple)) and len(region) == 4 and all(type(v) is int for v in region)
    x, y, w, h = tuple(region) if ok else (0, 0, 0, 0)  # type: ignore[arg-type]
    if not ok or x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > info["width"] or y + h > info["height"]:
        raise VtourError(
            STEP,
            f"a region is [x, y, w, h], whole px inside the {info['width']} x {info['height']} image, w and h above 0",
            field=f"annotations.{where}.region",
            value=region,
        )
    if not annotation.get("title"):
        raise VtourError(STEP, "an annotation has no title", field=f"annotations.{where}.title")
    texts = {
        purpose: text_map(annotation[key], languages, f"annotations.{where}.{key}")
        for key, purpose in (("title", "identifying"), ("text", "describing"))
        if annotation.get(key)
    }
    bodies = []
    # language by language (title, then text): Mirador joins every body's value into one line
    for lang in dict.fromkeys(lang for by_lang in texts.values() for lang in by_lang):
        for purpose, by_lang in texts.items():
            if lang in by_lang:
                body = {"type": "TextualBody", "value": "\n".join(by_lang[lang]), "format": "text/plain"}
                bodies.append({**body, **({"language": lang} if lang != "none" else {}), "purpose": purpose})
    return {
        "id": annotation_id,
        "type": "Annotation",
        "motivation": "commenting",
        "body": bodies,
        "target": f"{canvas}#xywh={x},{y},{w},{h}",
    }


# --- models -------------------------------------------------------------------------------------------


def model_files(entry: dict, folder: Path, base: str, languages: Sequence[str]) -> tuple[dict, bytes]:
    """The IIIF 3D draft Manifest of a tour.json model entry, and its thumbnail's JPEG bytes."""
    model_id = entry["id"]
    where = f"models.{model_id}"
    lods = entry.get("lods") or []
    missing = [lod["path"] for lod in lods if not (folder / lod["path"]).is_file()]
    if not lods or missing:
        raise VtourError(STEP, "a model level's .glb is missing", path=folder, field=f"{where}.lods", value=missing)
    label, summary, metadata, rights, required = _description(entry, languages, where)
    manifest_id = f"{base}/{layout.model_manifest(model_id)}"
    scene = f"{manifest_id}/scene/1"
    manifest: dict = {"@context": PRESENTATION_4_CONTEXT, "id": manifest_id, "type": "Manifest"}
    manifest.update(descriptive(label, summary, metadata, rights, required, step=STEP))
    rgb = render_thumbnail(read_glb(folder / lods[0]["path"]))
    manifest["thumbnail"] = [
        {
            "id": f"{base}/{layout.model_thumb(model_id)}",
            "type": "Image",
            "format": "image/jpeg",
            "width": rgb.shape[1],
            "height": rgb.shape[0],
        }
    ]
    manifest["items"] = [model_scene(scene, manifest["label"], f"{base}/{lods[-1]['path']}")]
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=THUMB_QUALITY)
    return manifest, out.getvalue()


def model_scene(scene: str, label: dict, glb_url: str) -> dict:
    """The 3D draft's Scene ``scene`` (its id) painted with the .glb at ``glb_url`` (module docstring)."""
    painting = {
        "id": f"{scene}/page/1/annotation/1",
        "type": "Annotation",
        "motivation": ["painting"],
        "body": {"id": glb_url, "type": "Model", "format": GLB_FORMAT},
        "target": {"id": scene, "type": "Scene"},
    }
    page = {"id": f"{scene}/page/1", "type": "AnnotationPage", "items": [painting]}
    return {"id": scene, "type": "Scene", "label": label, "items": [page]}


def read_glb(path: Path) -> Mesh:
    """A vtour .glb (one node: translation and uniform scale, quantized or float attributes,
    EXT_meshopt_compression, KHR_texture_transform) as a Mesh in metres, with base colours only."""
    doc, bin_data = unpack_glb(path.read_bytes())
    node = doc["nodes"][doc["scenes"][doc.get("scene", 0)]["nodes"][0]]
    scale = np.asarray(node.get("scale", [1.0, 1.0, 1.0]), np.float64)
    shift = np.asarray(node.get("translation", [0.0, 0.0, 0.0]), np.float64)

    def values(index: int) -> np.ndarray:
        acc = doc["accessors"][index]
        raw = read_accessor(doc, bin_data, index)
        if acc.get("normalized"):
            return np.maximum(raw / float(np.iinfo(raw.dtype).max), -1.0)
        return raw.astype(np.float64)

    materials = [_glb_material(doc, bin_data, m) for m in doc.get("materials") or [{}]]
    positions, faces, uvs, colours, face_material = [], [], [], [], []
    count = 0
    for prim in doc["meshes"][node["mesh"]]["primitives"]:
        attrs = prim["attributes"]
        p = values(attrs["POSITION"]) * scale + shift
        transform = materials[prim.get("material", 0)][1]
        uv = values(attrs["TEXCOORD_0"]) if "TEXCOORD_0" in attrs else np.zeros((len(p), 2))
        if transform is not None:
            uv = uv * transform[1] + transform[0]
        colour = values(attrs["COLOR_0"]) if "COLOR_0" in attrs else np.ones((len(p), 4))
        idx = read_accessor(doc, bin_data, prim["indices"]).astype(np.int64).reshape(-1, 3)
        positions.append(p)
        uvs.append(uv)
        colours.append(np.pad(colour, ((0, 0), (0, 4 - colour.shape[1])), constant_values=1.0))
        faces.append(idx + count)
        face_material.append(np.full(len(idx), prim.get("material", 0), np.int32))
        count += len(p)
    return Mesh(
        positions=np.concatenate(positions),
        faces=np.concatenate(faces),
        uv=np.concatenate(uvs),
        colors=np.concatenate(colours).astype(np.float32),
        face_material=np.concatenate(face_material),
        materials=tuple(m for m, _ in materials),
        units="m",
        source=str(path),
    )


def _glb_material(doc: dict, bin_data: bytes, gltf: dict) -> tuple[Material, tuple | None]:
    """A glTF material's base colour (factor and image) and its texture transform (offset, scale)."""
    pbr = gltf.get("pbrMetallicRoughness", {})
    info = pbr.get("baseColorTexture")
    texture = transform = None
    if info is not None:
        tex = doc["textures"][info["index"]]
        source = tex.get("source", tex.get("extensions", {}).get("EXT_texture_webp", {}).get("source"))
        data = read_view(doc, bin_data, doc["images"][source]["bufferView"])
        with Image.open(io.BytesIO(data)) as im:
            texture = np.asarray(im.convert("RGB"))
        t = info.get("extensions", {}).get("KHR_texture_transform")
        if t is not None:
            transform = (np.asarray(t.get("offset", [0, 0]), float), np.asarray(t.get("scale", [1, 1]), float))
    factor = tuple(float(c) for c in pbr.get("baseColorFactor", (1.0, 1.0, 1.0, 1.0)))
    return Material(gltf.get("name", "default"), base_color=factor, texture=texture), transform  # type: ignore[arg-type]


def render_thumbnail(mesh: Mesh, size: int = THUMB_SIZE) -> np.ndarray:
    """(size, size, 3) uint8 sRGB: the orthographic front view of ``mesh`` (module docstring)."""
    # imported here, not at the top: vtour.collection's modules import the tour's
    from vtour.collection.views import VIEW_AXES, prepare_subject, render_orthographic

    subject = prepare_subject(mesh)
    lo, hi = subject.box
    extent = max(hi[0] - lo[0], hi[1] - lo[1]) or max(float(np.linalg.norm(hi - lo)), 1e-9)
    step = extent / (size * THUMB_FILL)  # metres per pixel
    return render_orthographic(
        subject,
        *VIEW_AXES["front"],
        step,
        size,
        light=LIGHT,
        ambient=AMBIENT,
        background=BACKGROUND,
        supersample=THUMB_SUPERSAMPLE,
    )
