#!/usr/bin/env bash
# The test command (README): unit tests, the shaded agent, and the integration tests on real Flink
# (embedded MiniClusters and standalone TaskManager JVMs) with the agent attached, first on
# Flink 2.x (the build's default), then (after a jcstress smoke run of the pool's races) on the
# 1.20 LTS line.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -ntp install
# The pool's races under jcstress, every JIT mode, few samples each (a smoke run; docs/RELIABILITY.md)
mvn -B -ntp -pl runtime-hooks -Pjcstress exec:exec -Djcstress.args="-m sanity"
mvn -B -ntp -f integration-tests/pom.xml verify -Pflink-1.20
