"""The user-facing errors: one line each, never a traceback.

Bad input (ConfigError) names the file, key and what is allowed; the command line prints it on
stderr and exits with status 2. Tasks that failed in a run or sweep (TasksFailed) are named with
the first error; the finished tasks are kept for a re-run, and the exit status is 1. A file that
could not be written (WriteFailed: the disk is full, the file system is read-only, ...) is named
with the reason in words (sim/storage.py); the exit status is 1.
"""


class ConfigError(Exception):
    """A one-line, user-facing configuration error (exit status 2, no traceback)."""


class TasksFailed(Exception):
    """Some tasks of a run raised; the finished ones are kept for the next attempt (status 1)."""


class WriteFailed(Exception):
    """A file or folder could not be written: which, and why in words (exit status 1)."""
