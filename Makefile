# infera — the two commands a newcomer needs are `make demo` and `make test`.
SWIFT        ?= swift
FUZZ_SECONDS ?= 60
export PATH := $(CURDIR)/.venv/bin:$(PATH)

.PHONY: setup build release demo test fuzz bench bench-validate bench-plan bench-apply soak-apply clean

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
	@scripts/soak-apply.sh 6

fuzz: setup
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: setup
	@scripts/bench.sh

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

clean:
	rm -rf .build .venv

.PHONY: bench-detect
bench-detect: setup
	@scripts/bench-detect.sh
