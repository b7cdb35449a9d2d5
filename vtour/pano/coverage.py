"""The part of the sphere an equirectangular image covers.

A full panorama covers 360 x 180 degrees. A partial one (a cropped GPano image, a stitched set of
photos) covers ``hfov`` degrees of longitude centred on ``yaw`` and ``vfov`` degrees of latitude
centred on ``pitch``, sampled uniformly in both (equirectangular). Angles follow
:mod:`vtour.conventions`: degrees, yaw positive right, pitch positive up.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from vtour.errors import VtourError


@dataclass(frozen=True)
class Coverage:
    """Angular extent of an equirectangular image, in degrees.

    Attributes
    ----------
    hfov : float
        Longitude span of the image width, in (0, 360].
    vfov : float
        Latitude span of the image height, in (0, 180].
    yaw : float
        Longitude of the image's centre column, in [-180, 180).
    pitch : float
        Latitude of the image's centre row; the image must stay within [-90, 90].
    """

    hfov: float = 360.0
    vfov: float = 180.0
    yaw: float = 0.0
    pitch: float = 0.0

    def __post_init__(self):
        for name in ("yaw", "pitch"):
            if not math.isfinite(getattr(self, name)):
                raise VtourError(
                    "pano", "the centre must be a finite number of degrees", field=name, value=getattr(self, name)
                )
        if not 0 < self.hfov <= 360:
            raise VtourError("pano", "horizontal coverage must be in (0, 360] degrees", field="hfov", value=self.hfov)
        if not 0 < self.vfov <= 180:
            raise VtourError("pano", "vertical coverage must be in (0, 180] degrees", field="vfov", value=self.vfov)
        if abs(self.pitch) + self.vfov / 2 > 90 + 1e-6:
            raise VtourError(
                "pano",
                f"vertical coverage {self.vfov} centred on pitch {self.pitch} goes past a pole",
                field="pitch",
                value=self.pitch,
                fix="lower vfov or move pitch towards 0",
            )

    @property
    def is_full(self) -> bool:
        return self.hfov >= 360 and self.vfov >= 180

    @property
    def wraps(self) -> bool:
        """True when the image's left and right edges meet (a full turn)."""
        return self.hfov >= 360

    @property
    def pitch_range(self) -> tuple[float, float]:
        return self.pitch - self.vfov / 2, self.pitch + self.vfov / 2

    @property
    def yaw_range(self) -> tuple[float, float]:
        return self.yaw - self.hfov / 2, self.yaw + self.hfov / 2

    def to_json(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict) -> Coverage:
        return cls(**{k: float(data[k]) for k in ("hfov", "vfov", "yaw", "pitch") if k in data})


FULL = Coverage()
