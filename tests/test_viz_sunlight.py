"""Sunlight on the globe: the Sun where the almanac puts it, a night side, the Earth's shadow, the sky."""

import numpy as np
import pytest

from viz.backend import offscreen_unavailable_reason
from viz.sky import in_earth_shadow, limb_circle, sun_direction

needs_gl = pytest.mark.skipif(offscreen_unavailable_reason() is not None, reason=str(offscreen_unavailable_reason()))


def _declination_and_ra_deg(direction):
    x, y, z = direction
    return np.degrees(np.arcsin(z)), np.degrees(np.arctan2(y, x)) % 360.0


@pytest.mark.parametrize(
    "moment, declination_deg, ra_deg",
    [
        # USNO, "Earth's Seasons, Equinoxes, Solstices" 2024: March equinox 03:06 UTC, June solstice 20:51 UTC
        ("2024-03-20T03:06:00", 0.0, 0.0),
        ("2024-06-20T20:51:00", 23.44, 90.0),
    ],
)
def test_the_sun_is_where_the_almanac_puts_it_at_equinox_and_solstice(moment, declination_deg, ra_deg):
    declination, ra = _declination_and_ra_deg(sun_direction(moment))
    assert declination == pytest.approx(declination_deg, abs=0.05)  # 0.05 deg: 5.5 km on the ground
    assert (ra - ra_deg + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=0.05)


def test_a_point_behind_the_earth_is_in_its_shadow_and_one_beside_it_is_not():
    sun = np.array([1.0, 0.0, 0.0])
    assert in_earth_shadow([-6.8e6, 0.0, 0.0], sun)
    assert not in_earth_shadow([6.8e6, 0.0, 0.0], sun)
    assert not in_earth_shadow([-6.8e6, 6.6e6, 0.0], sun)  # beside the cylinder


def test_the_limb_circle_grazes_the_sphere_seen_from_the_eye():
    eye = np.array([0.0, -30.0, 10.0])
    ring = limb_circle(eye, 6.4)
    to_ring = ring - eye
    # each line from the eye to the ring touches the sphere: it is square to the radius there
    assert np.allclose(np.einsum("ij,ij->i", to_ring, ring), 0.0, atol=1e-9)
    assert np.allclose(np.linalg.norm(ring, axis=1), 6.4)


@needs_gl
@pytest.mark.slow
def test_the_night_side_is_darker_than_the_day_side():
    """At the run's epoch, two ground points 50 deg either side of the terminator, both in view."""
    from viz_helpers import bundled_result, canvas_xy

    from viz.globe import view_angles
    from viz.viewer import Viewer

    viewer = Viewer(bundled_result("iss_orbit"), size=(320, 180))
    globe = viewer.views[0]
    while globe.camera_names[globe._preset] != "globe":
        viewer.cycle_camera()
    t0 = viewer.player.t0_s
    viewer.show_time(t0)
    sun = globe.sun
    dusk = np.cross(sun, [0.0, 0.0, 1.0])
    dusk /= np.linalg.norm(dusk)  # on the terminator, at the equator
    globe.camera.azimuth, globe.camera.elevation = view_angles(dusk)
    station = globe.layers[0]
    for visual in (station.marker, station.trail, station.track, viewer.hud.status, viewer.hud.footer):  # the Earth alone
        visual.visible = False
    image = viewer.frame_at(t0)[..., :3].astype(float)
    brightness = {}
    for side, sign in (("day", 1.0), ("night", -1.0)):
        point = (np.cos(np.radians(50)) * dusk + sign * np.sin(np.radians(50)) * sun) * 6.3
        itrs = globe.rotation.gcrs_to_itrs(t0) @ point  # the mesh is drawn Earth-fixed
        x, y = canvas_xy(globe.earth.mesh, itrs)
        brightness[side] = image[int(y) - 3 : int(y) + 4, int(x) - 3 : int(x) + 4].mean()
    assert brightness["night"] < 0.5 * brightness["day"], brightness
