"""The wheel a user installs holds every file of the package: lexicons, wordlists, Cypher, the model."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def tracked(*paths: str) -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", *paths], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the list of package files comes from `git ls-files`")
    return out.stdout.split()


def test_the_wheel_contains_every_tracked_package_file(tmp_path):
    files = tracked("kg", "cypher", "pyproject.toml", "README.md")
    src = tmp_path / "src"
    for f in files:  # a clean copy, so setuptools' build/ and egg-info never land in the checkout
        (src / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, src / f)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path / "dist"), str(src)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("kg-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    # cypher/ is installed as the package kg.cypher (pyproject package-dir)
    wanted = {("kg/" + f) if f.startswith("cypher/") else f for f in files if f.startswith(("kg/", "cypher/"))}
    missing = sorted(wanted - inside)
    assert not missing, f"not in the wheel (add a package-data pattern in pyproject.toml): {missing}"
