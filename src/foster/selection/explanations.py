"""The engine's reason codes, constraint names and flip values as sentences in the active language.

The engine stores ``{code, params, flip}`` per candidate (``docs/selection.md``); its English
``text`` is for files and logs. Pages and decision reasons use these translated sentences.
Constraint names in scenarios are stable keys (``budget``, ``ai_share``, ``region_minimum:busan``,
``company_cap`` ...) that ``constraint_label`` words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from foster.registry.choices import Region
from foster.registry.ksic import sections

BUDGET = "budget"
AI_SHARE = "ai_share"
STRATEGIC_SHARE = "strategic_share"
DESIGNATIONS = "designations"
COMPANY_CAP = "company_cap"
REGION_MINIMUM = "region_minimum:"
SECTOR_MAXIMUM = "sector_maximum:"


def _number(value: Any, decimals: int = 0) -> str:
    if value is None:
        return "–"
    return number_format(round(float(value), decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


def constraint_label(name: str, company_names: Mapping[str, str] | None = None) -> str:
    """A constraint (or one of its rows, ``company_cap [17]``) as people read it."""
    group = ""
    if name.endswith("]") and " [" in name:
        name, group = name[:-1].split(" [", 1)
    if name == BUDGET:
        label = _("budget")
    elif name == AI_SHARE:
        label = _("share of AI and semiconductors")
    elif name == STRATEGIC_SHARE:
        label = _("share of strategic technology")
    elif name == DESIGNATIONS:
        label = _("number of designations")
    elif name == COMPANY_CAP:
        label = _("per-company cap")
    elif name.startswith(REGION_MINIMUM):
        code = name.removeprefix(REGION_MINIMUM)
        region = str(Region(code).label) if code in Region.values else code
        label = _("regional minimum: %(region)s") % {"region": region}
    elif name.startswith(SECTOR_MAXIMUM):
        code = name.removeprefix(SECTOR_MAXIMUM)
        entry = sections().get(code)
        label = _("sector maximum: %(section)s") % {"section": f"{code} {entry.name}" if entry else code}
    else:
        label = name
    if group:
        company = (company_names or {}).get(group, group)
        return _("%(constraint)s (%(company)s)") % {"constraint": label, "company": company}
    return label


def _labels(names: Any, company_names: Mapping[str, str] | None) -> str:
    return ", ".join(constraint_label(str(name), company_names) for name in names or ())


def explanation_sentence(item: Mapping[str, Any], company_names: Mapping[str, str] | None = None) -> str:
    """One candidate's stored explanation as a sentence in the active language."""
    code = item.get("code")
    params: Mapping[str, Any] = item.get("params") or {}
    value = _number(params.get("value"), 2)
    if code == "selected":
        return _(
            "Selected: part of the portfolio of greatest total score that meets every constraint (score %(value)s)."
        ) % {"value": value}
    if code == "locked_in":
        return _("Selected: locked in.")
    if code == "locked_out":
        return _("Not selected: locked out.")
    if code == "override_in":
        return _("Selected: the committee locked it in (%(reason)s).") % {"reason": params.get("reason", "")}
    if code == "override_out":
        return _("Not selected: the committee locked it out (%(reason)s).") % {"reason": params.get("reason", "")}
    if code == "would_not_fit":
        return _(
            "Not selected: it would not fit; adding it would break %(constraints)s (room left %(room)s, it needs "
            "%(needs)s)."
        ) % {
            "constraints": _labels(params.get("rows") or params.get("constraints"), company_names),
            "room": _number(params.get("room")),
            "needs": _number(params.get("needs")),
        }
    if code == "constraint_binds":
        return _(
            "Not selected: it fits, but %(constraints)s limit the portfolio: what it uses is worth more to "
            "applications with a higher score for their cost (it would need a score of about %(line_value)s to "
            "reach the funding line)."
        ) % {
            "constraints": _labels(params.get("constraints"), company_names),
            "line_value": _number(params.get("line_value"), 2),
        }
    if code == "no_value":
        return _("Not selected: its score is not positive (%(value)s).") % {"value": value}
    if code == "within_gap":
        return _("Not selected: adding it would break no constraint; the portfolio is within the accepted gap.")
    if code in ("lottery_won", "lottery_lost"):
        words = {
            "position": params.get("draw_position", ""),
            "seed": params.get("seed", ""),
        }
        if code == "lottery_won":
            return (
                _("Selected: tied at the funding line; drawn %(position)s in the lottery with seed %(seed)s.") % words
            )
        return (
            _("Not selected: tied at the funding line; drawn %(position)s in the lottery with seed %(seed)s.") % words
        )
    if code == "no_portfolio":
        return _("No portfolio meets the constraints.")
    return str(item.get("text", ""))


def flip_sentence(flip: Mapping[str, Any] | None) -> str:
    """How much the score would have to change to flip the decision, or "" without a flip value."""
    if not flip:
        return ""
    if not flip.get("is_possible", True):
        return _("No change of score can flip this decision.")
    increase = flip.get("direction") == "increase"
    if flip.get("is_exact"):
        change = _number(flip.get("value_change"), 2)
        if increase:
            return _("Selected if its score rose by more than %(change)s.") % {"change": change}
        return _("Not selected if its score fell by more than %(change)s.") % {"change": change}
    lower, upper = _number(flip.get("lower"), 2), _number(flip.get("upper"), 2)
    if increase:
        return _("Selected if its score rose by more than a value between %(lower)s and %(upper)s.") % {
            "lower": lower,
            "upper": upper,
        }
    return _("Not selected if its score fell by more than a value between %(lower)s and %(upper)s.") % {
        "lower": lower,
        "upper": upper,
    }


def count_sentence(count: int) -> str:
    return ngettext("%(count)s application", "%(count)s applications", count) % {"count": count}
