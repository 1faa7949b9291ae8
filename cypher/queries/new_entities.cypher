// name: new_entities
// description: Entities of a type first seen (earliest paper date) on or after a date (yyyy-mm-dd prefix).
// params: {type: "Method", since: "2024-01-01", limit: 25}
MATCH (e:$($type))<-[r]-(p:Paper)
WHERE p.date IS NOT NULL
  AND type(r) IN ["PROPOSES", "USES", "EVALUATES_ON", "MEASURES", "ADDRESSES", "RUNS_ON"]
WITH e, min(p.date) AS first_seen, count(DISTINCT p) AS papers
WHERE first_seen >= $since
RETURN e.name AS name, first_seen, papers
ORDER BY first_seen DESC, papers DESC, name
LIMIT toInteger($limit);
