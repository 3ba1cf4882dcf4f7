# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
# Source with the venv path: sets up the ament prefix of a pip-installed ROS 2 in that venv, and
# keeps every DDS participant started from here on this host (tests, demo, benchmarks, CI).
_venv="$(cd "${1:-.venv}" && pwd)"
export VIRTUAL_ENV="$_venv"
export PATH="$_venv/bin:$_venv/lib/janus_ros:$PATH"   # + the package's executables, as an overlay
export AMENT_PREFIX_PATH="$_venv${AMENT_PREFIX_PATH:+:$AMENT_PREFIX_PATH}"
export CMAKE_PREFIX_PATH="$_venv${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}"
export RMW_IMPLEMENTATION="${RMW_IMPLEMENTATION:-rmw_fastrtps_cpp}"
export ROS_AUTOMATIC_DISCOVERY_RANGE="${ROS_AUTOMATIC_DISCOVERY_RANGE:-LOCALHOST}"
export FASTDDS_DEFAULT_PROFILES_FILE="${FASTDDS_DEFAULT_PROFILES_FILE:-$_venv/share/janus_ros/config/fastdds_shm.xml}"
export PYTHONUNBUFFERED=1
unset _venv
