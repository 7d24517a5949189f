"""Local-only parts of snaplist: the CLI, the embedded AWS and the offline model."""
