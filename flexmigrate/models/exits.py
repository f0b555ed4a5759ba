"""Exit codes and the usage error: one vocabulary for every command (ruff's).

0 nothing to report, 1 findings / differences / changes, 2 the tool could not do its job (bad
arguments or configuration, a file or server it could not read).  This module imports nothing of
the project, so every layer may use it.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A problem with what the user asked for (arguments, configuration): one line, exit code 2."""


class ConfigError(UsageError):
    """An unreadable or invalid configuration file or key: one line naming the file, exit code 2."""
