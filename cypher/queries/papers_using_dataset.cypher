// name: papers_using_dataset
// description: Papers that use or evaluate on a dataset (matched by name, key or alias, case-insensitive).
// params: {dataset: "ImageNet", limit: 50}
MATCH (d:Dataset)
WHERE d.key = toLower(trim($dataset)) OR toLower(d.name) = toLower(trim($dataset))
   OR toLower(trim($dataset)) IN [a IN coalesce(d.aliases, []) | toLower(a)]
MATCH (p:Paper)-[e:EVALUATES_ON]->(d)
RETURN p.key AS paper, p.title AS title, p.date AS date, d.name AS dataset, e.sentence AS evidence
ORDER BY date DESC, paper
LIMIT toInteger($limit);
