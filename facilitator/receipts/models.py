"""Attendance receipts keep no tables, on purpose: a receipt is made from the seat that attended
and handed over, and nothing about it is stored (no row, no audit entry, no counter), so nothing
on the server links a receipt to a participant. What they read is the group's `attendance_receipts`
setting and the participant's `admitted_at`, `left_at` and the session's end (docs/receipts.md)."""
