#!/usr/bin/env bash
# THE TEST COMMAND (what CI runs): installs what is missing, then `mvn verify`, which runs the JUnit
# tests and executes every notebook in the smoke profile through the real kernel; then checks the
# notebook runner itself and the kernel's start-up reliability (10 fresh starts), and the course
# deployment: bad hub set-ups, then a real JupyterHub end to end (REST + websocket training as a
# student, and the notebook UI in headless Chromium). The hub tests need root; without it they are
# skipped with a warning (CI runs as root). NNZOO_SKIP_HUB_TESTS=1 skips them too.
# Datasets: NNZOO_DATA (CI: ../shared/datasets, read from the folder the command is typed in); unset, the
# real-data JUnit tests are skipped and say so. Extra Maven arguments: NNZOO_MVN_ARGS.
# Step 1 also creates the Gymnasium venv (environment/setup-gymnasium.sh; pip honours PIP_INDEX_URL) and
# makes the CartPole-vs-Gymnasium test mandatory; NNZOO_SKIP_GYMNASIUM=1 skips that test instead (loudly).
# Step 4 also interrupts training cells through the kernel (tests/kernel-interrupt.sh); step 5 drives JupyterLab 4
# and Notebook 7 (from .venv-jupyter, environment/setup-jupyter.sh) in Chromium with playwright-core
# (tests/browser-tests.sh), then builds the book from the smoke run and tests it in Chromium (tests/book-tests.sh);
# NNZOO_SKIP_BROWSER_TESTS=1 skips step 5 (loudly), as does a machine without Chromium or npm.
# Step 2 also checks that the library code shown in the chapters equals its source (environment/excerpts.py) and
# runs every exercise's solution through its check (SolutionsTest).
set -euo pipefail

# shellcheck source=environment/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cd "$NNZOO_ROOT"
export DEBIAN_FRONTEND=noninteractive
started=$SECONDS

if [[ -z "${NNZOO_DATA:-}" ]]; then
    nnzoo_warn "NNZOO_DATA is not set: the real-data JUnit tests are skipped, and the notebooks download their data (or fail offline)"
elif [[ ! -d "$NNZOO_DATA" ]]; then
    nnzoo_die "NNZOO_DATA=$NNZOO_DATA is not a folder (a relative path is read from the folder you typed the command in)"
else
    nnzoo_info "datasets: NNZOO_DATA=$NNZOO_DATA"
fi

browser_tests=true
if [[ "${NNZOO_SKIP_BROWSER_TESTS:-0}" == 1 ]]; then
    browser_tests=false
    nnzoo_warn "NNZOO_SKIP_BROWSER_TESTS=1: JupyterLab and Notebook 7 are NOT tested in a browser"
fi

hub_tests=true
if [[ "${NNZOO_SKIP_HUB_TESTS:-0}" == 1 ]]; then
    hub_tests=false
    nnzoo_warn "NNZOO_SKIP_HUB_TESTS=1: the JupyterHub deployment tests are skipped"
elif [[ "$(id -u)" -ne 0 ]]; then
    hub_tests=false
    nnzoo_warn "not root: the JupyterHub deployment tests (steps 6, 7) are skipped; run as root to include them"
fi

nnzoo_info "1/7 system dependencies"
if $hub_tests; then
    bash environment/install-deps.sh --hub --browser
else
    bash environment/install-deps.sh
fi

if [[ "${NNZOO_SKIP_GYMNASIUM:-0}" == 1 ]]; then
    nnzoo_warn "NNZOO_SKIP_GYMNASIUM=1: CartPole is NOT compared with Gymnasium (CartPoleGymnasiumTest is skipped)"
else
    bash environment/setup-gymnasium.sh
    export NNZOO_REQUIRE_GYMNASIUM=1  # a missing or broken venv now fails the test instead of skipping it
fi

nnzoo_info "2/7 mvn verify (unit tests + every notebook, smoke profile)"
# shellcheck disable=SC2086  # NNZOO_MVN_ARGS is a list of words
mvn -B -ntp -Dstyle.color=never ${NNZOO_MVN_ARGS:-} verify </dev/null

nnzoo_info "3/7 notebook runner and exercise grader self-tests; reproducible mode (2 notebooks, smoke, this CPU vs capped to AVX2); benchmark smoke (bench.sh --tiny, no timing asserted; onednn_compare.py on its logs)"
bash environment/tests/test-runner.sh
bash environment/tests/grade-test.sh  # the exercise grader: correct / not yet right / not attempted / error
if [[ -n "${NNZOO_DATA:-}" ]]; then  # about 1 minute: 02-mlp and 03-cnn-lenet, twice each
    /usr/bin/python3 environment/reproducibility.py --profile smoke --out target/reproducibility-smoke \
        --configs on,on-avx2 02-mlp 03-cnn-lenet
else
    nnzoo_warn "NNZOO_DATA is not set: the reproducible-mode check (reproducibility.py on MNIST notebooks) is skipped"
fi
if bash environment/bench.sh --setup; then  # makes .venv-bench (PyTorch 2.13 CPU wheel, Gymnasium) once
    # with oneDNN's log on both sides, kept, and compared convolution by convolution (BENCHMARKS.md)
    rm -rf target/bench/logs
    bash environment/bench.sh --tiny --java-env ONEDNN_VERBOSE=1 --python-env ONEDNN_VERBOSE=1 --log-dir target/bench/logs
    /usr/bin/python3 environment/onednn_compare.py target/bench/logs/2-lenet-java-r1.log target/bench/logs/2-lenet-pip-r1.log --top 5
else  # no pip index reachable: only the Java side of the benchmark runs
    nnzoo_warn "no benchmark venv (see above): only the Java side of the benchmark runs"
    bash environment/bench.sh --tiny --java-only
fi

nnzoo_info "4/7 kernel start-up reliability; Interrupt through the kernel"
bash environment/kernel-starts.sh 10
bash environment/tests/kernel-interrupt.sh

if $browser_tests && ! { nnzoo_chromium >/dev/null && command -v npm >/dev/null 2>&1; }; then
    browser_tests=false
    nnzoo_warn "no Chromium or npm (as root test.sh installs them): JupyterLab and Notebook 7 are NOT tested in a browser"
fi
if $browser_tests; then
    nnzoo_info "5/7 JupyterLab 4 and Notebook 7 in Chromium (playwright-core): Run All, images, tables, progress, completion, errors, Interrupt, Restart"
    bash environment/tests/browser-tests.sh
    nnzoo_info "5/7 the book (build_book.py on the smoke run) in Chromium: every page, images, equations, exercises, offline"
    bash environment/tests/book-tests.sh --from notebooks/target/executed --out target/book-test
fi

if $hub_tests; then
    nnzoo_info "6/7 course server set-up: clear errors for bad set-ups, idempotent re-install, Dockerfile/Binder wrappers"
    bash environment/tests/test-hub-setup.sh
    nnzoo_info "7/7 JupyterHub end to end: login, server, Java kernel training on MNIST, notebook UI in Chromium"
    bash environment/tests/hub-e2e.sh
fi

if [[ -s lib/target/real-data-skipped.txt ]]; then  # written by the JUnit run (RealDataSummary)
    cat lib/target/real-data-skipped.txt >&2
fi
nnzoo_info "all tests passed in $(( SECONDS - started )) s; notebook report: notebooks/target/executed/report.md"
