// name: trends_by_month
// description: Papers per month mentioning entities of a type, with the month's top entities.
// params: {type: "Method", limit: 24}
MATCH (e:$($type))<-[r]-(p:Paper)
WHERE p.date IS NOT NULL AND size(p.date) >= 7
  AND type(r) IN ["PROPOSES", "USES", "EVALUATES_ON", "MEASURES", "ADDRESSES", "RUNS_ON"]
WITH substring(p.date, 0, 7) AS month, e, count(DISTINCT p) AS n
ORDER BY month, n DESC, e.name
WITH month, sum(n) AS mentions, collect(e.name + " (" + toString(n) + ")")[..5] AS top
RETURN month, mentions, top
ORDER BY month DESC
LIMIT toInteger($limit);
