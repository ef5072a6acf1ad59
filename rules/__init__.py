"""Data files of kansrijk (rules); installed with the package, read by its loaders."""
