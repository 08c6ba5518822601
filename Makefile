# Two commands on a fresh machine: `make run SCENARIO=laptop` and `make test`.
# They create .venv with Python 3.12+ (3.12 preferred: PATH, then pyenv's versions; PYTHON= overrides)
# and install the pinned packages from uv.lock whenever the lock or pyproject changes.

SCENARIO ?= laptop
ARGS ?=
UV_VERSION := 0.13.9
VENV := .venv
TOOLS := .tools
STAMP := $(VENV)/.installed

PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3; do \
	  c=$$(command -v $$p 2>/dev/null) && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$c; exit 0; }; \
	done; \
	r=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
	for c in $$(ls -d $$r/versions/3.12*/bin/python3 $$r/versions/3.1[3-9]*/bin/python3 2>/dev/null); do \
	  $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$c; exit 0; }; \
	done)

# Debian's chromium renders the report in the browser test and exports PNG figures; it is
# installed with apt-get when missing (no browser download), waiting up to 10 minutes for another
# apt-get to release the dpkg lock.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_WAIT := -o DPkg::Lock::Timeout=600

.PHONY: run test test-fast infer lint bench paired clean venv figures chromium explore app workshop room

venv: $(STAMP)

$(TOOLS)/bin/uv:
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.12 found on PATH or in pyenv; set PYTHON=/path/to/python3.12" >&2; exit 2; }
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# --compile-bytecode: every process (a run's workers, the tests' subprocesses) then loads the
# libraries' bytecode instead of compiling them from source where PYTHONDONTWRITEBYTECODE is set
# (imports took 5.4-6.3 s without, 2.5-2.9 s with; the compiling costs ~30 s once).
$(STAMP): $(TOOLS)/bin/uv uv.lock pyproject.toml Makefile
	$(TOOLS)/bin/uv sync --frozen --all-extras --compile-bytecode --python "$(PYTHON)"
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/python -m sim run $(SCENARIO) $(ARGS)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium (apt-get) for the browser test and PNG export"; \
	  $(SUDO) apt-get $(APT_WAIT) update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get $(APT_WAIT) install -y -qq chromium >/dev/null; \
	} || { echo "error: could not install chromium; install Debian's 'chromium' package" >&2; exit 2; }

# Where each claim holds over the scenario's [explore] ranges: tables and atlas.html in
# results/<scenario>/explore-<stamp>/ (docs/explore.md). Re-running with ARGS="--resume DIR"
# finishes a killed exploration.
explore: $(STAMP)
	$(VENV)/bin/python -m sim explore $(SCENARIO) $(ARGS)

# Which values of the unmeasured mechanisms fit BNI's published figures: posterior.parquet in
# results/<scenario>/infer-<stamp>/, with posterior.html to read (docs/evidence.md).
# ARGS="--resume DIR" goes on after a kill.
infer: $(STAMP)
	$(VENV)/bin/python -m sim infer $(SCENARIO) $(ARGS)

# The live app (docs/workshop.md): http://127.0.0.1:8765/ on this machine; HOST=0.0.0.0 shares
# it with a workshop network (anyone on it can open http://<this machine's address>:8765/).
HOST ?= 127.0.0.1
PORT ?= 8765
app: $(STAMP)
	$(VENV)/bin/python -m sim app --host $(HOST) --port $(PORT) $(ARGS)

# The room (docs/workshop.md): participants join from their phones; it prints the phones'
# address and the projector's link. On a workshop network: make room HOST=0.0.0.0
room: $(STAMP)
	$(VENV)/bin/python -m sim room --host $(HOST) --port $(PORT) $(ARGS)

# The workshop pack (docs/workshop.md): runs made for it, deck.html, handouts.pdf, guide.pdf in
# results/workshop/<stamp>/. LANG=nl|en picks the language (the shell's own LANG, a locale, is
# not taken for it, and the pack's commands run in the C.UTF-8 locale).
WORKSHOP_LANG = $(if $(filter command line,$(origin LANG)),$(LANG),en)
workshop: $(STAMP) chromium
	LANG=C.UTF-8 $(VENV)/bin/python -m sim workshop --lang '$(WORKSHOP_LANG)' $(ARGS)

test: $(STAMP) chromium
	$(VENV)/bin/python -m pytest -n 2 --dist loadgroup $(ARGS)

# The inner loop: every test that needs neither the browser nor minutes (no apt-get, no chromium).
test-fast: $(STAMP)
	$(VENV)/bin/python -m pytest -n 2 --dist loadgroup -m "not browser and not slow" $(ARGS)

figures: $(STAMP) chromium
	@test -n "$(RUN)" || { echo "usage: make figures RUN=results/<scenario>/<stamp>" >&2; exit 2; }
	BROWSER_PATH=$$(command -v chromium) $(VENV)/bin/python -m sim figures $(RUN) $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check sim tests benchmarks
	$(VENV)/bin/ruff format --check sim tests benchmarks

bench: $(STAMP)
	$(VENV)/bin/python -m benchmarks.bench $(ARGS)

paired: $(STAMP)
	$(VENV)/bin/python -m benchmarks.paired $(ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
