"""Money: which currencies, the one rounding rule, pro-rata amounts and exact splits.

Amounts are Decimal, never float, always beside an ISO 4217 code, and never summed
across currencies. Every amount the product computes is rounded here, half-up to the
cent (as receipts are), so no two places can round differently.
"""
from decimal import ROUND_HALF_UP, Decimal

CURRENCIES = ("TRY", "USD", "SYP", "EUR")
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# The largest amount anywhere (a price, a payment, a total): ten billion less a cent.
# Far above any home shop's order even in Syrian pounds, and safely inside the BIGINT
# of cents that stores it.
MAX_AMOUNT = Decimal("9999999999.99")


def to_cents(amount: Decimal) -> Decimal:
    """The amount rounded to cents, half-up: 0.125 -> 0.13, -0.125 -> -0.13."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def prorate(amount: Decimal, part: int | Decimal, whole: int | Decimal) -> Decimal:
    """`amount` x part / whole, rounded once at the end: 300 x 500 / 1000 = 150.00.

    :raise ValueError: `whole` is not positive.
    """
    if whole <= 0:
        raise ValueError("prorate needs a positive whole")
    return to_cents(Decimal(amount) * Decimal(part) / Decimal(whole))


def allocate(amount: Decimal, weights: list[int | Decimal]) -> list[Decimal]:
    """Split `amount` in proportion to `weights`, to the cent, summing exactly to `amount`.

    Largest remainder: each share is first rounded down to the cent; the cents left over
    go one each to the shares with the largest remainders (ties to the earliest). So
    100.00 over [1, 1, 1] is [33.34, 33.33, 33.33].

    :raise ValueError: no weights, a negative weight, or all weights zero.
    """
    if not weights or any(w < 0 for w in weights) or not any(weights):
        raise ValueError("allocate needs non-negative weights, at least one positive")
    total_cents = int(to_cents(Decimal(amount)) / CENT)
    whole = sum(Decimal(w) for w in weights)
    exact = [Decimal(total_cents) * Decimal(w) / whole for w in weights]
    cents = [int(share // 1) for share in exact]
    left = total_cents - sum(cents)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - cents[i]), i))
    for i in by_remainder[:left]:
        cents[i] += 1
    return [Decimal(c) * CENT for c in cents]
