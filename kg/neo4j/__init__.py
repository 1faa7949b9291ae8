"""Neo4j: connect, load the graph (idempotent MERGE batches), count, and run named read-only queries.

    from kg.neo4j import connect, load_graph, counts
    from kg.neo4j.queries import list_queries, run_query

See docs/neo4j.md. Cypher text lives in the packaged ``cypher/`` folder (``kg.cypher``).
"""

from .connection import Connection, connect
from .load import counts, load_graph, load_stream
from .queries import list_queries, run_query

__all__ = ["Connection", "connect", "load_graph", "load_stream", "counts", "list_queries", "run_query"]
