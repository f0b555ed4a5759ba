"""pytest fixtures that start the Atlas sandbox on a free loopback port (owned by the sandbox work)."""
