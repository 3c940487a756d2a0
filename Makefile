# The edition's commands. A newcomer needs two: `make serve` and `make test`.
# Each target creates the virtual environment and installs what it needs.

VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SITE    ?= site
BUILD   ?= build
# The builder: MkDocs 1.6, or ProperDocs (`make test-properdocs`), its maintained continuation.
MKDOCS  ?= mkdocs
export MKDOCS
# The offline copy: built apart, zipped into the site (the link is extra.offline_copy in mkdocs.yml).
OFFLINE_COPY := $(BUILD)/protecting-children-from-trafficking
OFFLINE_ZIP  := downloads/protecting-children-from-trafficking-offline.zip
# Material 9.8 prints a notice about MkDocs 2.0 on every run; we pin MkDocs < 2.
export NO_MKDOCS_2_WARNING := 1

NODE_BIN := .cache/node/node_modules/.bin
# cffconvert, which reads CITATION.cff as its users do (tests/test_cite_this.py), in an
# environment of its own: its only release pins jsonschema below 4, which the edition's need not share.
CFFCONVERT := 2.0.0
CFFCONVERT_BIN := .cache/cffconvert/bin/cffconvert
MARKDOWNLINT_CLI2 := 0.24.1
# Ace by DAISY, the EPUB's accessibility checker (tests/test_epub.py); it drives the
# same Chromium as the browser tests, so Puppeteer downloads none.
ACE := 1.4.6
ACE_CLI := .cache/ace/node_modules/.bin/ace-cli

.PHONY: help serve test test-properdocs site bench clean browser lint linkcheck screenshots lock pdf-ua

help:
	@echo "make serve   preview the site with live reload on http://127.0.0.1:8000"
	@echo "make test    run every check that CI runs"
	@echo "make test-properdocs  the same checks, with ProperDocs building the site instead of MkDocs"
	@echo "make site    the production build: site, PDF, EPUB and offline zip in $(SITE)/"
	@echo "make lint    check references.bib, spelling, Markdown style and the workflows (as pre-commit does)"
	@echo "make linkcheck  ask every source's address whether it still answers (needs the internet)"
	@echo "make pdf-ua  check the PDFs of make site with veraPDF's PDF/UA-1 profile (downloads veraPDF)"
	@echo "make screenshots  phone and desktop screenshots, light and dark, in screenshots/"
	@echo "make bench   time the builds; weigh first visits; Lighthouse scores (numbers, not tests)"
	@echo "make lock    resolve pyproject.toml's dependencies again into requirements.txt (with hashes)"
	@echo "make clean   remove build output and the virtual environment"

# Everything from the lock file, every file checked against its hash; then the
# edition's own package (edition/), whose dependencies are all in the lock.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

# After a change of pyproject.toml's dependencies: resolve them again, for every
# platform and Python 3.11+, with hashes. Dependabot proposes upgrades the same way.
UV := 0.13.9
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV)
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes --quiet -o requirements.txt
	echo "cffconvert==$(CFFCONVERT)" | $(BIN)/uv pip compile - --universal --python-version 3.11 --generate-hashes --quiet --no-header -o .cache/cffconvert.lock
	{ sed -n '1,2p' requirements-cffconvert.txt; cat .cache/cffconvert.lock; } > requirements-cffconvert.new && mv requirements-cffconvert.new requirements-cffconvert.txt

serve: $(STAMP)
	SITE_URL=http://127.0.0.1:8000/ $(BIN)/$(MKDOCS) serve --livereload --dev-addr 127.0.0.1:8000

test: $(STAMP) lint browser $(CFFCONVERT_BIN) $(ACE_CLI)
	$(BIN)/python -m pytest

# The way off MkDocs 1.6: the same site and the same suite, built by ProperDocs.
test-properdocs:
	$(MAKE) --no-print-directory test MKDOCS=properdocs

$(CFFCONVERT_BIN): requirements-cffconvert.txt
	$(PYTHON) -m venv .cache/cffconvert
	.cache/cffconvert/bin/python -m pip install --quiet --require-hashes -r requirements-cffconvert.txt
	@touch $@

$(ACE_CLI):
	PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix .cache/ace @daisy/ace-cli@$(ACE)

# A Chromium for the browser tests: Debian's where it is (CI installs it as root),
# else the one Playwright downloads into its cache.
browser: $(STAMP)
	@if [ -x /usr/bin/chromium ] || [ -n "$$CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq chromium; \
	else $(BIN)/playwright install chromium; fi

# The site with the PDF (A4 and Letter) and the EPUB, and beside it the offline copy
# (OFFLINE=true, built at the same time on the other core), which gets the PDFs
# and is zipped into the site. Built beside the old site and moved into place only
# when every step succeeds: a failed build never leaves a half-written site to deploy.
site: $(STAMP)
	@rm -rf $(SITE).new $(OFFLINE_COPY) && mkdir -p $(BUILD)
	@OFFLINE=true $(BIN)/$(MKDOCS) build --strict --config-file mkdocs.yml --site-dir $(OFFLINE_COPY) > $(OFFLINE_COPY).log 2>&1 & offline=$$!; \
	ENABLE_PDF_EXPORT=1 ENABLE_EPUB_EXPORT=1 $(BIN)/$(MKDOCS) build --strict --config-file mkdocs.yml --site-dir $(SITE).new; site=$$?; \
	wait $$offline; copy=$$?; echo "The offline copy (OFFLINE=true):"; cat $(OFFLINE_COPY).log; rm -f $(OFFLINE_COPY).log; \
	if [ $$site != 0 ] || [ $$copy != 0 ]; then rm -rf $(SITE).new $(OFFLINE_COPY); exit 1; fi
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

# veraPDF's PDF/UA-1 profile on the PDFs that `make site` made (the pull-request
# workflow runs it). It downloads veraPDF's installer, so it needs the internet;
# `make test` checks the same PDFs with pikepdf (tests/test_pdf_accessibility.py).
VERAPDF_DIR := .cache/verapdf
VERAPDF := $(VERAPDF_DIR)/app/verapdf

pdf-ua: $(VERAPDF)
	@status=0; for pdf in $(SITE)/downloads/*.pdf; do \
		$(VERAPDF) --flavour ua1 --format text --verbose "$$pdf" | tee $(VERAPDF_DIR)/report.txt; \
		grep -q "^PASS " $(VERAPDF_DIR)/report.txt || status=1; \
	done; exit $$status

$(VERAPDF):
	rm -rf $(VERAPDF_DIR) && mkdir -p $(VERAPDF_DIR)/installer
	curl -sSfL -o $(VERAPDF_DIR)/installer.zip https://software.verapdf.org/releases/verapdf-installer.zip
	unzip -q $(VERAPDF_DIR)/installer.zip -d $(VERAPDF_DIR)/installer
	sed "s|@INSTALL_PATH@|$(abspath $(VERAPDF_DIR))/app|" scripts/verapdf-auto-install.xml > $(VERAPDF_DIR)/auto-install.xml
	java -jar $(VERAPDF_DIR)/installer/verapdf-greenfield-*/verapdf-izpack-installer-*.jar $(VERAPDF_DIR)/auto-install.xml
	$@ --version

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
	$(BIN)/$(MKDOCS) build --strict --config-file mkdocs.yml --site-dir .cache/screenshots-site
	$(BIN)/python -m scripts.screenshots .cache/screenshots-site screenshots
