"""Credentials never leak: not in CLI output, not in logs (DEBUG), not in the store directory.

No server needed: the Neo4j URI points at a closed port, so every command fails at connect time,
the path where error messages (and their leaks) are written. (HTML escaping is tested with the viewer.)
"""

from __future__ import annotations

import json
import logging

import pytest
from click.testing import CliRunner

from kg.cli import main

SECRET = "SECRETPW123"
DEAD = "bolt://127.0.0.1:1"
PAPERS = [
    {"id": "p1", "title": "Deep Residual Learning for Image Recognition",
     "abstract": "We present a residual learning framework and evaluate it on ImageNet and CIFAR-10."},
    {"id": "p2", "title": "Attention Is All You Need",
     "abstract": "We propose the Transformer and report 28.4 BLEU on WMT 2014 English-to-German."},
]


@pytest.fixture()
def store(tmp_path):
    src = tmp_path / "papers.jsonl"
    src.write_text("".join(json.dumps(p) + "\n" for p in PAPERS), encoding="utf-8")
    store = tmp_path / "store"
    r = CliRunner().invoke(main, ["build", str(src), "--store", str(store), "-q"])
    assert r.exit_code == 0, r.output
    return store


def _no_secret(result, caplog):
    assert SECRET not in result.output
    assert SECRET not in (getattr(result, "stderr", "") or "")
    assert SECRET not in caplog.text
    for rec in caplog.records:  # formatted messages, arguments and attached exceptions
        assert SECRET not in rec.getMessage()
        assert SECRET not in repr(rec.args)
        if rec.exc_info and rec.exc_info[1] is not None:
            assert SECRET not in str(rec.exc_info[1])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert SECRET not in str(result.exception)


def _clean_failure(result, says: str = "cannot reach Neo4j"):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert says in result.output
    assert "neo4j-start" in result.output or "NEO4J_URI" in result.output  # says how to fix it


@pytest.mark.parametrize("verbose", [[], ["-v"]])
def test_load_never_prints_or_logs_the_password(store, caplog, verbose):
    caplog.set_level(logging.DEBUG)
    result = CliRunner().invoke(main, verbose + ["load", "--store", str(store), "--password", SECRET, "--uri", DEAD])
    _no_secret(result, caplog)
    _clean_failure(result)


@pytest.mark.parametrize("verbose", [[], ["-v"]])
def test_query_never_prints_or_logs_the_password(caplog, verbose):
    caplog.set_level(logging.DEBUG)
    result = CliRunner().invoke(main, verbose + ["query", "top_entities", "--password", SECRET, "--uri", DEAD])
    _no_secret(result, caplog)
    _clean_failure(result)


def test_password_from_env_and_from_prompt_is_not_echoed(store, caplog):
    caplog.set_level(logging.DEBUG)
    r = CliRunner().invoke(main, ["load", "--store", str(store), "--uri", DEAD], env={"NEO4J_PASSWORD": SECRET})
    _no_secret(r, caplog)
    _clean_failure(r)
    r = CliRunner().invoke(main, ["load", "--store", str(store), "--uri", DEAD], env={"NEO4J_PASSWORD": ""},
                           input=SECRET + "\n")
    _no_secret(r, caplog)
    _clean_failure(r)
    assert "password" in r.output.lower()  # the prompt was shown, the typed password was not


def test_bad_uri_fails_clearly_without_the_password(store, caplog):
    caplog.set_level(logging.DEBUG)
    r = CliRunner().invoke(main, ["load", "--store", str(store), "--password", SECRET, "--uri", "http//nonsense"])
    _no_secret(r, caplog)
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    assert "NEO4J_URI" in r.output or "bolt://" in r.output


def test_store_never_holds_the_password(store, caplog):
    for args in (["load", "--store", str(store), "--password", SECRET, "--uri", DEAD],
                 ["-v", "load", "--store", str(store), "--password", SECRET, "--uri", DEAD]):
        CliRunner().invoke(main, args)
    CliRunner().invoke(main, ["build", str(store.parent / "papers.jsonl"), "--store", str(store), "-q"],
                       env={"NEO4J_PASSWORD": SECRET})
    files = [p for p in store.rglob("*") if p.is_file()]
    assert files
    for p in files:
        assert SECRET.encode() not in p.read_bytes(), f"{p} contains the password"


def test_password_inside_the_uri_is_not_echoed(store, caplog):
    caplog.set_level(logging.DEBUG)
    r = CliRunner().invoke(main, ["load", "--store", str(store), "--password", "x",
                                  "--uri", f"bolt://neo4j:{SECRET}@127.0.0.1:1"])
    assert r.exit_code == 1, r.output
    _no_secret(r, caplog)
    assert "NEO4J_PASSWORD" in r.output  # says where the password goes instead
