"""VtourError: the message names step, file, field and value, and survives a process boundary."""

import pickle

from vtour.errors import Problem, VtourError


def test_message_names_step_file_field_value_and_fix():
    e = VtourError("pano", "faces have different sizes", path="/c/f.jpg", field="size", value=(512, 256),
                   fix="resize them to one size")
    assert str(e) == "pano: /c/f.jpg: size=(512, 256): faces have different sizes; resize them to one size"


def test_error_round_trips_through_pickle_for_worker_processes():
    e = VtourError("model", "NaN coordinates", path="/s.ply", field="vertex", value=7, fix="clean the scan")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is VtourError and str(back) == str(e) and back.value == 7


def test_problem_reads_as_location_message_fix():
    assert str(Problem("tour.yaml:3: scenes[0].id", "duplicate id 'a'", "rename one")) == \
        "tour.yaml:3: scenes[0].id: duplicate id 'a'; rename one"
