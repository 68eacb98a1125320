# The README's commands, nothing hidden. `make run` and `make test` each set up everything on a fresh clone.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STORE   ?= var/store
HOST    ?= 127.0.0.1
PORT    ?= 5000

.PHONY: run test bench build serve lint clean browser-deps fuzz loadtest

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Re-install only when the project's dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# Exit 1 means the graph loaded with validation findings (stored in graph/validation): serve it anyway.
build: $(VENV)/.installed
	$(BIN)/noticekg build corpus --store oxigraph:$(STORE) --replace || [ $$? -eq 1 ]

run: build
	$(BIN)/noticekg serve --store oxigraph:$(STORE) --host $(HOST) --port $(PORT)

# Headless Chromium for the browser tests: Debian's package (no browser download works here), and a CJK
# font so that its screenshots show the Chinese.
browser-deps:
	@test -x /usr/bin/chromium -a -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-microhei; }

# One pytest worker per core (pytest-xdist), each test file on one worker: its module fixtures built once.
test: $(VENV)/.installed browser-deps
	$(BIN)/python -m pytest -q -n auto --dist loadfile --durations=15

# The synthetic national corpus at each size (bench/synth), built, validated and served; 30,000 is opt-in:
# `make bench SIZES=1000,10000,30000`. Results: bench/results/<date>.json and bench/results/latest.md.
SIZES   ?= 1000,10000
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py --sizes $(SIZES) --out bench/results/latest.md

# The parser's long fuzz run (tests/fuzz_notices.py, not collected by pytest): cases, crashes, slowest per KB.
FUZZ_MINUTES ?= 10
fuzz: $(VENV)/.installed
	$(BIN)/python tests/fuzz_notices.py --minutes $(FUZZ_MINUTES)

# The production server under 8 and 32 clients for 30 s each, with and without a hostile client (loopback
# ports 5150-5159); writes bench/results/loadtest-<date>.md and .json. Not part of `make test`.
loadtest: $(VENV)/.installed
	$(BIN)/python bench/loadtest.py --clients 8,32 --seconds 30 --out-dir bench/results

lint: $(VENV)/.installed
	$(BIN)/ruff check graph server tests bench

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
