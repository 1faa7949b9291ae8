"""Options shared by several commands, and output helpers."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import time
from contextlib import contextmanager

import click

from ..store import DEFAULT_STORE

EXIT_SKIPPED = 3


def store_option(f):
    return click.option("--store", "store", default=lambda: os.environ.get("KG_STORE", DEFAULT_STORE),
                        show_default=DEFAULT_STORE, type=click.Path(file_okay=False),
                        help="Store directory (env KG_STORE).")(f)


def quiet_option(f):
    return click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary on stderr.")(f)


def format_option(f):
    return click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
                        show_default=True, help="Output format.")(f)


def input_format_option(f):
    from ..sources import FORMATS

    return click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default=None,
                        help="Force the input format (default: detect from name and content).")(f)


def workers_option(f):
    return click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
                        help="Extraction processes.")(f)


def neo4j_options(f):
    opts = [
        click.option("--uri", envvar="NEO4J_URI", default="bolt://127.0.0.1:7687", show_default=True,
                     help="Bolt URI (env NEO4J_URI)."),
        click.option("--user", envvar="NEO4J_USERNAME", default="neo4j", show_default=True,
                     help="User (env NEO4J_USERNAME)."),
        click.option("--password", envvar="NEO4J_PASSWORD", default=None, show_default=False,
                     help="Password (env NEO4J_PASSWORD; prompted when missing). Never printed."),
        click.option("--database", envvar="NEO4J_DATABASE", default="neo4j", show_default=True,
                     help="Database (env NEO4J_DATABASE)."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def resolve_password(password: str | None) -> str:
    if password:
        return password
    return click.prompt("Neo4j password", hide_input=True, err=True)


@contextmanager
def progress_bar(quiet: bool, label: str, length: int | None = None):
    """A progress bar on stderr (a running count when the total is unknown); nothing when quiet."""
    if quiet:
        yield lambda n: None
        return
    if length:
        with click.progressbar(length=length, label=label, file=sys.stderr, show_pos=True) as bar:
            yield bar.update
        return
    state = {"n": 0, "t": 0.0}

    def update(n: int) -> None:
        state["n"] += n
        now = time.monotonic()
        if now - state["t"] > 0.5:
            state["t"] = now
            click.echo(f"\r{label}: {state['n']} papers", err=True, nl=False)

    yield update
    if state["t"]:
        click.echo(f"\r{label}: {state['n']} papers", err=True)


def emit(rows: list[dict], fmt: str, columns: list[str] | None = None) -> None:
    """Print rows as a table, JSON or CSV on stdout."""
    columns = columns or (list(rows[0].keys()) if rows else [])
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: _cell(r.get(k)) for k in columns})
        click.echo(buf.getvalue(), nl=False)
        return
    if not rows:
        click.echo("(no rows)")
        return
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [min(60, max(len(str(c)), *(len(x[i]) for x in cells))) for i, c in enumerate(columns)]
    click.echo("  ".join(str(c).ljust(w) for c, w in zip(columns, widths)))
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(x[:w].ljust(w) for x, w in zip(row, widths)))


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def report_summary(report, quiet: bool) -> None:
    for w in report.warnings[:50]:
        click.echo(f"warning: {w}", err=True)
    if len(report.warnings) > 50:
        click.echo(f"warning: ... and {len(report.warnings) - 50} more", err=True)
    if not quiet:
        click.echo(report.summary(), err=True)
