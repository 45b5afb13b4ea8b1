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

A kernel is a :class:`Kernel`: numba is imported, and the kernel's dispatcher made, at its first
compiled call. Short jobs (one descent, a day of the station) run the kernels' own Python instead
(:func:`interpreted`) in a process's first few (:func:`interpret_next_job`): quicker than compiling,
and than loading the compiled code, with the same arithmetic.
"""

import contextlib
import functools
import hashlib
import importlib.metadata
import os
import shutil
import sys
import threading
import types
from pathlib import Path
from typing import Callable

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
# Hidden only during these two imports (:func:`_numba`): any other use of cffi or scipy.linalg is untouched.

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
    digest = hashlib.sha1(importlib.metadata.version("numba").encode())
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
def _numba_cache_dir(numba, path):
    saved = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(path)
    try:
        yield
    finally:
        numba.config.CACHE_DIR = saved


#: Held while numba is set up (:func:`_numba`: its imports with modules hidden in ``sys.modules``) and a
#: kernel's dispatcher made: threads that reach them together would each make their own.
_making_dispatchers = threading.RLock()


@functools.lru_cache(maxsize=1)
def _numba():
    """numba, imported (0.3 s) and taught to see a :class:`Kernel` as its compiled dispatcher (as a global
    of compiled code, an attribute of a module, or an argument)."""
    _import_hiding("numba.core.typing.cffi_utils", "cffi")
    _import_hiding("numba.np.arraymath", "scipy.linalg.cython_blas")
    import numba
    from numba.extending import typeof_impl

    @typeof_impl.register(Kernel)
    def _typeof_kernel(value, context):
        return typeof_impl(value.dispatcher, context)

    return numba


#: Options every kernel is compiled with. ``error_model="numpy"``: a float division by zero gives inf or
#: NaN as in NumPy instead of raising ZeroDivisionError, so the compiled arithmetic carries no test of
#: each divisor (and no exception path that holds the loops back from vectorising). Nothing in issim
#: relies on that exception: the kernels guard the divisors that can be zero, and a sample whose state
#: turns NaN is given up by the batch integrator (its time never reaches the ground).
KERNEL_OPTIONS = {"error_model": "numpy"}


class Kernel:
    """A function numba compiles (as ``numba.njit(**options)``, cached in :func:`kernel_cache_dir`) at
    its first call, its dispatcher made (and numba imported) only then: a run whose kernels all run
    interpreted (:func:`interpreted`) never imports numba. Called, and to compiled code, it is its dispatcher."""

    def __init__(self, func: Callable, options: dict):
        self.py_func = func
        self._options = options
        self._dispatcher = None
        functools.update_wrapper(self, func)

    @property
    def dispatcher(self):
        """numba's dispatcher of the function, named by its module and name rather than by a random id:
        a kernel taking another as an argument (the integrator its right-hand side) is cached under that
        argument's name, which a new process must find the same for the cache to hold."""
        if self._dispatcher is None:
            with _making_dispatchers:  # a footprint's chunk threads reach a kernel at once: one dispatcher each
                if self._dispatcher is None:
                    numba = _numba()
                    path = kernel_cache_dir()
                    if path is None:
                        dispatcher = numba.njit(**{**KERNEL_OPTIONS, **self._options})(self.py_func)
                    else:
                        with _numba_cache_dir(numba, path):  # numba picks the cache folder when the function is decorated
                            dispatcher = numba.njit(cache=True, **{**KERNEL_OPTIONS, **self._options})(self.py_func)
                    dispatcher._set_uuid(f"issim-kernel:{self.py_func.__module__}.{self.py_func.__qualname__}")
                    self._dispatcher = dispatcher
        return self._dispatcher

    def __call__(self, *args):
        return self.dispatcher(*args)

    def __getattr__(self, name):  # the dispatcher's own (stats, signatures, targetoptions...)
        if name.startswith("__") or name in ("py_func", "_options", "_dispatcher"):
            raise AttributeError(name)
        return getattr(self.dispatcher, name)


def kernel(func=None, **options):
    """A :class:`Kernel` (``numba.njit(**options)``, cached in :func:`kernel_cache_dir`); as ``@kernel`` or
    ``@kernel(nogil=True)``."""
    if func is None:
        return lambda f: Kernel(f, options)
    return Kernel(func, options)

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
    if isinstance(value, Kernel):
        return interpreted(value)
    if isinstance(value, types.ModuleType) and value.__name__.startswith("orbital."):
        return _interpreted_module(value)
    return value


@functools.lru_cache(maxsize=None)
def _interpreted_module(module: types.ModuleType) -> _InterpretedModule:
    return _InterpretedModule(module)


@functools.lru_cache(maxsize=None)
def interpreted(kernel: Kernel) -> Callable:
    """The pure-Python twin of a kernel: its own source run by the interpreter (numba's ``py_func``),
    with every kernel it reads from its module (by name, or as ``module.name``) replaced by that
    kernel's twin, so that calling it compiles nothing. numba compiles a kernel and all it calls at
    its first call (seconds, :data:`KERNEL_SOURCES`), and loading them from the cache costs about half
    a second of LLVM set-up: for a short job (one descent) the interpreter is quicker than either.
    Same IEEE arithmetic as the compiled code (numba uses no fast-math here), but NumPy warns where
    numba is silent: call it under ``np.errstate(all="ignore")``."""
    func = kernel.py_func
    namespace = dict(func.__globals__)
    for name in _global_names(func.__code__):
        if name in namespace:
            namespace[name] = _interpreted_value(namespace[name])
    twin = types.FunctionType(func.__code__, namespace, func.__name__, func.__defaults__, func.__closure__)
    return functools.update_wrapper(twin, func)


#: How many short jobs (one descent, a day of the station) a process runs interpreted before it goes
#: compiled: a command's one run (the Soyuz kind flies two descents, its plan and its flight) never
#: imports numba; a process that runs many (a sweep, a benchmark, a notebook) loads the compiled
#: kernels once (0.5 s) and then runs each in about a millisecond instead of a quarter of a second.
INTERPRETED_JOBS = 4
_jobs_left = INTERPRETED_JOBS
_jobs_lock = threading.Lock()  # runs of a sweep may ask from several threads


def interpret_next_job() -> bool:
    """Whether the caller's next short job runs interpreted (:func:`interpreted`): True for this
    process's first :data:`INTERPRETED_JOBS` such jobs, then False. The answer is the same either
    way (the same arithmetic); only the time differs."""
    global _jobs_left
    with _jobs_lock:
        if _jobs_left <= 0:
            return False
        _jobs_left -= 1
        return True
