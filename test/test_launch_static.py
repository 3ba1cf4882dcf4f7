# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""ros2 launch cannot run here, so every launch file is checked statically.

Each file parses; every executable a Node names is installed by the package (setup.cfg entry
points, which CMake installs into lib/janus_ros); every config file it names exists; every
parameter in those YAML files, and every inline parameter, is declared by that node.
"""
import ast
import configparser
from pathlib import Path

import pytest
import yaml

from janus_ros.nodes.params import TABLES, names

ROOT = Path(__file__).resolve().parents[1]
LAUNCH = sorted((ROOT / 'launch').glob('*.launch.py'))


def entry_points() -> set[str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / 'setup.cfg')
    lines = cfg['options.entry_points']['console_scripts'].strip().splitlines()
    return {line.split('=')[0].strip() for line in lines}


def string_constants(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)]


def call_name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else getattr(f, 'attr', '')


def kwarg(call: ast.Call, name: str):
    return next((k.value for k in call.keywords if k.arg == name), None)


def launch_arguments(tree: ast.AST) -> dict[str, ast.AST]:
    """DeclareLaunchArgument name -> default_value expression."""
    out = {}
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and call_name(call) == 'DeclareLaunchArgument':
            out[call.args[0].value] = kwarg(call, 'default_value')
    return out


def config_file(expr: ast.AST) -> Path | None:
    """The config/ file a PathJoinSubstitution([share, 'config', 'x.yaml']) names."""
    parts = string_constants(expr) if expr is not None else []
    if 'config' in parts:
        return ROOT.joinpath(*parts[parts.index('config'):])
    return None


@pytest.mark.parametrize('path', LAUNCH, ids=lambda p: p.name)
def test_launch_file(path):
    source = path.read_text()
    tree = ast.parse(source)
    compile(tree, str(path), 'exec')
    assert any(isinstance(n, ast.FunctionDef) and n.name == 'generate_launch_description'
               for n in tree.body)
    args = launch_arguments(tree)
    for default in args.values():
        f = config_file(default)
        assert f is None or f.exists(), f'{path.name} names missing {f}'
    nodes = [c for c in ast.walk(tree) if isinstance(c, ast.Call) and call_name(c) == 'Node']
    assert nodes, f'{path.name} starts no node'
    for call in nodes:
        package = kwarg(call, 'package').value
        exe = kwarg(call, 'executable').value
        if package != 'janus_ros':
            continue
        assert exe in entry_points(), f'{exe} is not installed by janus_ros'
        declared = names(TABLES[exe])
        params = kwarg(call, 'parameters')
        for item in params.elts if params is not None else []:
            if isinstance(item, ast.Dict):
                keys = {k.value for k in item.keys}
                assert keys <= declared, f'{exe}: undeclared inline parameters {keys - declared}'
            else:
                arg = string_constants(item)[0]
                f = config_file(args[arg])
                assert f is not None and f.exists(), f'{exe}: parameter file {arg} missing'
                data = yaml.safe_load(f.read_text())
                for section in data.values():
                    keys = set(section['ros__parameters'])
                    assert keys <= declared, f'{f.name}: {keys - declared} not declared by {exe}'


def test_every_node_has_a_parameter_file_with_every_parameter():
    for exe, stem in (('edge_node', 'edge'), ('cloud_node', 'cloud'),
                      ('monitor_node', 'monitor'), ('image_source_node', 'image_source')):
        data = yaml.safe_load((ROOT / 'config' / f'{stem}.yaml').read_text())
        assert set(data['/**']['ros__parameters']) == names(TABLES[exe]), stem


def test_rviz_config_shows_the_debug_image():
    rviz = yaml.safe_load((ROOT / 'config' / 'janus.rviz').read_text())
    displays = rviz['Visualization Manager']['Displays']
    assert any(d['Class'] == 'rviz_default_plugins/Image'
               and d['Topic']['Value'].endswith('janus/debug_image') for d in displays)
