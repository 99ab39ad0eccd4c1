# The README's two commands: `make demo` and `make test`. Each sets up what it
# needs by itself (virtual environment, install) on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test messages install test-tools bench clean stack stack-down stack-test stack-tools

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# eark-validator pins lxml==5.1.0, which pyhanko excludes: without its pins (pyproject.toml, test extras).
	$(BIN)/python -m pip install --quiet --no-deps 'eark-validator==1.1.3' 'importlib-resources==5.12.0'
	touch $@

# axe-core for the browser journeys (no browser download: Chromium comes from
# Debian's package, see .ci/run). Without npm the journeys skip loudly.
node_modules/.installed: package.json
	@if command -v npm >/dev/null; then npm install --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: browser journeys will be skipped"; fi

install: $(BIN)/.installed

test-tools: node_modules/.installed

demo: install
	PORT=$(PORT) $(BIN)/diarium demo

test: install test-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The English catalogue (diarium/locale/en): gather every marked string afresh (needs
# gettext's xgettext), then compile the .mo that is committed beside the .po.
# tests/test_i18n.py fails on a string missing from it or left untranslated.
MESSAGES_IGNORE = --ignore='.venv/*' --ignore='node_modules/*' --ignore='tests/*' --ignore='bench/*' --ignore='var/*' --ignore='build/*'
messages: install
	DJANGO_SECRET_KEY=messages $(BIN)/python manage.py makemessages -l en --no-obsolete --no-location $(MESSAGES_IGNORE)
	DJANGO_SECRET_KEY=messages $(BIN)/python manage.py compilemessages -l en $(MESSAGES_IGNORE)

# The benchmarks' own var/ gets a secret key of its own (config/settings.py).
bench: export DIARIUM_SECRET_KEY_CREATE = 1
bench: install
	$(BIN)/python bench/registry_bench.py
	$(BIN)/python bench/remiss_bench.py
	$(BIN)/python bench/decisions_bench.py
	$(BIN)/python bench/documents_bench.py
	$(BIN)/python bench/opendata_bench.py
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/privacy_bench.py
	$(BIN)/python bench/privacy_page_bench.py
	$(BIN)/python bench/ocr_bench.py
	$(BIN)/python bench/migration/speed.py
	$(BIN)/python bench/migration/evaluate.py

# The production topology on this machine (stack/stack.py, docs/DEPLOYMENT.md): PostgreSQL primary +
# streaming replica, Redis, RQ workers, moto's S3 server, two `diarium serve` behind haproxy.
# haproxy comes from Debian's package; PostgreSQL 15 and Redis are the ones the tests use already.
STACK := $(BIN)/python stack/stack.py
$(BIN)/.stack-installed: $(BIN)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[stack]'
	touch $@

stack-tools: $(BIN)/.stack-installed
	@command -v haproxy >/dev/null || command -v /usr/sbin/haproxy >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy)

stack: stack-tools
	$(STACK) up

stack-down:
	$(STACK) down

# Up, the journeys, fault and load tests (stack/tests), then down whatever happened; on a
# failure the run dir (logs) is kept. DIARIUM_STACK_SHORT=1: the short form (CI).
stack-test: stack-tools
	@start=$$(date +%s); \
	$(STACK) up && { $(BIN)/python -m pytest -c stack/tests/pytest.ini --rootdir stack/tests stack/tests \
	  $(STACK_PYTEST_ARGS); rc=$$?; } || rc=$$?; \
	if [ $$rc -eq 0 ]; then $(STACK) down; else $(STACK) down --keep; fi; \
	echo "stack-test: exit $$rc, wall time $$(( $$(date +%s) - start )) s$${DIARIUM_STACK_SHORT:+ (short form)}"; \
	exit $$rc

clean:
	rm -rf $(VENV) var
