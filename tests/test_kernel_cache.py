"""The compiled kernels' disk cache follows their sources (orbital/dynamics/compiled.py): an edit to
any kernel source, or to a constant or callee it freezes, gives a fresh cache folder; old folders
are pruned, and only issim's own."""

import ast
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orbital.dynamics.compiled import KERNEL_SOURCES, PACKAGE_DIR, kernel_cache_key, prune_kernel_caches


def _copy_sources(tmp_path):
    root = tmp_path / "orbital"
    for pattern in KERNEL_SOURCES:
        for path in PACKAGE_DIR.glob(pattern):
            target = root / path.relative_to(PACKAGE_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return root


def test_the_key_changes_when_any_kernel_source_changes(tmp_path):
    root = _copy_sources(tmp_path)
    key = kernel_cache_key(root)
    assert key == kernel_cache_key(PACKAGE_DIR)
    sources = [p for pattern in KERNEL_SOURCES for p in sorted(root.glob(pattern))]
    assert any(p.name == "constants.py" for p in sources) and any(p.name == "gravity.py" for p in sources)
    for path in sources:
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        assert kernel_cache_key(root) != key, path
        path.write_bytes(original)
    assert kernel_cache_key(root) == key


def _imported_orbital_files(path):
    """Files of the orbital modules that ``path`` imports (top level or inside functions)."""
    tree = ast.parse(path.read_text())
    names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("orbital")}
    names |= {f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module for a in n.names}
    files = set()
    for name in names:
        rel = Path(*name.split(".")[1:])
        for candidate in (PACKAGE_DIR / rel.with_suffix(".py"), PACKAGE_DIR / rel / "__init__.py"):
            if candidate.is_file():
                files.add(candidate)
    return files


def test_every_compiled_module_and_what_it_imports_is_in_the_key():
    covered = {p for pattern in KERNEL_SOURCES for p in PACKAGE_DIR.glob(pattern)}
    compiled_modules = [p for p in PACKAGE_DIR.rglob("*.py") if "@kernel" in p.read_text() or "kernel(" in p.read_text()]
    assert compiled_modules
    for path in compiled_modules:
        assert path in covered, f"{path} compiles kernels: add it to KERNEL_SOURCES"
        missing = {p for p in _imported_orbital_files(path) if p not in covered and p.name != "__init__.py"}
        assert not missing - {PACKAGE_DIR / "cache.py"}, f"{path} imports {missing}: add them to KERNEL_SOURCES"


def test_old_cache_folders_are_pruned_and_nothing_else(tmp_path):
    for k in range(6):
        folder = tmp_path / f"kernels-{k}"
        folder.mkdir()
        (folder / "index.nbi").write_text("x")
        os.utime(folder, (1000.0 + k, 1000.0 + k))
    (tmp_path / "kernels-file").write_text("not a folder")
    (tmp_path / "mine").mkdir()
    prune_kernel_caches(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kernels-4", "kernels-5", "kernels-file", "mine"]


def test_an_edited_kernel_recompiles_without_a_manual_step(tmp_path):
    # a kernel module in a copy of the package, cached, edited in a callee's constant, run again
    root = _copy_sources(tmp_path)
    shutil.copy2(PACKAGE_DIR / "__init__.py", root / "__init__.py")
    for init in ("dynamics", "earth"):
        shutil.copy2(PACKAGE_DIR / init / "__init__.py", root / init / "__init__.py")
    shutil.copy2(PACKAGE_DIR / "cache.py", root / "cache.py")
    code = textwrap.dedent(
        """
        from orbital.dynamics.kernels import gravity
        from orbital.dynamics.compiled import kernel_cache_dir
        print(gravity(7.0e6, 0.0, 0.0, 1.0, 0.0)[0], kernel_cache_dir().name)
        """
    )
    env = {**os.environ, "ISSIM_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(tmp_path)}

    def run():
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
        value, folder = out.stdout.split()
        return float(value), folder

    first = run()
    assert run() == first  # from the cache
    constants = root / "earth" / "constants.py"
    text = constants.read_text()
    assert "MU_EARTH_M3_S2 = " in text
    constants.write_text(text + "\nMU_EARTH_M3_S2 = 2.0 * MU_EARTH_M3_S2\n")
    second = run()
    assert second[1] != first[1]
    assert second[0] == 2.0 * first[0]


@pytest.mark.slow  # compiles the compiled relative flight in a fresh cache: 10 to 30 s
def test_a_kernel_taking_a_kernel_is_found_in_the_cache_by_a_new_process(tmp_path):
    # dop853.advance takes its right-hand side as an argument; numba keys its cache on that
    # argument's identity, a random id unless the kernel names it (compiled.kernel)
    code = textwrap.dedent(
        """
        import numpy as np
        from orbital.propagation.dop853 import advance
        from orbital.propagation.relative import Loads, fly_relative, initial_state
        y0 = initial_state([6.8e6, 0.0, 0.0], [0.0, 7656.0, 0.0], [10.0, 0.0, 0.0], [0.0, 0.01, 0.0])
        fly_relative(Loads(), y0, np.array([0.0, 60.0]), compiled=True)
        print(sum(advance.stats.cache_hits.values()), sum(advance.stats.cache_misses.values()))
        """
    )
    env = {**os.environ, "ISSIM_CACHE_DIR": str(tmp_path / "cache")}

    def hits_and_misses():
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
        return tuple(int(n) for n in out.stdout.split())

    assert hits_and_misses() == (0, 1)
    assert hits_and_misses() == (1, 0)


@pytest.mark.slow  # compiles every kernel in a fresh process: about 20 s (40 s on a busy machine)
def test_warm_up_leaves_nothing_for_the_first_run_to_compile(tmp_path):
    # the set-up step `issim warm-up` fills an empty cache; the first compiled Soyuz run after it compiles nothing
    from orbital.runners import WARM_UP_RUNS

    issim = Path(sys.executable).with_name("issim")
    env = {**os.environ, "ISSIM_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path), "NUMBA_DEBUG_CACHE": "1"}
    done = subprocess.run([str(issim), "warm-up"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert all(f"{name}: " in done.stdout for name, _ in WARM_UP_RUNS)
    assert list((tmp_path / "cache").glob("landmask-*")) and list((tmp_path / "cache" / "numba").rglob("*.nbi"))
    run = subprocess.run([str(issim), "run", "soyuz_nominal", "--set", "guidance.mode=predictor_corrector", "--json", "--out",
                          str(tmp_path / "run")], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "compiling" not in run.stderr and "[cache] data saved" not in run.stdout + run.stderr


def test_the_first_descent_after_install_compiles_nothing(tmp_path):
    # one descent under a table law flies through the kernels' pure-Python twins: on an empty cache
    # nothing is compiled or cached, and no compiling is announced (its answer is the compiled one's:
    # tests/test_reentry_parity.py)
    issim = Path(sys.executable).with_name("issim")
    env = {**os.environ, "ISSIM_CACHE_DIR": str(tmp_path / "cache"), "NUMBA_DEBUG_CACHE": "1"}
    run = subprocess.run([str(issim), "run", "soyuz_nominal", "--json", "--out", str(tmp_path / "run")], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert '"landed_on": "land"' in run.stdout
    assert "compiling" not in run.stderr and "[cache] data saved" not in run.stdout + run.stderr
    assert not list((tmp_path / "cache" / "numba").rglob("*.nb*"))
