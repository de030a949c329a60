# Set-up and checks. `make example` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED := ../shared/corpus

.PHONY: setup example test lint eval benchmark

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

# The main job on the bundled example reports: analyse them into a local SQLite
# store, print a summary, then open the map (Ctrl-C to stop).
example: setup
	$(BIN)/frontlines ingest examples --db example.db
	$(BIN)/frontlines export --db example.db --format acled-csv --output example.csv
	$(BIN)/frontlines serve --db example.db --open

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

# The quality gate: figures on the shared corpus must stay above the floors.
eval: setup
	@if [ -d $(SHARED)/dev ]; then \
	  $(BIN)/frontlines eval --articles $(SHARED)/dev --gold $(SHARED)/gold_dev.jsonl \
	    --docs $(SHARED)/docs_dev.tsv --floors quality_floors.json; \
	else echo "no $(SHARED): quality gate skipped"; fi

test: lint
	$(BIN)/pytest
	$(MAKE) eval

benchmark: setup
	$(BIN)/python benchmarks/throughput.py
