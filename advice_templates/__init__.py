"""Data files of kansrijk (advice_templates); installed with the package, read by its loaders."""
