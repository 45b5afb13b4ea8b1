"""The cached Earth-orientation table gives astropy's own UT1-UTC and polar motion, bit for bit."""

import numpy as np
from astropy.time import Time
from astropy.utils import iers

from orbital.earth import frames, orientation as earth_orientation


def _fresh_table(monkeypatch, cache_dir):
    frames.configure_offline_astropy()
    monkeypatch.setenv("ISSIM_CACHE_DIR", str(cache_dir))
    earth_orientation.earth_orientation_table.cache_clear()
    try:
        return earth_orientation.earth_orientation_table()
    finally:
        earth_orientation.earth_orientation_table.cache_clear()


def test_cached_table_interpolates_exactly_as_astropy(monkeypatch, tmp_path):
    _fresh_table(monkeypatch, tmp_path)  # builds and writes the cache
    assert len(list(tmp_path.glob("earth-orientation-*.npz"))) == 1
    cached = _fresh_table(monkeypatch, tmp_path)  # read back from the file
    reference = iers.earth_orientation_table.get()
    # every ~2 h from 1973 to the table's end, plus both sides of the 2016-12-31 leap second
    mjd = np.concatenate([np.arange(41684.0, reference["MJD"][-1].value, 0.0873), [57753.99999, 57754.0, 57754.00001]])
    times = Time(mjd, format="mjd", scale="utc")
    for method in ("ut1_utc", "pm_xy"):
        ours, theirs = getattr(cached, method)(times, return_status=True), getattr(reference, method)(times, return_status=True)
        for a, b in zip(ours, theirs):
            assert np.array_equal(np.asarray(getattr(a, "value", a)), np.asarray(getattr(b, "value", b)))


def test_unwritable_cache_still_gives_the_table(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    table = _fresh_table(monkeypatch, blocker / "cache")
    assert len(table) > 10_000 and not (blocker / "cache").exists()
