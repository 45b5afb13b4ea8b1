"""issim's physics: orbits, relative motion, arm, reentry. Imports no graphics.

Plain float64 numpy arrays in SI units inside (m, s, kg, rad); astropy units and
times only at the edges (YAML parsing, poliastro calls, output).
"""

__version__ = "0.1.0"
