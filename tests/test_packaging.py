"""What ``pip install .`` puts in site-packages: the import names ``orbital`` and ``viz`` only,
the bundled scenarios inside ``orbital`` as package data."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # builds a wheel: some 5 s
def test_the_wheel_installs_only_orbital_and_viz_with_the_scenarios_inside(tmp_path):
    # build from a copy of the sources: a stale build/ folder in the checkout would leak into the wheel
    source = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("orbital", "scenarios", "viz"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path / "wheel"), str(source)],
        capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "wheel").glob("issim-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"orbital", "viz"}
    # every module of every room is in the wheel (pyproject lists the packages one by one)
    sources = {p.relative_to(ROOT).as_posix() for folder in ("orbital", "viz") for p in (ROOT / folder).rglob("*.py")}
    assert not sources - set(names), f"missing from the wheel: {sorted(sources - set(names))}"
    shipped = {Path(name).name for name in names if name.startswith("orbital/scenarios/")}
    assert shipped == {"__init__.py", *(p.name for p in (ROOT / "scenarios").glob("*.yaml"))}
