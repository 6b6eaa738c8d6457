# `make run` serves the API with demo data on embedded SQLite; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test typecheck lint schema clean vendor vendor-graphiql vendor-console

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/linli demo --serve

test: $(STAMP)
	$(BIN)/python -m core.testing.run

# mypy strict over [tool.mypy] files (pyproject); the cache under .venv keeps reruns to seconds.
typecheck: $(STAMP)
	@if $(BIN)/python -m mypy --cache-dir $(VENV)/.mypy_cache; then \
		echo "typecheck: ok (mypy strict, zero errors)"; \
	else \
		echo "typecheck: FAILED (mypy errors above; CI stops here)"; exit 1; \
	fi
	@# a plugin written by `linli plugin new` is strict-mypy clean as generated (its own config;
	@# MYPYPATH names this checkout, since mypy cannot follow an editable install's import hook)
	@tmp=$$(mktemp -d) && $(BIN)/linli plugin new scaffold_check --dir $$tmp >/dev/null && \
	if (cd $$tmp/scaffold_check && MYPYPATH=$(CURDIR) $(abspath $(BIN))/python -m mypy \
			--cache-dir $(abspath $(VENV))/.mypy_cache_scaffold); then \
		echo "typecheck: ok (a generated plugin, mypy strict)"; rm -rf $$tmp; \
	else \
		echo "typecheck: FAILED (the generated plugin in $$tmp)"; exit 1; \
	fi

# GraphiQL's assets, pinned in core/graphiql/vendor.py, fetched with `npm pack` (licences and
# sha256 recorded in core/graphiql/assets/manifest.json; a test checks the files against it).
vendor-graphiql: $(STAMP)
	$(BIN)/python -m core.graphiql.vendor

# The console's libraries (Vue, Element Plus, ECharts, graphql-ws, htm, axe-core), pinned in
# core/console/vendor.py, fetched with `npm pack` (manifest with licences and sha256; a test checks
# the files). Node is needed only here: `make run` serves the committed files.
vendor-console: $(STAMP)
	$(BIN)/linli console vendor

vendor: vendor-graphiql vendor-console

schema: $(STAMP)
	$(BIN)/linli schema export

clean:
	rm -rf $(VENV) var
