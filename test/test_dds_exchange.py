# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Two OS processes exchange >= 1 MB TokenFeatures over real DDS (rmw_fastrtps_cpp), bit-exact."""
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from janus_ros.core.wire_codec import encode_tokens
from janus_ros.msg import FrameInfo, TokenFeatures
from janus_ros.nodes.ros_io import TOKENS, encoded_to_msg, request_qos
from ros_harness import RosPeer


def test_megabyte_token_features_arrive_bit_exact(ros_env, ros_domain):
    assert os.environ.get('RMW_IMPLEMENTATION', 'rmw_fastrtps_cpp') == 'rmw_fastrtps_cpp'
    sink = subprocess.Popen([sys.executable, str(Path(__file__).with_name('token_sink.py')),
                             '3'], env=ros_env, stdout=subprocess.PIPE, text=True)
    try:
        assert sink.stdout.readline().strip() == 'ready'
        test = RosPeer(ros_domain)
        pub = test.node.create_publisher(TokenFeatures, TOKENS, request_qos(True))
        test.wait_subscribers(pub)
        sent = {}
        rng = np.random.default_rng(0)
        for seq in (1, 2, 3):
            x = rng.normal(size=(577, 512)).astype(np.float32)  # 1.18 MB of fp32 tokens
            enc = encode_tokens(x, np.ones(577, np.float32), 'fp32')
            msg = encoded_to_msg(enc, TokenFeatures(info=FrameInfo(seq=seq), split_layer=1))
            sent[seq] = (hashlib.sha256(enc.data).hexdigest(), len(enc.data))
            pub.publish(msg)
            time.sleep(0.2)
        out, _ = sink.communicate(timeout=60)
        got = {int(s): (h, int(n)) for s, h, n in (line.split() for line in out.splitlines())}
        assert got == {k: (h, n) for k, (h, n) in sent.items()}
        assert all(n >= 1_000_000 for _, n in got.values())
        test.close()
    finally:
        sink.kill()
