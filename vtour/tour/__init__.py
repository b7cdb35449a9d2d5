"""Tours: tour.yaml -> a built, validated tour folder, rebuilt incrementally; Marzipano and Pannellum in and out.

- :mod:`.document` -- read tour.yaml/JSON into frozen dataclasses (every shape problem located)
- :mod:`.deepzoom` -- the ``images:`` section: deep-zoom images and their annotated regions
- :mod:`.options` -- each scene's PanoOptions, model's ModelOptions and image's ImageOptions
- :mod:`.validate` -- every problem of a tour.yaml or a built tour, at once, with a fix
- :mod:`.schema` -- the tour.json JSON Schema (``vtour/schemas/tour-1.schema.json``)
- :mod:`.layout` -- where each file of a built tour lies, and "is this a built tour?"
- :mod:`.stages` -- the stage functions, their content-hash keys and the plan
- :mod:`.build` -- load, plan, run (processes or Dask), assemble atomically
- :mod:`.assemble` -- tour.json from the built stages, and the files written beside it
- :mod:`.peers` -- the tour as a Marzipano data.js and a Pannellum config (export)
- :mod:`.peer_import` -- a Marzipano data.js or a Pannellum config into a tour.yaml (import)
"""

from vtour.tour.build import BuildResult, StageRun, build_tour, load_valid_tour
from vtour.tour.deepzoom import Annotation, DeepZoomImage
from vtour.tour.document import Hotspot, Model, Scene, Tour, View, parse_tour, read_tour
from vtour.tour.peer_import import import_config, read_peer_config
from vtour.tour.peers import marzipano_data, pannellum_config
from vtour.tour.schema import check_tour_json, load_tour_json, schema_problems, tour_schema
from vtour.tour.validate import validate_built, validate_path, validate_tour

__all__ = [
    "Annotation",
    "BuildResult",
    "DeepZoomImage",
    "Hotspot",
    "Model",
    "Scene",
    "StageRun",
    "Tour",
    "View",
    "build_tour",
    "check_tour_json",
    "import_config",
    "load_tour_json",
    "load_valid_tour",
    "marzipano_data",
    "pannellum_config",
    "parse_tour",
    "read_peer_config",
    "read_tour",
    "schema_problems",
    "tour_schema",
    "validate_built",
    "validate_path",
    "validate_tour",
]
