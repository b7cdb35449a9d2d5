"""vtour/collection/page.py: the object and story pages' HTML shells escape the collection's text, declare its
default language and load the object bundle and their JSON by relative URLs."""

from __future__ import annotations

import html.parser
import re

import pytest

from vtour.collection.page import OBJECT_BUNDLE, STORY_BUNDLE, object_html, story_html

HOSTILE = "</title><script>alert(1)</script>"


class _Shell(html.parser.HTMLParser):
    """What a browser would find: the elements opened, the <title>'s text, the scripts' text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.title, self.scripts, self._in = [], "", [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.scripts.append(data)


def parse(text: str) -> _Shell:
    p = _Shell()
    p.feed(text)
    return p


def object_doc(**changes) -> dict:
    doc = {"vtour": "object/1", "id": "ding-01", "languages": ["zh", "en"], "title": {"en": "Tripod", "zh": "鼎"}}
    return {**doc, **changes}


@pytest.mark.parametrize(
    ("make", "doc", "mount", "bundle", "json_name"),
    [
        (object_html, object_doc(), "mountObject", OBJECT_BUNDLE, "object.json"),
        (
            story_html,
            {"vtour": "story/1", "id": "silk", "languages": ["zh", "en"], "title": {"zh": "鼎"}},
            "mountStory",
            STORY_BUNDLE,
            "story.json",
        ),
    ],
)
def test_a_shell_declares_the_default_language_and_mounts_its_json_by_relative_urls(
    make, doc, mount, bundle, json_name
):
    text = make(doc)
    shell = parse(text)
    assert shell.tags[0] == ("html", {"lang": "zh"})
    assert shell.title == "鼎"
    [script] = shell.scripts
    assert f'import {{ {mount} }} from "{bundle}";' in script
    assert re.search(rf'{mount}\(document\.getElementById\("[\w-]+"\), "{re.escape(json_name)}"\);', script)
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in shell.tags
    assert "<noscript>" in text
    assert "http" not in text  # nothing absolute: it works from any host


def test_the_bundles_are_reached_from_where_the_pages_are():
    assert OBJECT_BUNDLE == "../../viewer/vtour-object.js"  # OUT/objects/<id>/index.html -> OUT/viewer/
    assert STORY_BUNDLE == "../viewer/vtour-object.js"  # OUT/story/index.html -> OUT/viewer/


@pytest.mark.parametrize("make", [object_html, story_html])
def test_a_hostile_title_stays_text_in_the_title(make):
    text = make(object_doc(title={"zh": HOSTILE, "en": "x"}, languages=["zh"]))
    shell = parse(text)
    assert shell.title == HOSTILE
    assert len(shell.scripts) == 1 and "alert" not in shell.scripts[0]
    assert text.count("<script") == 1 and text.count("</title>") == 1


def test_the_title_falls_back_to_another_language_then_to_the_id():
    assert parse(object_html(object_doc(title={"en": "Tripod"}))).title == "Tripod"
    assert parse(object_html(object_doc(title=None))).title == "ding-01"
    assert parse(object_html(object_doc(title="plain", languages=None))).title == "plain"
    assert parse(object_html(object_doc(languages=None))).tags[0] == ("html", {"lang": "en"})


def test_a_hostile_language_code_stays_an_attribute_value():
    shell = parse(object_html(object_doc(languages=['en"><script>alert(1)</script>'])))
    assert shell.tags[0][1]["lang"] == 'en"><script>alert(1)</script>'
    assert len(shell.scripts) == 1
