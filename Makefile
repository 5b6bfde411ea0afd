# archivist — make targets. `make demo` and `make test` work on a fresh machine.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
DB ?= archive.db

.PHONY: install native pure demo test lint bench eval docs clean train

$(BIN)/archivist: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[cluster,bench,datasette,dev,nlp]'
	touch $(BIN)/archivist

# The browser tests drive Debian's chromium (never a downloaded browser); without it they skip.
# The extraction modules are compiled with mypyc (src/archivist/_native.py says how a build that does
# not match the sources is never used); rebuilt here only when stale, skipped when ARCHIVIST_PURE=1.
install: $(BIN)/archivist
	$(BIN)/python tools/build_native.py --if-stale
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium) \
		|| echo "chromium could not be installed: the browser tests will be skipped"

native: $(BIN)/archivist
	$(BIN)/python tools/build_native.py

pure:
	$(PY) tools/build_native.py --remove

demo: install
	$(BIN)/archivist ingest $(SHARED)/corpus $(SHARED)/seeds --db $(DB) --jobs 2
	$(BIN)/archivist enrich --db $(DB) --jobs 2
	$(BIN)/archivist stats --db $(DB)
	$(BIN)/archivist show --db $(DB) --path seeds/000_d599a96396a96723.txt
	$(BIN)/archivist serve --db $(DB)

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

eval: install
	$(BIN)/archivist eval metadata --gold $(SHARED)/gold/metadata-dev.jsonl
	$(BIN)/archivist eval seeds --gold $(SHARED)/gold/seeds.json

# Retrain the learned models of src/archivist/extract/models from the committed labels (deterministic;
# prints the cross-validation that chose them). Never on eval/gold/wide-validation.jsonl.
train: install
	$(BIN)/pip install --quiet -e '.[train]'
	$(BIN)/python tools/train_layout.py
	$(BIN)/python tools/train_doctype.py

bench: install
	$(BIN)/python bench/ingest.py --corpus $(SHARED)/corpus
	$(BIN)/python bench/serve.py --corpus $(SHARED)/corpus --ingest $(SHARED)/corpus-wide/wikirouge-mecw

clean:
	rm -rf $(VENV) src/archivist/_compiled $(DB) $(DB)-wal $(DB)-shm $(basename $(DB)).index .pytest_cache test-artifacts

docs: install
	$(BIN)/python tools/cli_docs.py
