# infera — the two commands a newcomer needs are `make demo` and `make test`.
SWIFT        ?= swift
FUZZ_SECONDS ?= 60
export PATH := $(CURDIR)/.venv/bin:$(PATH)

.PHONY: setup build release demo test fuzz bench bench-validate bench-plan clean

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --static-swift-stdlib

demo: setup
	@scripts/demo.sh

# Swift Testing only, so the closing line is the one from `swift test`.
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest

fuzz: setup
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: setup
	@scripts/bench.sh

bench-validate: setup
	@scripts/bench-validate.sh

bench-plan: setup
	@scripts/bench-plan.sh

clean:
	rm -rf .build .venv

.PHONY: bench-detect
bench-detect: setup
	@scripts/bench-detect.sh

.PHONY: bench-verify
bench-verify: setup
	@scripts/bench-verify.sh
