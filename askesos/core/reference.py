"""Reference data every installation needs: regions, labelled workforce estimates, seeded schemes
and the default evaluation instrument. Each step is idempotent and never overwrites user edits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ReferenceSummary:
    regions: int
    estimates_added: int
    schemes_added: int
    instruments_added: int


def seed_reference(
    *,
    province_codes: Sequence[str] | None = None,
    year: int = 2025,
    log: Callable[[str], None] = lambda _: None,
) -> ReferenceSummary:
    from askesos.regions.services import regions_load, seed_east_jakarta_estimates
    from askesos.schemes.seed import seed_schemes

    provinces = list(province_codes) if province_codes else None
    if provinces and "31" not in provinces:
        provinces.append("31")  # the East Jakarta estimates need DKI Jakarta
    log("regions (Kemendagri)…")
    regions = regions_load(province_codes=provinces)
    estimates = seed_east_jakarta_estimates(year=year)
    log("schemes…")
    schemes = seed_schemes()
    instruments = _seed_instruments()
    return ReferenceSummary(regions, estimates.created, schemes, instruments)


def _seed_instruments() -> int:
    try:
        from askesos.evaluation.seed import seed_default_instrument
    except ImportError:  # the evaluation app is optional until it lands
        return 0
    return int(bool(seed_default_instrument()))
