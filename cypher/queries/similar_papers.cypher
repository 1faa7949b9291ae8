// name: similar_papers
// description: Papers sharing the most methods, datasets, metrics, tasks and hardware with a given paper (id or title words).
// params: {paper: "2401.00001", limit: 10}
MATCH (p:Paper)
WHERE p.key = $paper OR toLower(p.title) CONTAINS toLower(trim($paper))
WITH p ORDER BY p.key LIMIT 1
MATCH (p)-[:PROPOSES|USES|EVALUATES_ON|MEASURES|ADDRESSES|RUNS_ON]->(e)<-[:PROPOSES|USES|EVALUATES_ON|MEASURES|ADDRESSES|RUNS_ON]-(other:Paper)
WHERE other <> p
RETURN other.key AS paper, other.title AS title, count(DISTINCT e) AS shared,
       collect(DISTINCT e.name)[..10] AS shared_entities, p.key AS similar_to
ORDER BY shared DESC, paper
LIMIT toInteger($limit);
