"""Analysis of per-sample data (ensembles, footprints, Latin-hypercube sweeps): plain numpy and
scipy over name -> array mappings; it imports nothing of issim but the contracts."""
