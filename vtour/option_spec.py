"""How an option is offered to users, declared once on its dataclass field.

:class:`vtour.pano.PanoOptions` and :class:`vtour.model.ModelOptions` hold, in each field's
metadata (``field(default=..., metadata=option(...))``), an :class:`Option`: its help line, its
command-line flag (or why it has none) and its tour.yaml key (or none). Everything else derives from
it: the arguments of ``vtour pano`` and ``vtour model`` (:mod:`vtour.commands`), the keys a tour.yaml's
``pano:`` and ``lod:`` blocks accept (:mod:`vtour.tour.document`), the values those keys give
(:mod:`vtour.tour.options`), and the tables of ``docs/tour-yaml.md`` (checked by tests/test_docs.py).
A field declared without an :class:`Option` is a defect the tests report, so a new option is offered
everywhere or is explicitly kept off a surface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import Field, dataclass, fields
from typing import Any

_KEY = "option"


@dataclass(frozen=True)
class Option:
    """How one options field (or one part of it) is offered on the command line and in tour.yaml.

    Attributes
    ----------
    flag : str or None
        The command-line flag (``"--tile-size"``); None keeps the field off the command line, and
        ``why`` must then say why.
    help : str
        The flag's help line; ``{default}`` in it is replaced by the default as ``show`` writes it.
    tour : str or None
        The key in a tour.yaml ``pano:`` or ``lod:`` block; None: not settable there.
    why : str
        Why the field has no flag (only then).
    aliases : tuple of str
        More flags meaning the same (``--license`` for ``--licence``).
    metavar, choices, nargs
        As in :meth:`argparse.ArgumentParser.add_argument`; ``nargs`` gives a tuple.
    parse : callable or None
        Flag text -> value (``int``, ``float``, ``Level.parse``); None keeps the text.
    switch : bool
        A flag without a value that sets the opposite of the default (``--no-antialias``).
    show : callable
        The default as the help line writes it.
    from_tour : callable or None
        tour.yaml value -> field value; for a field in ``parts``, the mapping of the parts given.
        None takes the value as written.
    from_flags : callable or None
        For a field in ``parts``: the mapping of the part flags given -> field value, or None to
        keep the default.
    parts : tuple of (name, Option)
        A field given as several flags and keys (a coverage: ``hfov``, ``vfov``, ``yaw``, ``pitch``);
        each part's Option names its flag and key, the field's own ``flag`` and ``tour`` are None.
    """

    flag: str | None
    help: str
    tour: str | None = None
    why: str = ""
    aliases: tuple[str, ...] = ()
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    nargs: str | None = None
    parse: Callable[[str], Any] | None = None
    switch: bool = False
    show: Callable[[Any], str] = str
    from_tour: Callable[[Any], Any] | None = None
    from_flags: Callable[[dict[str, Any]], Any] | None = None
    parts: tuple[tuple[str, Option], ...] = ()

    def __post_init__(self):
        if self.flag is None and not self.parts and not self.why:
            raise ValueError(f"option {self.help!r} has no flag and does not say why")

    def help_text(self, default: Any) -> str:
        return self.help.replace("{default}", self.show(default))


def option(flag: str | None, help: str, **details: Any) -> dict[str, Option]:
    """Field metadata declaring an :class:`Option`: ``field(default=..., metadata=option(...))``."""
    return {_KEY: Option(flag, help, **details)}


def declared(cls: type) -> Iterator[tuple[Field, Option]]:
    """Each field of an options dataclass with its :class:`Option`, in field order.

    Raises
    ------
    TypeError
        A field declared without one (so it cannot be forgotten on a surface).
    """
    for f in fields(cls):
        if _KEY not in f.metadata:
            raise TypeError(f"{cls.__name__}.{f.name} has no Option in its metadata; declare it with option()")
        yield f, f.metadata[_KEY]


def tour_keys(cls: type) -> tuple[str, ...]:
    """The tour.yaml keys of an options dataclass, in field order (parts in their order)."""
    keys: list[str] = []
    for _, opt in declared(cls):
        keys += [part.tour for _, part in opt.parts if part.tour] if opt.parts else [opt.tour] if opt.tour else []
    return tuple(keys)


def values_from_tour(cls: type, given: Mapping[str, Any]) -> dict[str, Any]:
    """Field name -> value for the tour.yaml keys in ``given`` (other keys are left out).

    Raises whatever a field's ``from_tour`` raises for a bad value (VtourError, ValueError...).
    """
    out: dict[str, Any] = {}
    for f, opt in declared(cls):
        if opt.parts:
            keys = [part.tour for _, part in opt.parts if part.tour is not None]
            parts = {k: given[k] for k in keys if k in given}
            if parts:
                out[f.name] = opt.from_tour(parts) if opt.from_tour else parts
        elif opt.tour is not None and opt.tour in given:
            value = given[opt.tour]
            out[f.name] = opt.from_tour(value) if opt.from_tour else value
    return out


def values_from_flags(cls: type, given: Mapping[str, Any]) -> dict[str, Any]:
    """Field name -> value for the flags the user gave; ``given`` maps a field's (or a part's) name
    to the parsed flag value, as ``vars(args)`` does when each flag's default is ``SUPPRESS``."""
    out: dict[str, Any] = {}
    for f, opt in declared(cls):
        if opt.parts:
            parts = {name: given[name] for name, _ in opt.parts if name in given}
            value = opt.from_flags(parts) if opt.from_flags and parts else None
            if value is not None:
                out[f.name] = value
        elif opt.flag is not None and f.name in given:
            out[f.name] = tuple(given[f.name]) if opt.nargs else given[f.name]
    return out
