"""Shared fixtures: the sample corpus shipped in examples/, and where ../shared is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "hf-daily-papers.txt"
SHARED = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def sample_graph():
    from kg.pipeline import build_graph

    return build_graph([str(SAMPLE)])


@pytest.fixture(scope="session")
def artifacts() -> Path:
    p = ROOT / "test-artifacts"
    p.mkdir(exist_ok=True)
    return p
