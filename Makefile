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

# The quality gate: figures on the three shared sets (Syria dev reports, world reports,
# news sentences) must stay above their floors in quality_floors.json. Each set is
# analysed once; a set that is absent is skipped with a message. The shared event scorer
# finds the Syrian actor keys by its own name patterns: they are read from it at run time
# (never copied into the repo) so that the gate scores actors exactly as it does.
EVAL := $(BIN)/frontlines eval --floors quality_floors.json
SCORER := $(SHARED)/../eval/score_events.py
BASE_PATTERNS := import ast, json, sys; tree = ast.parse(open(sys.argv[1], encoding="utf-8").read()); \
  print(json.dumps(next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign) \
  and getattr(n.targets[0], "id", None) == "SIDE_PATTERNS")))
eval: setup
	@status=0; base=""; \
	if [ -f $(SCORER) ]; then \
	  file=$$(mktemp); \
	  if $(BIN)/python -c '$(BASE_PATTERNS)' $(SCORER) > $$file; then \
	    base="--actor-patterns $$file"; \
	  else echo "$(SCORER): no SIDE_PATTERNS; Syrian actor keys matched by our keys"; fi; \
	fi; \
	if [ -d $(SHARED)/dev ]; then \
	  echo "== dev: $(SHARED)/dev"; \
	  $(EVAL) --floors-set dev --articles $(SHARED)/dev --gold $(SHARED)/gold_dev.jsonl \
	    --docs $(SHARED)/docs_dev.tsv --claims $(SHARED)/claims_dev.jsonl $$base || status=1; \
	else echo "no $(SHARED)/dev: dev gate skipped"; fi; \
	if [ -d $(SHARED)/world/dev ]; then \
	  echo "== world: $(SHARED)/world"; \
	  $(EVAL) --floors-set world --articles $(SHARED)/world/dev \
	    --gold $(SHARED)/world/gold_world.jsonl --docs $(SHARED)/world/docs_world.tsv \
	    $$base --actor-patterns $(SHARED)/world/actors.json || status=1; \
	else echo "no $(SHARED)/world: world gate skipped"; fi; \
	if [ -f $(SHARED)/sentences/sentences.tsv ]; then \
	  echo "== sentences: $(SHARED)/sentences/sentences.tsv"; \
	  $(EVAL) --floors-set sentences --sentences $(SHARED)/sentences/sentences.tsv || status=1; \
	else echo "no $(SHARED)/sentences: sentences gate skipped"; fi; \
	rm -f $${file:-}; exit $$status

test: lint
	$(BIN)/pytest
	$(MAKE) eval

benchmark: setup
	$(BIN)/python benchmarks/throughput.py
