"""Which return statuses the shop may move a return between (FLUTTER_CONTRACT.md sections 3.15 and 12.3).

The original let the seller flip a return between any of Pending, Approved,
Damaged and Mismatch and left the refund to someone else. Here the shop
decides once, and approving is what refunds:

========================  ==========================================
from                      to
========================  ==========================================
Pending                   Approved, Rejected, Damaged, Mismatch
Rejected                  Approved
Damaged                   Approved
Mismatch                  Approved
Approved                  (final: the money went back)
========================  ==========================================

Rejected (the request is refused), Damaged (the goods came back damaged) and
Mismatch (what came back is not what was sold) are refusals: nothing moves.
A refusal may still be turned into an approval (the shop reconsiders, say
after the customer sends photos) because no money has moved yet; an approval
is never undone, because the refund has gone out. Nothing goes back to
Pending.
"""

from plugins.orders.returns.models import APPROVED, DAMAGED, MISMATCH, PENDING, REJECTED

REFUSALS = (REJECTED, DAMAGED, MISMATCH)

_ALLOWED = {
    PENDING: {APPROVED, *REFUSALS},
    **{refusal: {APPROVED} for refusal in REFUSALS},
}


class TransitionRefused(Exception):
    """The shop may not move the return from its status to the one asked for."""

    def __init__(self, current: str, wanted: str):
        super().__init__(f"A return that is {current} cannot become {wanted}.")
        self.current, self.wanted = current, wanted


def check(current: str, wanted: str) -> None:
    """Raise ``TransitionRefused`` unless a return in ``current`` may become ``wanted``."""
    if wanted not in _ALLOWED.get(current, ()):
        raise TransitionRefused(current, wanted)
