"""vtour.tour.layout: where each file of a built tour lies, and the one "is this a built tour?" check."""

from __future__ import annotations

import pytest

from vtour.errors import VtourError
from vtour.tour.layout import (
    NOT_BUILT,
    built_tour_folder,
    image_destination,
    is_built_tour,
    model_dir,
    require_built_tour,
    scene_dir,
)


@pytest.mark.parametrize("rel, dest", [
    ("a.png", "images/a.png"),
    ("images/a.png", "images/a.png"),
    ("panoramas/note.jpg", "images/panoramas/note.jpg"),
    ("./x/../images/b/c.jpg", "images/b/c.jpg"),
    ("plans\\floor.png", "images/plans/floor.png"),
])
def test_an_authored_image_goes_under_images_keeping_its_sub_folders(rel, dest):
    assert image_destination(rel) == dest


def test_stage_folders_are_named_after_their_id():
    assert (scene_dir("hall"), model_dir("buddha")) == ("scenes/hall", "models/buddha")


def test_a_built_tour_is_a_folder_with_a_tour_json_named_by_itself_or_its_tour_json(tmp_path):
    assert not is_built_tour(tmp_path)
    with pytest.raises(VtourError) as caught:
        require_built_tour(tmp_path, "package")
    assert (caught.value.step, caught.value.path, caught.value.message) == ("package", tmp_path, NOT_BUILT)
    assert "vtour build TOUR.yaml" in caught.value.fix
    (tmp_path / "tour.json").write_text("{}")
    assert is_built_tour(tmp_path) and require_built_tour(tmp_path, "package") == tmp_path
    assert built_tour_folder(tmp_path / "tour.json") == built_tour_folder(tmp_path) == tmp_path
