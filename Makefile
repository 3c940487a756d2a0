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
# The offline copy: built apart, zipped into the site (the link is the edition plugin's offline_copy in mkdocs.yml).
OFFLINE_COPY := $(BUILD)/protecting-children-from-trafficking
OFFLINE_ZIP  := downloads/protecting-children-from-trafficking-offline.zip
# Material 9.8 prints a notice about MkDocs 2.0 on every run; we pin MkDocs < 2.
export NO_MKDOCS_2_WARNING := 1
# Builds repeat themselves: every date a build writes (the sitemap's, the PDF's and the
# EPUB's, the archives' timestamps) is the last commit's, never the clock's. Outside a
# git checkout the edition takes the day CITATION.cff says this version was released.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif

# The Node tools, each locked in tools/NAME/package-lock.json (no registry addresses in
# it: tools/NAME/.npmrc) and installed exactly with `npm ci` into .cache/NAME.
npm_ci = rm -rf .cache/$(1) && mkdir -p .cache/$(1) && cp tools/$(1)/package.json tools/$(1)/package-lock.json tools/$(1)/.npmrc .cache/$(1)/ \
	&& PUPPETEER_SKIP_DOWNLOAD=1 npm ci --silent --prefix .cache/$(1) && touch $@
NODE_BIN := .cache/lint/node_modules/.bin
# cffconvert, which reads CITATION.cff as its users do (tests/test_cite_this.py), in an
# environment of its own: its only release pins jsonschema below 4, which the edition's need not share.
CFFCONVERT := 2.0.0
CFFCONVERT_BIN := .cache/cffconvert/bin/cffconvert
# Ace by DAISY, the EPUB's accessibility checker (tests/test_epub.py); it drives the
# same Chromium as the browser tests, so Puppeteer downloads none.
ACE_CLI := .cache/ace/node_modules/.bin/ace-cli

.PHONY: help serve check test test-properdocs test-zensical site verify bench clean browser lint linkcheck screenshots lock pdf-ua review review-site review-summary review-screenshots

help:
	@echo "make serve   preview the site with live reload on http://127.0.0.1:8000 (or the next free port)"
	@echo "make test    run every check that CI runs"
	@echo "make check   the quick loop before you push: the strict build and the fast tests (under 20 s)"
	@echo "make test-properdocs  the same checks, with ProperDocs building the site instead of MkDocs"
	@echo "make test-zensical  build with Zensical (beta) and the edition's steps as commands; report what differs (never fails)"
	@echo "make site    the production build: site, PDF, EPUB and offline zip in $(SITE)/"
	@echo "make verify  refuse a built folder the edition did not finish (SITE=folder)"
	@echo "make lint    check references.bib, spelling, Markdown style and the workflows (as pre-commit does)"
	@echo "make linkcheck  ask every source's address whether it still answers (needs the internet)"
	@echo "make pdf-ua  check the PDFs of make site with veraPDF's PDF/UA-1 profile (downloads veraPDF)"
	@echo "make screenshots  phone and desktop screenshots, light and dark, in screenshots/"
	@echo "make review BASE=main  what your branch changes for readers, as a reviewer will see it (BASE's code compares)"
	@echo "make bench   time the builds; weigh first visits; Lighthouse scores (numbers, not tests)"
	@echo "make lock    resolve pyproject.toml's dependencies again into requirements.txt (with hashes)"
	@echo "make clean   remove build output and the virtual environment"

# Exactly the lock, and nothing else: every file checked against its hash and no
# dependency resolved at install time (--no-deps), so a release upstream cannot
# change what is installed; `pip check` then proves the lock is whole. It works
# with the pip that a bare `python3 -m venv` brings (23.0 and newer). The build
# backend comes first, from its own lock (a venv of Python 3.12 or newer has none):
# the few packages published only as source, and the edition's own package, are
# built with it, never with a build environment fetched for them (--no-build-isolation).
#   requirements-build.txt  setuptools, the build backend
#   requirements.txt        what the site needs (make serve, make site, the deploy)
#   requirements-test.txt   that and the checks (make test, make check, make lint), same pins
# $(call install,PYTHON,LOCK FILE,PACKAGES BUILT FROM SOURCE)
install = $(1) -m pip --disable-pip-version-check install --quiet --require-hashes --no-deps -r requirements-build.txt \
	&& $(1) -m pip --disable-pip-version-check install --quiet --require-hashes --no-deps --only-binary :all: \
		$(if $(3),--no-binary $(3)) --use-pep517 --no-build-isolation -r $(2)
RUNTIME_STAMP := $(VENV)/.installed-runtime

$(RUNTIME_STAMP): requirements-build.txt requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(call install,$(BIN)/python,requirements.txt)
	$(BIN)/python -m pip --disable-pip-version-check install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip --disable-pip-version-check check
	@touch $@

$(STAMP): $(RUNTIME_STAMP) requirements-test.txt
	$(call install,$(BIN)/python,requirements-test.txt,jstyleson)
	$(BIN)/python -m pip --disable-pip-version-check check
	@touch $@

# After a change of pyproject.toml's dependencies: resolve them again, for every
# platform and Python 3.11+, with hashes, the test lock held to the runtime lock's
# pins. uv is the test lock's own. Dependabot proposes upgrades in these files,
# and the suite judges each one like any other change.
LOCK := $(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes --quiet
lock: $(STAMP)
	$(LOCK) pyproject.toml --group build -o requirements.txt
	$(LOCK) pyproject.toml --group build --extra test -c requirements.txt -o requirements-test.txt
	$(LOCK) --group build -c requirements.txt -o requirements-build.txt
	echo "zensical" | $(LOCK) - -c requirements.txt --no-header -o .cache/zensical.lock
	{ sed -n '1,2p' requirements-zensical.txt; cat .cache/zensical.lock; } > requirements-zensical.new && mv requirements-zensical.new requirements-zensical.txt
	echo "cffconvert==$(CFFCONVERT)" | $(LOCK) - -c requirements-build.txt --no-header -o .cache/cffconvert.lock
	{ sed -n '1,2p' requirements-cffconvert.txt; cat .cache/cffconvert.lock; } > requirements-cffconvert.new && mv requirements-cffconvert.new requirements-cffconvert.txt

# The preview, on the first free port from 8000 (a second preview takes the next one).
serve: $(RUNTIME_STAMP)
	@port=$$($(BIN)/python -m scripts.free_port 8000) && echo "The preview: http://127.0.0.1:$$port/" && \
	SITE_URL=http://127.0.0.1:$$port/ $(BIN)/$(MKDOCS) serve --livereload --dev-addr 127.0.0.1:$$port

test: $(STAMP) lint browser $(CFFCONVERT_BIN) $(ACE_CLI)
	$(BIN)/python -m pytest

# The contributor's loop, before pushing: the sources checked (every guard that reads them),
# then the tests that need no browser and no `make site` (marked `fast`), with the session's
# strict build and every guard, property tests at a tenth of their examples; in under 20
# seconds (`make bench` measures it).
check: $(STAMP)
	$(BIN)/python -m edition check
	EDITION_QUICK=1 $(BIN)/python -m pytest -m fast

# The way off MkDocs 1.6: the same site and the same suite, built by ProperDocs.
test-properdocs:
	$(MAKE) --no-print-directory test MKDOCS=properdocs

# Zensical (beta) builds the pages with the edition's Markdown extensions, and the
# edition's other steps run as commands around it (scripts/zensical_report.py).
# Not part of `make test`, and never fails: it prints what differs and what is missing.
ZENSICAL_STAMP := .cache/zensical/.installed
$(ZENSICAL_STAMP): requirements-build.txt requirements.txt requirements-zensical.txt pyproject.toml
	$(PYTHON) -m venv .cache/zensical
	$(call install,.cache/zensical/bin/python,requirements.txt)
	.cache/zensical/bin/python -m pip --disable-pip-version-check install --quiet --require-hashes --no-deps \
		--only-binary :all: -r requirements-zensical.txt
	.cache/zensical/bin/python -m pip --disable-pip-version-check install --quiet --no-deps --no-build-isolation -e .
	.cache/zensical/bin/python -m pip --disable-pip-version-check check
	@touch $@

test-zensical: $(STAMP) $(ZENSICAL_STAMP)
	$(BIN)/python -m scripts.zensical_report

$(CFFCONVERT_BIN): requirements-build.txt requirements-cffconvert.txt
	$(PYTHON) -m venv .cache/cffconvert
	$(call install,.cache/cffconvert/bin/python,requirements-cffconvert.txt,docopt)
	.cache/cffconvert/bin/python -m pip --disable-pip-version-check check
	@touch $@

$(ACE_CLI): tools/ace/package-lock.json
	$(call npm_ci,ace)

# A Chromium for the browser tests: Debian's where it is (CI installs it as root),
# else the one Playwright downloads into its cache.
browser: $(STAMP)
	@if [ -x /usr/bin/chromium ] || [ -n "$$CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq chromium; \
	else $(BIN)/playwright install chromium; fi

# The site with the PDF (A4 and Letter) and the EPUB, and beside it the offline copy
# (OFFLINE=true, built at the same time on the other core), which gets the PDFs and is
# zipped into the site (edition/book/archive.py: a zip that repeats itself). Built beside
# the old site and moved into place only when every step succeeds and the tripwire passes
# both: a failed build never leaves a half-written site to deploy. SHA256SUMS lets a reader
# check a download against a build of the same commit (README.md, "Check a download").
site: $(RUNTIME_STAMP)
	@rm -rf $(SITE).new $(OFFLINE_COPY) && mkdir -p $(BUILD)
	@OFFLINE=true $(BIN)/$(MKDOCS) build --strict --config-file mkdocs.yml --site-dir $(OFFLINE_COPY) > $(OFFLINE_COPY).log 2>&1 & offline=$$!; \
	ENABLE_PDF_EXPORT=true ENABLE_EPUB_EXPORT=true $(BIN)/$(MKDOCS) build --strict --config-file mkdocs.yml --site-dir $(SITE).new; site=$$?; \
	wait $$offline; copy=$$?; echo "The offline copy (OFFLINE=true):"; cat $(OFFLINE_COPY).log; rm -f $(OFFLINE_COPY).log; \
	if [ $$site != 0 ] || [ $$copy != 0 ]; then rm -rf $(SITE).new $(OFFLINE_COPY); exit 1; fi
	mkdir -p $(OFFLINE_COPY)/downloads
	cp $(SITE).new/downloads/*.pdf $(OFFLINE_COPY)/downloads/
	$(BIN)/python -m edition verify $(OFFLINE_COPY)
	$(BIN)/python -m edition.book.archive $(OFFLINE_COPY) $(SITE).new/$(OFFLINE_ZIP)
	$(BIN)/python -m edition verify $(SITE).new
	cd $(SITE).new && find . -type f ! -name SHA256SUMS -print0 | LC_ALL=C sort -z | xargs -0 sha256sum > SHA256SUMS
	@rm -rf $(SITE) && mv $(SITE).new $(SITE)

# The tripwire on a built folder (the deploy workflow runs it on the folder it uploads):
# refuses one the edition did not finish (edition/finish/verify.py).
verify: $(RUNTIME_STAMP)
	$(BIN)/python -m edition verify $(SITE)

# The checks pre-commit runs, without pre-commit's own set-up.
lint: $(STAMP) $(NODE_BIN)/markdownlint-cli2
	$(BIN)/edition-check-bib references.bib
	$(BIN)/codespell
	$(NODE_BIN)/markdownlint-cli2
	$(BIN)/zizmor --offline .github/workflows

$(NODE_BIN)/markdownlint-cli2: tools/lint/package-lock.json
	$(call npm_ci,lint)

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
bench: $(STAMP) browser .cache/lighthouse/node_modules/.bin/lighthouse
	$(BIN)/python -m scripts.bench

.cache/lighthouse/node_modules/.bin/lighthouse: tools/lighthouse/package-lock.json
	$(call npm_ci,lighthouse)

clean:
	rm -rf $(SITE) $(SITE).new $(BUILD) $(VENV) .pytest_cache .cache

# Screenshots for reviewers (the pull-request workflow uploads them).
screenshots: $(STAMP) browser
	@rm -rf .cache/screenshots-site
	$(BIN)/$(MKDOCS) build --strict --config-file mkdocs.yml --site-dir .cache/screenshots-site
	$(BIN)/python -m scripts.screenshots .cache/screenshots-site screenshots

# What a pull request changes for readers (scripts/review.py; CONTRIBUTING.md, "What a
# reviewer sees"), as the pull-request workflow tells its reviewer. BASE is checked out
# in a temporary git worktree and built with its own code (its edition/ first on the
# path), the working tree with its own, both strictly and with their last commit's date
# (SOURCE_DATE_EPOCH), so that the two differ only where their files do. The summary is
# written by BASE's copy of scripts/review.py: a branch never judges itself. Progress
# goes to stderr, the summary alone to stdout.
BASE ?= main
review: $(RUNTIME_STAMP)
	@set -e; tmp=$$(mktemp -d); \
	trap 'git worktree remove --force "$$tmp/base" >/dev/null 2>&1 || true; rm -rf "$$tmp"' EXIT; \
	git worktree add --quiet --detach "$$tmp/base" "$(BASE)"; \
	if [ ! -f "$$tmp/base/scripts/review.py" ]; then echo "$(BASE) has no scripts/review.py to compare with" >&2; exit 1; fi; \
	cp "$$tmp/base/scripts/review.py" "$$tmp/review.py"; \
	echo "Building $(BASE) with its own code" >&2; \
	(cd "$$tmp/base" && SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct) PYTHONPATH="$$tmp/base" \
		$(abspath $(BIN))/$(MKDOCS) build --strict --config-file mkdocs.yml --site-dir "$$tmp/base-site" >"$$tmp/build.log" 2>&1) \
		|| { cat "$$tmp/build.log" >&2; exit 1; }; \
	echo "Building the working tree" >&2; \
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct) PYTHONPATH="$(CURDIR)" \
		$(BIN)/$(MKDOCS) build --strict --config-file mkdocs.yml --site-dir "$$tmp/head-site" >"$$tmp/build.log" 2>&1 \
		|| { cat "$$tmp/build.log" >&2; exit 1; }; \
	{ git diff --name-only --no-renames "$(BASE)"; git ls-files --others --exclude-standard; } >"$$tmp/changed.txt"; \
	$(BIN)/python "$$tmp/review.py" "$$tmp/base-site" "$$tmp/head-site" --base-tree "$$tmp/base" --head-tree . --changed-files "$$tmp/changed.txt"

# The pull-request workflow's review jobs, each a step run in the checkout whose code it is.
# review-site: `make site` with the last commit's date, in the head's job and in the base's.
review-site:
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct) $(MAKE) --no-print-directory site

# review-summary, run in the BASE's checkout: its own scripts/review.py compares its site
# with the head's (HEAD_SITE, built in the head's own job; HEAD_TREE, the head's files, read
# and never run) and writes REVIEW/summary.md, REVIEW/pages.txt and the job's summary.
HEAD_SITE ?=
HEAD_TREE ?=
REVIEW    ?= review
review-summary: $(RUNTIME_STAMP)
	@if [ -z "$(HEAD_SITE)" ] || [ -z "$(HEAD_TREE)" ]; then echo "make review-summary needs HEAD_SITE and HEAD_TREE" >&2; exit 1; fi
	$(BIN)/python -m scripts.review $(SITE) "$(HEAD_SITE)" --base-tree . --head-tree "$(HEAD_TREE)" \
		--screenshots --out "$(REVIEW)/summary.md" --pages-out "$(REVIEW)/pages.txt"
	@if [ -n "$$GITHUB_STEP_SUMMARY" ]; then cat "$(REVIEW)/summary.md" >> "$$GITHUB_STEP_SUMMARY"; fi

# review-screenshots, run in the BASE's checkout: the changed pages of the head's site
# (REVIEW/pages.txt), phone and desktop, light palette, into REVIEW/screenshots.
review-screenshots: $(STAMP) browser
	@if [ -z "$(HEAD_SITE)" ]; then echo "make review-screenshots needs HEAD_SITE" >&2; exit 1; fi
	$(BIN)/python -m scripts.screenshots --light --pages-from "$(REVIEW)/pages.txt" "$(HEAD_SITE)" "$(REVIEW)/screenshots"
