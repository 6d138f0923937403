# The two commands: `make run` and `make test`. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HUILIU := $(BIN)/huiliu
PG_URL ?= postgresql://postgres@127.0.0.1:5432/huiliu
DEMO_PERSONS ?= 20000

.PHONY: run test install install-test bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(HUILIU) migrate --no-input -v 0
	$(HUILIU) demo --if-empty --persons $(DEMO_PERSONS) --seed 1
	$(HUILIU) runserver 127.0.0.1:8000 --noreload

# The whole suite on SQLite, then again on PostgreSQL when one answers.
test: install-test
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest
	@if $(BIN)/python -m huiliu.core.pgprobe "$(PG_URL)"; then \
		echo "== PostgreSQL answers at $(PG_URL): running the suite again on it"; \
		HUILIU_DATABASE_URL="$(PG_URL)" $(BIN)/python -m pytest -m "not browser"; \
	else \
		echo "== PostgreSQL run skipped: nothing answers at $(PG_URL)"; \
	fi

bench: install
	$(HUILIU) bench demo

clean:
	rm -rf $(VENV) var

# Refresh the Chinese catalogue after changing interface strings, then fill the new msgstr lines.
messages: install
	cd src/huiliu && ../../$(HUILIU) makemessages -l zh_Hans --no-obsolete --no-location && ../../$(HUILIU) compilemessages -l zh_Hans
