"""kg: knowledge graphs of machine-learning research papers."""

__version__ = "0.1.0"
