"""One exception root for everything kg raises on purpose.

Each subclass's message says what went wrong *and* how to fix it; the CLI turns any
KgError into a ``click.ClickException`` (exit 1) at the edge.
"""


class KgError(Exception):
    """Root of all kg errors."""

    exit_code = 1


class InputError(KgError):
    """An input file cannot be read at all (missing, unknown format, nothing parseable)."""


class RecordError(KgError):
    """One record in an input is bad; it is skipped and counted, the run goes on."""

    def __init__(self, message: str, path: str = "", line: int | None = None):
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}" if where else message)


class StoreError(KgError):
    """The on-disk store is missing, locked by another run, or unreadable."""


class StoreLockedError(StoreError):
    """Another kg process holds the store lock."""


class ModelError(KgError):
    """The extraction model or lexicons cannot be loaded or trained."""


class Neo4jError(KgError):
    """Talking to Neo4j failed (unreachable, bad credentials, missing database)."""


class QueryError(KgError):
    """A named Cypher query is unknown, malformed, writes, or got bad parameters."""


class ViewError(KgError):
    """A view cannot be produced (unknown centre node, empty selection)."""


class AuditError(KgError):
    """A graph-quality audit cannot run (unknown entity type, a labels file that is not an audit TSV)."""
