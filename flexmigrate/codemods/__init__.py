"""libcst codemods that move code off the retired Atlas tenant backup endpoints.

``flexmigrate.codemods.engine.analyze`` is the one entry point the scanner uses: it parses a module once, finds
every call of a retired endpoint (``flexmigrate.codemods.urls``) and runs each rule module over those calls.
Each rule yields :class:`flexmigrate.models.findings.Finding` objects whose edits are offsets into the
source text; nothing here writes files.
"""
