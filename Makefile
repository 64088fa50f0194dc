# cloudsync — a newcomer needs two commands: `make demo` and `make test` (README.md). Both start with
# scripts/setup.sh, which installs what is missing on Debian (as root) and starts dockerd if it does not answer.

SHELL := /bin/bash
PLUGIN_NAME  ?= cloudsync
PLUGIN_DIR   ?= build/plugin
STATE_SOURCE ?=
# Quiet for builds; the test targets print Maven's test reports.
MVN      ?= mvn -B -q
MVN_TEST ?= mvn -B -ntp

# JDK 25: JAVA_HOME if it is one, else the first under /usr/lib/jvm. Checked by the targets that need it (jdk).
JDK25 := $(shell \
  if [ -n "$$JAVA_HOME" ] && [ -x "$$JAVA_HOME/bin/jlink" ] && "$$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then \
    echo "$$JAVA_HOME"; \
  else for j in /usr/lib/jvm/*25*; do \
    [ -x "$$j/bin/jlink" ] && "$$j/bin/java" -version 2>&1 | grep -q 'version "25' && { echo "$$j"; break; }; \
  done; fi)
export JAVA_HOME := $(JDK25)

.PHONY: help jdk setup build rootfs plugin push unit test demo demo-clean bench bench-big clean

help:
	@echo "make demo        local S3 server + the plugin + a container writing into a volume; shows the bucket"
	@echo "make demo-clean  undo make demo"
	@echo "make test        every test level: unit, store contract, FUSE on the host, Docker end to end"
	@echo "make unit        unit tests only (no FUSE mounts, no Docker)"
	@echo "make plugin      build the rootfs, create and enable the managed plugin PLUGIN_NAME=$(PLUGIN_NAME)"
	@echo "                 (state in STATE_SOURCE, default: the replaced plugin's, else /var/lib/cloudsync)"
	@echo "make push REGISTRY=host:port   push the plugin as REGISTRY/$(PLUGIN_NAME):latest"
	@echo "make bench       local vs cloudsync vs rclone on the same workloads (sizes: see bench/run.sh)"
	@echo "make bench-big   the same plus W9 (100,000 files in one directory) and W10 (1,000,000 objects); ~1 hour"

jdk:
	@[ -n "$(JDK25)" ] || { echo "no JDK 25 found: set JAVA_HOME to a JDK 25, or install one under /usr/lib/jvm" >&2; exit 1; }

setup:
	@bash scripts/setup.sh

build: jdk
	$(MVN) package -DskipTests

rootfs: build
	bash plugin/build-rootfs.sh $(PLUGIN_DIR)

# Replaces a plugin of the same name unless a running container uses one of its volumes.
plugin: setup rootfs
	bash scripts/install-plugin.sh $(PLUGIN_NAME) $(PLUGIN_DIR) "$(STATE_SOURCE)"

push: setup rootfs
	@[ -n "$(REGISTRY)" ] || { echo "usage: make push REGISTRY=host:port" >&2; exit 2; }
	bash scripts/push-plugin.sh $(REGISTRY) $(PLUGIN_NAME) $(PLUGIN_DIR)

# The pom's defaults run the unit tests only (surefire.excludedGroups=fuse, it.skip=true).
unit: jdk
	$(MVN_TEST) test

# Every level: unit and store contract tests, the FUSE tests ("none" is a tag no test carries, so no group is
# excluded), then the Docker end-to-end tests (failsafe, *IT), which build the plugin with plugin/build-rootfs.sh.
test: setup jdk
	$(MVN_TEST) verify -Dsurefire.excludedGroups=none -Dit.skip=false

demo: setup jdk
	PLUGIN_NAME=$(PLUGIN_NAME) bash scripts/demo.sh

demo-clean:
	PLUGIN_NAME=$(PLUGIN_NAME) bash scripts/demo.sh clean

# Not part of `make test`; never fails on a timing. Writes build/bench/ and the table in docs/PERFORMANCE.md.
bench: setup jdk
	bash bench/run.sh

bench-big: setup jdk
	BENCH_BIGDIR_FILES=100000 BENCH_HUGE_OBJECTS=1000000 bash bench/run.sh

clean:
	rm -rf target build
