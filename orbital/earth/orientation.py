"""astropy's bundled Earth-orientation table (UT1-UTC, polar motion), parsed once.

astropy reads its IERS-A and IERS-B text tables (about 20,000 rows) in about a
second on every process start; a footprint or a decay run needs them only to turn
inertial positions into latitude and longitude. The columns issim uses are kept
in a cache file (:mod:`orbital.cache`, keyed by the astropy and IERS-data
versions) and become an astropy ``IERS_A`` table again, so astropy's own
interpolation (leap-second steps included) and source flags apply unchanged.
"""

import functools

import numpy as np
from astropy import units as u
from astropy.utils import iers

from orbital.cache import cache_file, write_atomically

#: Columns kept, with their units.
COLUMNS = {"MJD": u.d, "UT1_UTC": u.s, "PM_x": u.arcsec, "PM_y": u.arcsec}
#: Source flags of a combined IERS-A/B table ("B" final, "I" IERS-A, "P" prediction); an
#: IERS-B table (astropy < 6 offline has only that) has none: every value is final.
FLAGS = ("UT1Flag", "PolPMFlag")


def _data_versions():
    import astropy

    try:
        import astropy_iers_data

        return f"astropy {astropy.__version__}, iers-data {astropy_iers_data.__version__}"
    except ImportError:  # astropy < 6 carries its IERS files itself
        return f"astropy {astropy.__version__}"


def _from_columns(columns):
    table = {name: columns[name] * unit for name, unit in COLUMNS.items()}
    if all(flag in columns for flag in FLAGS):
        return iers.IERS_A({**table, **{flag: columns[flag] for flag in FLAGS}})
    return iers.IERS_B(table)


@functools.lru_cache(maxsize=1)
def earth_orientation_table():
    """The table astropy's ``iers.earth_orientation_table.get()`` gives, as an ``IERS_A`` (or
    ``IERS_B``) with the columns in :data:`COLUMNS` and :data:`FLAGS` (the first call may
    parse astropy's files)."""
    path = cache_file("earth-orientation", f"{_data_versions()}-v2", ".npz")
    try:
        with np.load(path, allow_pickle=False) as data:
            return _from_columns({name: data[name] for name in data.files})
    except (OSError, ValueError, KeyError):
        pass
    table = iers.earth_orientation_table.get()
    columns = {name: np.asarray(table[name].to_value(unit)) for name, unit in COLUMNS.items()}
    columns.update({flag: np.asarray(table[flag]) for flag in FLAGS if flag in table.colnames})
    write_atomically(path, lambda f: np.savez(f, **columns))
    return _from_columns(columns)
