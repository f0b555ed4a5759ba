"""The rules that run after the retired endpoint calls are found, one module per kind of call site.

``ALL`` lists them in the order they run; ``codemods.engine.analyze`` calls each with the module
context.  Rule codes: FM1xx URLs (``codemods.urls``), FM2xx version headers, FM3xx response fields,
FM4xx request bodies, FM5xx comments and docstrings.
"""

ALL: list = []
