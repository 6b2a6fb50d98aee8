"""A transparency-log library with no Django in it: the RFC 6962 Merkle tree (``merkle``:
``leaf_hash``, ``node_hash``, inclusion and consistency proofs), C2SP signed notes and
checkpoints (``note``), tlog-proof (``tlogproof``), tlog-policy (``policy``), an in-memory proof
tree (``prooftree``) and a tlog-witness server and client (``witness``).

It imports nothing from Django or from the rest of dueprocess (``tests/test_layering.py``
checks both), so it could be published on its own; ``dueprocess.ledger`` is the app that stores
a log in the database and uses it.
"""
