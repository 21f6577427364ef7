"""Stable choice values of the company registry. Values are stored and imported; never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    """The 17 first-level administrative divisions of Korea (시·도)."""

    SEOUL = "seoul", _("Seoul")
    BUSAN = "busan", _("Busan")
    DAEGU = "daegu", _("Daegu")
    INCHEON = "incheon", _("Incheon")
    GWANGJU = "gwangju", _("Gwangju")
    DAEJEON = "daejeon", _("Daejeon")
    ULSAN = "ulsan", _("Ulsan")
    SEJONG = "sejong", _("Sejong")
    GYEONGGI = "gyeonggi", _("Gyeonggi")
    GANGWON = "gangwon", _("Gangwon")
    CHUNGBUK = "chungbuk", _("North Chungcheong")
    CHUNGNAM = "chungnam", _("South Chungcheong")
    JEONBUK = "jeonbuk", _("North Jeolla")
    JEONNAM = "jeonnam", _("South Jeolla")
    GYEONGBUK = "gyeongbuk", _("North Gyeongsang")
    GYEONGNAM = "gyeongnam", _("South Gyeongsang")
    JEJU = "jeju", _("Jeju")


# Official Korean names, accepted on import beside the codes above.
REGION_KOREAN_NAMES: dict[str, str] = {
    "seoul": "서울특별시",
    "busan": "부산광역시",
    "daegu": "대구광역시",
    "incheon": "인천광역시",
    "gwangju": "광주광역시",
    "daejeon": "대전광역시",
    "ulsan": "울산광역시",
    "sejong": "세종특별자치시",
    "gyeonggi": "경기도",
    "gangwon": "강원특별자치도",
    "chungbuk": "충청북도",
    "chungnam": "충청남도",
    "jeonbuk": "전북특별자치도",
    "jeonnam": "전라남도",
    "gyeongbuk": "경상북도",
    "gyeongnam": "경상남도",
    "jeju": "제주특별자치도",
}


class SizeClass(models.TextChoices):
    """Size class under Korean law; see docs/registry.md for the legal definitions summarised."""

    STARTUP = "startup", _("Startup (within 7 years of founding)")
    SMALL = "small", _("Small enterprise")
    MEDIUM = "medium", _("Medium enterprise")
    MID_SIZED = "mid_sized", _("Mid-sized enterprise")
    LARGE = "large", _("Large enterprise")


class AIAdoption(models.TextChoices):
    """How far a company has come in using AI (the KPI's definition of 'utilisation' is 'in use')."""

    NONE = "none", _("Not using AI")
    EXPLORING = "exploring", _("Exploring")
    PILOTING = "piloting", _("Piloting")
    IN_USE = "in_use", _("In use")
    AI_PROVIDER = "ai_provider", _("AI provider")


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Representative")
    STAFF = "staff", _("Staff")


class ValuationSource(models.TextChoices):
    INVESTMENT_ROUND = "investment_round", _("Investment round")
    PUBLIC_MARKET = "public_market", _("Public market")
    APPRAISAL = "appraisal", _("Appraisal")
    SELF_REPORTED = "self_reported", _("Self-reported")


class ImportStatus(models.TextChoices):
    """Where an uploaded company file stands: checked (dry run), ready, applied, or refused."""

    CHECKING = "checking", _("Checking")
    INVALID = "invalid", _("Has errors")
    READY = "ready", _("Ready to apply")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")
