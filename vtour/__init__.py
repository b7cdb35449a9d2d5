"""vtour: museum captures to virtual tours that run in any browser.

The pipeline is a set of small stages, each a function of files to files:

- :mod:`vtour.pano` -- one panorama (equirect, cube faces or photos) to a tile pyramid.
- :mod:`vtour.cli` -- the ``vtour`` command; the only place exceptions become exit codes.

Conventions (axes, angles, cube faces, tile paths) are written once, in :mod:`vtour.conventions`.
"""

from vtour.errors import VtourError

__version__ = "0.1.0"
__all__ = ["VtourError", "__version__"]
