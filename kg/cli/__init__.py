"""The `kg` command line: parses options and calls importable functions (kg.pipeline, kg.export, ...).

Exit codes: 0 all good; 1 an error (message says how to fix it); 2 usage error;
3 the run completed but some input records were skipped (see the warnings).
"""

from __future__ import annotations

import logging
import sys

import click

from ..errors import KgError
from .common import EXIT_SKIPPED, emit, format_option, quiet_option, store_option  # noqa: F401


class KgGroup(click.Group):
    """Turns KgError into a clean message (exit 1) instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KgError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=KgGroup)
@click.version_option(package_name="kg")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
def main(verbose: bool) -> None:
    """kg: knowledge graphs of ML papers (methods, datasets, metrics, tasks, hardware)."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


from . import commands  # noqa: E402,F401  (registers the commands)
