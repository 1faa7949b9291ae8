"""Fingerprints of what decides an extraction record and a built graph, for ``kg build``'s caches.

A store keeps, per paper, the :func:`extraction_fingerprint` of the extraction that made its record,
and, for the saved graph, the :func:`graph_fingerprint` it was built with. A paper is extracted again
when its content hash or the extraction fingerprint changed; the graph is rebuilt when the graph
fingerprint changed (new extraction, graph code or build options), even when no paper was.

What counts: the kg and spaCy versions, the runtime code of ``kg/extract`` (not the training and
research modules, which never run in ``kg extract`` / ``kg build``), ``kg/models.py`` and
``kg/graph/schema.py`` (relation types and name keys are written into the records), every data file
(``$KG_DATA_DIR`` or ``kg/extract/data``), every file of the NER model in use (``$KG_MODEL`` or the
shipped one) and the ``$KG_MODEL`` path itself. The model's bytes are hashed once per (path, sizes,
mtimes) in a process.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# modules of kg/extract that only train, teach, distil, cross-validate or describe a model
NOT_RUNTIME = frozenset({"train.py", "teacher.py", "vectors.py", "crossval.py", "card.py"})
SHORT = 16  # hex digits kept


def extraction_fingerprint() -> str:
    """A short sha1 hex of everything that decides ``kg extract``'s records (see the module doc)."""
    import spacy

    from . import __version__
    from .extract.lexicon import data_dir
    from .extract.pipeline import model_path

    h = hashlib.sha1(f"kg {__version__}\0spacy {spacy.__version__}\0".encode())
    code = [p for p in sorted((PACKAGE / "extract").glob("*.py")) if p.name not in NOT_RUNTIME]
    code += [PACKAGE / "models.py", PACKAGE / "graph" / "schema.py"]
    _update_files(h, [(p.relative_to(PACKAGE).as_posix(), p) for p in code])
    h.update(b"data\0" + tree_digest(Path(str(data_dir()))).encode())
    model = model_path()
    env = os.environ.get("KG_MODEL")
    h.update(f"model\0{Path(env).resolve() if env else ''}\0".encode())
    h.update((tree_digest(model) if model is not None else "no model").encode())
    return h.hexdigest()[:SHORT]


def graph_fingerprint(extraction_fp: str, **options) -> str:
    """A short sha1 hex of the extraction fingerprint, every file under ``kg/graph`` (code and any
    data), ``kg/extract/resolve.py`` (the graph canonicalises names with it) and the build options."""
    h = hashlib.sha1(f"extraction\0{extraction_fp}\0".encode())
    h.update(json.dumps(options, sort_keys=True, default=str).encode() + b"\0")
    h.update(tree_digest(PACKAGE / "graph").encode())
    resolve = PACKAGE / "extract" / "resolve.py"
    _update_files(h, [("extract/resolve.py", resolve)])
    return h.hexdigest()[:SHORT]


def tree_digest(root: Path) -> str:
    """sha1 hex of the relative paths and bytes of every file under root, cached per (root, stats)."""
    root = Path(root).resolve()
    return _tree_hash(root, _stats(root))


def _files(root: Path) -> list[tuple[str, Path]]:
    """(relative posix path, path) of the files under root, sorted; no caches or hidden files."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "__pycache__" and not d.startswith(".")]
        for name in filenames:
            if not name.startswith(".") and not name.endswith((".pyc", ".pyo")):
                p = Path(dirpath) / name
                out.append((p.relative_to(root).as_posix(), p))
    return sorted(out)


def _stats(root: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for rel, p in _files(root):
        st = p.stat()
        out.append((rel, st.st_size, st.st_mtime_ns))
    return tuple(out)


@lru_cache(maxsize=16)
def _tree_hash(root: Path, stats: tuple[tuple[str, int, int], ...]) -> str:
    """The digest of the files named in stats (the key that invalidates the cache when one changes)."""
    h = hashlib.sha1()
    _update_files(h, [(rel, root / rel) for rel, _, _ in stats])
    return h.hexdigest()


def _update_files(h, files: list[tuple[str, Path]]) -> None:
    for rel, p in files:
        data = p.read_bytes()
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(data)


def clear_cache() -> None:
    """Forget the cached tree digests (tests that edit files within one mtime tick)."""
    _tree_hash.cache_clear()
