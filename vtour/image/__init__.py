"""Deep-zoom images: one flat image, or photos of a flat subject, to an IIIF Image API 3.0 pyramid.

``build.py`` is the entry point; the other modules are its parts::

    options.py      ImageOptions, the one declaration of a build's settings
    iiif.py         the level-0 layout: tile paths, scale factors, info.json (written once)
    manifest.py     manifest.json: the IIIF Presentation 3.0 manifest of the image (Mirador opens it)
    build.py        headers -> libvips (streaming) or stitched photos -> dzsave -> info.json -> manifest

``from vtour.image import build_image, ImageOptions`` is the public API.
"""

from vtour.image.build import IMAGE_JSON, ImageResult, build_image
from vtour.image.options import DEFAULT_IMAGE_OPTIONS, ImageOptions

__all__ = ["DEFAULT_IMAGE_OPTIONS", "IMAGE_JSON", "ImageOptions", "ImageResult", "build_image"]
