# kg — common tasks. `make demo` and `make test` work on a fresh clone.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
KG := $(BIN)/kg
STORE ?= out/demo-store

.PHONY: venv demo test test-unit bench model neo4j-start neo4j-stop neo4j-status clean

$(BIN)/kg: pyproject.toml
	test -x $(BIN)/pip || (rm -rf $(VENV) && $(PY) -m venv $(VENV))
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/kg

venv: $(BIN)/kg

demo: venv
	rm -rf $(STORE)
	$(KG) build examples/hf-daily-papers.txt --store $(STORE)
	$(KG) stats --store $(STORE)
	$(KG) export --store $(STORE) --format graphml -o out/demo.graphml
	$(KG) view --store $(STORE) -o out/demo.html
	@echo "Open out/demo.html in a browser; the GraphML export is out/demo.graphml."

test: venv
	$(BIN)/pytest -q -ra

test-unit: venv
	$(BIN)/pytest -q -ra -m "not neo4j and not browser"

bench: venv
	$(BIN)/python bench/run.py

model: venv
	$(BIN)/pip install -q -e '.[train]'
	$(KG) train --vectors

neo4j-start:
	bash scripts/neo4j.sh start

neo4j-stop:
	bash scripts/neo4j.sh stop

neo4j-status:
	bash scripts/neo4j.sh status

clean:
	rm -rf out kg-data test-artifacts .pytest_cache
