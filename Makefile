# The README's two commands: `make run` and `make test`. Both find or start
# PostgreSQL themselves (scripts/with-db.sh).
SHELL := /bin/bash
GO ?= go
BIN := bin/imrbot

.PHONY: all build run test lint fuzz bench clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/imrbot

# With TELEGRAM_BOT_TOKEN: the real bot. Without: the terminal demo.
run: build
	scripts/with-db.sh --db imrbot bash -c 'if [[ -n "$${TELEGRAM_BOT_TOKEN:-}" ]]; then exec $(BIN) serve; else exec $(BIN) demo; fi'

test: lint
	scripts/with-db.sh scripts/with-browser.sh scripts/with-stats.sh $(GO) test -race -count=1 ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [[ -n "$$out" ]]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

# Short fuzzing runs of every fuzz target in the module, found by
# scripts/fuzz.sh (a new one needs no edit here); FUZZTIME each, e.g.
# `make fuzz FUZZTIME=10s`. The seed corpora run in `make test`.
FUZZTIME ?= 30s
fuzz:
	scripts/with-db.sh scripts/fuzz.sh $(FUZZTIME)

bench:
	scripts/with-db.sh $(GO) test -run='^$$' -bench=. -benchtime=1x ./bench/...

clean:
	rm -rf bin
