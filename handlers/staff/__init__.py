"""Use cases of the staff (SOP steps b–g): roles, tickets and verdicts, intake, LK, actions, monitoring."""
