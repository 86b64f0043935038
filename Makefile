# The only entry point. `make run` and `make test` are the README's two commands.
PY := .venv/bin/python
MANAGE := $(PY) manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/dibiao_test

.PHONY: setup setup-dev run demo test test-sqlite test-postgres lint fmt messages worker bench

setup:
	scripts/setup.sh

setup-dev:
	scripts/setup.sh --dev

demo: setup
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) load_divisions --as-of 2020-12-31
	$(MANAGE) seed_demo

run: demo
	$(MANAGE) runserver 127.0.0.1:8000

worker:
	$(MANAGE) db_worker

test: setup-dev lint test-sqlite

test-sqlite:
	$(PY) -m pytest -p no:cacheprovider -n 2

test-postgres:
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -p no:cacheprovider -n 2

lint:
	$(PY) -m ruff check src tests bench
	$(PY) -m ruff format --check src tests bench
	$(MANAGE) makemigrations --check --dry-run -v0
	scripts/messages.sh --check
	@! grep -rn --include=*.html "{% blocktranslate %}\|{% blocktrans %}" src/ || (echo "use {% blocktranslate trimmed %}"; exit 1)

fmt:
	$(PY) -m ruff format src tests bench
	$(PY) -m ruff check --fix src tests bench

messages:
	scripts/messages.sh

bench: setup-dev
	$(PY) bench/documents.py
	$(PY) bench/load.py
