"""`kg audit sample|score`: measure graph quality with a person's labels (docs/audit.md)."""

from __future__ import annotations

from pathlib import Path

import click

from . import main
from .common import emit, format_option, quiet_option, store_option

MAX_WARNINGS = 50


@main.group()
def audit():
    """Measure graph quality: sample entity nodes, label them by hand, score any store.

    \b
    1. kg audit sample --store DIR -n 60 -o audit.tsv
    2. fill the `label` column of each row (and `duplicate_of`, `note` when useful):
         GOOD        names one specific entity and the type is right
         GENERIC     a generic phrase, not a nameable entity ("learning process",
                     "SOTA", "efficiency")
         WRONG_TYPE  a specific entity under the wrong label (a loss as Metric,
                     a model as Dataset)
         BROKEN      a truncated/garbled span or not an entity at all
                     ("the art residual", "et al")
       duplicate_of: the name of another node of the graph that is the same
       entity (with any label). Rows left without a label are skipped.
    3. kg audit score audit.tsv --store DIR   (the sampled store or a rebuilt one)

    Details and the meaning of each score: docs/audit.md."""


@audit.command(short_help="Write a seeded sample of entity nodes to a TSV for labelling.")
@store_option
@click.option("-n", "n", type=click.IntRange(1), default=60, show_default=True,
              help="Nodes per type (all of the type when it has fewer).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The TSV to write (refuses to overwrite an existing file without --force).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same graph + seed = same file.")
@click.option("--types", default=None,
              help="Comma-separated entity types (default: Method,Dataset,Metric,Task,Hardware).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT even if it exists (it may hold someone's labels).")
@quiet_option
def sample(store, n, output, seed, types, force, quiet):
    """Write a seeded random sample of N entity nodes per type to a TSV for labelling.

    Columns: type, name, label, duplicate_of, note (the three to fill in), then context: papers,
    aliases, evidence (one sentence of the first paper that mentions it), paper_title, similar (other
    nodes that look like the same entity, e.g. "Method:recurrent neural networks" for RNN) and node."""
    from ..audit import check_types, sample_nodes, write_sample
    from ..pipeline import load_store_graph

    type_list = check_types(types.split(",") if types else None)  # before the graph is loaded
    if Path(output).exists() and not force:
        raise click.ClickException(f"{output} exists and may hold labels: choose another -o or add --force")
    rows = sample_nodes(load_store_graph(store), n, seed=seed, types=type_list)
    write_sample(rows, output)
    if not quiet:
        per = {t: sum(r["type"] == t for r in rows) for t in type_list}
        click.echo(f"wrote {len(rows)} rows to {output} ("
                   + ", ".join(f"{t} {k}" for t, k in per.items())
                   + "); fill the label column, then `kg audit score`", err=True)


@audit.command(short_help="Score labelled TSVs against a store, per type and overall.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@store_option
@format_option
def score(files, store, fmt):
    """Score labelled audit TSVs (FILES) against a store's graph, per type and overall.

    \b
    sampled     labelled rows
    present     rows whose name (or alias) is a node of their type in this store
    good_share  present GOOD rows / present rows (share of nodes specific and correctly typed)
    good_kept   share of GOOD rows still present under their type
    junk_gone   share of GENERIC/BROKEN rows present under no type, WRONG_TYPE rows
                not under their type
    dup_left    rows whose duplicate_of still names a different node; dup_share =
                dup_left / present"""
    from ..audit import SCORE_COLUMNS, read_labels, score as run_score
    from ..errors import AuditError
    from ..pipeline import load_store_graph

    warnings: list[str] = []
    labels = [row for f in files for row in read_labels(f, warnings)]
    for w in warnings[:MAX_WARNINGS]:
        click.echo(f"warning: {w}", err=True)
    if len(warnings) > MAX_WARNINGS:
        click.echo(f"warning: ... and {len(warnings) - MAX_WARNINGS} more rows skipped", err=True)
    if not labels:
        raise AuditError(f"no labelled rows in {', '.join(files)}: fill the label column with GOOD, GENERIC, "
                         "WRONG_TYPE or BROKEN (see `kg audit --help`)")
    emit(run_score(labels, load_store_graph(store)), fmt, SCORE_COLUMNS)


@audit.command(short_help="Recall of SciREX salient entities as graph links.")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@store_option
@format_option
@click.option("--missed", is_flag=True, help="List the missed clusters (shortest mention of each) too.")
def salient(gold, store, fmt, missed):
    """Of the salient entities of GOLD (SciREX-style JSONL: id, title, abstract, salient) that appear in
    the paper's title or abstract, the share the store's graph links to the paper under the same type,
    matching a node's name or alias with the official scorer's normalisation. Build the store from the
    same records first: kg build GOLD --store DIR."""
    from ..pipeline import load_store_graph
    from ..recall import read_gold, salient_recall

    result = salient_recall(read_gold(gold), load_store_graph(store))
    rows = [{"type": t, **{k: v for k, v in r.items() if k != "missed"},
             **({"missed": " | ".join(r["missed"])} if missed else {})} for t, r in result.items()]
    emit(rows, fmt, ["type", "clusters", "linked", "recall"] + (["missed"] if missed else []))


@audit.command(short_help="Share of papers naming their contribution that get a PROPOSES edge.")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
@store_option
@format_option
def proposes(labels, store, fmt):
    """LABELS is a TSV with columns id and own_name: the name a paper gives its own contribution, as
    written in its title or abstract (several joined with " | "; empty when it names none). Reports how
    many of the store's labelled papers that name one have a PROPOSES edge to it, and lists the misses."""
    from ..pipeline import load_store_graph
    from ..recall import proposes_recall, read_proposals

    r = proposes_recall(read_proposals(labels), load_store_graph(store))
    emit([{k: v for k, v in r.items() if k != "missed"} | {"missed": " | ".join(r["missed"])}], fmt,
         ["papers", "naming", "proposes", "recall", "missed"])
