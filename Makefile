# Two commands: `make run` serves the platform, `make test` checks it. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite setup lint types sizes migrations-check docs worker clean messages

run: export CX_DEMO_PAGES ?= true
run: export CX_IN_PROCESS_SCHEDULER ?= true
run: export CX_WEBHOOKS_ALLOW_PRIVATE ?= true
run: export CX_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: setup
	@$(PY) manage.py ensure_admin
	@echo "Serving cxplatform on http://$(HOST):$(PORT)/  (admin: /admin/, API docs: /api/docs/)"
	@echo "Demo product page with the survey widget: http://$(HOST):$(PORT)/demo/widget/"
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
		$(VENV)/bin/celery -A cxplatform worker --beat -Q default,analysis,email,webhooks --loglevel=info & \
		worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver --noreload $(HOST):$(PORT); \
	else \
		exec $(PY) manage.py runserver --noreload $(HOST):$(PORT); \
	fi

test: setup lint types migrations-check docs
	$(VENV)/bin/pytest

# axe-core for the accessibility test (package.json, exact pins), when npm is here; without it that test skips.
NPM_STAMP := node_modules/.installed
setup: $(STAMP) $(if $(shell command -v npm 2>/dev/null),$(NPM_STAMP))
	@mkdir -p var
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py collectstatic --noinput -v 0
	@$(PY) manage.py seed_demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	@$(MAKE) --no-print-directory sizes

# No module over 400 lines (migrations aside): split it by concept before it grows past that.
sizes:
	@big=$$(find cxplatform common webhooks accounts portfolio insights surveys feedback closedloop delighted_api importers -name '*.py' -not -path '*/migrations/*' \
		-exec wc -l {} + 2>/dev/null | awk '$$2 != "total" && $$1 > 400 {print "  " $$2 " (" $$1 " lines)"}'); \
	if [ -n "$$big" ]; then echo "Modules over 400 lines; split them by concept:"; echo "$$big"; exit 1; fi

types: $(STAMP)
	$(VENV)/bin/mypy

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

# The documentation site (mkdocs.yml), built into var/site/; --strict fails on a broken link.
docs: export NO_MKDOCS_2_WARNING = 1
docs: $(STAMP)
	$(VENV)/bin/mkdocs build --strict --quiet

worker: setup
	$(VENV)/bin/celery -A cxplatform worker --beat -Q default,analysis,email,webhooks --loglevel=info

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cxplatform needs Python >= 3.11; set PYTHON=python3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

# Reinstall only when requirements.txt changes.
$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(NPM_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache node_modules

# Refresh the Chinese catalogues after changing translatable strings (needs GNU gettext); commit the .po and .mo files.
messages: $(STAMP)
	$(PY) manage.py makemessages --no-location --no-obsolete -l zh_Hans -l zh_Hant -i ".venv/*" -i "var/*" -i "tests/*" -i "bench/*"
	$(PY) manage.py compilemessages -l zh_Hans -l zh_Hant -i .venv -i var
