"""Checks across the fields of the settlement, structured-reference and FX rule shapes (issue 18).

Kept apart from rules.py so that the schema's own checks stay short; rules.py calls `shape_checks` for every
rule and gets (field, problem) pairs back, as from its own checks.
"""
from __future__ import annotations

MAX_SETTLE_DAYS = 7
MAX_REJECTS = 3
MAX_FX_TOLERANCE = "0.05"
MAX_DISCOUNT_RATE = "0.1"  # 10%: beyond it a difference is a dispute or a partial payment, not a cash discount  # 5%: beyond it a difference is not a rate difference but another amount


def shape_checks(r) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    new_shape = r.shape in ("settlement", "structured_reference", "fx_difference", "invoice_list")
    if new_shape and r.action != "match":
        out.append(("action", f"shape {r.shape} needs action match (an unclear case is a suggestion anyway)"))
    if r.shape == "settlement":
        if r.amount != "exact":
            out.append(("amount", "shape settlement needs amount exact (its fee model says what may differ)"))
        if not 1 <= r.settle_days <= MAX_SETTLE_DAYS:
            out.append(("settle_days", f"must be between 1 and {MAX_SETTLE_DAYS}"))
        if not 0 <= r.max_rejects <= MAX_REJECTS:
            out.append(("max_rejects", f"must be between 0 and {MAX_REJECTS}"))
        if r.fee_rate_min > r.fee_rate_max:
            out.append(("fee_rate_max", "fee_rate_max is below fee_rate_min"))
        if (r.fee_rate_max > 0 or r.fee_per_item > 0) and not r.fee_gl_account:
            out.append(("fee_gl_account", "a settlement with a fee model needs the GL account of the fee"))
        if not r.ledger_sources and r.settle_min_items < 2:
            out.append(("ledger_sources", "a settlement names the ledger sources (journals) it settles, or "
                                          "settles at least two lines (settle_min_items)"))
    elif r.settle_days != 1 or r.max_rejects or r.fee_rate_max or r.fee_per_item or r.settle_min_items != 1:
        out.append(("shape", "settle_days, max_rejects, fee_rate_min/max and fee_per_item need shape settlement"))
    if r.shape == "structured_reference" and r.amount not in ("exact", "fee_deducted"):
        out.append(("amount", "shape structured_reference needs amount exact or fee_deducted"))
    if r.shape == "fx_difference":
        if not 0 < r.fx_tolerance <= type(r.fx_tolerance)(MAX_FX_TOLERANCE):
            out.append(("fx_tolerance", f"shape fx_difference needs an fx_tolerance above 0, at most {MAX_FX_TOLERANCE}"))
        if not r.gl_account:
            out.append(("gl_account", "shape fx_difference needs the GL account of the FX gain or loss"))
    elif r.fx_tolerance:
        out.append(("fx_tolerance", "fx_tolerance needs shape fx_difference"))
    if r.shape == "invoice_list":
        if r.amount != "exact":
            out.append(("amount", "shape invoice_list needs amount exact (its discount band says what may differ)"))
        if r.discount_rate_min > r.discount_rate_max:
            out.append(("discount_rate_max", "discount_rate_max is below discount_rate_min"))
        if r.discount_rate_max > type(r.discount_rate_max)(MAX_DISCOUNT_RATE):
            out.append(("discount_rate_max", f"must be at most {MAX_DISCOUNT_RATE}"))
        if r.discount_rate_max and not r.discount_rate_step > 0:
            out.append(("discount_rate_step", "must be above 0"))
        if r.discount_rate_max and not r.gl_account:
            out.append(("gl_account", "an invoice_list rule with a discount band needs the GL account of the discount"))
    elif r.discount_rate_min or r.discount_rate_max or r.discount_rounding:
        out.append(("shape", "discount_rate_min/max and discount_rounding need shape invoice_list"))
    return out
