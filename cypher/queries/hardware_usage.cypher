// name: hardware_usage
// description: Hardware by number of papers using it, with the device counts and compute amounts they state.
// params: {limit: 20}
MATCH (p:Paper)-[r:RUNS_ON]->(h:Hardware)
RETURN h.name AS hardware, count(DISTINCT p) AS papers,
       max(r.count) AS max_devices, collect(DISTINCT r.count) AS device_counts,
       [x IN collect(DISTINCT CASE WHEN r.amount IS NOT NULL THEN toString(r.amount) + " " + coalesce(r.amount_unit, "") END) WHERE x IS NOT NULL] AS amounts,
       collect(DISTINCT p.key)[..10] AS example_papers
ORDER BY papers DESC, hardware
LIMIT toInteger($limit);
