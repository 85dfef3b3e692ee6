"""Privacy by design (issue 15): the erasure of a person's identity (``/forget``, retention) and what it needs."""
