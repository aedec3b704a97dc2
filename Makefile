# Juesuan: the README's commands. Each target installs what it needs.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?=

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/install-system-deps.sh
	scripts/install-system-deps.sh
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv==0.13.9
	uv venv --quiet --allow-existing -p 3.11 $(VENV)
	uv pip install --quiet --compile-bytecode -p $(PY) -e '.[dev]'
	$(VENV)/bin/juesuan prepare
	@touch $(STAMP)

demo: setup
	$(VENV)/bin/juesuan demo

test: setup
	$(VENV)/bin/pytest -q

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: setup
	$(PY) -m benchmarks.extract
	$(PY) -m benchmarks.checks
	$(PY) -m benchmarks.ocr
	$(PY) -m benchmarks.pipeline
	$(PY) -m benchmarks.scale_out

clean:
	rm -rf var $(VENV) dbt_project/target dbt_project/logs
