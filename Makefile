# make run   -> install if needed, build an index, serve the API on http://localhost:$(PORT)
# make test  -> every test (Python, browser, extension unit tests and lint)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INDEX  ?= data/index
PORT   ?= 5000

# The index `make run` builds: by default the whole masters dump of the newest official
# dump listed on data.discogs.com (or DISCOGS_RECS_DUMP_URL), so the panel knows the
# albums of most pages, plus its first $(LIMIT) releases, embedded by the static model
# (MODEL=static: model2vec distilled from the bundled MiniLM, ~100x faster; 6-15
# minutes on 2 cores, docs/benchmarks.md "The first run"), streamed (nothing saved but
# the index); DUMP_DATE=YYYYMMDD pins a month. When the site cannot be reached, the demo
# catalogue bundled with the package. Local files: make run RELEASES=path MASTERS=path
# (either alone is enough); MODEL= for the default MiniLM of `discogs-recs build`
# (better picks, 50-180 albums/s: for a small catalogue, e.g. make run RELEASES=latest
# MODEL=); ARTISTS=path|latest adds the artists dump (related artists; 476 MB in 2026).
DUMP_DATE ?=
LIMIT     ?= 20000
MODEL     ?= static
ifeq ($(origin RELEASES)$(origin MASTERS),undefinedundefined)
RELEASES := latest
MASTERS  := latest
endif
# `latest` inputs fall back to the demo catalogue offline, with one line saying so.
OFFLINE := $(if $(filter latest,$(RELEASES) $(MASTERS) $(ARTISTS)),--demo-if-offline)
BUILD_ARGS := $(if $(RELEASES),--releases $(RELEASES)) $(if $(MASTERS),--masters $(MASTERS)) $(if $(ARTISTS),--artists $(ARTISTS)) $(if $(DUMP_DATE),--dump-date $(DUMP_DATE)) $(if $(LIMIT),--releases-limit $(LIMIT)) $(if $(MODEL),--model $(MODEL)) $(OFFLINE) $(BUILD_FLAGS)

.PHONY: install run index serve test test-python test-extension browser clean bench

install: $(VENV)/.installed

# The compiled parser (index_builder/_fastxml) is built by the editable install, so a
# change to its sources reinstalls.
$(VENV)/.installed: pyproject.toml constraints.txt setup.py $(wildcard index_builder/_fastxml/*)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first and pinned: the local CPU wheel, not GBs of CUDA packages
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

# Rebuild only when the inputs changed, the index is the demo (built offline), or
# REBUILD=1 (e.g. for a newer month); the embedding cache makes rebuilds cheap anyway.
index: install
	@if [ -n "$(REBUILD)" ] || [ ! -f $(INDEX)/manifest.json ] || grep -q '"demo": true' $(INDEX)/manifest.json || \
	    [ "$$(cat $(INDEX)/.make-inputs 2>/dev/null)" != "$(BUILD_ARGS)" ]; then \
		$(BIN)/discogs-recs build $(BUILD_ARGS) --out $(INDEX) && echo "$(BUILD_ARGS)" > $(INDEX)/.make-inputs; \
	else echo "index in $(INDEX) is up to date (make run REBUILD=1 rebuilds it, e.g. from a newer dump)"; fi

serve: install
	$(BIN)/discogs-recs serve --index $(INDEX) --port $(PORT)

run: index serve

browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ echo "installing Debian chromium for the browser tests"; \
		  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v firefox-esr >/dev/null 2>&1 || \
		{ echo "installing Debian firefox-esr for the Firefox tests of the extension"; \
		  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null; }

extension/node_modules/.installed: extension/package.json extension/package-lock.json
	cd extension && npm ci --no-audit --no-fund --loglevel=error
	touch $@

test-extension: extension/node_modules/.installed
	cd extension && node scripts/build.mjs --no-web && npm test && npm run --silent lint

# The Firefox tests drive firefox-esr with puppeteer-core from extension/node_modules.
test-python: install browser $(if $(wildcard extension/package.json),extension/node_modules/.installed)
	$(BIN)/python -m pytest -q

# The extension's tests join once it has a package.json.
test: test-python $(if $(wildcard extension/package.json),test-extension)

# Each writes a markdown table and bench/out/<name>.json; see docs/benchmarks*.md.
bench: install
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.embedding_backends
	$(BIN)/python -m bench.index_types
	$(BIN)/python -m bench.rebuild
	$(BIN)/python -m bench.library_files
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.serving

clean:
	rm -rf $(VENV) data extension/node_modules extension/dist
