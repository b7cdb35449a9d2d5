"""Subcommands of the ``vtour`` command line, one module each (see :mod:`vtour.cli`)."""
