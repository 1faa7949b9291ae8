"""The local server from `make neo4j-start` listens on loopback only and requires authentication."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from urllib.parse import urlparse

import psutil
import pytest

from neo4j_fixtures import neo4j_creds  # noqa: F401  (fixture)

pytestmark = pytest.mark.neo4j


@pytest.fixture
def ports(neo4j_creds):  # noqa: F811
    if urlparse(neo4j_creds["uri"]).hostname not in ("127.0.0.1", "localhost"):
        pytest.skip("NEO4J_URI points at a remote server, not the local one from scripts/neo4j.sh")
    return int(os.environ.get("NEO4J_BOLT_PORT", 7687)), int(os.environ.get("NEO4J_HTTP_PORT", 7474))


def test_bolt_and_http_listen_on_loopback_only(ports):
    listening = [c for c in psutil.net_connections(kind="tcp")
                 if c.status == psutil.CONN_LISTEN and c.laddr.port in ports]
    assert {c.laddr.port for c in listening} == set(ports)
    assert all(c.laddr.ip in ("127.0.0.1", "::1", "::ffff:127.0.0.1") for c in listening), listening


def test_http_api_refuses_requests_without_credentials(ports):
    req = urllib.request.Request(f"http://127.0.0.1:{ports[1]}/db/neo4j/tx/commit", method="POST",
                                 data=b'{"statements": [{"statement": "RETURN 1"}]}',
                                 headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 401
