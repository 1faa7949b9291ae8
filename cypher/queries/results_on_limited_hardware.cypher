// name: results_on_limited_hardware
// description: Results on a dataset from papers that ran on at most N devices of a hardware (RUNS_ON.count).
// params: {dataset: "ImageNet", hardware: "A100", max_devices: 8, limit: 25}
MATCH (h:Hardware)
WHERE h.key = toLower(trim($hardware)) OR toLower(h.name) = toLower(trim($hardware))
   OR toLower(trim($hardware)) IN [a IN coalesce(h.aliases, []) | toLower(a)]
MATCH (p:Paper)-[ro:RUNS_ON]->(h)
WHERE ro.count IS NOT NULL AND ro.count <= $max_devices
MATCH (p)-[:REPORTS]->(r:Result)-[:ON]->(d:Dataset)
WHERE d.key = toLower(trim($dataset)) OR toLower(d.name) = toLower(trim($dataset))
   OR toLower(trim($dataset)) IN [a IN coalesce(d.aliases, []) | toLower(a)]
OPTIONAL MATCH (r)-[:OF]->(m:Metric)
OPTIONAL MATCH (r)-[:FOR]->(meth:Method)
RETURN p.key AS paper, p.title AS title, h.name AS hardware, ro.count AS devices,
       m.name AS metric, r.value AS value, r.unit AS unit, meth.name AS method, d.name AS dataset
ORDER BY devices, metric, value DESC, paper
LIMIT toInteger($limit);
