// name: search_papers
// description: Full-text search over paper titles and abstracts (Lucene syntax, index paper_text).
// params: {q: "image classification", limit: 10}
CALL db.index.fulltext.queryNodes("paper_text", $q) YIELD node, score
RETURN node.key AS paper, node.title AS title, node.date AS date, round(score, 3) AS score
ORDER BY score DESC, paper
LIMIT toInteger($limit);
