# Two commands for a newcomer: `make run` (serve the demo) and `make test` (run the tests).
# Each creates .venv from nothing and installs the project into it first. `make run PORT=8001 HOST=0.0.0.0`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test bench clean

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

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
