"""Subcommands of the ``vtour`` command line, one module each (see :mod:`vtour.cli`).

The options of ``vtour pano`` and ``vtour model`` are not listed here: :func:`add_option_arguments`
adds one argument per flag that :class:`vtour.pano.PanoOptions` and :class:`vtour.model.ModelOptions`
declare (:mod:`vtour.option_spec`), and :func:`options_from_args` reads them back.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from vtour.option_spec import Option, declared, values_from_flags

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


def _add(parser: argparse.ArgumentParser, opt: Option, dest: str, default: Any) -> None:
    # SUPPRESS: a flag the user did not give leaves no attribute, so the options keep their
    # dataclass default (one home) instead of a copy of it made here
    if opt.flag is None:
        raise ValueError(f"{dest} has no flag")
    kwargs: dict[str, Any] = {"dest": dest, "default": argparse.SUPPRESS, "help": opt.help_text(default)}
    if opt.switch:
        kwargs["action"] = "store_false" if default else "store_true"
    else:
        kwargs.update(type=opt.parse, choices=opt.choices, nargs=opt.nargs, metavar=opt.metavar)
    parser.add_argument(opt.flag, *opt.aliases, **kwargs)


def add_option_arguments(parser: argparse.ArgumentParser, defaults: Any) -> None:
    """One argument per flag declared on the fields of ``defaults``' class (an options dataclass),
    in field order; a field given in parts (a coverage) gets one per part."""
    for f, opt in declared(type(defaults)):
        if opt.parts:
            for name, part in opt.parts:
                _add(parser, part, name, None)
        elif opt.flag is not None:
            _add(parser, opt, f.name, getattr(defaults, f.name))


def options_from_args(defaults: T, args: argparse.Namespace) -> T:
    """``defaults`` with the flags the user gave (arguments added by :func:`add_option_arguments`).

    Raises
    ------
    VtourError
        A value the options refuse (their ``__post_init__``), naming the field and the value.
    """
    return replace(defaults, **values_from_flags(type(defaults), vars(args)))
