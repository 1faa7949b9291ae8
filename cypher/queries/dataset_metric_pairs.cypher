// name: dataset_metric_pairs
// description: Datasets and metrics that co-occur in the same papers, by number of papers.
// params: {limit: 25}
MATCH (d:Dataset)<-[:EVALUATES_ON]-(p:Paper)-[:MEASURES]->(m:Metric)
RETURN d.name AS dataset, m.name AS metric, count(DISTINCT p) AS papers
ORDER BY papers DESC, dataset, metric
LIMIT toInteger($limit);
