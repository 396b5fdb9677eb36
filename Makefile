# Kinerja: `make run` sets up and serves the demo; `make test` sets up and runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(shell command -v uv 2>/dev/null)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test chromium pdf-libs check check-static lint format install install-dev lock bench messages clean

$(BIN)/python:
	@if [ -n "$(UV)" ]; then $(UV) venv -q --python $(PY) $(VENV); else $(PY) -m venv $(VENV); fi

# Installs exactly the pinned, hash-checked versions (uv if present, pip otherwise).
install: $(BIN)/python
	@if [ -n "$(UV)" ]; then $(UV) pip sync -q --python $(BIN)/python requirements/base.txt && $(UV) pip install -q --python $(BIN)/python --no-deps -e .; \
	else $(BIN)/pip install -q --require-hashes --no-deps -r requirements/base.txt && $(BIN)/pip install -q --no-deps -e .; fi

install-dev: $(BIN)/python
	@if [ -n "$(UV)" ]; then $(UV) pip sync -q --python $(BIN)/python requirements/dev.txt && $(UV) pip install -q --python $(BIN)/python --no-deps -e .; \
	else $(BIN)/pip install -q --require-hashes --no-deps -r requirements/dev.txt && $(BIN)/pip install -q --no-deps -e .; fi

run: install pdf-libs
	$(BIN)/kinerja migrate --noinput -v 0
	$(BIN)/kinerja collectstatic --noinput -v 0
	$(BIN)/kinerja load-framework
	$(BIN)/kinerja demo --rangkui
	@# The background-job worker (kinerja/jobs) runs beside the web server and stops with it.
	@$(BIN)/kinerja db_worker --no-startup-delay & WORKER=$$!; \
	  trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/kinerja runserver $(HOST):$(PORT)

test: install-dev chromium pdf-libs
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "The browser tests need Chromium: sudo apt-get install chromium (or set CHROMIUM_PATH)"; exit 1; fi; }

# WeasyPrint (the PDF reports) needs Pango and a font from Debian's packages.
pdf-libs:
	@{ ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 && ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's Pango and DejaVu fonts for the PDF reports"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null; \
	  else echo "The PDF reports need Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"; exit 1; fi; }

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# What CI runs before the tests: formatting, lint, types and missing migrations.
check-static: install-dev lint
	$(BIN)/mypy kinerja
	$(BIN)/kinerja makemigrations --check --dry-run

check: check-static
	$(MAKE) test

# Regenerates the hash-pinned lock files from pyproject.toml.
lock:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -q -o requirements/base.txt
	uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 -q -o requirements/dev.txt

bench: install-dev
	$(BIN)/python bench/run.py

# Updates the English catalogue from the Indonesian source strings and compiles it (needs gettext).
messages: install-dev
	cd kinerja && ../$(BIN)/kinerja makemessages -l en --no-obsolete && ../$(BIN)/kinerja compilemessages -l en

clean:
	rm -rf $(VENV) var/*.sqlite3 staticfiles
