# Two commands for a newcomer: `make run` (serve the demo) and `make test` (run the tests).
# Each creates .venv from nothing and installs the project into it first. `make run PORT=8001 HOST=0.0.0.0`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test bench bench-load-smoke clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/ratings db upgrade
	$(BIN)/ratings demo load
	$(BIN)/ratings serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/scoring.py

# The load test end to end on a small SQLite catalog, 3 s runs: shows the harness works, no figure to report
# (BENCHMARKS.md has the real commands). Needs wrk. Takes about 3 minutes.
SMOKE := /tmp/ratings-bench-smoke
bench-load-smoke: install
	rm -rf $(SMOKE) && mkdir -p $(SMOKE)
	$(BIN)/python bench/catalog.py generate --out $(SMOKE)/data --companies 200 --brands 1000 --products 2000 --sample 1000
	DATABASE_URL=sqlite:///$(SMOKE)/small.db $(BIN)/ratings db upgrade
	DATABASE_URL=sqlite:///$(SMOKE)/small.db $(BIN)/ratings users create --email bench@example.org --role admin
	DATABASE_URL=sqlite:///$(SMOKE)/small.db $(BIN)/ratings import $(SMOKE)/data/catalog.json --actor bench@example.org
	DATABASE_URL=sqlite:///$(SMOKE)/small.db $(BIN)/ratings import $(SMOKE)/data/products.csv --actor bench@example.org
	DATABASE_URL=sqlite:///$(SMOKE)/small.db $(BIN)/python bench/catalog.py publish --companies 100
	$(BIN)/python bench/load.py --database-url sqlite:///$(SMOKE)/small.db --data $(SMOKE)/data \
	    --gtins 500 -d 3 --rounds 1 --warm 3 --search-warm 3

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
