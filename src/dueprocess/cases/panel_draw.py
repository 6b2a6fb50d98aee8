"""The auditable panel draw: a deterministic random choice anyone can run again.

Nothing here reads the database. The service (``cases.services.panels``) gathers the inputs
and keeps them with the panel and in its ``panel.drawn`` ledger entry; ``redraw`` runs the
same steps on the kept inputs. The method, step by step (docs/panels.md shows it by hand):

1. The seed is ``SHA-256`` of the text ``"dueprocess-panel-draw/1\\n" + size + "\\n" + root +
   "\\n" + reference + "\\n" + stage + "\\n"``, in hex: ``size`` and ``root`` are those of the
   latest signed ledger checkpoint when the draw was made (the root in base64, exactly as the
   checkpoint's note prints it; ``0`` and the empty tree's root if none was signed yet),
   ``reference`` the case reference and ``stage`` the key of the stage drawn for. No one can
   choose the seed: the root is fixed by every entry before the draw, and signed.
2. Each eligible member is known by a stable key (their keyed pseudonym in the ledger, the
   same string every ledger entry names them by); each seat's pool is those keys, sorted.
3. Seats are filled in the rulebook's order, the chair's first. For each seat, every key in
   its pool not already drawn for an earlier seat gets the score ``SHA-256(seed + "\\n" +
   seat + "\\n" + key + "\\n")`` in hex; the lowest scores (ties, never seen in practice, by
   key) take the seat's places.

Sorting by an unpredictable score is a uniform random choice of the pool's members, and each
step is one line in any language, or a ``sha256sum`` at a shell prompt.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dueprocess.tlog.merkle import EMPTY_ROOT

METHOD = "dueprocess-panel-draw/1"
EMPTY_ROOT_B64 = base64.b64encode(EMPTY_ROOT).decode()


def seed_of(*, checkpoint_size: int, checkpoint_root: str, reference: str, stage: str) -> str:
    """The draw's seed (hex) from the checkpoint it is fixed by, the case and the stage."""
    text = f"{METHOD}\n{checkpoint_size}\n{checkpoint_root}\n{reference}\n{stage}\n"
    return hashlib.sha256(text.encode()).hexdigest()


def score(seed: str, seat: str, key: str) -> str:
    """A member's place in the draw for a seat: the lowest scores are drawn."""
    return hashlib.sha256(f"{seed}\n{seat}\n{key}\n".encode()).hexdigest()


@dataclass(frozen=True)
class SeatSpec:
    key: str
    count: int


def draw(
    seed: str, seats: Sequence[SeatSpec], pool: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Seat key -> the keys drawn for it, seats in order; a seat whose pool is too small gets
    as many as there are (the caller refuses a short panel, saying which seat)."""
    drawn: dict[str, list[str]] = {}
    taken: set[str] = set()
    for seat in seats:
        candidates = sorted(set(pool.get(seat.key, ())) - taken)
        ranked = sorted(candidates, key=lambda k: (score(seed, seat.key, k), k))
        drawn[seat.key] = ranked[: seat.count]
        taken.update(drawn[seat.key])
    return drawn
