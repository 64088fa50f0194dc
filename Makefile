# cloudsync — the two commands a newcomer needs are `make demo` and `make test` (see README.md).

SHELL := /bin/bash
PLUGIN_NAME ?= cloudsync
PLUGIN_DIR  ?= build/plugin
STATE_SOURCE ?= /var/lib/cloudsync
MVN ?= mvn -B -q

# JDK 25: JAVA_HOME if it is one, else the first under /usr/lib/jvm, else a clear stop.
JAVA_HOME := $(shell \
  if [ -n "$$JAVA_HOME" ] && "$$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then echo "$$JAVA_HOME"; \
  else for j in /usr/lib/jvm/*25*; do [ -x "$$j/bin/jlink" ] && { echo "$$j"; break; }; done; fi)
ifeq ($(JAVA_HOME),)
$(error no JDK 25 found: set JAVA_HOME to a JDK 25 or install one under /usr/lib/jvm)
endif
export JAVA_HOME

.PHONY: help setup build rootfs plugin push unit test demo demo-clean bench clean

help:
	@echo "make demo        start a local S3 server, install the plugin, write through a container, show the bucket"
	@echo "make demo-clean  undo make demo"
	@echo "make test        every test level: unit, FUSE, store contract, Docker end-to-end"
	@echo "make unit        unit tests only (no FUSE, no Docker)"
	@echo "make plugin      build the rootfs and create + enable the managed plugin PLUGIN_NAME=$(PLUGIN_NAME)"
	@echo "make push REGISTRY=host:port   push the plugin to a registry"
	@echo "make bench       local vs cloudsync vs rclone on the same workloads (sizes: see bench/run.sh)"

setup:
	@bash scripts/setup.sh

build:
	$(MVN) package -DskipTests

rootfs: build
	bash plugin/build-rootfs.sh $(PLUGIN_DIR)

# Replaces a plugin of the same name (refused by Docker while volumes of it are in use).
plugin: setup rootfs
	bash scripts/install-plugin.sh $(PLUGIN_NAME) $(PLUGIN_DIR) $(STATE_SOURCE)

push: rootfs
	@[ -n "$(REGISTRY)" ] || { echo "usage: make push REGISTRY=host:port"; exit 2; }
	-docker plugin rm -f $(REGISTRY)/$(PLUGIN_NAME):latest >/dev/null 2>&1
	docker plugin create $(REGISTRY)/$(PLUGIN_NAME):latest $(PLUGIN_DIR)
	docker plugin push $(REGISTRY)/$(PLUGIN_NAME):latest

unit:
	$(MVN) test

# Every level: unit and store contract tests, FUSE tests on the host, then the Docker end-to-end tests.
test: setup
	$(MVN) verify -Dsurefire.excludedGroups=none -Dit.skip=false

demo: setup
	bash scripts/demo.sh

demo-clean:
	bash scripts/demo.sh clean

# Not part of `make test`; never fails on a timing. Writes build/bench/ and the table in docs/PERFORMANCE.md.
bench: setup
	bash bench/run.sh

clean:
	$(MVN) clean
	rm -rf build
