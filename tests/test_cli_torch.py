"""kg commands do not import torch even where the kg[train] extra installed it (thinc would, at import)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "sources"


def fake_torch(tmp_path: Path) -> tuple[Path, Path]:
    """A package named torch that only leaves a marker file when something imports it."""
    marker = tmp_path / "torch-was-imported"
    pkg = tmp_path / "site" / "torch"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    return tmp_path / "site", marker


def run_kg(args: list[str], site: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", *args], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)


def test_the_fake_torch_is_what_thinc_would_import(tmp_path):
    """Control: without kg's guard, importing spaCy imports the (fake) torch."""
    site, marker = fake_torch(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(site)}
    subprocess.run([sys.executable, "-c", "import spacy"], env=env, check=True, timeout=300)
    assert marker.exists()


def test_kg_extract_runs_without_importing_torch(tmp_path):
    site, marker = fake_torch(tmp_path)
    r = run_kg(["extract", str(FIXTURES / "hf-page.txt"), "-o", "out.jsonl", "--quiet"], site, tmp_path)
    assert r.returncode == 0, r.stderr
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert records and any(rec["entities"] for rec in records)
    assert not marker.exists()
