"""vtour: museum captures to virtual tours that run in any browser.

A capture becomes a tour through small stages, each a function of files to files. One subpackage
per stage, named after its noun:

- :mod:`vtour.pano` -- one panorama (equirect, cube faces or overlapping photos) to a tile pyramid.
- :mod:`vtour.model` -- one scan to levels of detail, each a compressed .glb, with a deviation report.
- :mod:`vtour.render` -- equirect panoramas (and lines of sight) ray-cast from a 3D scan of a space.
- :mod:`vtour.tour` -- tour.yaml to a validated document, a staged and cached build, a tour folder;
  Marzipano and Pannellum configs out and in.
- :mod:`vtour.sample` -- the sample grotto, generated procedurally (``vtour demo`` builds it).
- :mod:`vtour.commands` -- one thin module per ``vtour`` subcommand; :mod:`vtour.cli` is the command
  itself, the only place exceptions become exit codes.
- ``vtour/web/`` -- the browser viewer's JavaScript source, bundled into ``web/dist/``.

Delivery of a built tour: :mod:`vtour.site` (index.html and viewer/), :mod:`vtour.package` (a zip,
or an offline kiosk with :mod:`vtour.kiosk_launch`), :mod:`vtour.serve` (a Panel app around
:class:`vtour.panel_viewer.TourViewer`).

Shared, each written once: :mod:`vtour.conventions` (axes, angles, cube faces, tile paths, units),
:mod:`vtour.output` (output that appears complete or not at all), :mod:`vtour.errors` (the one
error users see), :mod:`vtour.images` (reading and writing raster images).
"""

from vtour.errors import VtourError

__version__ = "0.1.0"
__all__ = ["VtourError", "__version__"]
