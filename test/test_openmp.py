# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""The nodes and tools set torch's OpenMP spin before torch loads, and a user's setting wins."""
import os
import subprocess
import sys

import pytest

from janus_ros.openmp import SPIN_COUNT

PROBE = ('import os, sys\n'
         'import janus_ros.{pkg}\n'
         'assert "torch" not in sys.modules, "torch loaded before the spin count was set"\n'
         'import janus_ros.{module}\n'
         'assert "torch" in sys.modules\n'
         'print(os.environ["GOMP_SPINCOUNT"])\n')


@pytest.mark.parametrize('pkg,module', [('nodes', 'nodes.edge_node'),
                                        ('tools', 'tools.profile_cli')])
@pytest.mark.parametrize('given', [None, '123'])
def test_spin_count_is_set_before_torch_loads(pkg, module, given):
    env = {k: v for k, v in os.environ.items() if k != 'GOMP_SPINCOUNT'}
    if given:
        env['GOMP_SPINCOUNT'] = given
    out = subprocess.run([sys.executable, '-c', PROBE.format(pkg=pkg, module=module)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (given or SPIN_COUNT)
