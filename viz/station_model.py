"""A coarse ISS-like station as one triangle mesh, in LVLH metres from its centre of mass.

LVLH: x radial out (zenith), y along-track (flight direction), z orbit normal
(starboard). The layout follows the contract in notes/contracts.md: the integrated
truss along z (109 m), the pressurised modules along y from the service module aft
(y = -35 m) to the forward docking port (y = +25 m), four pairs of solar-array wings
at the truss ends (|z| 33 to 57 m), radiators beside them, the arm's mobile base on
the truss top (x = 3 m). Sizes are the real ones, rounded; shapes are boxes and
cylinders. Pure numpy: no graphics import, so the geometry is testable anywhere.

Also here: the small meshes the close-up moves each frame (the astronaut's figure)
and the oriented tube/sphere builders used for the arm.
"""

from dataclasses import dataclass

import numpy as np

#: Truss length along z (m): the integrated truss is about 109 m end to end.
TRUSS_LENGTH_M = 109.0
#: Truss cross-section (m) and the x of its centre line: its top is at x = 1 m, where the
#: bundled spacewalks put the tether reel; the arm's base stands on it.
TRUSS_SECTION_M = 3.6
TRUSS_CENTRE_X_M = -0.8
TRUSS_TOP_X_M = TRUSS_CENTRE_X_M + TRUSS_SECTION_M / 2.0
#: The pressurised modules' axis lies below the truss, along y.
MODULE_AXIS_X_M = -3.5
#: Radius (m) of a bounding sphere about the origin that holds the whole station.
STATION_RADIUS_M = 70.0

# Colours (RGBA, 0..1): distinct, soft, readable on a dark background.
TRUSS_GREY = (0.70, 0.71, 0.70, 1.0)
TRUSS_DARK = (0.56, 0.57, 0.58, 1.0)
US_MODULE = (0.93, 0.92, 0.87, 1.0)
RUSSIAN_MODULE = (0.78, 0.83, 0.74, 1.0)
PARTNER_MODULE = (0.88, 0.90, 0.94, 1.0)
ARRAY_GOLD = (0.87, 0.60, 0.22, 1.0)
ARRAY_MAST = (0.80, 0.80, 0.78, 1.0)
RUSSIAN_ARRAY = (0.22, 0.33, 0.66, 1.0)
RADIATOR_WHITE = (0.86, 0.90, 0.97, 1.0)
CAPSULE_WHITE = (0.97, 0.97, 0.97, 1.0)
CAPSULE_TRUNK = (0.30, 0.30, 0.33, 1.0)
JOINT_GREY = (0.50, 0.52, 0.56, 1.0)


@dataclass
class Mesh:
    """Triangles: ``vertices`` (n, 3) float64 m, ``faces`` (m, 3) int, ``face_colors`` (m, 4) RGBA;
    the builders here wind every face counter-clockwise seen from outside (:func:`outward`)."""

    vertices: np.ndarray
    faces: np.ndarray
    face_colors: np.ndarray


def merge(meshes):
    """One :class:`Mesh` from many (face indices shifted)."""
    vertices, faces, colors, offset = [], [], [], 0
    for m in meshes:
        vertices.append(m.vertices)
        faces.append(m.faces + offset)
        colors.append(m.face_colors)
        offset += len(m.vertices)
    return Mesh(np.vstack(vertices), np.vstack(faces), np.vstack(colors))


def outward(vertices, faces):
    """``faces`` (F, 3) of a convex solid wound counter-clockwise seen from outside (OpenGL's front
    side), so that its back faces can be culled: each face turned whose normal points inward."""
    v = np.asarray(vertices, dtype=float)
    corners = v[faces]
    normal = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    inward = np.einsum("ij,ij->i", normal, corners.mean(axis=1) - v.mean(axis=0)) < 0.0
    return np.where(inward[:, None], faces[:, ::-1], faces)


def _painted(vertices, faces, color):
    vertices, faces = np.asarray(vertices, dtype=float), np.asarray(faces, dtype=np.int32)
    return Mesh(vertices, outward(vertices, faces), np.tile(np.asarray(color, float), (len(faces), 1)))


def box(lo, hi, color):
    """Axis-aligned box between corners ``lo`` and ``hi`` (m)."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    corners = np.array([[hi[i] if (k >> i) & 1 else lo[i] for i in range(3)] for k in range(8)])
    quads = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    faces = [tri for a, b, c, d in quads for tri in ((a, b, c), (a, c, d))]
    return _painted(corners, faces, color)


def _perpendicular_basis(axis):
    """Two unit vectors (k, 3) perpendicular to each unit ``axis`` (k, 3) and to each other."""
    helper = np.where(np.abs(axis[:, :1]) < 0.9, [[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]])
    u = np.cross(axis, helper)
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    return u, np.cross(axis, u)


def tube_vertices(starts, ends, radius, sides):
    """Ring vertices of k frusta from ``starts`` to ``ends`` (k, 3): (k * 2 * sides, 3) m.

    ``radius`` is a scalar or (k, 2) start/end radii. Topology is in :func:`tube_faces`.
    """
    starts, ends = np.atleast_2d(starts).astype(float), np.atleast_2d(ends).astype(float)
    axis = ends - starts
    length = np.linalg.norm(axis, axis=1, keepdims=True)
    axis = np.where(length > 1e-12, axis / np.maximum(length, 1e-12), [[0.0, 0.0, 1.0]])
    u, v = _perpendicular_basis(axis)
    theta = np.linspace(0.0, 2.0 * np.pi, sides, endpoint=False)
    ring = np.cos(theta)[None, :, None] * u[:, None, :] + np.sin(theta)[None, :, None] * v[:, None, :]
    radii = np.broadcast_to(np.asarray(radius, float).reshape(-1, 1) if np.ndim(radius) == 0 else radius, (len(starts), 2))
    a = starts[:, None, :] + radii[:, :1, None] * ring
    b = ends[:, None, :] + radii[:, 1:, None] * ring
    return np.concatenate([a, b], axis=1).reshape(-1, 3)


def tube_faces(count, sides):
    """Triangles of :func:`tube_vertices` for ``count`` frusta (side walls and end caps)."""
    i = np.arange(sides)
    j = (i + 1) % sides
    wall = np.concatenate([np.stack([i, j, sides + j], 1), np.stack([i, sides + j, sides + i], 1)])
    cap = np.stack([np.zeros(sides - 2, int), i[1:-1], i[2:]], 1)
    one = np.concatenate([wall, cap, cap + sides])
    return np.concatenate([one + k * 2 * sides for k in range(count)]).astype(np.int32)


def frustum(start, end, r_start, r_end, color, sides=24):
    """A closed cylinder or cone frustum from ``start`` to ``end`` (m)."""
    return _painted(tube_vertices(start, end, [[r_start, r_end]], sides), tube_faces(1, sides), color)


def cylinder(start, end, radius, color, sides=24):
    """A closed cylinder of ``radius`` (m) from ``start`` to ``end``."""
    return frustum(start, end, radius, radius, color, sides)


def sphere_template(rows=8, cols=12):
    """Unit UV sphere: ``(vertices (n, 3), faces (m, 3))``."""
    polar = np.linspace(0.0, np.pi, rows + 1)[1:-1]
    azim = np.linspace(0.0, 2.0 * np.pi, cols, endpoint=False)
    rings = np.stack(
        [np.sin(polar)[:, None] * np.cos(azim), np.sin(polar)[:, None] * np.sin(azim), np.cos(polar)[:, None] * np.ones(cols)], -1
    ).reshape(-1, 3)
    vertices = np.vstack([[0.0, 0.0, 1.0], rings, [0.0, 0.0, -1.0]])
    south = len(vertices) - 1
    faces = [(0, 1 + c, 1 + (c + 1) % cols) for c in range(cols)]
    for r in range(rows - 2):
        for c in range(cols):
            a, b = 1 + r * cols + c, 1 + r * cols + (c + 1) % cols
            faces += [(a, a + cols, b), (b, a + cols, b + cols)]
    last = 1 + (rows - 2) * cols
    faces += [(last + c, south, last + (c + 1) % cols) for c in range(cols)]
    return vertices, np.array(faces, dtype=np.int32)


def sphere(center, radius, color, rows=8, cols=12):
    """A sphere of ``radius`` (m) at ``center``."""
    v, f = sphere_template(rows, cols)
    return _painted(np.asarray(center, float) + radius * v, f, color)


def _module(y0, y1, radius, color, x=MODULE_AXIS_X_M, z=0.0):
    return cylinder((x, y0, z), (x, y1, z), radius, color)


def _truss():
    """The integrated truss: segments of alternating shade, alpha joints as rings."""
    half, s, xc = TRUSS_LENGTH_M / 2.0, TRUSS_SECTION_M / 2.0, TRUSS_CENTRE_X_M
    edges = [-half, -44.0, -32.0, -20.0, -8.0, 8.0, 20.0, 32.0, 44.0, half]
    parts = [
        box((xc - s, -s, z0), (xc + s, s, z1), TRUSS_GREY if k % 2 == 0 else TRUSS_DARK)
        for k, (z0, z1) in enumerate(zip(edges[:-1], edges[1:]))
    ]
    for z in (-32.0, 32.0):  # the solar alpha rotary joints
        parts.append(cylinder((xc, 0.0, z - 1.0), (xc, 0.0, z + 1.0), s * 1.25, JOINT_GREY))
    return parts


def _solar_wings():
    """Eight wings, a fore and an aft one on each of four masts at the truss ends."""
    parts = []
    for zc in (-51.0, -38.0, 38.0, 51.0):
        for sign in (-1.0, 1.0):
            y_root, y_tip = sign * 3.0, sign * 35.5
            lo_y, hi_y = min(y_root, y_tip), max(y_root, y_tip)
            for z0, z1 in ((zc - 5.6, zc - 0.35), (zc + 0.35, zc + 5.6)):  # two blankets either side of the mast
                parts.append(box((TRUSS_CENTRE_X_M - 0.08, lo_y, z0), (TRUSS_CENTRE_X_M + 0.08, hi_y, z1), ARRAY_GOLD))
            parts.append(cylinder((TRUSS_CENTRE_X_M, y_root, zc), (TRUSS_CENTRE_X_M, y_tip, zc), 0.3, ARRAY_MAST, sides=8))
        parts.append(box((TRUSS_CENTRE_X_M - 1.2, -3.0, zc - 1.2), (TRUSS_CENTRE_X_M + 1.2, 3.0, zc + 1.2), TRUSS_DARK))
    return parts


def _radiators():
    """Main radiators hanging below the inboard truss; small ones above between the wing pairs."""
    parts = []
    for sign in (-1.0, 1.0):
        for k in range(3):
            z0 = sign * (13.0 + 3.4 * k)
            lo, hi = sorted((z0, z0 + sign * 3.0))
            parts.append(box((-16.0, -0.1, lo), (TRUSS_CENTRE_X_M - 2.0, 0.1, hi), RADIATOR_WHITE))
        lo, hi = sorted((sign * 43.0, sign * 46.0))
        parts.append(box((TRUSS_CENTRE_X_M + 2.0, -0.1, lo), (TRUSS_CENTRE_X_M + 12.0, 0.1, hi), RADIATOR_WHITE))
    return parts


def _pressurised_modules():
    """Service module aft to the docked capsule forward, the labs either side of the forward node."""
    x = MODULE_AXIS_X_M
    parts = [
        _module(-35.0, -22.0, 2.1, RUSSIAN_MODULE),  # service module
        frustum((x, -22.0, 0.0), (x, -20.0, 0.0), 2.1, 1.4, RUSSIAN_MODULE),
        _module(-20.0, -8.0, 2.05, RUSSIAN_MODULE),  # functional cargo block
        _module(-8.0, -6.0, 1.3, US_MODULE),  # pressurised mating adapter
        _module(-6.0, -0.5, 2.2, US_MODULE),  # node 1
        _module(-0.5, 8.0, 2.2, US_MODULE),  # US lab, under the truss
        _module(8.0, 15.0, 2.2, US_MODULE),  # node 2
        _module(15.0, 17.0, 1.3, US_MODULE),  # docking adapter
        frustum((x, 17.0, 0.0), (x, 21.0, 0.0), 1.9, 1.9, CAPSULE_TRUNK),  # docked capsule: trunk
        frustum((x, 21.0, 0.0), (x, 25.0, 0.0), 1.9, 0.9, CAPSULE_WHITE),  # ... and capsule
        cylinder((x, 11.5, 2.0), (x, 11.5, 9.0), 2.2, PARTNER_MODULE),  # European lab, starboard
        cylinder((x, 11.5, -2.0), (x, 11.5, -13.0), 2.2, PARTNER_MODULE),  # Japanese lab, port
        cylinder((x + 0.5, -3.0, 2.0), (x + 0.5, -3.0, 7.5), 2.0, US_MODULE),  # airlock, starboard of node 1
        cylinder((x, -3.0, -2.0), (x, -3.0, -9.0), 2.2, US_MODULE),  # node 3, port
    ]
    for sign in (-1.0, 1.0):  # the service module's own small wings
        lo, hi = sorted((sign * 2.5, sign * 14.5))
        parts.append(box((x - 0.05, -31.5, lo), (x + 0.05, -27.5, hi), RUSSIAN_ARRAY))
    return parts


def station_mesh():
    """The whole station as one :class:`Mesh` (LVLH m from the centre of mass)."""
    return merge(_truss() + _solar_wings() + _radiators() + _pressurised_modules())


def astronaut_mesh(height_m=1.9):
    """A small spacesuited figure, feet to head along +x, centred on its chest (m)."""
    h = height_m / 1.9
    suit, visor, pack = (1.0, 1.0, 1.0, 1.0), (0.95, 0.72, 0.25, 1.0), (0.62, 0.64, 0.68, 1.0)
    parts = [
        box((-0.45 * h, -0.22 * h, -0.30 * h), (0.30 * h, 0.22 * h, 0.30 * h), suit),  # torso
        sphere((0.52 * h, 0.0, 0.0), 0.2 * h, suit),  # helmet
        sphere((0.53 * h, 0.1 * h, 0.0), 0.13 * h, visor),  # visor, looking along +y
        box((-0.45 * h, -0.42 * h, -0.28 * h), (0.28 * h, -0.22 * h, 0.28 * h), pack),  # SAFER/life-support pack
        box((-1.35 * h, -0.12 * h, -0.27 * h), (-0.45 * h, 0.12 * h, -0.05 * h), suit),  # legs
        box((-1.35 * h, -0.12 * h, 0.05 * h), (-0.45 * h, 0.12 * h, 0.27 * h), suit),
        box((-0.40 * h, -0.1 * h, -0.50 * h), (0.25 * h, 0.1 * h, -0.32 * h), suit),  # arms
        box((-0.40 * h, -0.1 * h, 0.32 * h), (0.25 * h, 0.1 * h, 0.50 * h), suit),
    ]
    return merge(parts)
