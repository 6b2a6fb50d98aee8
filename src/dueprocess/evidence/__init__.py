"""Evidence files: received, hashed, typed and stored encrypted by the server.

``EvidenceItem`` (cases) is the listed piece of evidence; ``EvidenceFile`` here is its content:
the detected media type and where the sealed bytes are kept. The bytes live behind ``storage``
(a directory in the data dir by default), sealed with AES-256-GCM under the case's data key —
the same per-subject key the ledger seals the case's payloads with, so erasing the case's key
makes its files unreadable too.
"""
