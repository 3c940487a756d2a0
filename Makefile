# The edition's commands. A newcomer needs two: `make serve` and `make test`.
# Each target creates the virtual environment and installs what it needs.

VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SITE    ?= site
BUILD   ?= build
# The offline copy: built apart, zipped into the site (the link is extra.offline_copy in mkdocs.yml).
OFFLINE_COPY := $(BUILD)/protecting-children-from-trafficking
OFFLINE_ZIP  := downloads/protecting-children-from-trafficking-offline.zip
# Material 9.8 prints a notice about MkDocs 2.0 on every run; we pin MkDocs < 2.
export NO_MKDOCS_2_WARNING := 1

NODE_BIN := .cache/node/node_modules/.bin
MARKDOWNLINT_CLI2 := 0.24.1

.PHONY: help serve test site bench clean browser lint linkcheck screenshots

help:
	@echo "make serve   preview the site with live reload on http://127.0.0.1:8000"
	@echo "make test    run every check that CI runs"
	@echo "make site    the production build: site, PDF and offline zip in $(SITE)/"
	@echo "make lint    check references.bib, spelling, Markdown style and the workflows (as pre-commit does)"
	@echo "make linkcheck  ask every source's address whether it still answers (needs the internet)"
	@echo "make screenshots  phone and desktop screenshots, light and dark, in screenshots/"
	@echo "make bench   time the builds; weigh first visits; Lighthouse scores (numbers, not tests)"
	@echo "make clean   remove build output and the virtual environment"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

serve: $(STAMP)
	SITE_URL=http://127.0.0.1:8000/ $(BIN)/mkdocs serve --livereload --dev-addr 127.0.0.1:8000

test: $(STAMP) lint browser
	$(BIN)/python -m pytest

# A Chromium for the browser tests: Debian's where it is (CI installs it as root),
# else the one Playwright downloads into its cache.
browser: $(STAMP)
	@if [ -x /usr/bin/chromium ] || [ -n "$$CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq chromium; \
	else $(BIN)/playwright install chromium; fi

# The site with the PDF (A4 and Letter), then the offline copy (with the PDFs),
# zipped into the site. Built beside the old site and moved into place only when
# every step succeeds: a failed build never leaves a half-written site to deploy.
site: $(STAMP)
	@rm -rf $(SITE).new $(OFFLINE_COPY)
	ENABLE_PDF_EXPORT=1 $(BIN)/mkdocs build --strict --site-dir $(SITE).new || { rm -rf $(SITE).new; exit 1; }
	OFFLINE=true $(BIN)/mkdocs build --strict --site-dir $(OFFLINE_COPY) || { rm -rf $(SITE).new $(OFFLINE_COPY); exit 1; }
	mkdir -p $(OFFLINE_COPY)/downloads
	cp $(SITE).new/downloads/*.pdf $(OFFLINE_COPY)/downloads/
	$(BIN)/python -m zipfile -c $(SITE).new/$(OFFLINE_ZIP) $(OFFLINE_COPY)
	@rm -rf $(SITE) && mv $(SITE).new $(SITE)

# The checks pre-commit runs, without pre-commit's own set-up.
lint: $(STAMP) $(NODE_BIN)/markdownlint-cli2
	$(BIN)/edition-check-bib references.bib
	$(BIN)/codespell
	$(NODE_BIN)/markdownlint-cli2
	$(BIN)/zizmor --offline .github/workflows

$(NODE_BIN)/markdownlint-cli2:
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix .cache/node markdownlint-cli2@$(MARKDOWNLINT_CLI2)

# Weekly in CI, not part of `make test`: dead sources are news, not a broken build.
linkcheck: $(STAMP)
	$(BIN)/python -m edition.link_check

# Numbers, not tests: build times, PDF size, first-visit weight and Lighthouse.
LIGHTHOUSE := 12.2.3

bench: $(STAMP) browser .cache/lighthouse/node_modules/.bin/lighthouse
	$(BIN)/python -m scripts.bench

.cache/lighthouse/node_modules/.bin/lighthouse:
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix .cache/lighthouse lighthouse@$(LIGHTHOUSE)

clean:
	rm -rf $(SITE) $(SITE).new $(BUILD) $(VENV) .pytest_cache .cache

# Screenshots for reviewers (the pull-request workflow uploads them).
screenshots: $(STAMP) browser
	@rm -rf .cache/screenshots-site
	$(BIN)/mkdocs build --strict --site-dir .cache/screenshots-site
	$(BIN)/python -m scripts.screenshots .cache/screenshots-site screenshots
