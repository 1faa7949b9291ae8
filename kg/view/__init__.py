"""Interactive, offline, self-contained HTML views of the knowledge graph (vis-network via pyvis)."""

from kg.view.render import render
from kg.view.site import render_site

__all__ = ["render", "render_site"]
