# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""The three nodes as separate processes over real DDS (the demo model, Fashion-MNIST)."""
from __future__ import annotations

import time

import numpy as np
import pytest
from diagnostic_msgs.msg import DiagnosticArray
from sensor_msgs.msg import Image

from janus_ros.core import schedule as S
from janus_ros.core.engine import JanusEngine
from janus_ros.core.local_run import run_locally
from janus_ros.core.models import ModelSpec
from janus_ros.core.wire_codec import encode_tokens
from janus_ros.msg import ClassificationResult, FrameInfo, JanusPlan, TokenFeatures
from janus_ros.nodes import ros_io as io
from janus_ros.planning.profile import DeviceProfile, LayerModel
from ros_harness import DEMO_CARD, Processes, RosPeer

# one torch thread per node: the tests run two at a time on two cores, and an OpenMP team
# whose threads get descheduled waits at every barrier (answers, not speed, are tested here)
MODEL = {'model.card': str(DEMO_CARD), 'threads': 1}


@pytest.fixture(scope='module')
def engine() -> JanusEngine:
    return JanusEngine(ModelSpec.from_card(DEMO_CARD))


@pytest.fixture(scope='module')
def samples():
    data = np.load(DEMO_CARD.parent / 'samples.npz', allow_pickle=False)
    return data['images'], data['labels']


@pytest.fixture
def procs(ros_env, tmp_path):
    p = Processes(ros_env, tmp_path)
    yield p
    p.close()


@pytest.fixture
def peer(ros_domain):
    r = RosPeer(ros_domain)
    yield r
    r.close()


def plan_msg(plan_id: int, mode: str, engine: JanusEngine, split: int = 0, alpha: float = 0.0,
             codec: str = 'fp32', compression: str = 'none') -> JanusPlan:
    sched = S.janus_schedule(alpha, engine.depth, engine.tokens0)
    split = {'robot': engine.depth + 1, 'cloud': 0}.get(mode, split)
    return JanusPlan(plan_id=plan_id, mode=mode, split_layer=split, alpha=alpha,
                     merge_schedule=list(sched), codec=codec, compression=compression,
                     reason='test')


def reference(engine: JanusEngine, rgb: np.ndarray, plan: JanusPlan) -> tuple[int, float]:
    """What the core computes for this plan on this image, through the same codecs."""
    logits = run_locally(engine, [engine.pre.crop(rgb)], plan.split_layer,
                         tuple(plan.merge_schedule), plan.codec, plan.compression)
    pred = engine.predict(logits)[0]
    return pred.class_id, pred.score


def send_image(peer: RosPeer, pub, rgb: np.ndarray, frame_id: str = 'camera') -> Image:
    msg = io.rgb_to_image(rgb)
    msg.header.stamp = peer.node.get_clock().now().to_msg()
    msg.header.frame_id = frame_id
    pub.publish(msg)
    return msg


def send_until_answered(peer: RosPeer, pub, rgb: np.ndarray, results: list, what: str) -> None:
    """Send ``rgb`` until a new result arrives (the edge answers every frame it receives).

    Sensor-data QoS is best effort, and the publisher can match the edge's reader before that
    reader has matched the publisher: the very first frame after discovery may never arrive.
    """
    n = len(results)
    end = time.monotonic() + 30
    while time.monotonic() < end and len(results) == n:
        send_image(peer, pub, rgb)
        wait = time.monotonic() + 5
        while time.monotonic() < wait and len(results) == n:
            time.sleep(0.05)
    assert len(results) > n, f'timed out after 30 s waiting for {what}'


def wait_edge_and_cloud(peer: RosPeer, ns: str = '') -> None:
    """Wait until discovery shows the edge's requests and the cloud's subscriptions.

    The edge finishes a frame on the robot when no cloud is matched yet, so a test that wants
    cloud answers waits for both ends of both request topics first.
    """
    topics = [f'{ns}/{io.TOKENS}', f'{ns}/{io.FRAME}']
    peer.wait_for(lambda: all(peer.node.count_publishers(t) >= 1 and
                              peer.node.count_subscribers(t) >= 1 for t in topics), 30,
                  f'edge and cloud on {topics}')
    time.sleep(0.5)  # both sides of each match, not only the peer's view of them


def start_robot_and_cloud(procs, edge_params=None, cloud_params=None, ns=''):
    procs.start('cloud', 'cloud_node', dict(MODEL, **(cloud_params or {})))
    # generous: a loaded 2-core CI machine can take seconds on a new token shape, and these
    # tests check answers, not the fallback (test_cloud_killed_and_restarted does)
    procs.start('edge', 'edge_node', {**MODEL, 'cloud_timeout_s': 10.0, **(edge_params or {})},
                ns=ns)


PLANS = [('robot', 0, 0.0, 'fp32'), ('robot', 0, 0.3, 'fp32')] + \
    [('cloud', 0, 0.2, c) for c in ('raw', 'png', 'jpeg90')] + \
    [('split', s, a, c) for s, a in ((1, 0.3), (3, 0.5), (5, 0.2))
     for c in ('fp32', 'fp16', 'int8')]


def test_every_plan_answers_like_the_core(procs, peer, engine, samples):
    start_robot_and_cloud(procs)
    results = peer.collect(ClassificationResult, io.RESULT, io.RESULT_QOS)
    img_pub = peer.node.create_publisher(Image, io.IMAGE, io.SENSOR_QOS)
    plan_pub = peer.node.create_publisher(JanusPlan, io.PLAN, io.PLAN_QOS)
    peer.wait_subscribers(img_pub)
    wait_edge_and_cloud(peer)
    images, _ = samples
    for pid, (mode, split, alpha, codec) in enumerate(PLANS, start=1):
        plan = plan_msg(pid, mode, engine, split, alpha, codec,
                        'zstd' if codec == 'fp16' else 'none')
        plan_pub.publish(plan)
        rgb = images[pid]
        for _ in range(40):  # the first frame after the plan arrives carries its id
            send_until_answered(peer, img_pub, rgb, results, f'a result under plan {pid}')
            if results[-1].plan_id == pid:
                break
        res = results[-1]
        assert res.plan_id == pid
        assert res.source == ('robot' if mode == 'robot' else 'cloud') and not res.fallback
        cls, score = reference(engine, rgb, plan)
        assert res.class_id == cls and res.score == pytest.approx(score, abs=1e-6), plan
        if mode == 'split':
            assert res.bytes_sent > 0 and res.robot_compute_s > 0 and res.cloud_compute_s > 0


def test_plan_change_mid_stream(procs, peer, engine, samples):
    start_robot_and_cloud(procs)
    results = peer.collect(ClassificationResult, io.RESULT, io.RESULT_QOS)
    img_pub = peer.node.create_publisher(Image, io.IMAGE, io.SENSOR_QOS)
    plan_pub = peer.node.create_publisher(JanusPlan, io.PLAN, io.PLAN_QOS)
    diags = peer.collect(DiagnosticArray, '/diagnostics', 50)
    plan_pub.publish(plan_msg(1, 'split', engine, 2, 0.2, 'fp16'))
    peer.wait_subscribers(img_pub)
    wait_edge_and_cloud(peer)
    images, _ = samples
    stamps = []
    for i in range(30):
        if i == 15:
            plan_pub.publish(plan_msg(2, 'cloud', engine, alpha=0.1, codec='png'))
            time.sleep(0.05)
        stamps.append(io.stamp_key(send_image(peer, img_pub, images[i]).header.stamp))
        time.sleep(0.1)
    peer.wait_for(lambda: len(results) >= 30, 30,
                  lambda: f'30 results: {len(results)}, '
                  f'edge dropped {node_stat(diags, "edge_node", "dropped")}')
    time.sleep(0.5)
    assert len(results) == 30, 'every frame answered exactly once'
    by_stamp = {io.stamp_key(r.header.stamp): r for r in results}
    assert set(by_stamp) == set(stamps)
    ids = [by_stamp[s].plan_id for s in stamps]
    assert ids[:15] == [1] * 15
    assert ids[16:] == [2] * 14, f'plan 2 must hold from the second frame after it: {ids}'


def node_stat(diags: list, node: str, key: str) -> int:
    """The newest value of a node's counter on /diagnostics (-1 before the first)."""
    for d in reversed(diags):
        for st in d.status:
            if st.name.endswith(node):
                return int({kv.key: kv.value for kv in st.values}[key])
    return -1


def cloud_stat(diags: list, key: str) -> int:
    """The newest value of a cloud_node counter on /diagnostics (-1 before the first)."""
    return node_stat(diags, 'cloud_node', key)


def write_profiles(tmp_path, engine: JanusEngine) -> tuple[str, str]:
    """A slow robot (40 ms a block) and a fast cloud (1 ms): remote plans win on a good link."""
    paths = []
    for name, block in (('robot', 0.04), ('cloud', 0.001)):
        prof = DeviceProfile(device=name, model=engine.spec.name, tokens0=engine.tokens0,
                             depth=engine.depth, embed_dim=engine.vit.embed_dim,
                             image_hw=(engine.pre.height, engine.pre.width),
                             layers=[LayerModel(a=0.0, b=block)] * engine.depth)
        paths.append(str(prof.save(tmp_path / f'{name}.yaml')))
    return paths[0], paths[1]


@pytest.mark.live  # timing-sensitive (timeouts, re-planning): runs alone, see Makefile
def test_cloud_killed_and_restarted(procs, peer, engine, samples, tmp_path):
    robot, cloud = write_profiles(tmp_path, engine)
    start_robot_and_cloud(procs, edge_params={'cloud_timeout_s': 2.0})  # loaded CI: not 0.5
    procs.start('monitor', 'monitor_node', dict(robot_profile=robot, cloud_profile=cloud,
                                                sla_s=0.5, dwell_s=0.5))
    results = peer.collect(ClassificationResult, io.RESULT, io.RESULT_QOS)
    diags = peer.collect(DiagnosticArray, '/diagnostics', 50)
    img_pub = peer.node.create_publisher(Image, io.IMAGE, io.SENSOR_QOS)
    peer.wait_subscribers(img_pub)
    images, _ = samples
    sent = 0

    def stream(seconds: float) -> None:
        nonlocal sent
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            send_image(peer, img_pub, images[sent % len(images)])
            sent += 1
            time.sleep(0.2)

    def cloud_share(last: int) -> int:
        return sum(r.source == 'cloud' for r in results[-last:])

    end = time.monotonic() + 60
    while time.monotonic() < end and cloud_share(5) < 5:
        stream(1)
    assert cloud_share(5) == 5, 'work on the cloud'

    procs.stop('cloud', 9)  # killed, no goodbye
    before = len(results)
    stream(4)
    peer.wait_for(lambda: any(r.fallback for r in results[before:]), 10, 'a fallback result')
    procs.start('cloud2', 'cloud_node', MODEL)
    end = time.monotonic() + 40
    while time.monotonic() < end and cloud_share(5) < 5:
        stream(1)
    assert cloud_share(5) == 5, 'work moved back to the new cloud'

    def edge(key: str) -> int:
        return node_stat(diags, 'edge_node', key)
    # every frame that reached the edge answered exactly once or counted as dropped (newest
    # wins), as the edge promises; images are best effort, so the edge's own count is the base
    peer.wait_for(lambda: edge('frames_in') >= sent - 2 and
                  len(results) + edge('dropped') >= edge('frames_in'), 15,
                  lambda: f'an answer or a drop count for every frame: sent {sent}, results '
                  f'{len(results)}, edge ' + str({k: edge(k) for k in (
                      'frames_in', 'results', 'dropped', 'fallbacks', 'late_cloud_answers')}))
    time.sleep(1.5)
    assert len(results) + edge('dropped') == edge('frames_in')
    assert len({io.stamp_key(r.header.stamp) for r in results}) == len(results)


def test_malformed_tokens_are_counted_and_skipped(procs, peer, engine, samples):
    procs.start('cloud', 'cloud_node', MODEL)
    answers = peer.collect(ClassificationResult, io.CLOUD_RESULT, io.RESULT_QOS)
    diags = peer.collect(DiagnosticArray, '/diagnostics', 10)
    pub = peer.node.create_publisher(TokenFeatures, io.TOKENS, io.request_qos(True))
    peer.wait_subscribers(pub)
    images, _ = samples
    sched = S.janus_schedule(0.3, engine.depth, engine.tokens0)
    crop = engine.pre.crop(images[0])
    state = engine.robot([crop], 2, sched)
    enc = encode_tokens(state.x[0].numpy(), state.sizes()[0].numpy(), 'int8')

    def make(seq: int, **change) -> TokenFeatures:
        info = FrameInfo(seq=seq, model_id=engine.spec.name,
                         weights_fingerprint=engine.fingerprint, merge_schedule=list(sched))
        msg = io.encoded_to_msg(enc, TokenFeatures(info=info, split_layer=2))
        msg.header.stamp.sec = seq
        for k, v in change.items():
            if k == 'fingerprint':
                msg.info.weights_fingerprint = v
            else:
                setattr(msg, k, v)
        return msg

    bad = [make(101, data=bytes(enc.data)[:100]),
           make(102, shape=[enc.shape[0] + 3, enc.shape[1]]),
           make(103, fingerprint='0123456789abcdef'),
           make(104, shape=[2**31, 2**31]),
           make(105, split_layer=99)]
    good = [make(i) for i in (1, 2, 3)]
    for msg in (good[0], *bad[:3], good[1], *bad[3:], good[2]):
        pub.publish(msg)
        time.sleep(0.05)
    peer.wait_for(lambda: len(answers) >= 3, 30, 'answers to the good frames')

    peer.wait_for(lambda: cloud_stat(diags, 'rejected') == 5, 10,
                  'cloud diagnostics counting 5 rejects')
    time.sleep(0.5)
    assert sorted(a.seq for a in answers) == [1, 2, 3]
    expected = engine.predict(engine.cloud(state, 2, sched))[0].class_id
    assert all(a.class_id == expected for a in answers)
    assert 'rejected frame' in procs.log('cloud')


def test_two_robots_share_one_cloud(procs, peer, engine, samples):
    procs.start('cloud', 'cloud_node', dict(MODEL, robots=['/r1', '/r2'], discover=False))
    pubs, results = {}, {}
    for ns in ('/r1', '/r2'):
        procs.start(f'edge_{ns.strip("/")}', 'edge_node', dict(MODEL, cloud_timeout_s=10.0),
                    ns=ns)
        plan_pub = peer.node.create_publisher(JanusPlan, f'{ns}/{io.PLAN}', io.PLAN_QOS)
        plan_pub.publish(plan_msg(1, 'split', engine, 3, 0.2, 'int8'))
        pubs[ns] = peer.node.create_publisher(Image, f'{ns}/{io.IMAGE}', io.SENSOR_QOS)
        results[ns] = peer.collect(ClassificationResult, f'{ns}/{io.RESULT}', io.RESULT_QOS)
        pubs[ns]._plan = plan_pub
    for ns in pubs:
        peer.wait_subscribers(pubs[ns])
        wait_edge_and_cloud(peer, ns)
    images, _ = samples
    for i in range(10):  # one frame per robot at a time: newest-wins must not drop any here
        for ns in pubs:
            send_image(peer, pubs[ns], images[i], frame_id=ns.strip('/'))
        peer.wait_for(lambda: all(len(r) > i for r in results.values()), 30,
                      f'frame {i + 1} answered for both robots')
    time.sleep(0.5)
    for ns, got in results.items():
        assert len(got) == 10
        assert {r.header.frame_id for r in got} == {ns.strip('/')}
        assert {r.source for r in got} == {'cloud'}


def test_cloud_batches_requests_that_arrive_together(procs, peer, engine, samples):
    procs.start('cloud', 'cloud_node', dict(MODEL, batch_size=8))
    answers = peer.collect(ClassificationResult, io.CLOUD_RESULT, io.RESULT_QOS)
    diags = peer.collect(DiagnosticArray, '/diagnostics', 10)
    pub = peer.node.create_publisher(TokenFeatures, io.TOKENS, io.request_qos(True, 16))
    peer.wait_subscribers(pub)
    images, _ = samples
    sched = S.janus_schedule(0.3, engine.depth, engine.tokens0)
    state = engine.robot([engine.pre.crop(im) for im in images[:8]], 3, sched)
    expected = [p.class_id for p in engine.predict(engine.cloud(state, 3, sched))]
    for i in range(8):  # back to back (within the cloud's queue depth): queued together
        enc = encode_tokens(state.x[i].numpy(), state.sizes()[i].numpy(), 'fp32')
        info = FrameInfo(seq=i + 1, model_id=engine.spec.name,
                         weights_fingerprint=engine.fingerprint, merge_schedule=list(sched))
        msg = io.encoded_to_msg(enc, TokenFeatures(info=info, split_layer=3))
        msg.header.stamp.sec = i + 1
        pub.publish(msg)
    peer.wait_for(lambda: len(answers) >= 8, 30, '8 answers')

    peer.wait_for(lambda: cloud_stat(diags, 'batches') > 0, 10, 'cloud diagnostics')
    assert cloud_stat(diags, 'batches') < 8, 'requests queued together must share forward passes'
    assert sorted(a.seq for a in answers) == list(range(1, 9))
    assert [a.class_id for a in sorted(answers, key=lambda a: a.seq)] == expected


def test_monitor_parameters_change_at_runtime_and_are_validated(procs, peer, engine, tmp_path):
    from rcl_interfaces.msg import Parameter, ParameterType, ParameterValue
    from rcl_interfaces.srv import SetParameters
    robot, cloud = write_profiles(tmp_path, engine)
    procs.start('monitor', 'monitor_node', dict(robot_profile=robot, cloud_profile=cloud))
    plans = peer.collect(JanusPlan, io.PLAN, io.PLAN_QOS)
    client = peer.node.create_client(SetParameters, '/monitor_node/set_parameters')
    assert client.wait_for_service(timeout_sec=60)
    peer.wait_for(lambda: plans, 30, 'a first plan')

    def set_param(name: str, value: ParameterValue) -> bool:
        future = client.call_async(SetParameters.Request(
            parameters=[Parameter(name=name, value=value)]))
        peer.wait_for(future.done, 10, f'set {name}')
        return future.result().results[0].successful
    dbl = ParameterType.PARAMETER_DOUBLE
    assert not set_param('sla_s', ParameterValue(type=dbl, double_value=-1.0))
    assert not set_param('modes', ParameterValue(type=ParameterType.PARAMETER_STRING_ARRAY,
                                                 string_array_value=['teleport']))
    assert not set_param('estimator', ParameterValue(type=ParameterType.PARAMETER_STRING,
                                                     string_value='median'))
    assert set_param('modes', ParameterValue(type=ParameterType.PARAMETER_STRING_ARRAY,
                                             string_array_value=['robot']))
    peer.wait_for(lambda: plans[-1].mode == 'robot', 10, 'a robot-only plan')
    assert set_param('sla_s', ParameterValue(type=dbl, double_value=0.2))
    peer.wait_for(lambda: plans[-1].sla_s == pytest.approx(0.2), 10, 'a plan for SLA 0.2')
