"""flexmigrate: move code off retired MongoDB Atlas endpoints, and prove the replacement returns the same data."""

__version__ = "0.1.0"
