"""tour.yaml's ``images:``: deep-zoom images (a mural, a scroll) with their annotated regions.

Each item becomes a :class:`DeepZoomImage`; each of its ``annotations`` an :class:`Annotation` whose
``region`` is ``(x, y, w, h)`` in px of the full-resolution image (the stitched result for photos),
origin top left, ``w`` and ``h`` > 0. Reading is lenient as in :mod:`vtour.tour.document` (whose
reader, passed in as ``r``, records every problem with its location); :mod:`vtour.tour.validate`
checks files, texts and that each region lies inside its image. The build turns each image into
an IIIF Image API 3 level-0 pyramid under ``images/<id>/`` (:mod:`vtour.tour.stages`), with the
ImageOptions of :func:`vtour.tour.options.image_options`.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

#: ImageOptions fields a tour may set per image (``zoom:``) or for all (top-level ``zoom:``), by
#: field name. The manifest's label, summary and rights come from the image's own fields; its
#: base URL from the tour's ``base_url``.
ZOOM_KEYS = ("tile_size", "quality", "max_zoom", "max_pixels", "rotate", "work_megapix", "compose_megapix")
#: Of those, the ones that are whole numbers.
ZOOM_INTEGERS = ("tile_size", "quality", "max_pixels", "rotate")
_IMAGE_KEYS = ("id", "title", "description", "source", "metadata", "rights", "zoom", "annotations")
_ANNOTATION_KEYS = ("id", "region", "title", "text")
#: Characters a URL holds unencoded (RFC 3986: unreserved, reserved and '%').
_URL_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")
_REGION_FIX = "write region: [x, y, w, h], whole px of the full image from its top left, w and h above 0"


@dataclass(frozen=True)
class Annotation:
    """A region of a deep-zoom image: ``(x, y, w, h)`` px of the full image, a title and a text."""

    id: str
    region: tuple[int, int, int, int]
    title: dict | None = None
    text: dict | None = None
    where: str = ""


@dataclass(frozen=True)
class DeepZoomImage:
    """One ``images:`` item. ``source`` holds one image, or two or more overlapping photos to
    stitch; ``zoom`` holds ImageOptions fields (see :data:`ZOOM_KEYS`)."""

    id: str
    source: tuple[str, ...] = ()
    title: dict | None = None
    description: dict | None = None
    metadata: dict = field(default_factory=dict)
    rights: str | None = None
    zoom: dict = field(default_factory=dict)
    annotations: tuple[Annotation, ...] = ()
    where: str = ""


def url_problem(url: str, query: bool = True) -> str | None:
    """Why ``url`` is not an absolute http(s) URL, or None. Without ``query`` (a base URL, which
    IIIF ids are made under) it also has no user info, no ``?`` or ``#`` at all (an empty one too),
    and only characters a URL holds as they are (a space or a quote must be %-encoded): what the
    tour.json schema's ``baseUrl`` pattern accepts."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an absolute http(s) URL"
    if not url.startswith(f"{parts.scheme}://"):  # urlsplit lowercases the scheme; ids compare as written
        return f"has an upper-case scheme (write {parts.scheme}://)"
    if query:
        return None
    if "@" in parts.netloc:
        return "holds a user name or password (user:password@), which a published URL must not carry"
    if "?" in url or "#" in url:
        return "has a query or fragment ('?' or '#'), which IIIF ids cannot carry"
    bad = sorted({c for c in url if c not in _URL_CHARACTERS})
    if bad:
        return f"holds {', '.join(map(repr, bad))}, which a URL must %-encode (a space is %20)"
    return None


def _region(r, value, where: str) -> tuple[int, int, int, int] | None:
    ok = (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    )
    if not ok:
        r.problem(where, f"a region is 4 whole numbers [x, y, w, h], got {value!r:.60}", _REGION_FIX)
        return None
    x, y, w, h = value
    if x < 0 or y < 0 or w <= 0 or h <= 0:
        r.problem(where, f"region {value} has x or y below 0, or w or h not above 0", _REGION_FIX)
        return None
    return x, y, w, h


def _annotation(r, raw, where: str, index: int) -> Annotation | None:
    if not isinstance(raw, dict):
        r.problem(where, f"an annotation is a mapping, got {raw!r:.60}", "write - {region: [x, y, w, h], title: ...}")
        return None
    d = r.mapping(raw, where, _ANNOTATION_KEYS)
    title = r.text(d.get("title"), f"{where}.title")
    if d.get("title") is None:
        r.problem(f"{where}.title", "annotation has no title", "add title: {en: ...}, what the region shows")
    region = _region(r, d.get("region"), f"{where}.region")
    if region is None:
        return None
    return Annotation(
        id=r.string(d.get("id"), f"{where}.id", f"a{index + 1}"),
        region=region,
        title=title,
        text=r.text(d.get("text"), f"{where}.text"),
        where=where,
    )


def _source(r, value, where: str) -> tuple[str, ...]:
    if isinstance(value, str) and value:
        return (value,)
    if isinstance(value, list) and len(value) >= 2 and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    r.problem(
        where,
        "no image source given"
        if value is None
        else f"expected a file or a list of 2 or more photos, got {value!r:.60}",
        "write source: images/NAME.tif (or a list of overlapping photos to stitch)",
    )
    return ()


def _image(r, raw, where: str, index: int) -> DeepZoomImage:
    d = r.mapping(raw, where, _IMAGE_KEYS)
    image_id = r.string(d.get("id"), f"{where}.id")
    if image_id is None:
        r.problem(f"{where}.id", "image has no id", "add id: a short name like mural")
        image_id = f"image{index}"
    annotations = tuple(
        a
        for i, raw_a in enumerate(r.items(d.get("annotations"), f"{where}.annotations"))
        if (a := _annotation(r, raw_a, f"{where}.annotations[{i}]", i)) is not None
    )
    return DeepZoomImage(
        id=image_id,
        source=_source(r, d.get("source"), f"{where}.source"),
        title=r.text(d.get("title"), f"{where}.title"),
        description=r.text(d.get("description"), f"{where}.description"),
        metadata=r.metadata(d.get("metadata"), f"{where}.metadata"),
        rights=r.string(d.get("rights"), f"{where}.rights"),
        zoom=r.mapping(d.get("zoom"), f"{where}.zoom", ZOOM_KEYS),
        annotations=annotations,
        where=where,
    )


def read_images(r, value) -> tuple[DeepZoomImage, ...]:
    """The ``images:`` list of a tour.yaml, read with ``r`` (:mod:`vtour.tour.document`'s reader)."""
    return tuple(_image(r, raw, f"images[{i}]", i) for i, raw in enumerate(r.items(value, "images")))
