# OpenLeDeR. `make demo` and `make test` do all the set-up on a fresh machine with Python 3.12.
PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NHSUK_FRONTEND_VERSION := 10.6.1
AUTOCOMPLETE_VERSION := 3.0.1
HOST ?= 127.0.0.1
PORT ?= 8000
# manage.py defaults to production settings (ADR 0110); the demo targets ask for the demo ones.
DEMO := DJANGO_SETTINGS_MODULE=leder.config.settings.demo
TESTING := DJANGO_SETTINGS_MODULE=leder.config.settings.test

.PHONY: help install migrate demo demo-data serve worker scheduler test test-fast test-system lint format bench frontend clean

help:
	@echo "make demo      set up, load demo data and run the web server (http://$(HOST):$(PORT)), worker and scheduler"
	@echo "make test      run the whole test suite (unit, view and browser tests)"
	@echo "make lint      ruff and djlint"
	@echo "make worker    run the background task worker"
	@echo "make scheduler run the periodic jobs (reminders, clean-up, stuck-job recovery)"
	@echo "make frontend  refresh the vendored NHS.UK frontend ($(NHSUK_FRONTEND_VERSION)) and accessible-autocomplete ($(AUTOCOMPLETE_VERSION))"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(DEMO) $(BIN)/python manage.py migrate --no-input

demo-data: migrate
	$(DEMO) $(BIN)/python manage.py demo_load

# The web server, the worker and the scheduler together in the foreground: one Ctrl-C stops all three.
demo: demo-data
	$(DEMO) $(BIN)/python manage.py demo_logins
	$(DEMO) $(BIN)/python manage.py demo_serve --host $(HOST) --port $(PORT)

serve: migrate
	$(DEMO) $(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: migrate
	$(DEMO) $(BIN)/python manage.py db_worker

scheduler: migrate
	$(DEMO) $(BIN)/python manage.py scheduler

# pytest exits 5 when it collects no tests: that is a failure here, never a pass.
test: install
	$(TESTING) $(BIN)/python manage.py makemigrations --check --dry-run > /dev/null || (echo "Missing migrations: run manage.py makemigrations" && exit 1)
	$(TESTING) $(BIN)/pytest -n 2 --dist loadfile -q --durations=15; status=$$?; \
	if [ $$status -eq 5 ]; then echo "No tests were collected"; exit 1; fi; exit $$status

test-fast: install
	$(TESTING) $(BIN)/pytest -q -m "not system"

test-system: install
	$(TESTING) $(BIN)/pytest -q -m system

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint leder --lint --extension jinja

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Refresh the vendored NHS.UK frontend from the npm registry (Node is needed only for this).
frontend:
	rm -rf /tmp/nhsuk-frontend && mkdir -p /tmp/nhsuk-frontend
	cd /tmp/nhsuk-frontend && npm pack nhsuk-frontend@$(NHSUK_FRONTEND_VERSION) && tar xzf nhsuk-frontend-$(NHSUK_FRONTEND_VERSION).tgz
	rm -rf leder/core/static/nhsuk && mkdir -p leder/core/static/nhsuk
	cp /tmp/nhsuk-frontend/package/dist/nhsuk/nhsuk-frontend.min.css /tmp/nhsuk-frontend/package/dist/nhsuk/nhsuk-frontend.min.js leder/core/static/nhsuk/
	# The source maps are not vendored: drop the comments naming them, or collectstatic's
	# manifest storage fails on the missing files (issue 11).
	sed -i -e 's#/\*\# sourceMappingURL=[^*]*\*/##' leder/core/static/nhsuk/nhsuk-frontend.min.css
	sed -i -e 's#//\# sourceMappingURL=.*$$##' leder/core/static/nhsuk/nhsuk-frontend.min.js
	cp -r /tmp/nhsuk-frontend/package/dist/nhsuk/assets leder/core/static/nhsuk/assets
	echo $(NHSUK_FRONTEND_VERSION) > leder/core/static/nhsuk/VERSION
	# alphagov's accessible-autocomplete, for the organisation pickers (ADR 0167).
	rm -rf /tmp/accessible-autocomplete && mkdir -p /tmp/accessible-autocomplete
	cd /tmp/accessible-autocomplete && npm pack accessible-autocomplete@$(AUTOCOMPLETE_VERSION) && tar xzf accessible-autocomplete-$(AUTOCOMPLETE_VERSION).tgz
	rm -rf leder/core/static/core/vendor/accessible-autocomplete && mkdir -p leder/core/static/core/vendor/accessible-autocomplete
	cp /tmp/accessible-autocomplete/package/dist/accessible-autocomplete.min.js /tmp/accessible-autocomplete/package/dist/accessible-autocomplete.min.css /tmp/accessible-autocomplete/package/LICENSE.txt leder/core/static/core/vendor/accessible-autocomplete/
	sed -i -e 's#/\*\# sourceMappingURL=[^*]*\*/##' leder/core/static/core/vendor/accessible-autocomplete/accessible-autocomplete.min.css
	sed -i -e 's#//\# sourceMappingURL=.*$$##' leder/core/static/core/vendor/accessible-autocomplete/accessible-autocomplete.min.js
	echo $(AUTOCOMPLETE_VERSION) > leder/core/static/core/vendor/accessible-autocomplete/VERSION

clean:
	rm -rf $(VENV) var staticfiles
