"""The dynamics room: the forces on a body near the Earth (gravity with J2, the U.S. Standard
Atmosphere 1976 and an NRLMSIS height profile, drag in co-rotating air), each written once as a
unit-free component function, compiled with numba in :mod:`orbital.dynamics.kernels` (cached by
:mod:`orbital.dynamics.compiled`), and the compiled equations of motion of a Soyuz descent. It
imports the Earth room and the contracts only."""
