// name: cited_papers
// description: Most cited papers (CITES, incl. stubs outside the corpus) and papers others build on (BUILDS_ON).
// params: {limit: 20}
MATCH (p:Paper)<-[r:CITES|BUILDS_ON]-(q:Paper)
RETURN p.key AS paper, coalesce(p.title, p.key) AS title, coalesce(p.stub, false) AS stub,
       count(DISTINCT CASE WHEN type(r) = "CITES" THEN q END) AS cited_by,
       count(DISTINCT CASE WHEN type(r) = "BUILDS_ON" THEN q END) AS built_on_by
ORDER BY cited_by + built_on_by DESC, paper
LIMIT toInteger($limit);
