# infera — the two commands a newcomer needs are `make demo` and `make test`.
SWIFT        ?= swift
FUZZ_SECONDS ?= 60
export PATH := $(CURDIR)/.venv/bin:$(PATH)

.PHONY: setup build release demo test fuzz bench bench-validate bench-plan bench-apply bench-verify bench-engine soak-apply clean install uninstall dist


# `make install` (PREFIX, DESTDIR, BINDIR as usual): the release binary plus shell completions.
# INSTALL_BIN=path installs that binary instead of building one (e.g. a downloaded release).
PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
DATADIR      ?= $(PREFIX)/share
INSTALL      ?= install
INSTALL_BIN  ?=

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --static-swift-stdlib

demo: setup
	@scripts/demo.sh

# Swift Testing only, so the closing line is the one from `swift test`.
# The short apply soak runs first, so that the last line is swift test's closing line.
test: setup
	$(SWIFT) build --build-tests
	@scripts/soak-apply.sh 6
	$(SWIFT) test --skip-build --disable-xctest

fuzz: setup
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Every benchmark, each against its reference measured in the same run (medians).
bench: bench-validate bench-plan bench-apply bench-detect bench-verify bench-engine

bench-engine: setup
	@scripts/bench-engine.sh

bench-validate: setup
	@scripts/bench-validate.sh

bench-plan: setup
	@scripts/bench-plan.sh

bench-apply: setup
	@scripts/bench-apply.sh

# SOAK_RUNS=100 by default: apply against the fake with 30% faults, kill -9 mid-create every third run.
SOAK_RUNS ?= 100
soak-apply: setup
	@scripts/soak-apply.sh $(SOAK_RUNS)
install:
	@bin="$(INSTALL_BIN)"; \
	if [ -z "$$bin" ]; then $(MAKE) --no-print-directory release && bin="$$($(SWIFT) build -c release --show-bin-path)/infera"; fi; \
	[ -x "$$bin" ] || { echo "install: no executable at $$bin" >&2; exit 1; }; \
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(DATADIR)/bash-completion/completions" "$(DESTDIR)$(DATADIR)/zsh/site-functions" "$(DESTDIR)$(DATADIR)/fish/vendor_completions.d"; \
	$(INSTALL) -m 0755 "$$bin" "$(DESTDIR)$(BINDIR)/infera"; \
	"$$bin" --generate-completion-script bash > "$(DESTDIR)$(DATADIR)/bash-completion/completions/infera"; \
	"$$bin" --generate-completion-script zsh > "$(DESTDIR)$(DATADIR)/zsh/site-functions/_infera"; \
	"$$bin" --generate-completion-script fish > "$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/infera.fish"; \
	echo "installed $(DESTDIR)$(BINDIR)/infera and completions under $(DESTDIR)$(DATADIR)"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/infera" "$(DESTDIR)$(DATADIR)/bash-completion/completions/infera" \
	  "$(DESTDIR)$(DATADIR)/zsh/site-functions/_infera" "$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/infera.fish"

# Release tarballs (dist/infera-<version>-linux-<arch>.tar.gz + .sha256); see scripts/release.sh.
dist: setup
	@scripts/release.sh

clean:
	rm -rf .build .venv

.PHONY: bench-detect
bench-detect: setup
	@scripts/bench-detect.sh

.PHONY: bench-verify
bench-verify: setup
	@scripts/bench-verify.sh
