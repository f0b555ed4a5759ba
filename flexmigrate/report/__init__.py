"""Report models (findings of the scanner, results of the checker) and one renderer per format."""
