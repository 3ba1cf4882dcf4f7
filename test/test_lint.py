# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Lint as an ament package would: flake8, pep257 docstrings, copyright headers, package.xml."""
import subprocess
import sys
from pathlib import Path

from catkin_pkg.package import parse_package

ROOT = Path(__file__).resolve().parents[1]
PY_DIRS = ['janus_ros', 'test', 'bench', 'launch', 'setup.py']
HEADER = 'Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.'


def python_files() -> list[Path]:
    files = []
    for d in PY_DIRS:
        p = ROOT / d
        files += [p] if p.is_file() else sorted(p.rglob('*.py'))
    return files


def test_flake8():
    out = subprocess.run([sys.executable, '-m', 'flake8', *PY_DIRS], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_pep257_docstrings():
    out = subprocess.run([sys.executable, '-m', 'pydocstyle', 'janus_ros'], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_copyright_headers():
    missing = [str(f.relative_to(ROOT)) for f in python_files()
               if HEADER not in '\n'.join(f.read_text().splitlines()[:3])]
    assert not missing, f'files without the copyright header: {missing}'


def test_package_xml_is_valid_format_3():
    pkg = parse_package(str(ROOT / 'package.xml'))
    pkg.validate()
    assert pkg.package_format == 3 and pkg.name == 'janus_ros'
    assert pkg.get_build_type() == 'ament_cmake'
    cmake = (ROOT / 'CMakeLists.txt').read_text()
    assert 'project(janus_ros' in cmake and 'rosidl_generate_interfaces' in cmake
