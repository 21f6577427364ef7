"""Writes of the selection app: build a scenario from a call's reviewed applications and the plan's
constraints, run ``foster.engines.selection`` on it in the background, and commit one scenario
through the application workflow.

Rows in, engine out: ``scenario_problem_build`` turns applications (value: the adjusted score of
the call's ranking; cost: the requested amount in won; attributes: KSIC section, region, size
class, AI/semiconductor and strategic technology flags, designation program, company) and the
scenario's settings into a ``SelectionProblem``; the run stores its problem file and result file
on the scenario, so it can be re-run bit for bit with ``foster select``.

Row locks: ``scenario_run`` and ``scenario_commit`` lock the scenario row (``select_for_update``);
``scenario_commit`` also locks each application through ``application_transition``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application
from foster.applications.services import application_transition
from foster.core.jobs import job_enqueue
from foster.core.models import Job
from foster.core.services import audit_event_record, job_create
from foster.engines.selection import (
    Candidate,
    Constraint,
    ConstraintType,
    Decision,
    Lottery,
    Override,
    SelectionProblem,
    SensitivitySettings,
    problem_errors,
    problem_to_json,
    result_to_json,
    solve_selection,
)
from foster.finance.models import CompanyExposure
from foster.finance.selectors import exposure_cap_for_program
from foster.programs.choices import PolicyTag, ProgramType
from foster.programs.models import Call
from foster.registry.choices import AIAdoption, Region
from foster.registry.ksic import sections
from foster.reviews.selectors import call_ranking_report
from foster.selection import explanations as words
from foster.selection.choices import OverrideDecision, ScenarioStatus
from foster.selection.models import SelectionScenario

Progress = Callable[[int, int, str], None]

AI_TAGS = frozenset({PolicyTag.AI, PolicyTag.SEMICONDUCTOR})
AI_SHARE_TAGS = frozenset({PolicyTag.AI, PolicyTag.SEMICONDUCTOR, PolicyTag.INNOVATIVE_GROWTH})
STRATEGIC_TAGS = frozenset({PolicyTag.STRATEGIC_TECHNOLOGY, PolicyTag.AI})
RND_TYPES = frozenset({ProgramType.RND, ProgramType.HIGH_RISK_RND})
SEMICONDUCTOR_DIVISIONS = frozenset({"26"})  # KSIC 26: electronic components (semiconductors, 261)
PLAN_AI_SHARE_PERCENT = 60.0
PLAN_STRATEGIC_SHARE_PERCENT = 50.0
PLAN_DESIGNATION_COUNT = 100
DEFAULT_RESERVE_COUNT = 5
MAX_RESERVE_COUNT = 1000
TIME_LIMIT_SECONDS = 60.0
NEAR_LINE = 20
COST = "amount_krw"
YES, NO = "yes", "no"


# --- Settings ---------------------------------------------------------------------------------


@dataclass
class ScenarioSettings:
    """The constraints of a scenario as the official sets them. ``None`` switches a rule off;
    percentages are 0–100; money is in won. ``regional_minimums_krw`` maps a region code, and
    ``sector_maximums_krw`` a KSIC section letter, to an amount."""

    budget_krw: int
    ai_share_percent: float | None = None
    strategic_share_percent: float | None = None
    designation_count: int | None = None
    company_cap_krw: int | None = None
    regional_minimums_krw: dict[str, int] = field(default_factory=dict)
    sector_maximums_krw: dict[str, int] = field(default_factory=dict)
    use_lottery: bool = False
    tie_band: float = 0.0
    seed: int = 0
    reserve_count: int = DEFAULT_RESERVE_COUNT
    extra_call_ids: list[int] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScenarioSettings:
        known = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in data.items() if key in known})

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def scenario_settings_default(call: Call, extra_calls: list[Call] | None = None) -> ScenarioSettings:
    """The plan's constraints for ``call`` (and the calls sharing its budget), from their programs:
    the budget is the calls' budgets together; 60% of the money to AI and semiconductors when a
    program is tagged AI, semiconductor or innovative growth; 50% to strategic technology for R&D
    programs; exactly 100 designations (or fewer if there are fewer candidates) for designation
    programs; the per-company exposure cap (KRW 10 billion unless a cap group says otherwise)."""
    calls = [call, *(extra_calls or [])]
    programs = [item.program for item in calls]
    tags = {tag for program in programs for tag in (program.policy_tags or [])}
    types = {program.program_type for program in programs}
    candidates = Application.objects.filter(call__in=calls, status=ApplicationStatus.REVIEWED).count()
    return ScenarioSettings(
        budget_krw=sum(item.budget_krw for item in calls),
        ai_share_percent=PLAN_AI_SHARE_PERCENT if tags & AI_SHARE_TAGS else None,
        strategic_share_percent=PLAN_STRATEGIC_SHARE_PERCENT if types & RND_TYPES else None,
        designation_count=min(PLAN_DESIGNATION_COUNT, candidates) if ProgramType.DESIGNATION in types else None,
        company_cap_krw=min(exposure_cap_for_program(program) for program in programs),
        seed=int(timezone.localdate().strftime("%Y%m%d")),
        extra_call_ids=[item.pk for item in extra_calls or []],
    )


def _settings_errors(call: Call, data: ScenarioSettings) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not isinstance(data.budget_krw, int) or data.budget_krw <= 0:
        add("budget_krw", _("The budget must be a positive amount of won."))
    for name in ("ai_share_percent", "strategic_share_percent"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= 100:
            add(name, _("A share is a percentage between 0 and 100."))
    if data.designation_count is not None and data.designation_count < 0:
        add("designation_count", _("The number of designations must not be negative."))
    if data.company_cap_krw is not None and data.company_cap_krw <= 0:
        add("company_cap_krw", _("The cap per company must be a positive amount of won."))
    for code, amount in data.regional_minimums_krw.items():
        if code not in Region.values:
            add("regional_minimums_krw", _("Unknown region %(code)s.") % {"code": code})
        elif amount < 0:
            add(f"region_{code}", _("A regional minimum must not be negative."))
    for code, amount in data.sector_maximums_krw.items():
        if code not in sections():
            add("sector_maximums_krw", _("Unknown KSIC section %(code)s.") % {"code": code})
        elif amount < 0:
            add(f"sector_{code}", _("A sector maximum must not be negative."))
    if data.tie_band < 0:
        add("tie_band", _("The tie band must not be negative."))
    if data.seed < 0:
        add("seed", _("The seed must be a whole number of at least 0."))
    if not 0 <= data.reserve_count <= MAX_RESERVE_COUNT:
        add(
            "reserve_count",
            _("The reserve list holds between 0 and %(max)s applications.") % {"max": MAX_RESERVE_COUNT},
        )
    extra = set(data.extra_call_ids) - {call.pk}
    agencies = set(Call.objects.filter(pk__in=extra).values_list("program__agency_id", flat=True))
    if len(extra) != Call.objects.filter(pk__in=extra).count() or agencies - {call.program.agency_id}:
        add("extra_calls", _("Only calls of the same agency can share a budget."))
    return errors


# --- Create, edit, overrides -------------------------------------------------------------------


def _check_may_manage(user: Any, call: Call) -> None:
    if not user.has_perm("selection.manage_call_selection", call):
        raise PermissionDenied(_("You may not manage the selection of this call."))


def _check_editable(scenario: SelectionScenario) -> None:
    if scenario.status == ScenarioStatus.COMMITTED:
        raise ValidationError(_("This scenario was committed; it cannot be changed."), code="committed")
    if SelectionScenario.objects.filter(call_id=scenario.call_id, status=ScenarioStatus.COMMITTED).exists():
        raise ValidationError(
            _("Another scenario of this call was committed; this one is read-only."), code="read_only"
        )
    if scenario.status == ScenarioStatus.QUEUED and scenario.job is not None and not scenario.job.is_finished:
        raise ValidationError(_("This scenario is being run; wait until it has finished."), code="running")


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Give the scenario a name.")]})
    return name[:200]


def scenario_create(*, user: Any, call: Call, name: str, settings: ScenarioSettings | None = None) -> SelectionScenario:
    """A new scenario of ``call``, with ``settings`` or the plan's defaults (``scenario_settings_default``).
    Only officials of the call's agency; refused once a scenario of the call was committed."""
    _check_may_manage(user, call)
    clean = _clean_name(name)
    data = settings or scenario_settings_default(call)
    errors = _settings_errors(call, data)
    if errors:
        raise ValidationError(errors)
    if SelectionScenario.objects.filter(call=call, status=ScenarioStatus.COMMITTED).exists():
        raise ValidationError(
            _("A scenario of this call was committed; no new scenario can be made."), code="read_only"
        )
    with transaction.atomic():
        scenario = SelectionScenario.objects.create(
            call=call, name=clean, settings=data.to_json(), created_by=user if user.is_authenticated else None
        )
        scenario.extra_calls.set(data.extra_call_ids)
        audit_event_record(
            actor=user, action="selection.scenario_create", target=scenario, changes={"name": clean, **data.to_json()}
        )
    return scenario


def _invalidate(scenario: SelectionScenario) -> list[str]:
    """A changed scenario's old result no longer applies."""
    scenario.status = ScenarioStatus.DRAFT
    scenario.problem = scenario.result = None
    scenario.solve_status = ""
    scenario.objective = scenario.bound = scenario.gap = None
    return ["status", "problem", "result", "solve_status", "objective", "bound", "gap", "updated_at"]


def scenario_update(
    *, user: Any, scenario: SelectionScenario, name: str, settings: ScenarioSettings
) -> SelectionScenario:
    """Change a scenario's name and constraints; its result is cleared (run it again). Validates
    every field (``ValidationError`` naming each bad one) and changes nothing on a refusal."""
    _check_may_manage(user, scenario.call)
    clean = _clean_name(name)
    errors = _settings_errors(scenario.call, settings)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            SelectionScenario.objects.select_for_update(of=("self",))
            .select_related("call__program")
            .get(pk=scenario.pk)
        )
        _check_editable(locked)
        before = {"name": locked.name, **locked.settings}
        after = {"name": clean, **settings.to_json()}
        locked.name, locked.settings = clean, settings.to_json()
        fields = ["name", "settings", *_invalidate(locked)]
        locked.save(update_fields=fields)
        locked.extra_calls.set(settings.extra_call_ids)
        audit_event_record(
            actor=user,
            action="selection.scenario_update",
            target=locked,
            changes={key: [before.get(key), value] for key, value in after.items() if before.get(key) != value},
        )
    return locked


def scenario_override_set(
    *, user: Any, scenario: SelectionScenario, application_id: int, decision: str, reason: str
) -> SelectionScenario:
    """The committee locks an application of the scenario in or out; the reason is required. A
    second override of the same application replaces the first."""
    _check_may_manage(user, scenario.call)
    errors: dict[str, list[str]] = {}
    if decision not in OverrideDecision.values:
        errors["decision"] = [_("Choose lock in or lock out.")]
    if not reason.strip():
        errors["reason"] = [_("Give the committee's reason.")]
    calls = [scenario.call_id, *scenario.extra_calls.values_list("pk", flat=True)]
    if not Application.objects.filter(pk=application_id, call_id__in=calls, status=ApplicationStatus.REVIEWED).exists():
        errors["application"] = [_("Choose a reviewed application of this scenario's calls.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = SelectionScenario.objects.select_for_update().get(pk=scenario.pk)
        _check_editable(locked)
        overrides = [item for item in locked.overrides if item.get("application") != application_id]
        overrides.append({"application": application_id, "decision": decision, "reason": reason.strip()})
        locked.overrides = sorted(overrides, key=lambda item: item["application"])
        locked.save(update_fields=["overrides", *_invalidate(locked)])
        audit_event_record(
            actor=user,
            action="selection.override_set",
            target=locked,
            reason=reason.strip(),
            changes={"application": application_id, "decision": decision},
        )
    return locked


def scenario_override_remove(*, user: Any, scenario: SelectionScenario, application_id: int) -> SelectionScenario:
    """Take a committee override off the scenario."""
    _check_may_manage(user, scenario.call)
    with transaction.atomic():
        locked = SelectionScenario.objects.select_for_update().get(pk=scenario.pk)
        _check_editable(locked)
        remaining = [item for item in locked.overrides if item.get("application") != application_id]
        if len(remaining) == len(locked.overrides):
            raise ValidationError(_("This application has no override."), code="no_override")
        locked.overrides = remaining
        locked.save(update_fields=["overrides", *_invalidate(locked)])
        audit_event_record(
            actor=user, action="selection.override_remove", target=locked, changes={"application": application_id}
        )
    return locked


# --- The problem ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateRow:
    """One reviewed application as the engine sees it."""

    application: Application
    value: float
    spread: float
    attributes: dict[str, str]


def scenario_calls(scenario: SelectionScenario) -> list[Call]:
    extra = list(scenario.extra_calls.select_related("program").order_by("pk"))
    return [scenario.call, *(call for call in extra if call.pk != scenario.call_id)]


def scenario_candidates(scenario: SelectionScenario) -> tuple[list[CandidateRow], list[Application]]:
    """The scenario's candidates (reviewed applications with a ranking score), and the reviewed
    applications left out because no score sheet of theirs was submitted."""
    rows: list[CandidateRow] = []
    unscored: list[Application] = []
    for call in scenario_calls(scenario):
        program = call.program
        program_tags = set(program.policy_tags or [])
        lines = {line.application.pk: line for line in call_ranking_report(call).lines}
        reviewed = Application.objects.filter(call=call, status=ApplicationStatus.REVIEWED).select_related("company")
        for application in reviewed.order_by("pk"):
            line = lines.get(application.pk)
            if line is None:
                unscored.append(application)
                continue
            company = application.company
            is_ai = bool(program_tags & AI_TAGS) or company.ai_adoption == AIAdoption.AI_PROVIDER
            is_ai = is_ai or company.ksic_division in SEMICONDUCTOR_DIVISIONS
            rows.append(
                CandidateRow(
                    application=application,
                    value=round(float(line.adjusted), 6),
                    spread=round(float(line.raw_std), 6),
                    attributes={
                        "sector": company.ksic_section,
                        "region": company.region,
                        "size": company.size_class,
                        "ai": YES if is_ai else NO,
                        "strategic": YES if program_tags & STRATEGIC_TAGS else NO,
                        "designation": YES if program.program_type == ProgramType.DESIGNATION else NO,
                        "company": str(company.pk),
                        "call": str(call.pk),
                    },
                )
            )
    return rows, unscored


def scenario_problem_build(scenario: SelectionScenario, rows: list[CandidateRow] | None = None) -> SelectionProblem:
    """The engine's problem for ``scenario``: one candidate per scored reviewed application (id: the
    application's id), the constraints of its settings, the committee's overrides and the lottery."""
    if rows is None:
        rows, _unscored = scenario_candidates(scenario)
    data = ScenarioSettings.from_json(scenario.settings)
    candidates = [
        Candidate(
            id=str(row.application.pk),
            value=row.value,
            costs={COST: float(row.application.requested_amount_krw)},
            attributes=row.attributes,
            spread=row.spread,
        )
        for row in rows
    ]
    constraints = [Constraint(name=words.BUDGET, type=ConstraintType.SUM, cost=COST, max=float(data.budget_krw))]
    if data.ai_share_percent is not None:
        constraints.append(
            Constraint(
                name=words.AI_SHARE,
                type=ConstraintType.SHARE,
                cost=COST,
                where={"ai": (YES,)},
                min=data.ai_share_percent / 100,
            )
        )
    if data.strategic_share_percent is not None:
        constraints.append(
            Constraint(
                name=words.STRATEGIC_SHARE,
                type=ConstraintType.SHARE,
                cost=COST,
                where={"strategic": (YES,)},
                min=data.strategic_share_percent / 100,
            )
        )
    for code, amount in sorted(data.regional_minimums_krw.items()):
        if amount > 0:
            constraints.append(
                Constraint(
                    name=f"{words.REGION_MINIMUM}{code}",
                    type=ConstraintType.SUM,
                    cost=COST,
                    where={"region": (code,)},
                    min=float(amount),
                )
            )
    for code, amount in sorted(data.sector_maximums_krw.items()):
        constraints.append(
            Constraint(
                name=f"{words.SECTOR_MAXIMUM}{code}",
                type=ConstraintType.SUM,
                cost=COST,
                where={"sector": (code,)},
                max=float(amount),
            )
        )
    if data.designation_count is not None:
        constraints.append(
            Constraint(
                name=words.DESIGNATIONS,
                type=ConstraintType.COUNT,
                where={"designation": (YES,)},
                min=float(data.designation_count),
                max=float(data.designation_count),
            )
        )
    if data.company_cap_krw is not None and rows:
        company_ids = {row.application.company_id for row in rows}
        existing = {
            str(company_id): float(total)
            for company_id, total in CompanyExposure.objects.filter(
                company_id__in=company_ids, total_krw__gt=0
            ).values_list("company_id", "total_krw")
        }
        constraints.append(
            Constraint(
                name=words.COMPANY_CAP,
                type=ConstraintType.GROUP_SUM,
                cost=COST,
                group_by="company",
                max=float(data.company_cap_krw),
                existing=dict(sorted(existing.items())),
            )
        )
    candidate_ids = {candidate.id for candidate in candidates}
    overrides = [
        Override(id=str(item["application"]), decision=Decision(item["decision"]), reason=item["reason"])
        for item in scenario.overrides
        if str(item["application"]) in candidate_ids
    ]
    return SelectionProblem(
        candidates=candidates,
        constraints=constraints,
        overrides=overrides,
        seed=data.seed,
        lottery=Lottery(tie_band=data.tie_band) if data.use_lottery else None,
        sensitivity=SensitivitySettings(constraint=words.BUDGET),
    )


# --- Run ---------------------------------------------------------------------------------------


class ScenarioRunError(Exception):
    """The scenario cannot be run; the message is for the user."""


def scenario_run_enqueue(*, user: Any, scenario: SelectionScenario) -> Job:
    """Queue ``scenario_run`` in the background; the returned job shows its progress."""
    from foster.selection.tasks import scenario_run_task

    _check_may_manage(user, scenario.call)
    with transaction.atomic():
        locked = SelectionScenario.objects.select_for_update().get(pk=scenario.pk)
        _check_editable(locked)
        job = job_create(kind="selection.run", owner=user, total=4, message=_("Waiting to start"))
        locked.job = job
        locked.status = ScenarioStatus.QUEUED
        locked.save(update_fields=["job", "status", "updated_at"])
        job_enqueue(scenario_run_task, job, scenario_id=scenario.pk, user_id=user.pk)
    return job


def scenario_run(*, user: Any, scenario: SelectionScenario, progress: Progress | None = None) -> SelectionScenario:
    """Build the problem, solve it and store the problem file, the result file, status, objective,
    bound and gap on the scenario. ``ScenarioRunError`` (and a failed scenario) when there is
    nothing to select from or the problem has mistakes; an infeasible problem is a result too (its
    conflict names the constraints)."""
    _check_may_manage(user, scenario.call)
    report = progress or (lambda done, total, message: None)
    report(0, 4, _("Reading the reviewed applications"))
    scenario = SelectionScenario.objects.select_related("call__program").get(pk=scenario.pk)
    if (
        scenario.status == ScenarioStatus.COMMITTED
        or SelectionScenario.objects.filter(call_id=scenario.call_id, status=ScenarioStatus.COMMITTED)
        .exclude(pk=scenario.pk)
        .exists()
    ):
        raise ScenarioRunError(_("A scenario of this call was committed; nothing was run."))
    rows, _unscored = scenario_candidates(scenario)
    if not rows:
        _mark_failed(scenario)
        raise ScenarioRunError(_("There are no reviewed applications with scores to select from."))
    problem = scenario_problem_build(scenario, rows)
    errors = problem_errors(problem)
    if errors:
        _mark_failed(scenario)
        raise ScenarioRunError("; ".join(errors))
    report(1, 4, _("Finding the best portfolio"))
    result = solve_selection(problem, time_limit=TIME_LIMIT_SECONDS, gap=0.0, near_line=NEAR_LINE)
    report(3, 4, _("Saving the result"))
    with transaction.atomic():
        locked = SelectionScenario.objects.select_for_update().get(pk=scenario.pk)
        if locked.status == ScenarioStatus.COMMITTED:
            raise ScenarioRunError(_("A scenario of this call was committed; nothing was run."))
        locked.problem = problem_to_json(problem)
        locked.result = result_to_json(result)
        locked.solve_status = str(result.status)
        locked.objective, locked.bound, locked.gap = result.objective, result.bound, result.gap
        locked.status = ScenarioStatus.SOLVED
        locked.save(
            update_fields=["problem", "result", "solve_status", "objective", "bound", "gap", "status", "updated_at"]
        )
        audit_event_record(
            actor=user,
            action="selection.run",
            target=locked,
            changes={
                "status": locked.solve_status,
                "objective": result.objective,
                "bound": result.bound,
                "selected": len(result.selected),
                "candidates": len(rows),
            },
        )
    report(4, 4, _("The selection is done."))
    return locked


def _mark_failed(scenario: SelectionScenario) -> None:
    SelectionScenario.objects.filter(pk=scenario.pk).exclude(status=ScenarioStatus.COMMITTED).update(
        status=ScenarioStatus.FAILED
    )


# --- Commit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitSummary:
    selected: list[int]
    reserve: list[int]
    rejected: list[int]


def commit_plan(scenario: SelectionScenario) -> CommitSummary:
    """Which applications a commit of the solved ``scenario`` moves where: selected as solved; the
    next ``reserve_count`` not selected by score (not those the committee locked out) to the
    reserve list; the rest rejected."""
    problem, result = scenario.problem or {}, scenario.result or {}
    values = {item["id"]: float(item["value"]) for item in problem.get("candidates", [])}
    selected = set(result.get("selected", []))
    locked_out = {item["id"] for item in problem.get("overrides", []) if item.get("decision") == Decision.OUT}
    waiting = sorted(
        (identifier for identifier in values if identifier not in selected and identifier not in locked_out),
        key=lambda identifier: (-values[identifier], int(identifier)),
    )
    count = int(ScenarioSettings.from_json(scenario.settings).reserve_count)
    reserve = waiting[:count]
    rejected = sorted(set(values) - selected - set(reserve), key=int)
    return CommitSummary(
        selected=sorted(int(identifier) for identifier in selected),
        reserve=[int(identifier) for identifier in reserve],
        rejected=[int(identifier) for identifier in rejected],
    )


def scenario_commit(*, user: Any, scenario: SelectionScenario) -> CommitSummary:
    """Carry out ``scenario``: in one transaction every candidate application moves through the
    workflow service to selected, reserve or rejected, with its explanation as the reason (in the
    platform's language); the applicants are told through the workflow's decision notification
    (if the call sends it). Refused if the scenario is not solved with a portfolio, was committed,
    or another scenario of the call was; if any application cannot move (its status changed since
    the run), nothing changes. Locks the scenario row and each application row."""
    _check_may_manage(user, scenario.call)
    for call in scenario_calls(scenario):
        _check_may_manage(user, call)
    try:
        with transaction.atomic():
            locked = (
                SelectionScenario.objects.select_for_update(of=("self",))
                .select_related("call__program")
                .get(pk=scenario.pk)
            )
            if locked.status == ScenarioStatus.COMMITTED:
                raise ValidationError(_("This scenario was committed already."), code="committed")
            if SelectionScenario.objects.filter(call_id=locked.call_id, status=ScenarioStatus.COMMITTED).exists():
                raise ValidationError(_("Another scenario of this call was committed."), code="read_only")
            if locked.status != ScenarioStatus.SOLVED or not locked.result or locked.objective is None:
                raise ValidationError(_("Run the scenario and get a portfolio before committing it."), code="unsolved")
            plan = commit_plan(locked)
            explanations = locked.result.get("explanations", {})
            ids = [*plan.selected, *plan.reserve, *plan.rejected]
            applications = Application.objects.select_related("company").in_bulk(ids)
            moved = [
                application_id
                for application_id in ids
                if application_id not in applications
                or applications[application_id].status != ApplicationStatus.REVIEWED
            ]
            if moved:
                raise ValidationError(
                    _("Applications %(ids)s are no longer waiting for a decision; run the scenario again.")
                    % {"ids": ", ".join(f"#{item}" for item in moved[:20])},
                    code="stale",
                )
            with translation.override(django_settings.LANGUAGE_CODE):
                steps = [("select", plan.selected), ("reserve", plan.reserve), ("reject", plan.rejected)]
                for transition, group in steps:
                    for application_id in group:
                        item = explanations.get(str(application_id), {})
                        reason = words.explanation_sentence(item)
                        if transition == "reserve":
                            reason = _("Reserve list. %(reason)s") % {"reason": reason}
                        application_transition(
                            user=user,
                            application=applications[application_id],
                            transition=transition,
                            reason=reason,
                        )
            locked.status = ScenarioStatus.COMMITTED
            locked.committed_by = user
            locked.committed_at = timezone.now()
            locked.save(update_fields=["status", "committed_by", "committed_at", "updated_at"])
            audit_event_record(
                actor=user,
                action="selection.commit",
                target=locked,
                changes={
                    "selected": plan.selected,
                    "reserve": plan.reserve,
                    "rejected": plan.rejected,
                    "objective": locked.objective,
                },
            )
    except IntegrityError:
        raise ValidationError(_("Another scenario of this call was committed."), code="read_only") from None
    return plan
