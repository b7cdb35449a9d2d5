"""The one exception type users see, and the warning category for recoverable degradations.

Every message names the step, the file, the field and the value seen, and says what would fix it::

    pano: /data/cave.jpg: image size 4000x3000 is not 2:1 and no coverage was given;
    pass --hfov/--vfov for a partial panorama, or crop it to 2:1
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


class VtourError(Exception):
    """A problem with the user's input or options; the CLI prints it without a traceback.

    Parameters
    ----------
    step : str
        Pipeline step that found the problem (``"pano"``, ``"stitch"``, ``"model"``...).
    message : str
        What is wrong, in a sentence fragment: ``"faces have different sizes"``.
    path : str or Path, optional
        The file the problem is in.
    field : str, optional
        The option, key or property at fault.
    value : Any, optional
        The value seen (printed with ``repr``).
    fix : str, optional
        What the user can do about it.
    """

    def __init__(
        self,
        step: str,
        message: str,
        *,
        path: str | Path | None = None,
        field: str | None = None,
        value: Any = None,
        fix: str | None = None,
    ):
        self.step, self.message, self.path, self.field, self.value, self.fix = (step, message, path, field, value, fix)
        super().__init__(str(self))

    def __reduce__(self):
        # keyword-only fields: the default Exception pickling would call cls(str(self)) and fail,
        # and stage errors cross process (and Dask worker) boundaries
        return (_rebuild_error, (self.step, self.message, self.path, self.field, self.value, self.fix))

    def __str__(self) -> str:
        parts = [self.step]
        if self.path is not None:
            parts.append(str(self.path))
        if self.field is not None:
            parts.append(f"{self.field}={self.value!r}" if self.value is not None else self.field)
        text = ": ".join(parts) + ": " + self.message
        return text + (f"; {self.fix}" if self.fix else "")


def _rebuild_error(step, message, path, field, value, fix) -> VtourError:
    return VtourError(step, message, path=path, field=field, value=value, fix=fix)


class VtourWarning(UserWarning):
    """A recoverable degradation; the message says how to avoid it."""


@dataclass(frozen=True)
class Problem:
    """One problem found by a validator that reports everything at once."""

    location: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" + (f"; {self.fix}" if self.fix else "")
