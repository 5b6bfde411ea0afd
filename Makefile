# archivist — make targets. `make demo` and `make test` work on a fresh machine.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
DB ?= archive.db

.PHONY: install demo test lint bench eval docs clean

$(BIN)/archivist: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[cluster,bench,datasette,dev,nlp]'
	touch $(BIN)/archivist

install: $(BIN)/archivist

demo: install
	$(BIN)/archivist ingest $(SHARED)/corpus $(SHARED)/seeds --db $(DB) --jobs 2
	$(BIN)/archivist stats --db $(DB)
	$(BIN)/archivist show --db $(DB) --path seeds/000_d599a96396a96723.txt

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

eval: install
	$(BIN)/archivist eval metadata --gold $(SHARED)/gold/metadata-dev.jsonl
	$(BIN)/archivist eval seeds --gold $(SHARED)/gold/seeds.json

bench: install
	$(BIN)/python bench/ingest.py --corpus $(SHARED)/corpus

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm .pytest_cache

docs: install
	$(BIN)/python tools/cli_docs.py
