"""Certificates of completion as PDF, drawn with reportlab.

Korean text uses reportlab's built-in CID font ``HYSMyeongJo-Medium`` (Adobe-Korea1): the PDF names
the font and every PDF reader brings the glyphs, so no font file is shipped or downloaded. The
certificate shows the verification code and the address of the public page that checks it.
Page streams are left uncompressed: a certificate is a page of text, a few kilobytes either way,
and the text stays searchable by tools that read the raw file.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from foster.core.i18n import in_language
from foster.learning.models import Enrolment
from foster.learning.services import certificate_code_display

SERIF = "HYSMyeongJo-Medium"
SANS = "HYGothic-Medium"
_registered = False


def _register_fonts() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(SERIF))
        pdfmetrics.registerFont(UnicodeCIDFont(SANS))
        _registered = True


def _centred(canvas: Canvas, text: str, y: float, *, font: str, size: float) -> None:
    canvas.setFont(font, size)
    canvas.drawCentredString(A4[0] / 2, y, text)


def certificate_pdf(enrolment: Enrolment, *, verify_url: str) -> bytes:
    """The PDF certificate of a completed enrolment, in the active language (Korean by default)."""
    if not enrolment.certificate_code:
        raise ValueError("only a completed enrolment has a certificate")
    _register_fonts()
    session = enrolment.session
    course = session.course
    agency_name = in_language(course.agency.name_ko, course.agency.name_en)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0, invariant=1)
    canvas.setTitle(_("Certificate of completion") + f" {certificate_code_display(enrolment.certificate_code)}")
    canvas.setAuthor(agency_name)
    canvas.setSubject(course.title)
    width, height = A4
    canvas.setStrokeColor(HexColor("#1f4e8c"))
    canvas.setLineWidth(3)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(19 * mm, 19 * mm, width - 38 * mm, height - 38 * mm)

    _centred(canvas, _("Certificate of completion"), height - 62 * mm, font=SERIF, size=30)
    _centred(canvas, agency_name, height - 78 * mm, font=SANS, size=13)

    name = enrolment.user.full_name or enrolment.user.email
    _centred(canvas, name, height - 112 * mm, font=SERIF, size=24)
    if enrolment.company is not None:
        _centred(canvas, enrolment.company.name, height - 124 * mm, font=SANS, size=12)

    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    period = start.strftime("%Y-%m-%d") if start.date() == end.date() else f"{start:%Y-%m-%d} ~ {end:%Y-%m-%d}"
    lines = [
        _("has completed the course"),
        course.title,
        _("%(hours)s hours, %(period)s") % {"hours": course.hours, "period": period},
    ]
    y = height - 150 * mm
    for line in lines:
        _centred(canvas, line, y, font=SERIF, size=15)
        y -= 11 * mm

    issued = timezone.localtime(enrolment.certificate_issued_at or timezone.now())
    _centred(canvas, issued.strftime("%Y-%m-%d"), 70 * mm, font=SERIF, size=13)
    _centred(canvas, agency_name, 60 * mm, font=SERIF, size=16)

    canvas.setFont(SANS, 9)
    code = certificate_code_display(enrolment.certificate_code)
    canvas.drawString(25 * mm, 30 * mm, _("Verification code: %(code)s") % {"code": code})
    canvas.drawString(25 * mm, 25 * mm, _("Check it at %(url)s") % {"url": verify_url})
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
