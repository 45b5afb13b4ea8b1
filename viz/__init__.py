"""The VisPy viewer: reads a run directory, never runs physics."""
