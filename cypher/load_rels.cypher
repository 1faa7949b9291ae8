// Loader template for one relationship type between two labels (kg.neo4j.load).
// __START__/__END__ are replaced ONLY by labels from kg.graph.schema.NODE_LABELS and __TYPE__ ONLY by a
// type from kg.graph.schema.REL_TYPES, after a whitelist check; data travels in $rows:
// [{a: start key, b: end key, props: {...}}, ...]. At most one relationship of a type between two nodes.
UNWIND $rows AS row
MATCH (a:__START__ {key: row.a})
MATCH (b:__END__ {key: row.b})
MERGE (a)-[r:__TYPE__]->(b)
SET r += row.props
