.PHONY: test build demo

test:
	bash scripts/test.sh

build:
	swift build

demo:
	swift run herald demo
