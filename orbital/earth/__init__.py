"""The Earth room: constants, time and Earth orientation, frames, geodesy, orbital elements, TLEs
and the land mask. It imports nothing from the rooms above it (dynamics, propagation, models,
kinds, io, the CLI); every room may import it."""
