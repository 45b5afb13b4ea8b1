"""U.S. Standard Atmosphere 1976 density, fast and vectorised (pure numpy at run time).

Altitudes are *geometric*, in metres; densities are in kg/m^3.

- 0 to 86 km: the standard's closed-form hydrostatic layers (NOAA-S/T 76-1562,
  eqs. 18, 23, 33a-b, 42): geopotential altitude H = r0 z / (r0 + z), molecular
  temperature T = Tb + Lb (H - Hb) in seven layers, and in each layer, with
  a = g0 M0 / R*,
  ln(rho) = ln(rho_b) - (1 + a / Lb) ln(T / Tb)   if Lb != 0,
  ln(rho) = ln(rho_b) - a (H - Hb) / Tb           if Lb == 0.
- 86 to 1000 km: cubic Hermite interpolation of ln(rho) between knots every 1 km,
  with the value and slope at each knot from ``data/us76_density_86_1000km.npz``,
  written by ``data/make_us76_table.py`` from the COESA76 model of poliastro/boinor
  (U.S. Standard Atmosphere 1976). That reference is a chain of polynomial fits that
  steps by up to 0.07 % where they join; the table takes the mean there, so this
  model is continuous, and agrees with the reference to 0.06 % (worst within 1 km of
  a joint, about 1e-9 elsewhere above 86 km).
- Below 0 m the altitude is clamped to 0 (sea-level density and scale height).
  Above 1000 km the density falls exponentially with the scale height at 1000 km.
  NaN gives NaN.

A Python float or 0-d argument takes a pure-Python path (under a microsecond, for
ODE right-hand sides) and returns a float; arrays of any shape take the numpy path.
"""

import functools
import math
from pathlib import Path

import numpy as np

from orbital.earth.constants import G0_M_S2

#: Radius used by the standard for geopotential altitude, m.
R0_US76_M = 6356766.0
#: R* / M0 = 8314.32 J/(kmol K) / 28.9644 kg/kmol, J/(kg K).
R_AIR_US76_J_KG_K = 8314.32 / 28.9644
#: Sea-level temperature (K) and pressure (Pa).
T0_US76_K = 288.15
P0_US76_PA = 101325.0
# --- 0 to 86 km: in layer i, with dH = H - Hb (m),
# ln(rho) = _LN_RHO_B[i] - _EXPONENT[i] * log1p(_REL_LAPSE[i] * dH) - _ISO_RATE[i] * dH
_A_K_M = G0_M_S2 / R_AIR_US76_J_KG_K  # g0 M0 / R*, K/m
_H_B_M = np.array([0.0, 11.0, 20.0, 32.0, 47.0, 51.0, 71.0]) * 1e3
_LAPSE_K_M = np.array([-6.5, 0.0, 1.0, 2.8, 0.0, -2.8, -2.0]) * 1e-3
_LAYER_DH_M = np.diff(_H_B_M)  # thickness of the layers below the top one
_T_B_K = T0_US76_K + np.concatenate([[0.0], np.cumsum(_LAPSE_K_M[:-1] * _LAYER_DH_M)])
_REL_LAPSE = _LAPSE_K_M / _T_B_K  # 1/m
# isothermal layers have _REL_LAPSE == 0, so their (finite) exponent never counts
_EXPONENT = 1.0 + _A_K_M / np.where(_LAPSE_K_M == 0.0, np.inf, _LAPSE_K_M)
_ISO_RATE = np.where(_LAPSE_K_M == 0.0, _A_K_M / _T_B_K, 0.0)  # 1/m
_DROP = _EXPONENT[:-1] * np.log1p(_REL_LAPSE[:-1] * _LAYER_DH_M) + _ISO_RATE[:-1] * _LAYER_DH_M
_LN_RHO_0 = math.log(P0_US76_PA / (R_AIR_US76_J_KG_K * T0_US76_K))
_LN_RHO_B = _LN_RHO_0 - np.concatenate([[0.0], np.cumsum(_DROP)])
_LAYERS = tuple(zip(*(a.tolist() for a in (_LN_RHO_B, _EXPONENT, _REL_LAPSE, _ISO_RATE))))
_H_B = tuple(_H_B_M.tolist())

# --- 86 to 1000 km: in cell j, with t = (z - z_j) / _DZ_M in [0, 1],
# ln(rho) = c0 + t (c1 + t (c2 + t c3)), the cubic Hermite through knots j and j + 1
with np.load(Path(__file__).parents[1] / "data" / "us76_density_86_1000km.npz") as _table:
    _KNOT_M = _table["altitude_m"]
    _KNOT_LN = _table["ln_density"]
    _KNOT_SLOPE = _table["dln_density_dz"]  # 1/m
#: Where the table begins (and the closed-form layers end), and where it ends:
#: geometric altitude, m.
Z_TABLE_M, Z_TOP_M = float(_KNOT_M[0]), float(_KNOT_M[-1])
_DZ_M = float(_KNOT_M[1] - _KNOT_M[0])
_N_CELLS = _KNOT_M.size - 1
_F0, _F1 = _KNOT_LN[:-1], _KNOT_LN[1:]
_S0, _S1 = _KNOT_SLOPE[:-1] * _DZ_M, _KNOT_SLOPE[1:] * _DZ_M
_C0, _C1, _C2, _C3 = _F0, _S0, 3.0 * (_F1 - _F0) - 2.0 * _S0 - _S1, 2.0 * (_F0 - _F1) + _S0 + _S1
_LN_TOP, _SLOPE_TOP = float(_KNOT_LN[-1]), float(_KNOT_SLOPE[-1])

#: Elements per block on the array path: its temporaries then stay in cache.
_BLOCK = 2**14


def density_one_kg_m3(z):
    """Density (kg/m^3) at one geometric altitude z (m): pure Python (a float in, under a
    microsecond) and compiled as :data:`orbital.dynamics.kernels.density` alike."""
    if z < Z_TABLE_M:
        h = R0_US76_M * z / (R0_US76_M + z) if z > 0.0 else 0.0
        i = 0  # the layer: the last base at or below h
        for k in range(1, len(_H_B)):
            if _H_B[k] <= h:
                i = k
        ln_rho_b, exponent, rel_lapse, iso_rate = _LAYERS[i]
        dh = h - _H_B[i]
        return math.exp(ln_rho_b - exponent * math.log1p(rel_lapse * dh) - iso_rate * dh)
    if z <= Z_TOP_M:
        u = (z - Z_TABLE_M) / _DZ_M
        j = min(int(u), _N_CELLS - 1)
        t = u - j
        return math.exp(_C0[j] + t * (_C1[j] + t * (_C2[j] + t * _C3[j])))
    if z > Z_TOP_M:
        return math.exp(_LN_TOP + _SLOPE_TOP * (z - Z_TOP_M))
    return math.nan


def _layer(z):
    """Layer index and geopotential height above its base (m), for 0 <= z < 86 km."""
    h = R0_US76_M * z / (R0_US76_M + z)
    i = np.searchsorted(_H_B_M, h, side="right") - 1
    return i, h - _H_B_M.take(i)


def _cell(z):
    """Table cell index and position t in [0, 1] within it, for 86 <= z <= 1000 km."""
    u = (z - Z_TABLE_M) / _DZ_M
    j = np.minimum(u.astype(np.intp), _N_CELLS - 1)
    return j, u - j


def _ln_lower(z):
    i, dh = _layer(z)
    log_t_ratio = np.log1p(_REL_LAPSE.take(i) * dh)  # ln(T / Tb)
    return _LN_RHO_B.take(i) - _EXPONENT.take(i) * log_t_ratio - _ISO_RATE.take(i) * dh


def _dln_lower(z):
    i, dh = _layer(z)
    rel_lapse = _REL_LAPSE.take(i)
    dln_dh = -_EXPONENT.take(i) * rel_lapse / (1.0 + rel_lapse * dh) - _ISO_RATE.take(i)
    return dln_dh * (R0_US76_M / (R0_US76_M + z)) ** 2  # times dH/dz


def _ln_table(z):
    j, t = _cell(z)
    return _C0.take(j) + t * (_C1.take(j) + t * (_C2.take(j) + t * _C3.take(j)))


def _dln_table(z):
    j, t = _cell(z)
    return (_C1.take(j) + t * (2.0 * _C2.take(j) + 3.0 * t * _C3.take(j))) / _DZ_M


def _by_region(z, lower_func, table_func):
    """lower_func below 86 km, table_func above, on z clamped to [0, 1000 km] (NaN to 0)."""
    zc = np.fmin(np.fmax(z, 0.0), Z_TOP_M)
    lower = zc < Z_TABLE_M
    out = np.empty_like(zc)
    upper = ~lower
    out[lower] = lower_func(zc[lower])
    out[upper] = table_func(zc[upper])
    return out


def _density_block(z):
    tail = (np.maximum(z, Z_TOP_M) - Z_TOP_M) * _SLOPE_TOP  # 0 up to 1000 km; NaN stays NaN
    return np.exp(_by_region(z, _ln_lower, _ln_table) + tail)


def _scale_height_block(z):
    height = -1.0 / _by_region(z, _dln_lower, _dln_table)
    height[np.isnan(z)] = np.nan
    return height


def _blockwise(block_func, z):
    """Apply block_func to float64 array z block by block; same shape out."""
    flat = z.ravel()
    out = np.empty_like(flat)
    for start in range(0, flat.size, _BLOCK):
        out[start : start + _BLOCK] = block_func(flat[start : start + _BLOCK])
    return out.reshape(z.shape)


def density_kg_m3(altitude_m):
    """US76 density (kg/m^3) at geometric altitude(s) (m); a float, or an array of the same shape."""
    if isinstance(altitude_m, (float, int)):
        return density_one_kg_m3(float(altitude_m))
    z = np.asarray(altitude_m, dtype=np.float64)
    if z.ndim == 0:
        return density_one_kg_m3(float(z))
    return _blockwise(_density_block, z)


def scale_height_m(altitude_m):
    """Density scale height -rho / (d rho / dz) (m) at geometric altitude(s) (m), same shape.

    It steps where the standard's lapse rate changes: at geopotential 11, 20, 32, 47, 51
    and 71 km, and at 86 km.
    """
    z = np.asarray(altitude_m, dtype=np.float64)
    height = _blockwise(_scale_height_block, z)
    return float(height) if height.ndim == 0 else height


def pressure_pa(altitude_m):
    """US76 pressure (Pa) at geometric altitude(s) (m) from 0 to 86 km: rho (R* / M0) T, with the
    molecular temperature T of the standard's layers (NOAA-S/T 76-1562, eqs. 23, 33a); an array."""
    z = np.maximum(np.asarray(altitude_m, dtype=np.float64), 0.0)
    h = R0_US76_M * z / (R0_US76_M + z)
    layer = np.searchsorted(_H_B_M, h, side="right") - 1
    temperature_k = _T_B_K[layer] + _LAPSE_K_M[layer] * (h - _H_B_M[layer])
    return density_kg_m3(z) * R_AIR_US76_J_KG_K * temperature_k


#: Altitudes (m) of the barometric table: every 10 m up to the top of the closed-form layers.
_BARO_GRID_M = np.arange(0.0, 86.0e3 + 1.0, 10.0)


@functools.cache
def _baro_ln_p():
    """ln of the US76 pressure (Pa) on _BARO_GRID_M (computed on first use)."""
    return np.log(pressure_pa(_BARO_GRID_M))


def barometric_trip_altitude_m(set_altitude_m, density_scale):
    """Geometric altitude (m) where a barometric switch set to ``set_altitude_m`` of the standard
    atmosphere trips in air of ``density_scale`` (scalar or array) times US76. Hydrostatic, that
    air's pressure is density_scale times US76's at every height, so the switch trips where
    p76(z) = p76(set) / density_scale: higher in denser air; at 0 m if that pressure is never
    reached (thin air), at 86 km at most. Exactly ``set_altitude_m`` (on the 10 m grid) for 1."""
    ln_p = _baro_ln_p()
    target = np.interp(set_altitude_m, _BARO_GRID_M, ln_p) - np.log(density_scale)
    return np.interp(-target, -ln_p, _BARO_GRID_M)
