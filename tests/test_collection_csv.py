"""A collection's CSV: rows become objects through the column mapping; each bad row, cell or mapped
column is a problem located in the CSV (objects.csv:LINE: Header) or at the mapping's line."""

from __future__ import annotations

from test_collection_document import problems_text, write_collection, write_media

from vtour.collection.csvfile import decode, nest
from vtour.collection.document import read_collection
from vtour.collection.validate import validate_collection

MAPPED = """\
id: bronzes
title: {en: Bronzes, zh: 青铜器}
languages: [en, zh]
museum: Shenzhen Museum
objects:
  - {id: ding-01, title: Tripod cauldron}
csv:
  file: objects.csv
  columns:
    id: Object number
    title.en: Title
    title.zh: 名称
    period.en: Period
    model: Scan file
    images: Photos
    tags.en: Keywords
    tags.zh: 关键词
    metadata.Inventory: Inventory
"""
HEADER = "Object number,Title,名称,Period,Scan file,Photos,Keywords,关键词,Inventory\n"


def write_csv(root, rows: str, header: str = HEADER, *, bom: bool = False, name: str = "objects.csv"):
    (root / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + (header + rows).encode("utf-8"))


def test_rows_become_objects_after_those_of_the_yaml(tmp_path):
    path = write_collection(tmp_path, MAPPED)
    write_csv(
        tmp_path,
        "gui-02,Food vessel,簋,Western Zhou,models/gui.ply,a.jpg| b.jpg ,ritual|vessel,礼器|容器,SZM-002\n"
        '\n"zun-03","Wine vessel, tall",尊,,,,,,\n',
        bom=True,
    )
    c, problems = read_collection(path)
    assert problems == []
    assert [o.id for o in c.objects] == ["ding-01", "gui-02", "zun-03"]
    gui, zun = c.objects[1:]
    assert gui.title == {"en": "Food vessel", "zh": "簋"} and gui.period == {"en": "Western Zhou"}
    assert gui.model == "models/gui.ply" and gui.images == ("a.jpg", "b.jpg")
    assert gui.tags == ({"en": "ritual", "zh": "礼器"}, {"en": "vessel", "zh": "容器"})
    assert gui.metadata == {"Inventory": {"en": "SZM-002"}} and gui.museum == {"en": "Shenzhen Museum"}
    assert gui.where == "objects.csv row 2" and zun.where == "objects.csv row 4"  # the blank line 3 is skipped
    assert zun.title == {"en": "Wine vessel, tall", "zh": "尊"} and zun.model is None and zun.tags == ()
    assert c.csv is not None and c.csv.columns["title.en"] == "Title"
    assert c.at("objects.csv row 2.title.zh") == "objects.csv:2: 名称"
    assert c.at("objects.csv row 2.tags[1]") == "objects.csv:2: Keywords / 关键词"
    assert c.at("objects.csv row 2") == "objects.csv:2"


def test_a_missing_csv_file_is_located_at_its_mapping(tmp_path):
    _, problems = read_collection(write_collection(tmp_path, MAPPED))
    assert [str(p) for p in problems] == [
        f"collection.yaml:8: csv.file: csv file 'objects.csv' not found; put the CSV at {tmp_path}/objects.csv "
        "or fix the path"
    ]


def test_a_mapped_column_the_header_lacks_is_located_at_the_mapping_listing_the_headers(tmp_path):
    path = write_collection(tmp_path, MAPPED)
    write_csv(tmp_path, "gui-02,Food vessel,簋,,,,,,\n", header=HEADER.replace("Title", "Titel"))
    c, problems = read_collection(path)
    assert len(problems) == 1, problems_text(problems)
    p = problems[0]
    assert p.location == "collection.yaml:11: csv.columns.title.en"
    assert p.message == "column 'Title' is not in the header of objects.csv"
    assert p.fix.startswith("did you mean 'Titel'? the header has 'Object number', 'Titel', '名称', 'Period'")
    assert c.objects[1].title == {"zh": "簋"}


def test_rows_with_the_wrong_number_of_fields_are_reported_on_their_line_and_skipped(tmp_path):
    path = write_collection(tmp_path, MAPPED)
    write_csv(
        tmp_path,
        'a-1,"A text\nover two lines",甲,,,,,,\n'  # lines 2-3
        "b-2,B,乙,,,\n"  # line 4: 6 fields
        "c-3,C,丙,,,,,,,,\n",  # line 5: 11 fields
    )
    c, problems = read_collection(path)
    assert [str(p).split(";")[0] for p in problems] == [
        "objects.csv:4: row has 6 fields, the header (line 1) has 9",
        "objects.csv:5: row has 11 fields, the header (line 1) has 9",
    ]
    assert "double quotes" in problems[0].fix
    assert [o.id for o in c.objects] == ["ding-01", "a-1"]
    assert c.objects[1].title["en"] == "A text\nover two lines"


def test_an_empty_id_cell_and_an_empty_title_cell_are_located_by_header(tmp_path):
    path = write_collection(tmp_path, MAPPED)
    write_csv(tmp_path, ",Nameless,无名,,,,,,\nd-4,,,,,,,,\n")
    c, problems = read_collection(path)
    assert [str(p) for p in problems] == [
        "objects.csv:2: Object number: the id cell is empty; give every row an id, or delete the row",
        "objects.csv:3: Title / 名称: object has no title; add title: {en: ...}",
    ]
    assert [o.id for o in c.objects] == ["ding-01", "d-4"]


def test_the_mapping_rejects_unknown_fields_languages_and_missing_ids(tmp_path):
    path = write_collection(
        tmp_path,
        """\
        id: c
        title: C
        csv:
          file: objects.csv
          delimiter: ";;"
          columns:
            titel: Title
            model.en: Scan file
            period.fr: Période
            metadata: Inventory
        """,
    )
    write_csv(tmp_path, "", header="Title;Scan file\n")
    _, problems = read_collection(path)
    assert [str(p) for p in problems] == [
        "collection.yaml:5: csv.delimiter: delimiter ';;' is not one character; write delimiter: \",\"",
        "collection.yaml:7: csv.columns.titel: unknown object field 'titel'; did you mean 'title'?",
        "collection.yaml:8: csv.columns.model.en: model is not a text: it has no language; write model: HEADER",
        "collection.yaml:9: csv.columns.period.fr: language 'fr' is not declared in languages ['en']; "
        "add fr to languages or remove this column",
        "collection.yaml:10: csv.columns.metadata: metadata needs a label; write metadata.LABEL: HEADER, "
        "e.g. metadata.Inventory: Inv. no.",
        "collection.yaml:6: csv.columns: no column is mapped to id; add id: HEADER",
        "collection.yaml:6: csv.columns: no column is mapped to title; add title: HEADER",
    ]


def test_a_csv_that_is_not_utf8_names_the_byte_and_line(tmp_path):
    path = write_collection(tmp_path, MAPPED)
    (tmp_path / "objects.csv").write_bytes(
        HEADER.encode() + "gui-02,Food,x,,,,,,\ne-5,Caf\u00e9,x,,,,,,\n".encode("cp1252")
    )
    c, problems = read_collection(path)
    assert len(problems) == 1
    assert problems[0].location == "objects.csv:3"
    assert problems[0].message.startswith("not UTF-8 text: byte 0xe9 at line 3, column 8")
    assert "UTF-8" in problems[0].fix and [o.id for o in c.objects] == ["ding-01"]
    text, bad = decode(b"\xef\xbb\xbfok\n\xff", "x.csv")  # after a BOM, offsets still count it
    assert text is None and bad is not None and "byte 0xff at line 2, column 1 (byte 6)" in bad.message


def test_a_semicolon_csv_and_a_plain_title_column_read(tmp_path):
    path = write_collection(
        tmp_path,
        """\
        id: c
        title: C
        languages: [zh, en]
        csv:
          file: data/export.csv
          delimiter: ";"
          list_separator: ","
          columns: {id: "No", title: Name, images: Photos}
        """,
    )
    (tmp_path / "data").mkdir()
    write_csv(tmp_path, "1;鼎;a.jpg, b.jpg\n", header="No;Name;Photos\n", name="data/export.csv")
    c, problems = read_collection(path)
    assert problems == [] and c.objects[0].title == {"zh": "鼎"} and c.objects[0].images == ("a.jpg", "b.jpg")
    assert c.objects[0].where == "data/export.csv row 2"


def test_validation_of_a_csv_object_points_at_its_row_and_header(tmp_path):
    path = write_collection(tmp_path, MAPPED)
    write_media(tmp_path, models=("models/ding.ply",), photos=("a.jpg",))
    write_csv(tmp_path, "gui-02,Food vessel,簋,,models/gui.ply,a.jpg|b.jpg,,,\nding-01,Dup,重,,,,,,\n")
    c, problems = read_collection(path)
    assert problems == []
    text = problems_text(validate_collection(c))
    assert "objects.csv:2: Scan file: model 'models/gui.ply' not found" in text
    assert "objects.csv:2: Photos: image 'b.jpg' not found" in text
    assert (
        "objects.csv:3: Object number: duplicate object id 'ding-01' (also at collection.yaml:6: objects[0].id)" in text
    )


def test_nest_shapes_cells_as_collection_yaml_writes_them():
    raw = nest(
        {"id": "x", "title": "Ding", "title.zh": "鼎", "tags": "a| b", "metadata.Inv. no": "7"},
        language="en",
        separator="|",
        lists=("images", "tags"),
    )
    assert raw == {
        "id": "x",
        "title": {"en": "Ding", "zh": "鼎"},
        "tags": [{"en": "a"}, {"en": "b"}],
        "metadata": {"Inv. no": {"en": "7"}},
    }


def test_a_csv_outside_the_collection_folder_is_reported_at_its_mapping_and_never_read(tmp_path):
    outside = tmp_path / "elsewhere.csv"
    write_csv(tmp_path, "leak,SECRET,,,,,,,\n", name="elsewhere.csv")
    root = tmp_path / "c"
    root.mkdir()
    (root / "link.csv").symlink_to(outside)
    for file, why in (
        ("link.csv", f"is a link to {outside}, outside the collection folder"),
        ("../elsewhere.csv", "leaves the collection folder"),
        (str(outside), "is absolute"),
    ):
        c, problems = read_collection(write_collection(root, MAPPED.replace("objects.csv", file)))
        assert [str(p).split(";")[0] for p in problems] == [f"collection.yaml:8: csv.file: csv file {file!r} {why}"]
        assert "collection's folder" in problems[0].fix
        assert [o.id for o in c.objects] == ["ding-01"]  # no row read


def test_an_unclosed_quote_is_reported_where_it_opened_and_does_not_swallow_rows_silently(tmp_path):
    path = write_collection(tmp_path, MAPPED)
    write_csv(tmp_path, 'a-1,"A text\nover two lines",甲,,,,,,\nb-2,"Bowl,乙,,,,,,\nc-3,C,丙,,,,,,\n')
    c, problems = read_collection(path)
    assert [p.location for p in problems] == ["objects.csv:4"]  # b-2's row starts on line 4
    assert "never closed" in problems[0].message and "close the quote" in problems[0].fix
    assert [o.id for o in c.objects] == ["ding-01", "a-1"]


def test_a_stray_quote_after_a_closed_one_is_a_problem_on_its_line(tmp_path):
    path = write_collection(tmp_path, MAPPED)
    write_csv(tmp_path, 'a-1,5" high,甲,,,,,,\nb-2,"Bowl" x,乙,,,,,,\n')
    c, problems = read_collection(path)
    assert [p.location for p in problems] == ["objects.csv:3"]
    assert [o.id for o in c.objects] == ["ding-01", "a-1"] and c.objects[1].title["en"] == '5" high'
