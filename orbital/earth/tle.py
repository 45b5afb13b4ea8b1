"""Two-line element sets: validation, and the GCRS state at the TLE's own epoch.

A TLE is two 69-character lines starting "1 " and "2 ", each ending in a modulo-10
checksum of its first 68 characters (digits count their value, '-' counts 1).
"""

import numpy as np
from astropy.time import Time
from sgp4.api import SGP4_ERRORS, Satrec

from orbital.errors import TLEError
from .frames import teme_to_gcrs

TLE_LINE_LENGTH = 69


def tle_checksum(line):
    """Modulo-10 checksum of the first 68 characters of a TLE line."""
    return sum(int(c) if c.isdigit() else c == "-" for c in line[: TLE_LINE_LENGTH - 1]) % 10


def parse_tle(text_or_lines):
    """Validate a TLE and return its two element lines ``(line1, line2)``.

    Takes one string or a sequence of lines; an optional name line before the
    element lines and surrounding whitespace are tolerated. Raises ``TLEError``.
    """
    lines = text_or_lines.splitlines() if isinstance(text_or_lines, str) else list(text_or_lines)
    lines = [line.strip() for line in lines if line.strip()]
    if len(lines) == 3:
        lines = lines[1:]  # the name line
    if len(lines) != 2:
        raise TLEError(f"expected 2 element lines (and an optional name line), found {len(lines)} lines")
    for number, line in enumerate(lines, start=1):
        _check_line(number, line)
    if lines[0][2:7] != lines[1][2:7]:
        raise TLEError(f"line 2 satellite number: expected {lines[0][2:7]!r} (from line 1), found {lines[1][2:7]!r}")
    return lines[0], lines[1]


def _check_line(number, line):
    if not line.startswith(f"{number} "):
        raise TLEError(f"line {number}: expected it to start with '{number} ', found {line[:2]!r}")
    if len(line) != TLE_LINE_LENGTH:
        raise TLEError(f"line {number} length: expected {TLE_LINE_LENGTH} characters, found {len(line)}")
    if not line[-1].isdigit():
        raise TLEError(f"line {number} checksum: expected a digit in column 69, found {line[-1]!r}")
    expected = tle_checksum(line)
    if int(line[-1]) != expected:
        raise TLEError(f"line {number} checksum: expected {expected}, found {line[-1]}")


def tle_state_teme(line1, line2):
    """SGP4 state at the TLE's epoch: ``(epoch, r_m, v_m_s)``, TEME, shapes (3,).

    ``epoch`` is an astropy Time in UTC.
    """
    line1, line2 = parse_tle([line1, line2])
    satellite = Satrec.twoline2rv(line1, line2)
    error, r_km, v_km_s = satellite.sgp4(satellite.jdsatepoch, satellite.jdsatepochF)
    if error:
        raise TLEError(f"SGP4 error {error} at the TLE epoch: {SGP4_ERRORS[error]}")
    epoch = Time(satellite.jdsatepoch, satellite.jdsatepochF, format="jd", scale="utc")
    return epoch, np.array(r_km) * 1e3, np.array(v_km_s) * 1e3


def tle_state_gcrs(line1, line2):
    """SGP4 state at the TLE's epoch: ``(epoch, r_m, v_m_s)``, GCRS, shapes (3,)."""
    epoch, r_m, v_m_s = tle_state_teme(line1, line2)
    r_m, v_m_s = teme_to_gcrs(epoch, r_m, v_m_s)
    return epoch, r_m, v_m_s


def tle_perigee_height_m(text_or_lines):
    """Perigee height (m above SGP4's equatorial radius) of the TLE's mean orbit."""
    satellite = Satrec.twoline2rv(*parse_tle(text_or_lines))
    return satellite.altp * satellite.radiusearthkm * 1e3


def tle_eccentricity(text_or_lines):
    """Mean eccentricity of a TLE (columns 27-33 of line 2, as SGP4 reads it)."""
    return float(Satrec.twoline2rv(*parse_tle(text_or_lines)).ecco)


def tle_epoch_utc_iso(text_or_lines):
    """The TLE's epoch, UTC ISO 8601 text to the millisecond (from SGP4's Julian date, no astropy)."""
    satellite = Satrec.twoline2rv(*parse_tle(text_or_lines))
    ms = round(((satellite.jdsatepoch - 2440587.5) + satellite.jdsatepochF) * 86_400_000)
    return str(np.datetime64(ms, "ms"))


def tle_mean_motion_rev_per_day(line2):
    """Mean motion (rev/day, SGP4's Kozai mean) from columns 53-63 of line 2."""
    return float(line2[52:63])
