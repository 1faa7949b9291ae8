"""Plain records that flow between stages: sources -> extract -> graph."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass
class Paper:
    """One paper as read from an input. ``id`` is stable (arXiv id, else DOI, else title hash)."""

    id: str
    title: str = ""
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    date: str | None = None  # ISO yyyy-mm-dd (or yyyy-mm / yyyy) when the source has one
    url: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    categories: list[str] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)  # [{"id": ..., "title": ...}] cited works
    aliases: list[str] = field(default_factory=list)  # other ids of this paper ("openalex:W…", "arxiv:…")
    source: str = ""  # "path:line" the record came from

    def content_hash(self) -> str:
        """Hash of everything extraction depends on (not of where the record came from)."""
        d = asdict(self)
        d.pop("source", None)
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:20]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Paper":
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})
