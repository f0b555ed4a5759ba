"""One renderer per output format, over the models (``flexmigrate.models``) only."""
