"""Data files of kansrijk (knowledge); installed with the package, read by its loaders."""
