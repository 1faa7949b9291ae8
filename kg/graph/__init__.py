"""The graph model: schema (labels, relationship types, properties) and the networkx builder."""
