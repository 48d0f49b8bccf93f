"""civharm: tooling for the civharm data package (civilian-harm incidents and their sources)."""
