"""The one user-facing error: bad input, reported as one line naming file, key and what is allowed.

The command line prints it on stderr and exits with status 2, never with a traceback.
"""


class ConfigError(Exception):
    """A one-line, user-facing configuration error (exit status 2, no traceback)."""
