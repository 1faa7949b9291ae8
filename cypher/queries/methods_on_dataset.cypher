// name: methods_on_dataset
// description: Methods used or proposed by papers evaluating on a dataset, with the metrics those papers report.
// params: {dataset: "ImageNet", limit: 25}
MATCH (d:Dataset)
WHERE d.key = toLower(trim($dataset)) OR toLower(d.name) = toLower(trim($dataset))
   OR toLower(trim($dataset)) IN [a IN coalesce(d.aliases, []) | toLower(a)]
MATCH (p:Paper)-[:EVALUATES_ON]->(d)
MATCH (p)-[:PROPOSES|USES]->(m:Method)
OPTIONAL MATCH (p)-[:MEASURES]->(x:Metric)
WITH d, m, count(DISTINCT p) AS papers, collect(DISTINCT x.name) AS metrics
RETURN m.name AS method, papers, metrics, d.name AS dataset
ORDER BY papers DESC, method
LIMIT toInteger($limit);
