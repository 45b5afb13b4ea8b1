"""Flat lighting of the close-up's meshes, computed per face on the CPU.

A lit fragment shader (vispy's ShadingFilter) costs Mesa's software rasteriser
several milliseconds a frame for the station alone; the same Blinn-Phong sum
evaluated once per face and handed over as face colours costs a fraction of one,
and only when the light or the view turns. Faces are lit from both sides (the
models are not closed solids), with the light and the eye both far away
(directional), as a flat-shaded scene looks.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Light:
    """Strengths of the ambient, diffuse and specular terms (0..1) and the specular exponent."""

    ambient: float = 0.45
    diffuse: float = 0.7
    specular: float = 0.15
    shininess: float = 40.0


def face_normals(vertices, faces):
    """Unit normals (F, 3) of triangles ``faces`` (F, 3) over ``vertices`` (V, 3); zero for degenerate ones."""
    v = np.asarray(vertices, dtype=float)[np.asarray(faces)]
    normal = np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0])
    length = np.linalg.norm(normal, axis=1, keepdims=True)
    return np.divide(normal, length, out=np.zeros_like(normal), where=length > 0.0)


def lit_colors(base_rgba, normals, light_dir, view_dir, light=Light()):
    """Face colours (F, 4) float32: ``base * (ambient + diffuse cos) + specular``, alpha kept.

    ``light_dir`` is the way the light travels and ``view_dir`` the way the eye looks (any
    length, the meshes' frame); each face is lit on the side that faces the eye.
    """
    base = np.asarray(base_rgba, dtype=float)
    to_light = -np.asarray(light_dir, dtype=float) / np.linalg.norm(light_dir)
    to_eye = -np.asarray(view_dir, dtype=float) / np.linalg.norm(view_dir)
    n = np.asarray(normals, dtype=float)
    n = n * np.where(n @ to_eye < 0.0, -1.0, 1.0)[:, None]
    diffuse = np.maximum(n @ to_light, 0.0)
    halfway = to_light + to_eye
    halfway /= max(np.linalg.norm(halfway), 1e-12)
    specular = np.where(diffuse > 0.0, np.clip(n @ halfway, 0.0, 1.0) ** light.shininess, 0.0)
    rgb = base[:, :3] * (light.ambient + light.diffuse * diffuse)[:, None] + (light.specular * specular)[:, None]
    return np.column_stack([np.clip(rgb, 0.0, 1.0), base[:, 3]]).astype(np.float32)
