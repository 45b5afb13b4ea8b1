"""Write ``us76_density_86_1000km.npz``, the table behind ``orbital.dynamics.atmosphere``.

Run from the repository root with the project installed:
``python orbital/data/make_us76_table.py``. It needs poliastro or boinor (through
``orbital.propagation.astro``) and takes a few seconds.

Source of the numbers: U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562), computed
with the COESA76 implementation of poliastro/boinor. Above 86 km that model is a
set of 4th-order polynomial fits of ln(rho) against altitude, joined at 91, 100,
110, 120, 150, 200, 300, 500 and 750 km, where it steps by up to 0.07 %.

The table holds, every 1 km from 86 to 1000 km (every joint is a knot):
``altitude_m`` (m), ``ln_density`` (ln of kg/m^3) and ``dln_density_dz``
(d ln(rho)/dz, 1/m). At a joint both are the mean of the two one-sided limits, so
the interpolant is continuous; at 1000 km they are the limits from below. At 86 km
the value is the limit from below, the closed-form hydrostatic one, so the table
joins the layers beneath; the slope there is the standard's own just above 86 km
(isothermal, -g M / (R* T) = -(g0 M0 / R*) (r0 / (r0 + z))^2 / T_M), because the
reference's fit strays from it in its first few hundred metres.
"""

from pathlib import Path

import numpy as np

from orbital.propagation.astro import coesa76_density

OUT = Path(__file__).with_name("us76_density_86_1000km.npz")
KNOTS_M = np.arange(86, 1001) * 1e3
NUDGE_M = 1e-6  # off the knot, onto one side of a joint
STEP_M = 10.0  # finite-difference step for the slope
# NOAA-S/T 76-1562: g0 M0 / R* (K/m), r0 (m), molecular-scale temperature at 86 km (K)
G0_M0_OVER_R_K_M = 9.80665 * 28.9644 / 8314.32
R0_M = 6356766.0
T_M_86KM_K = 186.946


def one_sided(z_m, side):
    """ln(rho) and its slope (1/m) at z_m, as the limit from ``side`` (-1 or +1)."""
    z0 = z_m + side * NUDGE_M
    f0, f1, f2 = np.log(coesa76_density(z0 + side * STEP_M * np.arange(3.0)))
    return f0, side * (-3.0 * f0 + 4.0 * f1 - f2) / (2.0 * STEP_M)


def knot(z_m):
    """Mean of the one-sided limits of ln(rho) and slope (only from below at the ends)."""
    sides = (-1,) if z_m in (KNOTS_M[0], KNOTS_M[-1]) else (-1, 1)
    return np.mean([one_sided(z_m, side) for side in sides], axis=0)


def main():
    ln_rho, slope = np.transpose([knot(z) for z in KNOTS_M])
    z = KNOTS_M[0]
    slope[0] = -G0_M0_OVER_R_K_M / T_M_86KM_K * (R0_M / (R0_M + z)) ** 2
    np.savez(
        OUT,
        altitude_m=KNOTS_M,
        ln_density=ln_rho,
        dln_density_dz=slope,
        source=np.array(
            "U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562), COESA76 of poliastro/boinor; "
            "written by orbital/data/make_us76_table.py"
        ),
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {KNOTS_M.size} knots)")


if __name__ == "__main__":
    main()
