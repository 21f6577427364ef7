"""Reference data every installation has: the ministry and the agencies of the plan."""

from __future__ import annotations

from foster.accounts.choices import AgencyKind
from foster.accounts.models import Agency

AGENCIES = [
    ("mss", "중소벤처기업부", "Ministry of SMEs and Startups", AgencyKind.MINISTRY),
    ("kosme", "중소벤처기업진흥공단", "Korea SMEs and Startups Agency", AgencyKind.AGENCY),
    ("kodit", "신용보증기금", "Korea Credit Guarantee Fund", AgencyKind.AGENCY),
    ("kibo", "기술보증기금", "Korea Technology Finance Corporation", AgencyKind.AGENCY),
    ("tipa", "중소기업기술정보진흥원", "Korea Technology and Information Promotion Agency for SMEs", AgencyKind.AGENCY),
    ("kised", "창업진흥원", "Korea Institute of Startup and Entrepreneurship Development", AgencyKind.AGENCY),
    ("nipa", "정보통신산업진흥원", "National IT Industry Promotion Agency", AgencyKind.AGENCY),
]


def agencies_seed() -> list[Agency]:
    """Create or refresh the seven agencies; safe to run repeatedly."""
    result = []
    for code, name_ko, name_en, kind in AGENCIES:
        agency, _created = Agency.objects.update_or_create(
            code=code, defaults={"name_ko": name_ko, "name_en": name_en, "kind": kind}
        )
        result.append(agency)
    return result
