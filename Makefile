# Every developer action is one target. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
# Python keeps the bytecode of what it compiles (__pycache__, ignored by git), whatever the shell
# says: each test worker, each subprocess a test starts and pytest's assertion rewriting of the
# plugins (schemathesis: ~280 modules) would otherwise compile every module anew, ~4 s a process.
export PYTHONDONTWRITEBYTECODE :=
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# pytest-xdist processes per run ("auto": one per CPU); each has its own database
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --durations=10
HOST ?= 127.0.0.1
PORT ?= 5000
# make run WHATSAPP=sandbox: also a local WhatsApp Cloud API on WHATSAPP_PORT (README)
WHATSAPP ?=
WHATSAPP_PORT ?= 5198
BENCH_DIGESTS_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/bench_digests

.DEFAULT_GOAL := help
.PHONY: help install translations db-upgrade seed run serve scheduler worker test test-fast test-sqlite test-pg test-deep test-kill fuzz bench-signin \
        lint audit format extract-messages bench bench-market bench-matching bench-matching-scale bench-matching-quality bench-suggestions bench-api \
        bench-clearing bench-digests bench-dashboard bench-web bench-pages bench-netting bench-faults clean bench-import bench-pools bench-freight \
        bench-jobs test-api-deep

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# PYTHONWARNINGS keeps setuptools' deprecation notices about the build out of the terminal.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet -e '.[test]'
	touch $@

# axe-core for the accessibility checks of the browser tests (npm; skipped without npm).
tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json
	@if command -v npm >/dev/null; then \
	  (cd tests/js && npm ci --silent --no-audit --no-fund) && touch $@; \
	else echo "npm not found: the axe-core accessibility checks will be skipped"; fi

install: $(VENV)/.installed translations tests/js/node_modules/.installed ## Create the virtual environment and install the app

translations: $(VENV)/.installed ## Compile the message catalogues
	@$(BIN)/pybabel compile -d exchange/translations

extract-messages: $(VENV)/.installed ## Refresh messages.pot and the English catalogue
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k N_ -k ngettext:1,2 -o exchange/translations/messages.pot . templates/_macros
	$(BIN)/pybabel update -i exchange/translations/messages.pot -d exchange/translations

db-upgrade: install ## Apply migrations to the configured database
	$(FLASK) db upgrade

seed: db-upgrade ## Load the demo data when the database is empty
	$(FLASK) exchange seed-demo --if-empty

# The scheduler and the server log to instance/scheduler.log and instance/server.log, so the
# address and the demo logins stay the last lines on the screen.
run: seed ## Set up and start the app (SQLite, demo data, scheduler) at http://127.0.0.1:5000
	@mkdir -p instance; trap 'kill 0' EXIT; \
	export EXCHANGE_BASE_URL="$${EXCHANGE_BASE_URL:-http://$(HOST):$(PORT)}"; \
	if [ "$(WHATSAPP)" = sandbox ]; then \
	  export EXCHANGE_WHATSAPP_API_BASE="http://$(HOST):$(WHATSAPP_PORT)/v21.0" \
	    EXCHANGE_WHATSAPP_PHONE_NUMBER_ID=100000000000001 EXCHANGE_WHATSAPP_TOKEN=sandbox-token \
	    EXCHANGE_WHATSAPP_APP_SECRET=sandbox-secret EXCHANGE_WHATSAPP_VERIFY_TOKEN=sandbox-verify; \
	  $(FLASK) exchange whatsapp-sandbox --host $(HOST) --port $(WHATSAPP_PORT) >> instance/whatsapp.log 2>&1 & \
	  echo "WhatsApp sandbox: messages are printed to instance/whatsapp.log"; \
	fi; \
	$(FLASK) exchange scheduler >> instance/scheduler.log 2>&1 & \
	$(FLASK) run --host $(HOST) --port $(PORT) >> instance/server.log 2>&1 & \
	for i in $$(seq 1 50); do \
	  $(BIN)/python -c "import urllib.request; urllib.request.urlopen('http://$(HOST):$(PORT)/healthz', timeout=1)" 2>/dev/null && break; \
	  sleep 0.3; \
	done; \
	echo; \
	echo "Logs: instance/server.log, instance/scheduler.log. Ctrl+C stops the app and the scheduler."; \
	echo "Demo logins (password demo-pesantren-2027): admin@bursa-pesantren.id, staf@bursa-pesantren.id,"; \
	echo "  pengelola01@demo.bursa-pesantren.id ... pengelola43@demo.bursa-pesantren.id (13, 26, 39: pending)"; \
	echo "Bursa Pesantren: http://$(HOST):$(PORT)"; \
	wait

serve: install ## Production-style: gunicorn with 3 workers (set EXCHANGE_* first)
	$(BIN)/gunicorn --workers 3 --bind $(HOST):$(PORT) 'wsgi:app'

scheduler: install ## The scheduler process (APScheduler: the clock that starts the nightly jobs)
	$(FLASK) exchange scheduler

worker: install ## A job worker: clearing and kliring tasks (EXCHANGE_JOB_QUEUE=worker, PostgreSQL); start one or more per machine
	$(FLASK) exchange worker

# With both databases, the crawled pages and the tests marked shared_out are shared out between
# the two runs, each checked once (tests/share.py); without PostgreSQL the SQLite run checks all.
test: install ## Install and run the whole suite on SQLite, then on PostgreSQL when it answers
	@if $(BIN)/python -m tests.pgcheck "$(PG_TEST_URL)"; then \
	  EXCHANGE_TEST_SHARE_OUT=1 $(MAKE) --no-print-directory test-sqlite \
	    && EXCHANGE_TEST_SHARE_OUT=1 $(MAKE) --no-print-directory test-pg; \
	else \
	  $(MAKE) --no-print-directory test-sqlite \
	    && echo "*** PostgreSQL does not answer at $(PG_TEST_URL): the PostgreSQL run is SKIPPED ***"; \
	fi

# The tests of the pure cores (no app, no database): seconds, for the edit-test loop.
PURE_TESTS := tests/deals/test_states.py tests/deals/test_akad.py tests/deals/test_dues.py \
  tests/deals/test_terbilang.py tests/deals/test_bundle.py tests/pesantren/test_states.py \
  tests/listings/test_rules.py tests/listings/test_geo.py tests/listings/test_pagestore.py tests/digests/test_builder.py \
  tests/dashboard/test_flows.py tests/matching/test_reach.py tests/dashboard/test_svg.py \
  tests/dashboard/test_svg_labels.py tests/netting/test_core.py tests/netting/test_eligibility.py \
  tests/matching/test_matching_adapter.py tests/matching/test_matching_candidates.py \
  tests/matching/test_matching_engine.py tests/matching/test_matching_format2.py \
  tests/matching/test_matching_formats_suggest.py tests/matching/test_matching_minimums.py \
  tests/test_phones.py tests/whatsapp/test_policy.py tests/whatsapp/test_templates.py

test-fast: install ## The pure cores' tests only (no app, no database; seconds)
	$(BIN)/pytest -q -m "not slow and not browser" $(PURE_TESTS)

test-sqlite: install ## The suite on SQLite
	EXCHANGE_TEST_DATABASE_URL= $(PYTEST) $(PYTEST_ARGS)

# The tests that reach no database answer the same on any: the SQLite run has run them
# (EXCHANGE_TEST_DATABASE_ONLY, tests/conftest.py; the pure cores' are not even collected).
test-pg: install ## The suite's database tests on PostgreSQL (PG_TEST_URL)
	EXCHANGE_TEST_DATABASE_ONLY=1 EXCHANGE_TEST_DATABASE_URL="$(PG_TEST_URL)" $(PYTEST) $(addprefix --ignore=,$(PURE_TESTS)) $(PYTEST_ARGS)

test-deep: install ## The property, fuzz, stateful and kill tests at their full counts, both databases
	EXCHANGE_TEST_DEEP=1 EXCHANGE_TEST_DATABASE_URL= $(PYTEST) -m deep $(PYTEST_ARGS)
	@if $(BIN)/python -m tests.pgcheck "$(PG_TEST_URL)"; then \
	  EXCHANGE_TEST_DEEP=1 EXCHANGE_TEST_DATABASE_URL="$(PG_TEST_URL)" $(PYTEST) -m deep $(PYTEST_ARGS); \
	fi

test-api-deep: install ## Schemathesis's stateful API run at its full count (500 scenarios of up to 20 steps), printing each operation's statuses and refusal reasons, SQLite then PostgreSQL
	EXCHANGE_TEST_DEEP=1 EXCHANGE_TEST_DATABASE_URL= $(BIN)/pytest -n 0 -q -s -p no:warnings tests/api/test_stateful.py
	EXCHANGE_TEST_DEEP=1 EXCHANGE_TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -n 0 -q -s -p no:warnings tests/api/test_stateful.py

FUZZ_EXAMPLES ?= 3500
fuzz: install ## Fuzz every form and query parameter: 3 x FUZZ_EXAMPLES requests (10,500) on SQLite, then PostgreSQL
	EXCHANGE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) EXCHANGE_TEST_DATABASE_URL= $(BIN)/pytest -q -s -p no:warnings tests/security/test_fuzz.py
	EXCHANGE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) EXCHANGE_TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -q -s -p no:warnings tests/security/test_fuzz.py

test-kill: install ## The mail sender killed at 20 random points over 300 digests (e-mail, then WhatsApp), SQLite then PostgreSQL
	EXCHANGE_TEST_DEEP=1 EXCHANGE_TEST_DATABASE_URL= $(BIN)/pytest -q -s tests/digests/test_kill.py tests/whatsapp/test_kill.py
	EXCHANGE_TEST_DEEP=1 EXCHANGE_TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -q -s tests/digests/test_kill.py tests/whatsapp/test_kill.py

audit: install ## ruff, bandit and pip-audit (pip-audit needs the internet; says so when it is not there)
	.ci/audit

# Spectral for make lint (npm; skipped, saying so, without npm).
tests/api/spectral/node_modules/.installed: tests/api/spectral/package.json tests/api/spectral/package-lock.json
	@if command -v npm >/dev/null; then \
	  (cd tests/api/spectral && npm ci --silent --no-audit --no-fund) && touch $@; \
	else echo "npm not found: Spectral will not lint the API document"; fi

lint: install tests/api/spectral/node_modules/.installed ## ruff, the import layers (.importlinter), Spectral on the API document (.spectral.yaml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	@if [ -x tests/api/spectral/node_modules/.bin/spectral ]; then \
	  mkdir -p build && $(BIN)/python tests/api/document.py > build/openapi.json && \
	  tests/api/spectral/node_modules/.bin/spectral lint --fail-severity=warn -q \
	    -r .spectral.yaml build/openapi.json && echo "Spectral: 0 warnings"; \
	else echo "Spectral not installed (npm): the API document was not linted"; fi

format: install ## ruff format and autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench-import: install ## The registry import of 5,000 rows, twice (BENCH_IMPORT_URL for PostgreSQL, else SQLite)
	$(BIN)/python benchmarks/bench_import.py

bench-signin: install ## Wrong sign-ins to a known and an unknown account, scrypt: median times
	$(BIN)/python benchmarks/bench_signin.py

bench-digests: install ## Time a daily digest run for 10,000 managers (own PostgreSQL DB, local SMTP)
	$(BIN)/python benchmarks/bench_digests.py --url "$(BENCH_DIGESTS_URL)"

bench-faults: install ## 503 timings: a cluster of its own frozen (SIGSTOP) and stopped under load, 3 gunicorn workers
	$(BIN)/python benchmarks/bench_faults.py

bench-web: install ## Pages under load: gunicorn + PostgreSQL (BENCH_WEB_URL), demo + 50,000 listings, wrk
	@command -v wrk >/dev/null || apt-get install -y -q wrk
	$(BIN)/python benchmarks/bench_web.py

bench-pages: install ## A manager's pages in-process: CPU and queries per request (BENCH_PAGES_URL: bench-web's DB)
	$(BIN)/python benchmarks/bench_pages.py

bench-market: install ## Time the market page with 50,000 listings in PostgreSQL (BENCH_MARKET_URL)
	$(BIN)/python benchmarks/bench_market.py

bench-api: install ## The listings batch against single posts (500 rows); the JSON API beside the market page: 50,000 listings (BENCH_API_URL)
	$(BIN)/python benchmarks/bench_api_batch.py
	$(BIN)/python benchmarks/bench_api.py

bench-dashboard: install ## Time the staff dashboard pages: 100,000 contracts, 5,000 pesantren (PostgreSQL)
	PYTHONPATH=. $(BIN)/python benchmarks/bench_dashboard.py

bench-netting: install ## Time the exact netting optimum: 10,000 obligations, 5,000 pesantren; share cleared
	$(BIN)/python benchmarks/bench_netting.py

bench-freight: install ## Shared trucks: trips, share of deals shared, Rp and % saved, planner time (samples, markets, demo)
	$(BIN)/python benchmarks/bench_freight.py

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info

bench-matching: install ## Run the matching engine on every sample (../shared/matching/samples) and judge it
	$(BIN)/python benchmarks/bench_matching.py

bench-matching-scale: install ## The matching CLI on generated markets of 25k-200k listings, formats 1 and 2
	$(BIN)/python benchmarks/bench_matching_scale.py

bench-matching-quality: install ## Format 2 on fresh generated markets (3k-10k, 3 shapes) against HiGHS' bound
	$(BIN)/python benchmarks/bench_matching_quality.py $(if $(SIZES),--sizes $(SIZES))

bench-suggestions: install ## Time suggestions over 50,000 listings in PostgreSQL (BENCH_URL to override)
	cd benchmarks && ../$(BIN)/python bench_suggestions.py $(if $(BENCH_URL),--url "$(BENCH_URL)")

bench-jobs: install ## The job queue's overhead per task, an idle worker's pickup (poll vs NOTIFY), and a 20,000-listing clearing by 1 and by 2 worker processes (PostgreSQL)
	cd benchmarks && ../$(BIN)/python bench_jobs.py $(if $(BENCH_URL),--url "$(BENCH_URL)")

bench-clearing: install ## Time a clearing run (load, solve, store) over 20,000 listings in PostgreSQL
	cd benchmarks && ../$(BIN)/python bench_clearing.py $(if $(BENCH_URL),--url "$(BENCH_URL)")

bench-pools: install ## What the engine's pool suggestions (patungan) add on the jatim2 samples
	$(BIN)/python benchmarks/bench_pools.py --names jatim2-1k,jatim2-10k
