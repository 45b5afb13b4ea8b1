"""Sunlight and sky of the globe: the Sun's direction, the Earth's shadow, stars and the atmosphere's limb.

The Sun's direction is the Astronomical Almanac's low-precision formula (about 0.01 deg from
1950 to 2050, far below what a terminator drawn on a 3 deg mesh shows), in the mean equator
and equinox of date, taken as GCRS (precession since J2000 turns it by at most 0.4 deg
within the formula's years). The shadow is a cylinder of the Earth's radius behind it.
The stars are a fixed random field (no catalogue ships offline), drawn behind everything.
"""

import numpy as np

from orbital.earth.sun import julian_date, sun_unit_vector
from viz.earth_rotation import R_EARTH

STAR_COUNT = 1500
STAR_SEED = 20261125
#: The limb's height (scene units, 60 km) and colour.
LIMB_HEIGHT = 0.06
LIMB_COLOR = (0.45, 0.7, 1.0, 0.55)


def sun_direction(epoch_utc, t_s=0.0):
    """Unit vector (GCRS) from the Earth to the Sun at ``t_s`` seconds after ``epoch_utc``
    (:func:`orbital.earth.sun.sun_unit_vector`, the Astronomical Almanac's low-precision formula)."""
    return sun_unit_vector(julian_date(epoch_utc) + float(t_s) / 86400.0)


def in_earth_shadow(r_m, sun, radius_m=R_EARTH * 1e6):
    """True if the point ``r_m`` (GCRS, m) is in the Earth's shadow (a cylinder behind it) of the Sun at ``sun``."""
    r = np.asarray(r_m, dtype=float)
    along = float(r @ sun)
    return along < 0.0 and float(np.linalg.norm(r - along * sun)) < radius_m


def star_field(count=STAR_COUNT, seed=STAR_SEED):
    """Unit directions (count, 3) and RGBA colours (count, 4) of a fixed random star field, most of them faint."""
    rng = np.random.default_rng(seed)
    directions = rng.normal(size=(count, 3))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    brightness = 0.25 + 0.75 * rng.random(count) ** 4
    tint = 1.0 - 0.15 * rng.random((count, 1)) * np.array([[1.0, 0.5, 0.0]])
    colors = np.column_stack([brightness[:, None] * tint, np.ones(count)])
    return directions, colors.astype(np.float32)


class Sky:
    """Stars round the eye and the atmosphere's limb round the Earth, under a GCRS ``parent``
    node of a view with a perspective ``camera``; ``update()`` each frame, after the camera moves."""

    def __init__(self, parent, camera):
        from vispy import scene

        self.camera = camera
        directions, colors = star_field()
        self._directions = directions
        self.stars = scene.visuals.Markers(parent=parent)
        self.stars.set_data(directions.astype(np.float32), face_color=colors, edge_width=0.0, size=np.where(colors[:, 0] > 0.7, 2.5, 1.5))
        # no depth test: no depth write either (GL). A depth_mask=False here would stay set for
        # every visual drawn after the stars, the Earth included, and leave depth untested
        self.stars.set_gl_state("translucent", depth_test=False)
        self.stars.order = -20  # first: the Earth and everything else cover them
        self.stars.transform = scene.transforms.STTransform()
        self.limb = scene.visuals.Line(np.zeros((2, 3), np.float32), color=LIMB_COLOR, width=3.0, parent=parent)
        self.limb.set_gl_state("translucent", depth_test=False)
        self.limb.order = -5  # over the Earth's edge, under tracks and markers
        self._drawn_for = None

    def update(self):
        """Put the stars round the eye and the limb where the Earth's edge is seen (nothing to do, and
        nothing uploaded, when the eye and the depth range are as last time)."""
        from viz.scale_bar import eye_position

        eye = eye_position(self.camera)
        key = (tuple(eye), tuple(self.camera.center), self.camera.depth_value)
        if key == self._drawn_for:
            return
        self._drawn_for = key
        distance = max(float(np.linalg.norm(eye - np.asarray(self.camera.center, float))), 1e-6)
        # between the near and far planes (distance / k .. distance * k, k = sqrt(depth_value))
        radius = distance * min(3.0, 0.5 * np.sqrt(self.camera.depth_value))
        self.stars.transform.scale = (radius, radius, radius)  # then moved to the eye: always as far
        self.stars.transform.translate = tuple(eye)
        self.limb.set_data(limb_circle(eye, R_EARTH + LIMB_HEIGHT).astype(np.float32))


def limb_circle(eye, radius, count=180):
    """Points (count + 1, 3) of the circle where lines from ``eye`` graze a sphere of ``radius``
    about the origin (the Earth's silhouette seen from the eye); a point at the origin inside it."""
    eye = np.asarray(eye, dtype=float)
    d = float(np.linalg.norm(eye))
    if d <= radius * 1.0001:
        return np.zeros((2, 3))
    u = eye / d
    helper = np.array([0.0, 0.0, 1.0]) if abs(u[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    a = np.cross(u, helper)
    a /= np.linalg.norm(a)
    b = np.cross(u, a)
    angle = np.linspace(0.0, 2.0 * np.pi, count + 1)[:, None]
    rho = radius * np.sqrt(1.0 - (radius / d) ** 2)
    return (radius**2 / d) * u + rho * (np.cos(angle) * a + np.sin(angle) * b)
