#!/usr/bin/env bash
# THE TEST COMMAND (what CI runs): installs what is missing, then `mvn verify`, which runs the JUnit
# tests and executes every notebook in the smoke profile through the real kernel; then checks the
# notebook runner itself and the kernel's start-up reliability (10 fresh starts).
# Datasets: NNZOO_DATA (CI: ../shared/datasets). Extra Maven arguments: NNZOO_MVN_ARGS.
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cd "$NNZOO_ROOT"
export DEBIAN_FRONTEND=noninteractive
started=$SECONDS

if [[ -z "${NNZOO_DATA:-}" ]]; then
    nnzoo_warn "NNZOO_DATA is not set; tests and notebooks that need datasets will fail"
elif [[ ! -d "$NNZOO_DATA" ]]; then
    nnzoo_die "NNZOO_DATA=$NNZOO_DATA is not a folder"
fi

nnzoo_info "1/4 system dependencies"
bash environment/install-deps.sh

nnzoo_info "2/4 mvn verify (unit tests + every notebook, smoke profile)"
# shellcheck disable=SC2086  # NNZOO_MVN_ARGS is a list of words
mvn -B -ntp -Dstyle.color=never ${NNZOO_MVN_ARGS:-} verify </dev/null

nnzoo_info "3/4 notebook runner self-test"
bash environment/tests/test-runner.sh

nnzoo_info "4/4 kernel start-up reliability"
bash environment/kernel-starts.sh 10

nnzoo_info "all tests passed in $(( SECONDS - started )) s; notebook report: notebooks/target/executed/report.md"
