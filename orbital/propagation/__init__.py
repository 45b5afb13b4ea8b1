"""The propagation room: the station's integrator (issim's DOP853, or poliastro's Cowell through
:mod:`orbital.propagation.astro`, the only module that imports poliastro/boinor), the mean-element
decay, the batch integrator of Soyuz descents, the target-and-chaser relative integrator
(:mod:`orbital.propagation.relative`, the crew member's flight near the station) and the
Clohessy-Wiltshire solution. It imports the dynamics and Earth rooms and the contracts only."""
