"""An acquirer's own fee band, as its unambiguous payouts show it.

Why: the rule's band (rate_min..rate_max) is what any acquirer may charge; one acquirer's effective rate moves
in a much narrower band. When two runs of days both fit a payout within the rule's band, the one whose
effective rate lies where this acquirer's other payouts lie is the payout's; the other is not. Learned only
from payouts already settled uniquely, at least MIN_SEEN of them for the key, widened by MARGIN.
"""
from __future__ import annotations

from decimal import Decimal

MIN_SEEN = 8
MARGIN = Decimal("0.0005")  # 0.05 percentage points either side of what was seen


def effective_rate(fit, model) -> Decimal | None:
    if fit.gross <= 0 or fit.left_out:
        return None
    return Decimal(abs(fit.fee) - model.per_item * fit.items) / Decimal(abs(fit.gross))


def bands(accepted: dict, key_of, model) -> dict[int, tuple[Decimal, Decimal]]:
    """key -> (lowest, highest) effective rate seen on its uniquely settled payouts, widened by MARGIN."""
    seen: dict[int, list[Decimal]] = {}
    for fit in accepted.values():
        rate = effective_rate(fit, model)
        if rate is not None:
            seen.setdefault(key_of(fit), []).append(rate)
    return {k: (min(v) - MARGIN, max(v) + MARGIN) for k, v in seen.items() if len(v) >= MIN_SEEN}


def narrowed(contested: dict, band_of: dict, key_of, model) -> dict:
    """The contested payouts' fits within their key's learned band (a key without one keeps every fit)."""
    out = {}
    for b, fits in contested.items():
        keep = []
        for f in fits:
            band, rate = band_of.get(key_of(f)), effective_rate(f, model)
            if band is None or rate is None or band[0] <= rate <= band[1]:
                keep.append(f)
        out[b] = keep
    return out
