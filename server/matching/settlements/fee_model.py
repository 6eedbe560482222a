"""The fee an acquirer (or a collecting bank) keeps from a settlement: rate_min..rate_max of the sales plus a
fixed amount per sale, as integer minor units.

Why a range of rates rather than one: an acquirer's blended rate moves with the card mix of the day (debit,
credit, foreign cards), so the rule states the band it charges in; a payout whose fee falls outside the band
is not this settlement (or not only it) and is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ..frames import to_minor


@dataclass(frozen=True)
class FeeModel:
    rate_min: Decimal
    rate_max: Decimal
    per_item: int  # minor units

    @classmethod
    def of(cls, rule, decimals: int) -> "FeeModel":
        return cls(rule.fee_rate_min, rule.fee_rate_max, to_minor(rule.fee_per_item, decimals, "floor"))

    @property
    def is_zero(self) -> bool:
        return not self.rate_max and not self.per_item

    @property
    def is_nil(self) -> bool:
        """No fee at all: bounds() is (0, 0) for every day."""
        return not self.rate_min and self.is_zero

    def bounds(self, gross: int, items: int) -> tuple[int, int]:
        """Lowest and highest fee on `gross` (minor units, sales only) of `items` sales; each rate's fee may be
        rounded either way by the acquirer, so the band is widened to whole minor units outward."""
        fixed = self.per_item * items
        lo = int((self.rate_min * gross).to_integral_value(ROUND_FLOOR))
        hi = int((self.rate_max * gross).to_integral_value(ROUND_CEILING))
        return lo + fixed, hi + fixed

    def explain(self, fee: int, gross: int, items: int, money) -> str:
        """The fee's computation for the reason: effective rate and the model it fits."""
        fixed = self.per_item * items
        rate = Decimal(fee - fixed) / Decimal(gross) * 100 if gross else Decimal(0)
        text = f"fee {money(fee)} = {rate:.3f}% of sales {money(gross)}"
        if self.per_item:
            text += f" + {items} x {money(self.per_item)}"
        return text + f" (model {self.rate_min * 100:.2f}%..{self.rate_max * 100:.2f}%" + \
            (f" + {money(self.per_item)} per sale)" if self.per_item else ")")
