"""Geodesy on the WGS84 ellipsoid that needs no frame rotation: heights from geocentric
components, and small rings drawn on the ground around a point.

Positions are Earth-centred with z along the Earth's axis (GCRS, TEME or ITRS alike: the
height along the radius does not depend on the rotation about z), in m.
"""

import math

import numpy as np

from orbital.earth.constants import R_EARTH_EQ_M, R_EARTH_MEAN_M, WGS84_FLATTENING

_POLAR_RADIUS_M = R_EARTH_EQ_M * (1.0 - WGS84_FLATTENING)
_ECCENTRICITY2 = WGS84_FLATTENING * (2.0 - WGS84_FLATTENING)


def ellipsoid_height_along_radius_m(x, y, z):
    """Height above the WGS84 ellipsoid along the geocentric radius (m), from components.

    r - b / sqrt(1 - e^2 cos^2 phi_gc), with z the Earth's axis: exact on the
    ellipsoid itself (touchdown is on WGS84) and within metres of the geodetic
    height up to entry altitudes; costs no frame rotation. Written once: compiled as
    :data:`orbital.dynamics.kernels.altitude_m`, evaluated by numpy in :func:`ellipsoid_altitude_m`.
    """
    rho2 = x * x + y * y
    r = np.sqrt(rho2 + z * z)
    return r - _POLAR_RADIUS_M / np.sqrt(1.0 - _ECCENTRICITY2 * rho2 / (r * r))


def ellipsoid_altitude_m(r_m):
    """:func:`ellipsoid_height_along_radius_m` of positions (..., 3) in m."""
    r_m = np.asarray(r_m, dtype=float)
    return ellipsoid_height_along_radius_m(r_m[..., 0], r_m[..., 1], r_m[..., 2])


def ellipse_ring(lat0, lon0, major_km, minor_km, azimuth_deg, n=72):
    """(lat, lon) (n + 1,) of points on the ellipse, a closed ring, counter-clockwise as GeoJSON
    (RFC 7946) wants an outer ring (small-offset approximation)."""
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    a = np.append(a, 0.0)
    az = math.radians(azimuth_deg)
    x, y = 0.5 * major_km * np.cos(a), -0.5 * minor_km * np.sin(a)  # along the major, minor axes
    east = x * math.sin(az) + y * math.cos(az)
    north = x * math.cos(az) - y * math.sin(az)
    k = 180.0 / math.pi / (R_EARTH_MEAN_M / 1e3)
    return lat0 + north * k, lon0 + east * k / math.cos(math.radians(lat0))


def unit_vectors(lat_deg, lon_deg):
    """Unit vectors (N, 3) of the directions (lat, lon) in degrees, on the sphere."""
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def direction_lat_lon_deg(u) -> tuple[float, float]:
    """``(lat_deg, lon_deg)`` of the direction of the vector ``u`` (3,) (any length but zero)."""
    return math.degrees(math.atan2(u[2], math.hypot(u[0], u[1]))), math.degrees(math.atan2(u[1], u[0]))


def mean_point_deg(lat_deg, lon_deg) -> tuple[float, float]:
    """Mean of points on the sphere, the direction of the mean of their unit vectors, as ``(lat_deg, lon_deg)``."""
    return direction_lat_lon_deg(unit_vectors(lat_deg, lon_deg).mean(axis=0))


def tangent_basis(lat0_deg, lon0_deg):
    """East and north unit vectors of the plane tangent to the sphere at (lat0, lon0), in degrees."""
    la0, lo0 = math.radians(lat0_deg), math.radians(lon0_deg)
    east = np.array([-math.sin(lo0), math.cos(lo0), 0.0])
    north = np.array([-math.sin(la0) * math.cos(lo0), -math.sin(la0) * math.sin(lo0), math.cos(la0)])
    return east, north
