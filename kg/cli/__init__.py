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


def keep_torch_out() -> None:
    """Make ``import torch`` fail in this process (and its forked workers) unless it already happened.

    No kg command but ``kg train`` uses torch, yet thinc (spaCy's ML library) imports it at import time
    whenever it is installed, e.g. by the ``kg[train]`` extra: +0.5 GB of memory and +1.5 s of start-up
    per process for nothing. Without torch thinc runs exactly as in an environment that lacks it."""
    if "torch" not in sys.modules and "thinc" not in sys.modules:
        sys.modules["torch"] = None  # type: ignore[assignment]  (the import system's "not importable")


@click.group(cls=KgGroup)
@click.version_option(package_name="kg")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """kg: knowledge graphs of ML papers (methods, datasets, metrics, tasks, hardware)."""
    if ctx.invoked_subcommand != "train":
        keep_torch_out()
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


from . import commands  # noqa: E402,F401  (registers the commands)
from . import audit  # noqa: E402,F401  (registers kg audit)
