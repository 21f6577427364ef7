"""Reads of the data LAB. Every list, detail, report and download starts from these selectors: a dataset
is seen by its owner company's members only, a synthesis run also by the members of a company it was
shared with (in any state of the agreement, so a startup keeps the report it was given), an agreement
by both sides."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from foster.datalab.models import Dataset, DownloadRecord, SharingAgreement, SynthesisRun
from foster.datalab.permissions import lab_company_ids_of


def dataset_queryset_for(user: Any) -> QuerySet[Dataset]:
    companies = lab_company_ids_of(user)
    if not companies:
        return Dataset.objects.none()
    return Dataset.objects.filter(owner_company_id__in=companies).select_related("owner_company")


def run_queryset_for(user: Any) -> QuerySet[SynthesisRun]:
    companies = lab_company_ids_of(user)
    if not companies:
        return SynthesisRun.objects.none()
    shared = SharingAgreement.objects.filter(recipient_company_id__in=companies).values("run_id")
    return (
        SynthesisRun.objects.filter(Q(dataset__owner_company_id__in=companies) | Q(pk__in=shared))
        .select_related("dataset", "dataset__owner_company", "job")
        .distinct()
    )


def agreement_queryset_for(user: Any) -> QuerySet[SharingAgreement]:
    companies = lab_company_ids_of(user)
    if not companies:
        return SharingAgreement.objects.none()
    return SharingAgreement.objects.filter(
        Q(owner_company_id__in=companies) | Q(recipient_company_id__in=companies)
    ).select_related("run", "run__dataset", "owner_company", "recipient_company")


def download_queryset_for(user: Any) -> QuerySet[DownloadRecord]:
    """Downloads of the user's companies' results (the owner sees who downloaded its data)."""
    companies = lab_company_ids_of(user)
    if not companies:
        return DownloadRecord.objects.none()
    return DownloadRecord.objects.filter(run__dataset__owner_company_id__in=companies).select_related(
        "user", "company", "agreement"
    )
