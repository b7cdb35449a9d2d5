"""The IIIF Presentation API 3.0 manifest of one deep-zoom image: ``manifest.json`` beside info.json.

One Manifest, one Canvas the size of the source, one painting Annotation whose body is a whole-image
JPEG the level-0 service has (``full/{w},{h}/0/default.jpg``, the largest of info.json's ``sizes``)
with the service itself attached, so viewers (Mirador) deep-zoom through the tiles::

    <id>/manifest.json                          the Manifest
    <id>/canvas/1                               its Canvas (W x H, the source's px)
    <id>/canvas/1/page/1                        the Canvas's AnnotationPage
    <id>/canvas/1/page/1/annotation/1           the painting Annotation
    <id>/full/{w},{h}/0/default.jpg             the body (largest ``sizes``), thumbnail (smallest)

``<id>`` is info.json's absolute ``id`` (``<base URL>/<folder name>``), so every URL of a file is
under the folder; the Canvas, page and Annotation ids are names, not files (Presentation 3.0 does
not require them to be dereferenceable).

Texts (label, summary, metadata, required statement) are language maps: a plain string is language
``"none"``; a mapping gives one text (or a list of texts) per language, ``{"en": "...", "zh": "..."}``.

A tour publishes its manifests elsewhere (:mod:`vtour.tour.iiif`, ``<base>/iiif/images/<id>.json``):
``manifest_id`` then names the Manifest, the Canvas is ``<manifest_id>/canvas/1`` (so a region
annotation targets ``<manifest_id>/canvas/1#xywh=...``) and ``annotations`` lists the Canvas's
non-painting AnnotationPages by URL. :func:`descriptive` is the part every manifest shares.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, Sequence

from vtour.errors import VtourError

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
MANIFEST_JSON = "manifest.json"
#: A text as callers give it: a plain string (language "none") or language -> text or texts.
Text = str | Mapping[str, str | Sequence[str]]


def language_map(text: Text, *, field: str, step: str = "image") -> dict[str, list[str]]:
    """A text -> an IIIF language map ``{"en": ["..."]}``; empty texts are refused naming ``field``
    (and ``step``, the pipeline step reported)."""
    pairs = {"none": text}.items() if isinstance(text, str) else dict(text).items()
    out = {}
    for lang, value in pairs:
        values = [value] if isinstance(value, str) else list(value)
        if not isinstance(lang, str) or not lang or not values or not all(isinstance(v, str) and v for v in values):
            raise VtourError(
                step,
                "a manifest text must be a non-empty string, or language code -> non-empty string(s)",
                field=field,
                value=text,
                fix='give e.g. "Mural" or {"en": "Mural", "zh": "壁画"}',
            )
        out[lang] = values
    if not out:
        raise VtourError(step, "a manifest text has no language", field=field, value=text, fix='give e.g. "Mural"')
    return out


def rights_url(url: str, *, step: str = "image") -> str:
    """``url`` if it is an absolute http(s) URL (what a manifest's ``rights`` must be), else an error."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise VtourError(
            step,
            "rights must be an absolute http(s) URL (a Creative Commons licence or a RightsStatements.org statement)",
            field="rights",
            value=url,
            fix="e.g. http://creativecommons.org/licenses/by/4.0/",
        )
    return url


def descriptive(
    label: Text,
    summary: Text | None = None,
    metadata: Sequence[tuple[Text, Text]] = (),
    rights: str | None = None,
    required_statement: tuple[Text, Text] | None = None,
    *,
    step: str = "image",
) -> dict:
    """The descriptive properties of a Manifest or Collection, in the order vtour writes them:
    ``label``, then ``summary``, ``metadata``, ``rights``, ``requiredStatement`` when given.

    ``metadata`` is (label, value) pairs, ``required_statement`` one pair (an attribution); an empty
    text or a ``rights`` that is not an absolute http(s) URL is a VtourError of ``step`` naming the field.
    """
    out: dict = {"label": language_map(label, field="label", step=step)}
    if summary is not None:
        out["summary"] = language_map(summary, field="summary", step=step)
    if metadata:
        out["metadata"] = [
            {
                "label": language_map(k, field="metadata", step=step),
                "value": language_map(v, field="metadata", step=step),
            }
            for k, v in metadata
        ]
    if rights:
        out["rights"] = rights_url(rights, step=step)
    if required_statement is not None:
        k, v = required_statement
        out["requiredStatement"] = {
            "label": language_map(k, field="required_statement", step=step),
            "value": language_map(v, field="required_statement", step=step),
        }
    return out


def image_manifest(
    info: dict,
    *,
    label: Text,
    summary: Text | None = None,
    metadata: Sequence[tuple[Text, Text]] = (),
    rights: str | None = None,
    required_statement: tuple[Text, Text] | None = None,
    manifest_id: str | None = None,
    annotations: Sequence[str] = (),
) -> dict:
    """The Presentation 3.0 Manifest (a JSON-ready dict) of the image whose info.json is ``info``.

    ``info`` must list at least one whole-image file in ``sizes`` (vtour's info.json always does);
    ``metadata`` is (label, value) pairs, ``required_statement`` one pair (an attribution).
    ``manifest_id`` is the Manifest's URL (default ``<info id>/manifest.json``); its Canvas is
    ``<manifest_id>/canvas/1`` then. ``annotations`` are URLs of AnnotationPages on that Canvas
    (referenced, not embedded: viewers such as Mirador fetch them).
    """
    if not info.get("sizes"):
        raise VtourError("image", "info.json lists no whole-image sizes, so a manifest has no image", field="sizes")
    base = info["id"]
    service = [{"id": base, "type": "ImageService3", "profile": info.get("profile", "level0")}]

    def image(size: dict) -> dict:
        w, h = size["width"], size["height"]
        return {
            "id": f"{base}/full/{w},{h}/0/default.jpg",
            "type": "Image",
            "format": "image/jpeg",
            "width": w,
            "height": h,
            "service": service,
        }

    # beside the tiles the names stay under the image's folder URL (<id>/canvas/1), as they always were
    canvas = f"{base}/canvas/1" if manifest_id is None else f"{manifest_id}/canvas/1"
    manifest: dict = {
        "@context": PRESENTATION_CONTEXT,
        "id": manifest_id or f"{base}/{MANIFEST_JSON}",
        "type": "Manifest",
    }
    manifest.update(descriptive(label, summary, metadata, rights, required_statement))
    sizes = sorted(info["sizes"], key=lambda s: s["width"] * s["height"])
    manifest["thumbnail"] = [image(sizes[0])]
    manifest["items"] = [
        {
            "id": canvas,
            "type": "Canvas",
            "width": info["width"],
            "height": info["height"],
            "items": [
                {
                    "id": f"{canvas}/page/1",
                    "type": "AnnotationPage",
                    "items": [
                        {
                            "id": f"{canvas}/page/1/annotation/1",
                            "type": "Annotation",
                            "motivation": "painting",
                            "body": image(sizes[-1]),
                            "target": canvas,
                        }
                    ],
                }
            ],
        }
    ]
    if annotations:
        manifest["items"][0]["annotations"] = [{"id": url, "type": "AnnotationPage"} for url in annotations]
    return manifest


def manifest_files(manifest: dict) -> list[str]:
    """The files, relative to the image's folder, that ``manifest`` names: itself, each image (body,
    thumbnail) and each image service's ``info.json``. The Canvas, page and Annotation ids are names."""
    base = manifest["id"].rsplit("/", 1)[0]
    images = [*manifest.get("thumbnail", ())]
    images += [a["body"] for c in manifest["items"] for page in c["items"] for a in page["items"]]
    urls = [manifest["id"], *(i["id"] for i in images)]
    urls += [f"{s['id']}/info.json" for i in images for s in i.get("service", ())]
    return sorted({u.removeprefix(base + "/") if u.startswith(base + "/") else u for u in urls})
