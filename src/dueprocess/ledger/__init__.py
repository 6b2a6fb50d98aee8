"""The tamper-evident ledger: RFC 6962 Merkle trees, signed notes, checkpoints and witnesses."""
