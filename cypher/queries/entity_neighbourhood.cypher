// name: entity_neighbourhood
// description: Everything directly connected to an entity or paper (matched by name, title, key or alias).
// params: {name: "ResNet", limit: 50}
MATCH (e)
WHERE (e:Method OR e:Dataset OR e:Metric OR e:Task OR e:Hardware OR e:Paper)
  AND (e.key = $name OR e.key = toLower(trim($name)) OR toLower(e.name) = toLower(trim($name))
       OR toLower(e.title) = toLower(trim($name))
       OR toLower(trim($name)) IN [a IN coalesce(e.aliases, []) | toLower(a)])
MATCH (e)-[r]-(n)
RETURN coalesce(e.name, e.title) AS entity, type(r) AS relationship,
       CASE WHEN startNode(r) = e THEN "out" ELSE "in" END AS direction,
       labels(n)[0] AS label, coalesce(n.name, n.title, n.raw, n.key) AS neighbour, n.key AS key
ORDER BY relationship, neighbour
LIMIT toInteger($limit);
