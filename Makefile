# Masar: `make run` starts the platform on a fresh clone; `make test` runs the whole suite (CI);
# `make test-fast` the quick loop; `make test-deps` installs the system packages tests need (apt-get).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= lms.settings.dev

.PHONY: run test test-fast setup venv system-deps test-deps check-deps check-test-deps lint messages fonts dump-content

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

system-deps:
	@bash scripts/system-deps.sh

test-deps:
	@bash scripts/system-deps.sh test

setup: system-deps venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_content
	$(PY) manage.py credential_keys generate  # the key that signs credentials, once (certificates/keys.py)
	$(PY) manage.py seed_demo

# Admin edits back into content/<lang>/ (review with git diff, then commit).
dump-content: venv
	$(PY) manage.py dump_content

run: setup
	@PORT=$(PORT) bash scripts/run.sh

# The translations the tests read, compiled when their catalogue changed.
MO_FILES := $(patsubst %.po,%.mo,$(shell find . -path ./.venv -prune -o -path '*/LC_MESSAGES/*.po' -print))
%.mo: %.po
	msgfmt --check-format -o $@ $<

# The tests install nothing: they say what is missing (`make test-deps` installs it).
check-test-deps:
	@bash scripts/system-deps.sh --check test
check-deps:
	@bash scripts/system-deps.sh --check

test: check-test-deps venv $(MO_FILES)
	DJANGO_SETTINGS_MODULE=lms.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

# No browser, worker, fault or slow test, on two processes (pytest-xdist): each has its own
# test database and shared cache (lms/settings/test.py).
FAST_TESTS := not e2e and not worker and not faults and not slow
test-fast: check-deps venv $(MO_FILES)
	DJANGO_SETTINGS_MODULE=lms.settings.test $(VENV)/bin/pytest -m "$(FAST_TESTS)" -n 2 $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: venv
	$(PY) manage.py makemessages -l ar --no-location --ignore=.venv --ignore=var --ignore=content/ar --ignore=content/en

# The web fonts' WOFF2 subsets (lms/static/fonts, committed): rebuild after a font package update.
fonts: venv
	$(PY) manage.py build_fonts
