"""Physical constants in SI units; the unit is part of every name."""

#: Earth's gravitational parameter (EGM96 / WGS84), m^3/s^2.
MU_EARTH_M3_S2 = 3.986004418e14
#: WGS84 equatorial radius, m.
R_EARTH_EQ_M = 6378137.0
#: WGS84 flattening, dimensionless.
WGS84_FLATTENING = 1.0 / 298.257223563
#: Mean Earth radius (IUGG), for ranges along the ground (great-circle distances), m.
R_EARTH_MEAN_M = 6371008.8
#: Earth's second zonal harmonic (EGM96, unnormalised), dimensionless.
J2_EARTH = 1.08262668e-3
#: Earth's rotation rate (WGS84), rad/s.
OMEGA_EARTH_RAD_S = 7.292115e-5
#: Standard gravity, m/s^2.
G0_M_S2 = 9.80665
#: Seconds in a day, s.
DAY_S = 86400.0
