"""Files issim derives once from shipped data and keeps between runs (never downloaded).

They live in ``$ISSIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/issim``, else
``~/.cache/issim``. A cache that cannot be written (a read-only home) is not an
error: the caller keeps what it built in memory for this process.
"""

import contextlib
import hashlib
import os
from pathlib import Path


def cache_dir() -> Path:
    """The folder of issim's cache (see the module's docstring); not created here."""
    return Path(os.environ.get("ISSIM_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "issim"
    ))


def cache_file(stem, key, suffix):
    """Path of the cache file ``<stem>-<hash of key><suffix>``; ``key`` names what it was built from."""
    return cache_dir() / f"{stem}-{hashlib.sha1(key.encode()).hexdigest()[:12]}{suffix}"


def write_atomically(path, write):
    """Call ``write(file object)`` on a temporary file, then move it to ``path``; False if the
    cache cannot be written. Readers never see a half-written file."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            write(f)
        os.replace(tmp, path)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
