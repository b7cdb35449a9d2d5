"""exhibition.yaml: rooms read into dataclasses, references checked against the collections it names,
and each room's objects resolved (ids first, then the query's matches, each once)."""

from __future__ import annotations

from test_collection_document import GOOD, problems_text, write_collection, write_media

from vtour.collection.exhibition import Exhibition, Room, read_exhibition
from vtour.collection.validate import exhibition_collections, resolve_rooms, validate_document, validate_exhibition

IMPORTED = """\
id: imported
title: {en: Imported, zh: 导入}
languages: [en, zh]
museum: Partner Museum
rights: http://creativecommons.org/publicdomain/zero/1.0/
objects:
  - {id: gui-02, title: Another gui, period: {en: Eastern Zhou, zh: 东周}, tags: [{en: Ritual}]}
  - {id: bi-03, title: Jade disc, period: {en: western zhou, zh: 西周}, museum: Palace Museum, tags: [{zh: 玉器}]}
  - {id: cup-04, title: Cup, period: {en: Han}, tags: [{en: ritual}]}
"""

EXHIBITION = """\
id: silk-road
title: {en: Along the Silk Road, zh: 丝绸之路}
languages: [en, zh]
description: {en: An introduction}
collections:
  - ../bronzes/collection.yaml
  - imported/collection.yaml
rooms:
  - id: ritual
    title: {en: Ritual bronzes, zh: 礼器}
    text: {en: Curatorial text}
    objects: [ding-01, bronzes:gui-02]
    query: {tags: [ritual], limit: 2}
  - id: zhou
    title: Zhou
    query: {period: 西周, museum: [palace museum, Shenzhen Museum]}
    panorama: panoramas/hall.jpg
    positions: {ding-01: {yaw: 200, pitch: -10}}
"""


def make_exhibition(tmp_path, text: str = EXHIBITION):
    """Two collections (bronzes beside the exhibition's folder, imported inside it) and the exhibition."""
    write_collection(tmp_path / "bronzes", GOOD)
    write_media(tmp_path / "bronzes")
    write_collection(tmp_path / "show" / "imported", IMPORTED)
    write_media(tmp_path / "show", models=(), photos=("panoramas/hall.jpg",))
    return write_collection(tmp_path / "show", text, "exhibition.yaml")


def test_an_exhibition_reads_into_rooms(tmp_path):
    e, problems = read_exhibition(make_exhibition(tmp_path))
    assert problems == []
    assert isinstance(e, Exhibition) and e.id == "silk-road" and e.language == "en" and e.root == tmp_path / "show"
    assert e.collections == ("../bronzes/collection.yaml", "imported/collection.yaml")
    ritual, zhou = e.rooms
    assert ritual == Room(
        id="ritual",
        title={"en": "Ritual bronzes", "zh": "礼器"},
        text={"en": "Curatorial text"},
        objects=("ding-01", "bronzes:gui-02"),
        query={"tags": ("ritual",), "limit": 2},
        where="rooms[0]",
    )
    assert zhou.query == {"period": ("西周",), "museum": ("palace museum", "Shenzhen Museum"), "limit": None}
    assert zhou.panorama == "panoramas/hall.jpg" and zhou.title == {"en": "Zhou"}
    assert zhou.positions == {"ding-01": {"yaw": -160.0, "pitch": -10.0}}  # yaw folded as a tour's
    assert e.room("zhou") is zhou and e.at("rooms[1].query") == "exhibition.yaml:16: rooms[1].query"


def test_rooms_resolve_ids_first_then_query_matches_once_each_within_the_limit(tmp_path):
    e, _ = read_exhibition(make_exhibition(tmp_path))
    collections, problems = exhibition_collections(e)
    assert problems == [] and [c.id for c in collections] == ["bronzes", "imported"]
    resolved = [(room.id, [f"{c.id}:{o.id}" for c, o in found]) for room, found in resolve_rooms(e, collections)]
    assert resolved == [
        # the ids in order, then 2 (limit) matches of tag "ritual" in any case and language not already listed
        # (bronzes:ding-01 is): imported:gui-02 ("Ritual") and imported:cup-04
        ("ritual", ["bronzes:ding-01", "bronzes:gui-02", "imported:gui-02", "imported:cup-04"]),
        # period 西周 in any language AND a museum of the list, ignoring case
        ("zhou", ["bronzes:ding-01", "imported:bi-03"]),
    ]
    assert validate_exhibition(e, collections) == []
    assert validate_document(e.root / e.file) == []


def test_every_exhibition_problem_is_reported_at_once(tmp_path):
    path = make_exhibition(
        tmp_path,
        """\
        id: silk-road
        title: {en: Silk Road, fr: Route de la soie}
        collections: [../bronzes/collection.yaml, imported/collection.yaml, ../gone/collection.yaml, broken.yaml]
        rooms:
          - id: a
            title: A
            objects: [gui-02, dingg-01, other:ding-01]
            query: {material: gold, period: Han}
            positions: {ding-01: {yaw: 0, pitch: 95}}
          - id: a
            title: {en: A again, de: Noch A}
            panorama: panoramas/missing.jpg
            positions: {bi-03: {yaw: 1}}
          - id: empty
            title: Empty
            panoramma: hall.jpg
        """,
    )
    (path.parent / "broken.yaml").write_text("id: [\n")
    (tmp_path / "bronzes" / "collection.yaml").write_text(GOOD.replace("title: Food vessel", "titel: Food vessel"))
    e, problems = read_exhibition(path)
    assert problems_text(problems) == (
        "exhibition.yaml:16: rooms[2].panoramma: unknown field 'panoramma'; did you mean 'panorama'?"
    )
    collections, found = exhibition_collections(e)
    text = problems_text(validate_exhibition(e, collections) + found)
    expected = [
        "exhibition.yaml:2: title.fr: language 'fr' is not declared in languages ['en']",
        "exhibition.yaml:3: collections[2]: collection file '../gone/collection.yaml' not found",
        "exhibition.yaml:3: collections[3]: collection 'broken.yaml': not valid YAML at line 2",
        "exhibition.yaml:7: rooms[0].objects[0]: object 'gui-02' is in 2 collections: bronzes, imported; "
        'write "bronzes:gui-02" or write "imported:gui-02"',
        "exhibition.yaml:7: rooms[0].objects[1]: object 'dingg-01' is in no collection (looked in bronzes, imported); "
        "did you mean 'ding-01'?",
        "exhibition.yaml:7: rooms[0].objects[2]: object 'other:ding-01': no collection has the id 'other'",
        "exhibition.yaml:8: rooms[0].query: the query (period: Han; material: gold) matches no object",
        "exhibition.yaml:5: rooms[0]: room 'a' shows no object and has no panorama",
        "exhibition.yaml:9: rooms[0].positions: positions are used only with a panorama",
        "exhibition.yaml:9: rooms[0].positions.ding-01: a position for 'ding-01', which is not in this room",
        "exhibition.yaml:9: rooms[0].positions.ding-01.pitch: pitch 95 is outside [-90, 90]",
        "exhibition.yaml:10: rooms[1].id: duplicate room id 'a' (also at exhibition.yaml:5: rooms[0].id)",
        "exhibition.yaml:11: rooms[1].title.de: language 'de' is not declared",
        "exhibition.yaml:12: rooms[1].panorama: panorama 'panoramas/missing.jpg' not found",
        "exhibition.yaml:13: rooms[1].positions.bi-03: a position for 'bi-03', which is not in this room",
        "exhibition.yaml:14: rooms[2]: room 'empty' shows no object and has no panorama",
        # the collection's own problem, located in its file as seen from the exhibition
        "../bronzes/collection.yaml:19: objects[1].titel: unknown field 'titel'; did you mean 'title'?",
        "../bronzes/collection.yaml:18: objects[1].title: object has no title",
    ]
    for line in expected:
        assert line in text, f"{line!r} not in:\n{text}"
    assert len(text.splitlines()) == len(expected), text
    assert "tour" not in text


def test_validate_document_reads_an_exhibitions_collections_relative_to_it(tmp_path):
    path = make_exhibition(tmp_path, EXHIBITION.replace("../bronzes/", "../elsewhere/"))
    problems = [str(p) for p in validate_document(path)]
    assert problems[0].startswith("exhibition.yaml:6: collections[0]: collection file '../elsewhere/collection.yaml'")
    assert (
        "exhibition.yaml:12: rooms[0].objects[0]: object 'ding-01' is in no collection (looked in imported)"
        in (problems[1])
    )
    assert "rooms[0].objects[1]: object 'bronzes:gui-02': no collection has the id 'bronzes'" in problems[2]
    assert len(problems) == 4 and "rooms[1].positions.ding-01: a position for 'ding-01'" in problems[3]


def _many(n: int) -> str:
    objects = "".join(f"  - {{id: o{k:02d}, title: Object {k}}}\n" for k in range(n))
    return (f"id: many\ntitle: Many\nlanguages: [en, zh]\nmuseum: M\n"
            f"rights: http://creativecommons.org/publicdomain/zero/1.0/\nobjects:\n{objects}")


def test_a_room_split_into_galleries_must_not_take_another_rooms_id_nor_grow_past_an_id(tmp_path):
    write_collection(tmp_path / "many", _many(13))  # 13 objects: galleries big, big-2
    long = "r" * 63
    path = write_collection(
        tmp_path,
        f"""\
        id: show
        title: Show
        collections: [many/collection.yaml]
        rooms:
          - {{id: big, title: Big, query: {{museum: M}}}}
          - {{id: big-2, title: Small, objects: [o00]}}
          - {{id: {long}, title: Long, query: {{museum: M}}}}
        """,
        "exhibition.yaml",
    )
    e, problems = read_exhibition(path)
    collections, found = exhibition_collections(e)
    assert problems == [] and found == []
    assert [str(p) for p in validate_exhibition(e, collections)] == [
        "exhibition.yaml:6: rooms[1].id: room id 'big-2' is also the id of gallery 2 of room 'big' (room 'big' "
        "shows 13 objects, more than the 12 of one gallery); rename this room or room 'big'",
        f"exhibition.yaml:7: rooms[2].id: room id '{long}' is too long to number its galleries ('{long}-2'; "
        f"room '{long}' shows 13 objects, more than the 12 of one gallery); shorten it to at most 62 characters",
    ]


def test_a_rooms_own_panorama_must_be_an_image_the_pano_stage_takes_without_options(tmp_path):
    from PIL import Image

    write_collection(tmp_path / "many", _many(1))
    rooms = ""
    for k, (name, size) in enumerate((("text.jpg", None), ("photo.jpg", (300, 200)), ("pano.jpg", (256, 128)))):
        if size is None:
            (tmp_path / name).write_bytes(b"not an image")
        else:
            Image.new("RGB", size, (120, 90, 60)).save(tmp_path / name)
        rooms += f"  - {{id: r{k}, title: R, objects: [o00], panorama: {name}}}\n"
    text = f"id: show\ntitle: Show\ncollections: [many/collection.yaml]\nrooms:\n{rooms}"
    e, _ = read_exhibition(write_collection(tmp_path, text, "exhibition.yaml"))
    found = [str(p) for p in validate_exhibition(e, exhibition_collections(e)[0])]
    assert len(found) == 2, found
    assert found[0].startswith("exhibition.yaml:5: rooms[0].panorama: panorama 'text.jpg' is not an image")
    assert found[1].startswith(
        "exhibition.yaml:6: rooms[1].panorama: panorama 'photo.jpg' is 300x200, not 2:1, has no GPano metadata"
    )
    assert "--hfov" not in found[1] and "2:1 equirectangular" in found[1]


def test_an_exhibited_object_without_its_museum_or_rights_is_a_problem(tmp_path):
    path = make_exhibition(tmp_path)
    imported = tmp_path / "show" / "imported" / "collection.yaml"
    imported.write_text(imported.read_text("utf-8").replace("museum: Partner Museum\n", "").replace(
        "rights: http://creativecommons.org/publicdomain/zero/1.0/\n", ""), "utf-8")
    e, _ = read_exhibition(path)
    text = problems_text(validate_exhibition(e, exhibition_collections(e)[0]))
    assert "object imported:gui-02 has no museum and no rights" in text
    assert "object imported:bi-03 has no rights" in text  # its own museum is given
    assert "give museum and rights in" in text and "imported/collection.yaml" in text
