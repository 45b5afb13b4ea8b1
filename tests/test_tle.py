"""TLE validation and the SGP4 state at the TLE epoch, in GCRS."""

import numpy as np
import pytest

from orbital.earth import frames
from orbital.earth.constants import DAY_S
from orbital.earth.elements import rv_to_classical, semi_major_axis_from_mean_motion_m
from orbital.errors import TLEError
from orbital.earth.tle import parse_tle, tle_checksum, tle_mean_motion_rev_per_day, tle_state_gcrs

# A public ISS TLE (2024-02-29) as given in the task, whose checksum digits were
# wrong (line 1 ended in 3, line 2 in 7); the last digits here are corrected.
ISS_LINE1 = "1 25544U 98067A   24060.51774680  .00018497  00000+0  32893-3 0  9996"
ISS_LINE2 = "2 25544  51.6414 123.5405 0005872 328.1418 171.0139 15.49653587441578"


def test_parse_two_lines_name_line_and_whitespace():
    assert parse_tle([ISS_LINE1, ISS_LINE2]) == (ISS_LINE1, ISS_LINE2)
    text = f"\n  ISS (ZARYA)  \n  {ISS_LINE1}  \r\n{ISS_LINE2}\t\n\n"
    assert parse_tle(text) == (ISS_LINE1, ISS_LINE2)
    assert parse_tle(("0 ISS (ZARYA)", ISS_LINE1, ISS_LINE2)) == (ISS_LINE1, ISS_LINE2)


def test_checksums():
    assert tle_checksum(ISS_LINE1) == 6
    assert tle_checksum(ISS_LINE2) == 8
    assert tle_checksum("1 " + "-" * 66 + "0") == 7  # 1 + 66 dashes counting 1 each


@pytest.mark.parametrize(
    "lines, message",
    [
        ((ISS_LINE1[:-1] + "3", ISS_LINE2), "line 1 checksum: expected 6, found 3"),
        ((ISS_LINE1, ISS_LINE2[:-1] + "7"), "line 2 checksum: expected 8, found 7"),
        ((ISS_LINE1, ISS_LINE2[:-1] + "x"), "line 2 checksum: expected a digit"),
        ((ISS_LINE1[:40], ISS_LINE2), "line 1 length: expected 69 characters, found 40"),
        ((ISS_LINE1, ISS_LINE2 + "0"), "line 2 length: expected 69 characters, found 70"),
        ((ISS_LINE2, ISS_LINE1), "line 1: expected it to start with '1 ', found '2 '"),
        ((ISS_LINE1, ISS_LINE1), "line 2: expected it to start with '2 ', found '1 '"),
        ((ISS_LINE1,), "expected 2 element lines"),
        (("ISS", "extra", ISS_LINE1, ISS_LINE2), "found 4 lines"),
    ],
)
def test_bad_tles_say_what_and_where(lines, message):
    with pytest.raises(TLEError, match=message):
        parse_tle(lines)


def test_mismatched_satellite_numbers():
    other = ISS_LINE2.replace("25544", "25545")[:-1]
    other += str(tle_checksum(other))
    with pytest.raises(TLEError, match="line 2 satellite number"):
        parse_tle([ISS_LINE1, other])


def test_tle_error_is_a_value_error():
    assert issubclass(TLEError, ValueError)


@pytest.mark.physics
def test_iss_state_at_epoch():
    epoch, r_m, v_m_s = tle_state_gcrs(ISS_LINE1, ISS_LINE2)
    assert epoch.scale == "utc"
    assert epoch.isot == "2024-02-29T12:25:33.324"  # day 60.51774680 of 2024
    assert r_m.shape == v_m_s.shape == (3,)
    assert 6650e3 < np.linalg.norm(r_m) < 6900e3
    assert 7.6e3 < np.linalg.norm(v_m_s) < 7.75e3
    # The TLE's inclination, 51.6414 deg, is to the true equator of date (CIRS). GCRS
    # keeps the J2000 equator, tilted 0.134 deg from it in 2024: here +0.11 deg.
    to_cirs = frames.gcrs_to_cirs_matrices(epoch, 0.0)[0]
    inc_of_date_deg = np.degrees(rv_to_classical(to_cirs @ r_m, to_cirs @ v_m_s).inc_rad)
    assert inc_of_date_deg == pytest.approx(51.6414, abs=0.01)
    assert np.degrees(rv_to_classical(r_m, v_m_s).inc_rad) == pytest.approx(51.6414 + 0.11, abs=0.01)


def test_state_rejects_bad_checksum():
    with pytest.raises(TLEError, match="line 2 checksum"):
        tle_state_gcrs(ISS_LINE1, ISS_LINE2[:-1] + "0")


@pytest.mark.physics
def test_iss_mean_motion_and_semi_major_axis():
    n_rev_per_day = tle_mean_motion_rev_per_day(ISS_LINE2)
    assert n_rev_per_day == 15.49653587
    # ../shared/REFERENCES.md, "The station": 15.49 rev/day gives a = 6797.8 km. That
    # figure uses n rounded to 15.49; this TLE's full 15.4965 rev/day gives 6795.9 km.
    assert np.floor(n_rev_per_day * 100) / 100 == 15.49
    assert semi_major_axis_from_mean_motion_m(15.49 * 2 * np.pi / DAY_S) == pytest.approx(6797.8e3, abs=1e3)
    a_m = semi_major_axis_from_mean_motion_m(n_rev_per_day * 2 * np.pi / DAY_S)
    assert a_m == pytest.approx(6795.9e3, abs=0.1e3)
