"""The HTML shells of a collection's object pages and of an exhibition's story page.

Each shell is a tiny static page: the document's language and title (escaped), a ``<noscript>`` and one
module script that loads ``vtour-object.js`` (vtour/web/src/object.js) and mounts the page from a JSON
document beside it. Everything a visitor reads is rendered by the script from that JSON with
``textContent``; the shell holds no collection text but the title. URLs are relative, so a built
collection works from any static host, a CDN or the kiosk package.

``OUT/objects/<id>/index.html`` (:func:`object_html`) reads ``object.json`` beside it (the shape is in
the collection spec: ``{"vtour": "object/1", "id", "collection": {"id", "title", "catalogue", "kind"?},
"languages", "title", "fields", "description", "tags", "museum", "credit", "rights", "views", "model",
"images", "manifest"}``) and loads ``../../viewer/vtour-object.js``. ``collection.kind`` is
``"exhibition"`` when ``catalogue`` leads to an exhibition's story page (the back link then says so);
``views.small`` (views.json's ``{name: "views/small/<name>.jpg"}``), when present, is what the view
buttons show instead of the full views.

The story page (:func:`story_html`), one folder below the exhibition's output (``OUT/story/index.html``
beside the tour's ``OUT/index.html``), reads ``story.json`` beside it and loads ``../viewer/vtour-object.js``.
story.json (Texts = ``{lang: str}``)::

    {"vtour": "story/1",
     "id": str,                         # the exhibition's id
     "title": Texts,
     "languages": [str, ...],           # first = default
     "description": Texts | null,       # the introduction
     "tour": "../index.html",           # the walkable tour, relative to story.json
     "rooms": [                         # in visiting order
       {"id": str, "title": Texts, "text": Texts | null,
        "scene": str,                   # the room's scene: linked as <tour>#scene=<id>&lang=<lang>
        "objects": [
          {"id": str, "title": Texts,
           "date": Texts | null, "period": Texts | null, "material": Texts | null,
           "museum": Texts | null, "credit": Texts | null,
           "rights": str | null,        # an http(s) URL; linked with rel="license"
           "description": Texts | null,
           "image": "../objects/<id>/views/front.jpg" | null,   # relative to story.json
           "width": int | null, "height": int | null,            # the image's px (no layout shift)
           "page": "../objects/<id>/" | null}]}]}               # the object's page
"""

from __future__ import annotations

import html

#: The object bundle as an object page (OUT/objects/<id>/index.html) reaches it.
OBJECT_BUNDLE = "../../viewer/vtour-object.js"
#: The object bundle as a story page (one folder below OUT) reaches it.
STORY_BUNDLE = "../viewer/vtour-object.js"

_SHELL = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>html,body{{margin:0;background:#f6f5f2;color:#1b1b1b;font-family:system-ui,-apple-system,"Segoe UI",\
"Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif}}</style>
</head>
<body>
<div id="vtour-{kind}"></div>
<noscript><p>{noscript}</p></noscript>
<script type="module">
import {{ {mount} }} from "{bundle}";
{mount}(document.getElementById("vtour-{kind}"), "{json}");
</script>
</body>
</html>
"""

_NOSCRIPT = "This page needs JavaScript. The object's data is in {json}."


def _first_text(texts, languages) -> str:
    """``texts`` (a language map or a string) in the first of ``languages`` it has, else any; "" for none."""
    if texts is None:
        return ""
    if isinstance(texts, str):
        return texts
    for lang in languages:
        if texts.get(lang):
            return str(texts[lang])
    return next((str(v) for v in texts.values() if v), "")


def _shell(doc: dict, *, kind: str, mount: str, bundle: str, json_name: str) -> str:
    languages = list(doc.get("languages") or ["en"])
    return _SHELL.format(
        lang=html.escape(languages[0], quote=True),
        title=html.escape(_first_text(doc.get("title"), languages) or str(doc.get("id", ""))),
        kind=kind,
        mount=mount,
        bundle=bundle,
        json=json_name,
        noscript=html.escape(_NOSCRIPT.format(json=json_name)),
    )


def object_html(doc: dict) -> str:
    """The object page (``OUT/objects/<id>/index.html``) of object.json's content ``doc``: lang = its
    first language, <title> = its title in that language (escaped), mountObject(element, "object.json")."""
    return _shell(doc, kind="object", mount="mountObject", bundle=OBJECT_BUNDLE, json_name="object.json")


def story_html(doc: dict) -> str:
    """The story page of story.json's content ``doc`` (shape in this module's docstring): lang = its first
    language, <title> = its title (escaped), mountStory(element, "story.json")."""
    return _shell(doc, kind="story", mount="mountStory", bundle=STORY_BUNDLE, json_name="story.json")
