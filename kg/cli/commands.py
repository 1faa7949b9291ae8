"""The kg commands. Each one parses options and calls a tested function elsewhere in kg."""

from __future__ import annotations

import click

from . import main
from .common import (EXIT_SKIPPED, emit, format_option, input_format_option, neo4j_options, progress_bar,
                     quiet_option, report_summary, resolve_password, store_option, workers_option)

INPUTS = click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False))


@main.command()
@INPUTS
@store_option
@input_format_option
@workers_option
@click.option("--keep-generic", is_flag=True,
              help='Keep generic phrases ("training", "objective function") as nodes too; by default they '
                   'stay in the extraction records only.')
@quiet_option
def build(inputs, store, fmt, workers, keep_generic, quiet):
    """Parse INPUTS, extract entities (new or changed papers only), build and persist the graph."""
    from ..pipeline import build as run_build

    with progress_bar(quiet, "Extracting") as update:
        result = run_build(list(inputs), store, fmt=fmt, workers=workers, progress=update,
                           keep_generic=keep_generic)
    report_summary(result.report, quiet)
    s = result.summary
    if not quiet:
        click.echo(f"{result.extracted} papers extracted, {result.cached} unchanged (cached); graph: "
                   f"{s['nodes']} nodes, {s['edges']} edges -> {store}", err=True)
    if result.report.skipped:
        raise SystemExit(EXIT_SKIPPED)


@main.command()
@INPUTS
@click.option("-o", "--output", default="-", show_default=True, help="Output JSONL file ('-' = stdout).")
@input_format_option
@workers_option
@click.option("--shard", default=None, metavar="I/N", callback=lambda ctx, p, v: _shard(v),
              help="Only papers whose stable id hash mod N is I (fan out over N machines: 0/N .. N-1/N).")
@quiet_option
def extract(inputs, output, fmt, workers, shard, quiet):
    """Extraction only: one JSON object per paper (format documented in README)."""
    from ..pipeline import extract as run_extract

    write = click.echo if output == "-" else None
    with progress_bar(quiet or output == "-", "Extracting") as update:
        report = run_extract(list(inputs), output, fmt=fmt, workers=workers, progress=update, write=write,
                             shard=shard)
    report_summary(report, quiet)
    if report.skipped:
        raise SystemExit(EXIT_SKIPPED)


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        i, n = (int(x) for x in value.split("/"))
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected I/N, e.g. 0/4") from None
    if not (n >= 1 and 0 <= i < n):
        raise click.BadParameter(f"{value!r}: need 0 <= I < N")
    return i, n


def emit_counts(nodes: dict, rels: dict, fmt: str) -> None:
    """Counts per node label and relationship type as kind/name/count rows."""
    rows = [{"kind": "node", "name": k, "count": v} for k, v in nodes.items()]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in rels.items()]
    emit(rows, fmt, ["kind", "name", "count"])


@main.command()
@store_option
@format_option
def stats(store, fmt):
    """Counts of nodes and relationships per kind, and the top entities per type."""
    from ..pipeline import stats as run_stats

    s = run_stats(store)
    if fmt == "json":
        emit([s], "json")
        return
    emit_counts(s["labels"], s["relationships"], fmt)
    if fmt == "table":
        click.echo(f"\n{s['nodes']} nodes, {s['edges']} edges, {s['papers_in_store']} papers in store")
        for label, names in s["top"].items():
            if names:
                click.echo(f"top {label}: {', '.join(names)}")


@main.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json", "csv", "cypher"]), required=True)
@click.option("-o", "--output", required=True, help="Output file (a directory for csv).")
def export(store, fmt, output):
    """Export the graph: GraphML, GEXF, node-link JSON, neo4j-admin CSV or a Cypher script."""
    from ..export import export as run_export
    from ..pipeline import load_store_graph

    path = run_export(load_store_graph(store), fmt, output)
    click.echo(f"wrote {path}", err=True)


@main.command()
@store_option
@click.option("--center", default=None, help="Entity or paper to centre on (fuzzy match).")
@click.option("--hops", type=click.IntRange(1, 5), default=1, show_default=True)
@click.option("--types", default=None, help="Comma-separated entity types, e.g. Method,Dataset.")
@click.option("--min-papers", type=click.IntRange(0), default=0, show_default=True)
@click.option("--max-nodes", type=click.IntRange(1), default=300, show_default=True)
@click.option("--site", "site_dir", default=None, type=click.Path(file_okay=False),
              help="Write a static site (index + one page per entity) into this directory instead.")
@click.option("-o", "--output", default="kg-view.html", show_default=True)
def view(store, center, hops, types, min_papers, max_nodes, site_dir, output):
    """Interactive offline HTML view (pyvis) of a subgraph or the top of the graph."""
    from ..pipeline import load_store_graph
    from ..view import render, render_site

    g = load_store_graph(store)
    if site_dir:
        info = render_site(g, site_dir)
        click.echo(f"wrote site to {site_dir} ({info})", err=True)
        return
    type_list = [t.strip() for t in types.split(",") if t.strip()] if types else None
    info = render(g, output, center=center, hops=hops, types=type_list, min_papers=min_papers, max_nodes=max_nodes)
    click.echo(f"wrote {output}: {info.get('nodes')} nodes, {info.get('edges')} edges"
               + (f"; {info['note']}" if info.get("note") else ""), err=True)


@main.command()
@store_option
@neo4j_options
@click.option("--batch-size", type=click.IntRange(1), default=5000, show_default=True,
              help="Rows per UNWIND transaction.")
@click.option("--writers", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Transactions written at once (scheduled so that they never lock the same node).")
@format_option
@quiet_option
def load(store, uri, user, password, database, batch_size, writers, fmt, quiet):
    """Load the store's graph into Neo4j (idempotent MERGE in UNWIND batches).

    Prints what the graph holds per label and relationship type (JSON: the whole summary, with what
    was created and the time taken)."""
    from ..neo4j import connect
    from ..pipeline import graph_size, load_store

    total = graph_size(store)
    conn = connect(uri, user, resolve_password(password), database)
    try:
        with progress_bar(quiet, "Loading", length=total) as update:
            summary = load_store(store, conn, batch_size=batch_size, progress=update, writers=writers)
    finally:
        conn.close()
    if fmt == "json":
        emit([summary], "json")
    else:
        emit_counts(summary["nodes"], summary["rels"], fmt)
    if not quiet:
        c = summary["created"]
        click.echo(f"loaded into {uri} ({database}) in {summary['seconds']} s: created {c['nodes']} nodes and "
                   f"{c['rels']} relationships (the rest were already there)", err=True)


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the named queries.")
@click.option("--param", "params", multiple=True, metavar="K=V", help="Query parameter (repeatable).")
@neo4j_options
@format_option
def query(name, list_, params, uri, user, password, database, fmt):
    """Run a named Cypher query from cypher/queries in a READ transaction."""
    from ..neo4j import connect
    from ..neo4j.queries import list_queries, run_query

    if list_ or not name:
        emit([{"name": q[0], "description": q[1], "params": q[2]} for q in list_queries()], fmt,
             ["name", "description", "params"])
        return
    values = {}
    for p in params:
        if "=" not in p:
            raise click.UsageError(f"--param {p!r}: expected KEY=VALUE")
        k, v = p.split("=", 1)
        values[k.strip()] = v
    conn = connect(uri, user, resolve_password(password), database)
    try:
        columns, rows = run_query(conn, name, values)
    finally:
        conn.close()
    emit([dict(zip(columns, r)) if not isinstance(r, dict) else r for r in rows], fmt, list(columns))


@main.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--pred", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Read predictions instead of running extraction.")
@click.option("--types", default="Method,Dataset,Metric,Task", show_default=True)
@click.option("--errors", "show_errors", is_flag=True, help="List false positives/negatives per paper.")
@format_option
def eval_(gold, pred, types, show_errors, fmt):
    """Precision/recall/F1 per type (strict and lenient) against GOLD.jsonl."""
    from ..evaluate import evaluate_cli

    evaluate_cli(gold, pred, [t for t in types.split(",") if t], show_errors, fmt, emit)


@main.command()
@click.option("-o", "--output", default=None, help="Model directory (default: the package's model).")
@click.option("--seed", default=0, show_default=True)
@click.option("--silver", type=int, default=None,
              help="Unlabelled SciTLDR abstracts to self-train on (default: all; 0: no self-training).")
@click.option("--teacher", type=click.Choice(["ensemble", "cnn"]), default="ensemble", show_default=True,
              help="Who tags them: 3 CNN NERs + a fine-tuned MiniLM voting (needs pip install 'kg[train]'), "
                   "or one CNN NER.")
@click.option("--heldout/--no-heldout", default=False, show_default=True,
              help="Also train on 80 papers and score the 20 held-out ones first (doubles the time; "
                   "python -m kg.extract.crossval gives the cross-validated scores).")
@click.option("--vectors/--no-vectors", default=None,
              help="Static word vectors distilled from MiniLM in the NER's tok2vec (kg.extract.vectors; needs "
                   "pip install 'kg[train]'). Default: as the config says.")
def train(output, seed, silver, teacher, heldout, vectors):
    """Train the statistical NER on the shared SciREX data, self-trained on SciTLDR abstracts (docs/model.md)."""
    from ..extract.train import VECTORS_FLAG, train as run_train

    result = run_train(output, seed=seed, silver=silver, teacher=teacher, heldout=heldout,
                       overrides=None if vectors is None else {VECTORS_FLAG: vectors})
    click.echo(result if isinstance(result, str) else __import__("json").dumps(result, indent=2))


@main.command()
@store_option
@click.option("--dataset", required=True)
@click.option("--metric", required=True)
@format_option
def leaderboard(store, dataset, metric, fmt):
    """Reported results on a dataset for a metric, best first."""
    from ..analysis import leaderboard as run
    from ..pipeline import load_store_graph

    emit(run(load_store_graph(store), dataset, metric), fmt,
         ["rank", "value", "unit", "method", "paper", "title", "raw"])


@main.command()
@store_option
@click.option("--type", "type_", default="Hardware", show_default=True,
              type=click.Choice(["Method", "Dataset", "Metric", "Task", "Hardware"]))
@format_option
def trends(store, type_, fmt):
    """Per-month paper counts per entity of a type, with each entity's first appearance."""
    from ..analysis import trends as run
    from ..pipeline import load_store_graph

    emit(run(load_store_graph(store), type_), fmt, ["entity", "month", "papers", "first_seen"])
