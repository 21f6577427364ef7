"""`foster export-companies --out FILE`: write the (filtered) company registry to CSV or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from foster.accounts.models import User
from foster.core.progress import cli_progress
from foster.registry.choices import AIAdoption, Region, SizeClass
from foster.registry.exporting import (
    EXPORT_FORMATS,
    ExportRefused,
    company_export_csv,
    company_export_queryset,
    company_export_xlsx,
)
from foster.registry.selectors import CompanyFilter


class Command(BaseCommand):
    help = (
        "Export companies to a CSV file (UTF-8, opens correctly in Korean Excel) or an Excel file (.xlsx), "
        "with the same columns the import reads, so an exported file can be edited and imported again. "
        "Filters work as on the company list. Without --as the whole registry is exported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, metavar="FILE", help="Where to write the file.")
        parser.add_argument(
            "--format", choices=EXPORT_FORMATS, help="csv or xlsx (default: from the file name, else csv)."
        )
        parser.add_argument(
            "--headers", choices=["ko", "en"], default="ko", help="Column names in Korean (default) or English."
        )
        parser.add_argument("--query", default="", help="Part of a name or registration number.")
        parser.add_argument("--region", default="", choices=["", *Region.values], help="Region code, e.g. seoul.")
        parser.add_argument("--ksic-section", default="", help="KSIC section letter, e.g. C.")
        parser.add_argument("--ksic-division", default="", help="KSIC division, e.g. 26.")
        parser.add_argument("--size-class", default="", choices=["", *SizeClass.values], help="Size class code.")
        parser.add_argument(
            "--ai-adoption", default="", choices=["", *AIAdoption.values], help="AI adoption status code."
        )
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="Export what this user may see (an agency official or ministry planner).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        file_format = options["format"] or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
        filters = CompanyFilter(
            query=options["query"],
            region=options["region"],
            ksic_section=options["ksic_section"].upper(),
            ksic_division=options["ksic_division"],
            size_class=options["size_class"],
            ai_adoption=options["ai_adoption"],
        )
        user = None
        if options["as_email"]:
            user = User.objects.filter(email__iexact=options["as_email"], is_active=True).first()
            if user is None:
                raise CommandError(f"There is no active user with the e-mail address {options['as_email']}.")
        try:
            queryset = company_export_queryset(user=user, filters=filters)
        except PermissionDenied:
            raise CommandError(
                f"{options['as_email']} may not export companies: only officials and planners may."
            ) from None
        total = queryset.count()
        advance = cli_progress(
            total=total, description="Exporting", stream=self.stderr, enabled=options["verbosity"] > 0 and total > 0
        )
        try:
            if file_format == "csv":
                with out.open("w", encoding="utf-8", newline="") as handle:
                    for piece in company_export_csv(queryset=queryset, language=options["headers"], progress=advance):
                        handle.write(piece)
                count = total
            else:
                with out.open("wb") as binary:
                    count = company_export_xlsx(
                        queryset=queryset, language=options["headers"], destination=binary, progress=advance
                    )
        except ExportRefused as error:
            out.unlink(missing_ok=True)
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} companies to {out}."))
