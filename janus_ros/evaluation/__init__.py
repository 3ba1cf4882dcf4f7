# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
