#!/usr/bin/env bash
# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
# Every benchmark of bench/RESULTS.md, in order (about 25 minutes on the 2-core CI machine;
# the live trace experiment, which needs root and 12 more minutes, runs with LIVE=1).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
run() { echo; echo "\$ $*"; "$@"; }
run python bench/dds_stream.py --seconds 30
run python bench/model_latency.py
run python bench/layer_latency.py
run python bench/wire_bytes.py
run python bench/codec_speed.py
run python bench/planner_decision.py
for m in vit_small_patch16_224 vit_base_patch16_224; do
  run janus-profile --model "$m" --device-name ci-2core --out config/profiles
done
run taskset -c 1 janus-profile --model vit_small_patch16_224 --threads 1 --device-name ci-1core \
  --out config/profiles
run janus-profile --paper --out config/profiles
run python bench/profile_accuracy.py
run taskset -c 1 python bench/profile_accuracy.py --threads 1
run python bench/openmp_spin.py
run python bench/ros_overhead.py
run janus-simulate --paper --codec-profile config/profiles/ci-2core__vit_base_patch16_224.yaml \
  --traces "$SHARED/traces/cooked_3gp" "$SHARED/traces/fcc_ori/test_traces" --max-traces 10 \
  --scale 1 --scale 15 --fps 5 --out bench/sim_paper
run janus-simulate --paper --codec-profile config/profiles/ci-2core__vit_base_patch16_224.yaml \
  --traces "$SHARED/traces/5Gophers-v1.0/All-Carriers/03-User-Mobility/walking-trace.csv" \
  "$SHARED/traces/5Gophers-v1.0/All-Carriers/03-User-Mobility/car-driving-trace-1.csv#verizon" \
  "$SHARED/traces/5Gophers-v1.0/All-Carriers/03-User-Mobility/car-driving-trace-2.csv#tmobile" \
  --scale 1 --scale 0.1 --fps 5 --out bench/sim_5g
run janus-simulate --robot-profile models/fashion_vit/profile_robot.yaml \
  --cloud-profile models/fashion_vit/profile_cloud.yaml --sla 0.15 --rtt 0.002 \
  --traces "$SHARED/traces/cooked_3gp" --max-traces 10 --scale 0.05 --fps 5 --out bench/sim_demo
if [ "${LIVE:-0}" = 1 ]; then
  run python bench/live_trace.py --trace "$SHARED/traces/cooked_3gp/norway_bus_1" \
    --start 20 --seconds 180 --scale 0.05
fi
