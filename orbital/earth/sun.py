"""The Sun's direction, low precision (about 0.01 deg from 1950 to 2050).

The Astronomical Almanac's low-precision formulas (section C, "Low precision formulas for the
Sun"): mean longitude and anomaly from the days since J2000.0, ecliptic longitude with the
equation of centre, obliquity of the ecliptic; right ascension and declination of date.
"""

import numpy as np

#: Julian date of J2000.0 (2000-01-01 12:00 TT; UTC here, 64 s apart, far below this precision).
JD_J2000 = 2451545.0


def julian_date(utc_iso):
    """Julian date of an ISO 8601 UTC instant (text or numpy datetime64)."""
    instant = np.datetime64(str(utc_iso).rstrip("Z"), "ms")
    return JD_J2000 + (instant - np.datetime64("2000-01-01T12:00:00", "ms")) / np.timedelta64(86_400_000, "ms")


def sun_ra_dec_rad(jd):
    """``(right ascension, declination)`` (rad) of the Sun of date at Julian date(s) ``jd``."""
    n = np.asarray(jd, dtype=float) - JD_J2000
    mean_longitude = np.radians(280.460 + 0.9856474 * n)
    anomaly = np.radians(357.528 + 0.9856003 * n)
    longitude = mean_longitude + np.radians(1.915 * np.sin(anomaly) + 0.020 * np.sin(2.0 * anomaly))
    obliquity = np.radians(23.439 - 4.0e-7 * n)
    ra = np.arctan2(np.cos(obliquity) * np.sin(longitude), np.cos(longitude))
    dec = np.arcsin(np.sin(obliquity) * np.sin(longitude))
    return ra, dec


def sun_unit_vector(jd):
    """Unit vector(s) (..., 3) from the Earth to the Sun, mean equator and equinox of date, at Julian date(s) ``jd``."""
    ra, dec = sun_ra_dec_rad(jd)
    return np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], axis=-1)
