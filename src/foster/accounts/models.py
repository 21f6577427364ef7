"""Users log in by e-mail; agencies and who works for them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foster.accounts.choices import AgencyKind, Role
from foster.core.sealing import SealedCharField


class UserManager(BaseUserManager["User"]):
    """Creates users identified by a normalised e-mail address."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.MINISTRY_PLANNER)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        """Log-in looks the e-mail address up case-insensitively (``Kim@Example.kr`` is ``kim@example.kr``)."""
        return self.get(email__iexact=(username or "").strip())


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address and has one role on the platform."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.PUBLIC)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, default="ko", choices=[("ko", "한국어"), ("en", "English")]
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("May log in to the administration site.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.email


class Agency(models.Model):
    """A ministry or a public agency that runs programs (MSS, KOSME, KODIT, ...)."""

    code = models.SlugField(_("code"), max_length=16, unique=True)
    name_ko = models.CharField(_("Korean name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=AgencyKind.choices, default=AgencyKind.AGENCY)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code.upper()


class AgencyMembership(models.Model):
    """A user works for an agency; agency officials see only their agency's data."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="agency_memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    title = models.CharField(_("title"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency membership")
        verbose_name_plural = _("agency memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="accounts_agencymembership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency}"


class TwoFactorDevice(models.Model):
    """A user's TOTP authenticator (RFC 6238, 30-second steps, six digits).

    Created unconfirmed when the user starts enrolment; ``confirmed_at`` is set once the user has
    typed a code from the app. ``last_used_step`` is the time step of the last accepted code, so a
    code is accepted once only (no replay). Written only by ``accounts.two_factor``.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor_device")
    secret = SealedCharField(_("secret"), max_length=255)  # sealed in the database (foster.core.sealing)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_used_step = models.BigIntegerField(_("last used time step"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("two-factor device")
        verbose_name_plural = _("two-factor devices")

    def __str__(self) -> str:
        return f"TOTP {self.user_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A one-time recovery code of the second factor, stored as a keyed hash (never the code)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, db_index=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.user_id}"


class LoginFailure(models.Model):
    """One failed log-in (wrong password or wrong second-factor code), counted by the throttle.

    ``scope`` is ``account`` (the e-mail address tried) or ``address`` (the client's address); the
    rows live in the database so every web process sees the same counts (``accounts.throttling``).
    """

    scope = models.CharField(max_length=16)
    key = models.CharField(max_length=254)
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("failed log-in")
        verbose_name_plural = _("failed log-ins")
        indexes = [models.Index(fields=["scope", "key", "failed_at"], name="accounts_loginfailure_key_idx")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} {self.failed_at:%Y-%m-%d %H:%M}"
