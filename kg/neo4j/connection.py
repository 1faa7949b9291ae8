"""Connecting to Neo4j: one small wrapper around the official driver with fix-it error messages."""

from __future__ import annotations

import logging

from ..errors import Neo4jError

log = logging.getLogger("kg.neo4j")

START_HINT = "start the local server with `make neo4j-start` (or `bash scripts/neo4j.sh start`)"


class Connection:
    """A driver bound to one database. Use as a context manager or call ``close()``."""

    def __init__(self, driver, uri: str, user: str, database: str):
        self.driver = driver
        self.uri = uri
        self.user = user
        self.database = database

    def session(self, **kwargs):
        kwargs.setdefault("database", self.database)
        return self.driver.session(**kwargs)

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:  # never shows the password
        return f"Connection({self.uri!r}, user={self.user!r}, database={self.database!r})"


def safe_uri(uri: str) -> str:
    """The URI without any user:password@ part, for messages and logs."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(uri)
        if parts.username is None and parts.password is None:
            return uri
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "<unparseable URI>"


def _scrub(text: str, uri: str, secrets: tuple[str, ...]) -> str:
    text = text.replace(uri, safe_uri(uri))
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text


def connect(uri: str = "bolt://127.0.0.1:7687", user: str = "neo4j", password: str | None = None,
            database: str = "neo4j", timeout: float = 10.0) -> Connection:
    """Open and verify a connection; raise :class:`Neo4jError` saying how to fix any failure."""
    from neo4j import GraphDatabase
    from neo4j import exceptions as nx

    if not password:
        raise Neo4jError("no Neo4j password given: set NEO4J_PASSWORD (or pass --password)")
    database = database or "neo4j"
    raw_uri = uri
    from urllib.parse import unquote, urlsplit

    try:
        _p = urlsplit(raw_uri)
        secrets = tuple(x for x in (password, _p.password, _p.password and unquote(_p.password)) if x)
    except ValueError:
        secrets = (password,)
    uri = safe_uri(raw_uri)  # never echo a password written into the URI
    if uri != raw_uri:
        raise Neo4jError(f"put no user or password in the Neo4j URI ({uri}): use NEO4J_USERNAME/NEO4J_PASSWORD")
    try:
        driver = GraphDatabase.driver(raw_uri, auth=(user, password), connection_timeout=timeout,
                                      connection_acquisition_timeout=timeout, max_transaction_retry_time=15.0,
                                      notifications_min_severity="OFF")
    except (ValueError, nx.ConfigurationError) as e:
        raise Neo4jError(f"bad Neo4j URI {uri!r}: {_scrub(str(e), raw_uri, secrets)}. Use e.g. bolt://127.0.0.1:7687 (env NEO4J_URI)") from e
    try:
        driver.verify_connectivity()
        with driver.session(database=database) as s:
            s.run("RETURN 1").consume()
    except nx.AuthError as e:
        driver.close()
        raise Neo4jError(
            f"Neo4j at {uri} rejected user {user!r}: wrong username or password. Set NEO4J_USERNAME/"
            f"NEO4J_PASSWORD to the server's credentials (the local server's password is the NEO4J_PASSWORD "
            f"it was first started with; `bash scripts/neo4j.sh reset` wipes it)") from e
    except (nx.ServiceUnavailable, nx.SessionExpired, OSError) as e:
        driver.close()
        raise Neo4jError(f"cannot reach Neo4j at {uri}: {_scrub(str(e), raw_uri, secrets)}. Is the server running? {START_HINT}; "
                         f"or point NEO4J_URI at your server") from e
    except nx.ClientError as e:
        driver.close()
        if "DatabaseNotFound" in (e.code or ""):
            raise Neo4jError(f"Neo4j at {uri} has no database {database!r}. Community edition has only "
                             f"'neo4j' (and 'system'): set NEO4J_DATABASE=neo4j or create the database") from e
        raise Neo4jError(f"Neo4j at {uri} refused the connection check: {e.code}: {e.message}") from e
    except nx.Neo4jError as e:
        driver.close()
        raise Neo4jError(f"Neo4j at {uri}: {e.code}: {e.message}") from e
    except nx.DriverError as e:
        driver.close()
        raise Neo4jError(f"Neo4j driver error talking to {uri}: {_scrub(str(e), raw_uri, secrets)}") from e
    log.debug("connected to %s database %s", uri, database)
    return Connection(driver, uri, user, database)
