// name: leaderboard
// description: Numeric results reported on a dataset, best first per metric (metric "" = all metrics).
// params: {dataset: "ImageNet", metric: "", limit: 25}
MATCH (d:Dataset)
WHERE d.key = toLower(trim($dataset)) OR toLower(d.name) = toLower(trim($dataset))
   OR toLower(trim($dataset)) IN [a IN coalesce(d.aliases, []) | toLower(a)]
MATCH (p:Paper)-[:REPORTS]->(r:Result)-[:ON]->(d)
OPTIONAL MATCH (r)-[:OF]->(m:Metric)
OPTIONAL MATCH (r)-[:FOR]->(meth:Method)
WITH d, p, r, m, meth
WHERE $metric = "" OR m.key = toLower(trim($metric)) OR toLower(m.name) = toLower(trim($metric))
RETURN m.name AS metric, r.value AS value, r.unit AS unit, meth.name AS method,
       p.key AS paper, p.title AS title, r.raw AS raw, d.name AS dataset
ORDER BY metric,
         CASE WHEN coalesce(r.lower_is_better, false) THEN r.value ELSE -r.value END,
         paper
LIMIT toInteger($limit);
