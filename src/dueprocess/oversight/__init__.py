"""Oversight: the dashboard, the interference register's alerts and sanction consistency.

Oversight sees how the process behaves — backlog, deadlines, departures from recommendations,
out-of-channel contacts — without reading case files. Every figure is counted in the database
from the same records the cases are made of, and every look at it is on the ledger.
"""
