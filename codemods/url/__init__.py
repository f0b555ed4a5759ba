"""The parts of the URL engine behind ``codemods.urls``.

``templates`` turns the catalog's old/new path pairs into segment-level rewrites, ``skeleton`` reduces
any URL-building expression to literal text with holes, ``constants`` knows the module-level string
constants, and ``match`` lines a skeleton up with the templates and says what would change.
"""
