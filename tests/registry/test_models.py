"""Company display helpers: choice labels in the active language, falling back to the stored value."""

from __future__ import annotations

from django.utils import translation

from foster.registry.models import Company


def test_choice_labels_follow_the_active_language() -> None:
    company = Company(region="jeju", size_class="startup", ai_adoption="in_use")

    with translation.override("en"):
        english = (company.get_region_display(), company.get_size_class_display(), company.get_ai_adoption_display())

    assert english == ("Jeju", "Startup (within 7 years of founding)", "In use")


def test_an_unknown_value_is_shown_as_stored() -> None:
    assert Company(region="mars").get_region_display() == "mars"
