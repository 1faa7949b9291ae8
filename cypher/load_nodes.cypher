// Loader template for one node label (kg.neo4j.load).
// __LABEL__ is replaced ONLY by a label from kg.graph.schema.NODE_LABELS, after a whitelist check;
// all data travels in the $rows parameter: [{key: ..., props: {...}}, ...].
UNWIND $rows AS row
MERGE (n:__LABEL__ {key: row.key})
SET n += row.props
