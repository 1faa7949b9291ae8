// name: top_entities
// description: Most-mentioned entities of one type (Method, Dataset, Metric, Task, Hardware) by number of papers.
// params: {type: "Method", limit: 10}
MATCH (e:$($type))<-[r]-(p:Paper)
WHERE type(r) IN ["PROPOSES", "USES", "EVALUATES_ON", "MEASURES", "ADDRESSES", "RUNS_ON"]
RETURN e.name AS name, count(DISTINCT p) AS papers, e.key AS key
ORDER BY papers DESC, name
LIMIT toInteger($limit);
