"""Experiments: running scenarios and sweeps in worker processes, and their tidy results."""
