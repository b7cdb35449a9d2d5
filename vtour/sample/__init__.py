"""The sample grotto: a procedural painted cave with a scanned-looking statue, rendered to
panoramas, with a tour.yaml whose hotspots are computed from the geometry. ``vtour demo`` builds
and serves it on any machine, with nothing to download.

``write_sample(folder, SampleOptions(seed=0))`` writes::

    folder/tour.yaml                 id vtour-sample, texts in en and zh (written last: its
                                     presence means the sample is complete)
    folder/panoramas/<scene>.jpg     equirect panoramas rendered from the cave and the statue
    folder/models/statue.obj (+.mtl, statue_0.png)      the statue, about 1 M triangles, metres,
                                     with a chip lost since the earlier scan
    folder/models/statue-2019.obj (+.mtl, statue-2019_0.png)   the earlier scan of the intact
                                     statue, in a frame of its own (tour.yaml: previous:)
    folder/models/grotto.obj (+.mtl, grotto_<k>.png)    the empty cave, for ``vtour render``
    folder/images/mural.jpg          the north wall's preaching scene at full resolution (6000 x 3000),
                                     a deep-zoom image with two annotated regions (tour.yaml: images:),
                                     opened by the north wall's info hotspots
    folder/narration/entrance.<en|zh>.wav, .vtt      the entrance's narration: a synthesized chime
                                     (16 kHz mono WAV, 4.5 s) and WebVTT captions of its description
    folder/narration/preaching-south.<en|zh>.wav, .vtt   the same for the first info hotspot on the south
                                     mural (it shows its text; the north wall's open the deep-zoom image,
                                     which plays no narration)
                                     (tour.yaml also has a kiosk: section: attract loop, idle times)

The same seed and options give the same bytes (tests/test_sample.py checks it on a small size).
"""

from vtour.sample.write import (
    DEFAULT_SAMPLE_OPTIONS,
    SAMPLE_ID,
    TINY_SAMPLE_OPTIONS,
    SampleOptions,
    SampleResult,
    sample_is_complete,
    write_sample,
)

__all__ = [
    "DEFAULT_SAMPLE_OPTIONS",
    "SAMPLE_ID",
    "TINY_SAMPLE_OPTIONS",
    "SampleOptions",
    "SampleResult",
    "sample_is_complete",
    "write_sample",
]
