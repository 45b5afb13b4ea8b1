"""numba compilation of issim's kernels, with an on-disk cache that follows their source.

numba checks a cached function only against its own file, and freezes the globals it reads
(constants, tables): a cache kept beside the sources goes stale when a kernel's callee in
another file, or a constant, changes. So every kernel is cached in one folder of issim's
cache (:func:`orbital.cache.cache_dir`), ``numba/kernels-<key>``, where the key hashes the
numba version and the text of every file the kernels depend on (:data:`KERNEL_SOURCES`):
an edit anywhere there gives a fresh folder, and the first run after it compiles (some seconds;
``issim warm-up`` does it as a set-up step).
The :data:`KEPT_CACHES` folders used last stay (other checkouts of issim share the cache);
older ``kernels-*`` folders are removed. A cache folder that cannot be written means
compiling in every process, never a stale cache.
"""

import contextlib
import functools
import hashlib
import os
import shutil
import sys
from pathlib import Path

import numba

from orbital.cache import cache_dir


def _import_hiding(module: str, hidden: str) -> None:
    """Import ``module`` (once) while ``hidden`` cannot be imported; then give ``hidden`` back."""
    if module in sys.modules:
        return
    missing = object()
    saved = sys.modules.get(hidden, missing)
    sys.modules[hidden] = None  # import hidden -> ImportError, its parent packages left unloaded
    try:
        __import__(module)
    finally:
        if saved is missing:
            del sys.modules[hidden]
        else:
            sys.modules[hidden] = saved


# On a process's first compiled call (or cache load) numba loads its typing registries; two of them
# import what no kernel here uses, 0.3-0.4 s of every issim run that calls a kernel (measured with
# python -X importtime). numba has its own fallback for both, which these imports take:
# - numba.core.typing.cffi_utils builds a cffi.FFI() when cffi is installed (pycparser parsing C
#   declarations, 0.17 s); without it, kernels cannot call CFFI functions (none does);
# - numba.np.arraymath imports scipy.linalg to see if BLAS is there (0.2 s; the footprint needs only
#   scipy.special); without it, np.convolve and np.correlate use a plain loop (no kernel calls them;
#   np.dot and np.linalg still find BLAS when they are compiled).
# Hidden only during these two imports: any other use of cffi or scipy.linalg is untouched.
_import_hiding("numba.core.typing.cffi_utils", "cffi")
_import_hiding("numba.np.arraymath", "scipy.linalg.cython_blas")

#: The package folder that :data:`KERNEL_SOURCES` are relative to.
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: Files (glob patterns under :data:`PACKAGE_DIR`) whose text the compiled kernels depend on: the
#: kernels, every function they call, the constants and tables they freeze.
KERNEL_SOURCES = (
    "dynamics/*.py",
    "earth/constants.py",
    "earth/geodesy.py",
    "propagation/batch_integrator.py",
    "propagation/dop853*.py",
    "propagation/relative_dynamics.py",
    "models/guidance.py",
    "data/us76_density_86_1000km.npz",
)
#: How many kernel cache folders (the most recently used) are kept.
KEPT_CACHES = 4
_PREFIX = "kernels-"


def kernel_cache_key(package_dir: Path = PACKAGE_DIR) -> str:
    """Hash (16 hex digits) of the numba version and the kernel sources under ``package_dir``."""
    digest = hashlib.sha1(numba.__version__.encode())
    for pattern in KERNEL_SOURCES:
        for path in sorted(package_dir.glob(pattern)):
            digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prune_kernel_caches(folder: Path, keep: int = KEPT_CACHES) -> None:
    """Remove all but the ``keep`` most recently used ``kernels-*`` folders in ``folder``."""
    with contextlib.suppress(OSError):
        caches = sorted((p for p in folder.iterdir() if p.name.startswith(_PREFIX) and p.is_dir()),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        for old in caches[keep:]:
            shutil.rmtree(old, ignore_errors=True)


@functools.lru_cache(maxsize=None)
def kernel_cache_dir() -> Path | None:
    """This process's kernel cache folder (created, marked as used now, older ones pruned), or
    None if it cannot be written."""
    folder = cache_dir() / "numba"
    path = folder / f"{_PREFIX}{kernel_cache_key()}"
    try:
        path.mkdir(parents=True, exist_ok=True)
        os.utime(path)
    except OSError:
        return None
    prune_kernel_caches(folder)
    return path


@contextlib.contextmanager
def _numba_cache_dir(path):
    saved = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(path)
    try:
        yield
    finally:
        numba.config.CACHE_DIR = saved


def _compile(decorator, func, options):
    path = kernel_cache_dir()
    if path is None:
        return decorator(**options)(func)
    with _numba_cache_dir(path):  # numba picks the cache folder when the function is decorated
        return decorator(cache=True, **options)(func)


#: Options every kernel is compiled with. ``error_model="numpy"``: a float division by zero gives inf or
#: NaN as in NumPy instead of raising ZeroDivisionError, so the compiled arithmetic carries no test of
#: each divisor (and no exception path that holds the loops back from vectorising). Nothing in issim
#: relies on that exception: the kernels guard the divisors that can be zero, and a sample whose state
#: turns NaN is given up by the batch integrator (its time never reaches the ground).
KERNEL_OPTIONS = {"error_model": "numpy"}


def _named_kernel(func, options):
    """``func`` compiled (:data:`KERNEL_OPTIONS` unless ``options`` say otherwise), its dispatcher named by the function's module and name rather than by a random
    id: a kernel taking another as an argument (the integrator its right-hand side) is cached under
    that argument's name, which a new process must find the same for the cache to hold."""
    dispatcher = _compile(numba.njit, func, {**KERNEL_OPTIONS, **options})
    dispatcher._set_uuid(f"issim-kernel:{func.__module__}.{func.__qualname__}")
    return dispatcher


def kernel(func=None, **options):
    """``numba.njit(**options)``, cached in :func:`kernel_cache_dir`; as ``@kernel`` or ``@kernel(nogil=True)``."""
    if func is None:
        return lambda f: _named_kernel(f, options)
    return _named_kernel(func, options)

