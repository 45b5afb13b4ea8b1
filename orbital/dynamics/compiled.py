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
import types
from pathlib import Path
from typing import Callable

import numba
from numba.core.dispatcher import Dispatcher

from orbital.cache import cache_dir

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


def _named_kernel(func, options):
    """``func`` compiled, its dispatcher named by the function's module and name rather than by a random
    id: a kernel taking another as an argument (the integrator its right-hand side) is cached under
    that argument's name, which a new process must find the same for the cache to hold."""
    dispatcher = _compile(numba.njit, func, options)
    dispatcher._set_uuid(f"issim-kernel:{func.__module__}.{func.__qualname__}")
    return dispatcher


def kernel(func=None, **options):
    """``numba.njit(**options)``, cached in :func:`kernel_cache_dir`; as ``@kernel`` or ``@kernel(nogil=True)``."""
    if func is None:
        return lambda f: _named_kernel(f, options)
    return _named_kernel(func, options)



def _global_names(code) -> set:
    """The global (and attribute) names a code object and the code objects nested in it use."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


class _InterpretedModule:
    """A module seen by an interpreted kernel: its kernels are their pure-Python twins."""

    def __init__(self, module: types.ModuleType):
        self._module = module

    def __getattr__(self, name):
        value = _interpreted_value(getattr(self._module, name))
        setattr(self, name, value)  # looked up once: kernels read only what their module defines at import
        return value


def _interpreted_value(value):
    if isinstance(value, Dispatcher):
        return interpreted(value)
    if isinstance(value, types.ModuleType) and value.__name__.startswith("orbital."):
        return _interpreted_module(value)
    return value


@functools.lru_cache(maxsize=None)
def _interpreted_module(module: types.ModuleType) -> _InterpretedModule:
    return _InterpretedModule(module)


@functools.lru_cache(maxsize=None)
def interpreted(dispatcher: Dispatcher) -> Callable:
    """The pure-Python twin of a kernel: its own source run by the interpreter (numba's ``py_func``),
    with every kernel it reads from its module (by name, or as ``module.name``) replaced by that
    kernel's twin, so that calling it compiles nothing. numba compiles a kernel and all it calls at
    its first call (seconds, :data:`KERNEL_SOURCES`), and loading them from the cache costs about half
    a second of LLVM set-up: for a short job (one descent) the interpreter is quicker than either.
    Same IEEE arithmetic as the compiled code (numba uses no fast-math here), but NumPy warns where
    numba is silent: call it under ``np.errstate(all="ignore")``."""
    func = dispatcher.py_func
    namespace = dict(func.__globals__)
    for name in _global_names(func.__code__):
        if name in namespace:
            namespace[name] = _interpreted_value(namespace[name])
    twin = types.FunctionType(func.__code__, namespace, func.__name__, func.__defaults__, func.__closure__)
    return functools.update_wrapper(twin, func)
