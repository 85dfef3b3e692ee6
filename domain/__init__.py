"""The procedure's vocabulary, shared by every layer: statuses, roles, kinds, channels and event codes.

This package imports nothing (not even the rest of Tanggap), so ``dialogs/``, ``storage/`` and ``handlers/`` can
all name the same things the same way without depending on each other.
"""
