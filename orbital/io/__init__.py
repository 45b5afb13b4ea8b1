"""The io room: scenario files (YAML, --set overrides, validation through the kind registry).
It imports the kinds (through the registry), the rooms below and the contracts."""
