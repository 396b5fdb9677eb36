"""Every permission question, answered once. Views, API, exports and CLI ask here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from .models import Agency, Membership


def membership_of(user: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def agency_of(user: Any) -> Agency | None:
    membership = membership_of(user)
    return membership.agency if membership else None


def employee_of(user: Any) -> Any:
    """The Employee record linked to this user, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.employee
    except ObjectDoesNotExist:  # RelatedObjectDoesNotExist of organisation.Employee
        # Only "no employee": a lost database must stay an error (a 503), not become a 404.
        return None


def _has_role(user: Any, agency: Agency | None, *roles: str) -> bool:
    membership = membership_of(user)
    return (
        membership is not None
        and agency is not None
        and membership.agency_id == agency.pk
        and membership.role in roles
    )


def is_member(user: Any, agency: Agency | None) -> bool:
    return _has_role(user, agency, *Membership.Role.values)


def can_manage_organisation(user: Any, agency: Agency | None) -> bool:
    """Units, positions, employees, imports: the HR admin only."""
    return _has_role(user, agency, Membership.Role.ADMIN)


def can_manage_framework(user: Any, agency: Agency | None) -> bool:
    """Teknis competencies and position standards: the HR admin only."""
    return _has_role(user, agency, Membership.Role.ADMIN)


def can_manage_tokens(user: Any, agency: Agency | None) -> bool:
    return _has_role(user, agency, Membership.Role.ADMIN)


def can_view_audit(user: Any, agency: Agency | None) -> bool:
    return _has_role(user, agency, Membership.Role.ADMIN)


def can_manage_lockouts(user: Any, agency: Agency | None) -> bool:
    """See the agency's accounts locked after failed sign-ins and unlock them: the HR admin."""
    return _has_role(user, agency, Membership.Role.ADMIN)


def token_allows_method(token: Any, method: str) -> bool:
    """A read-only ("baca") token may only read: GET, HEAD, OPTIONS."""
    return not token.is_read_only or method.upper() in ("GET", "HEAD", "OPTIONS")


def can_view_all_employees(user: Any, agency: Agency | None) -> bool:
    """The whole agency's people: the HR admin and the leadership."""
    return _has_role(user, agency, Membership.Role.ADMIN, Membership.Role.LEADER)


def can_view_organisation(user: Any, agency: Agency | None) -> bool:
    """Units, positions, the framework and standards are open to every member of the agency."""
    return is_member(user, agency)


def can_view_employee(user: Any, employee: Any) -> bool:
    """Self, anyone above them in the supervisor chain, or the agency's admins and leaders."""
    agency = agency_of(user)
    if agency is None or employee.agency_id != agency.pk:
        return False
    if can_view_all_employees(user, agency):
        return True
    me = employee_of(user)
    if me is None:
        return False
    if me.pk == employee.pk:
        return True
    return is_in_supervisor_chain(supervisor=me, employee=employee)


def is_in_supervisor_chain(*, supervisor: Any, employee: Any, max_depth: int = 20) -> bool:
    current, depth = employee, 0
    seen: set[int] = set()
    while current.supervisor_id and depth < max_depth and current.pk not in seen:
        if current.supervisor_id == supervisor.pk:
            return True
        seen.add(current.pk)
        current = current.supervisor
        depth += 1
    return False


def can_manage_cycles(user: Any, agency: Agency | None) -> bool:
    """Create and run assessment cycles, assign raters, import hasil kerja: the HR admin."""
    return _has_role(user, agency, Membership.Role.ADMIN)


def can_view_cycle_progress(user: Any, agency: Agency | None) -> bool:
    """Completion (never answers) of the whole agency: the HR admin and the leadership.
    Supervisors see their own team's completion through their team pages."""
    return _has_role(user, agency, Membership.Role.ADMIN, Membership.Role.LEADER)


def can_fill_assignment(user: Any, assignment: Any) -> bool:
    """Only the rater fills (or even sees) a form; nobody else, whatever their role."""
    me = employee_of(user)
    return me is not None and assignment.rater_id == me.pk and assignment.agency_id == me.agency_id


def can_rate_work_result(user: Any, employee: Any) -> bool:
    """Rating hasil kerja: the direct supervisor, or the agency's HR admin."""
    me = employee_of(user)
    if me is not None and employee.supervisor_id == me.pk and employee.agency_id == me.agency_id:
        return True
    agency = agency_of(user)
    return (
        agency is not None
        and employee.agency_id == agency.pk
        and _has_role(user, agency, Membership.Role.ADMIN)
    )


def can_manage_results(user: Any, agency: Agency | None) -> bool:
    """Compute and finalise results, switch rater correction, set predikat organisasi: HR admin."""
    return _has_role(user, agency, Membership.Role.ADMIN)


def can_manage_jobs(user: Any, agency: Agency | None) -> bool:
    """See the agency's background jobs, their progress and outcome; cancel a queued one."""
    return _has_role(user, agency, Membership.Role.ADMIN)


def can_view_job(user: Any, job: Any) -> bool:
    """One job's progress and its output file: the agency's HR admin, and whoever started it (a
    supervisor's team export, say)."""
    if can_manage_jobs(user, job.agency):
        return True
    return bool(
        is_member(user, job.agency)
        and getattr(user, "is_authenticated", False)
        and job.started_by_id == user.pk
    )


def can_view_agency_results(user: Any, agency: Agency | None) -> bool:
    """Heatmaps, distribution, calibration, flagged items and exports: HR admin and leadership."""
    return _has_role(user, agency, Membership.Role.ADMIN, Membership.Role.LEADER)


def can_view_result(user: Any, employee: Any, *, final: bool) -> bool:
    """One employee's results: the agency's admins and leaders, and anyone above the employee in
    the supervisor chain, from computation on; the employee themself once the cycle is final."""
    if not can_view_employee(user, employee):
        return False
    me = employee_of(user)
    if (
        me is not None
        and me.pk == employee.pk
        and not can_view_all_employees(user, employee.agency)
    ):
        return final
    return True


def can_decide_perilaku(user: Any, employee: Any) -> bool:
    """Confirm or change the suggested rating perilaku: the direct supervisor, or the HR admin."""
    return can_rate_work_result(user, employee)


# --- development and talent (issue 5; added with the talent pages and the development API) ------


def can_view_talent(user: Any, agency: Agency | None) -> bool:
    """The 9-box board, the succession pool and the promotion candidates: HR admin and leadership."""
    return _has_role(user, agency, Membership.Role.ADMIN, Membership.Role.LEADER)


# can_manage_catalog, can_view_plan(user, plan) and can_decide_plan(user, plan): see the
# competency development block below (they take the plan, not the employee).


# --- competency development (issue 5: catalog, plans, realisations, needs analysis) -----------


def can_manage_catalog(user: Any, agency: Agency | None) -> bool:
    """Create, change, delete and import catalog items: the HR admin. Every member may browse."""
    return _has_role(user, agency, Membership.Role.ADMIN)


def can_view_development_needs(user: Any, agency: Agency | None) -> bool:
    """The agency's training-needs analysis and its export: HR admin and leadership."""
    return _has_role(user, agency, Membership.Role.ADMIN, Membership.Role.LEADER)


def can_view_plan(user: Any, plan: Any) -> bool:
    """A development plan (and its evidence files): the employee, anyone above them in the
    supervisor chain, and the agency's admins and leaders."""
    return can_view_employee(user, plan.employee)


def can_edit_plan(user: Any, plan: Any) -> bool:
    """Add or remove items, submit, record realisations: the employee themself."""
    me = employee_of(user)
    return me is not None and plan.employee_id == me.pk and plan.agency_id == me.agency_id


def can_decide_plan(user: Any, plan: Any) -> bool:
    """Approve or return a submitted plan: the direct supervisor, or the HR admin; never one's
    own plan."""
    me = employee_of(user)
    if me is not None and plan.employee_id == me.pk:
        return False
    return can_rate_work_result(user, plan.employee)


# --- dialog kinerja and the acceptance survey (issue 12) ----------------------------------------


def _role_in(user: Any, agency_id: int | None, *roles: str) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.agency_id == agency_id and membership.role in roles


def can_hold_dialogue(user: Any, employee: Any) -> bool:
    """Schedule and record a dialog kinerja with an employee: their direct supervisor only."""
    me = employee_of(user)
    return me is not None and employee.supervisor_id == me.pk and employee.agency_id == me.agency_id


def can_view_dialogue(user: Any, dialogue: Any, *, content_visible: bool) -> bool:
    """A dialogue's content: the employee, the supervisor who held it and the current direct
    supervisor; the HR admin and leadership only when the cycle's setting "isi terlihat" is on.
    Everyone else (another employee, another agency): not found."""
    me = employee_of(user)
    if me is not None and me.agency_id == dialogue.agency_id:
        if me.pk in (dialogue.employee_id, dialogue.supervisor_id):
            return True
        if can_hold_dialogue(user, dialogue.employee):
            return True
    return content_visible and _role_in(
        user, dialogue.agency_id, Membership.Role.ADMIN, Membership.Role.LEADER
    )


def can_answer_dialogue(user: Any, dialogue: Any) -> bool:
    """Confirm the record or add a comment: the employee themself."""
    me = employee_of(user)
    return me is not None and me.pk == dialogue.employee_id and me.agency_id == dialogue.agency_id


def can_view_dialogue_counts(user: Any, agency: Agency | None) -> bool:
    """Completion counts per unit (never the content): the HR admin and leadership."""
    return _has_role(user, agency, Membership.Role.ADMIN, Membership.Role.LEADER)


def can_manage_dialogue_settings(user: Any, agency: Agency | None) -> bool:
    """The per-cycle setting "content visible to HR and leadership": the HR admin."""
    return _has_role(user, agency, Membership.Role.ADMIN)


def can_take_survey(user: Any, agency: Agency | None) -> bool:
    """Answer an acceptance survey: a member with an employee record in the agency (whether
    they take part in the cycle is the survey's own rule)."""
    me = employee_of(user)
    return (
        is_member(user, agency)
        and me is not None
        and agency is not None
        and (me.agency_id == agency.pk)
    )


def can_manage_survey(user: Any, agency: Agency | None) -> bool:
    """Edit a cycle's survey questions and close it: the HR admin."""
    return _has_role(user, agency, Membership.Role.ADMIN)


def can_view_survey_results(user: Any, agency: Agency | None) -> bool:
    """The survey's pooled figures per unit (never a person's): the HR admin and leadership."""
    return _has_role(user, agency, Membership.Role.ADMIN, Membership.Role.LEADER)


# --- keberatan (issue 12: objections against a result) ------------------------------------------


def can_file_objection(user: Any, employee: Any, *, released: bool, window_open: bool) -> bool:
    """File an objection against a result: the employee themself, once the result reached them
    (final) and while the window is open (kinerja/objections/selectors.py filing_window)."""
    me = employee_of(user)
    return (
        me is not None
        and me.pk == employee.pk
        and me.agency_id == employee.agency_id
        and released
        and window_open
    )


def can_manage_objections(user: Any, agency: Agency | None) -> bool:
    """Every objection of the agency, their export, settings and the reassignment: the HR admin."""
    return _has_role(user, agency, Membership.Role.ADMIN)


def can_review_objection(user: Any, objection: Any) -> bool:
    """Ask for explanations and decide: the atasan pejabat penilai assigned to the objection."""
    me = employee_of(user)
    return (
        me is not None
        and objection.official_id == me.pk
        and objection.agency_id == me.agency_id
        and objection.employee_id != me.pk
    )


def objection_view_scope(user: Any, objection: Any) -> str | None:
    """What of an objection the user sees: "full" (the employee, the assigned official, the HR
    admin), "addressed" (the supervisor asked for an explanation: only those requests and their
    answers), or None (not found)."""
    if can_manage_objections(user, objection.agency):
        return "full"
    me = employee_of(user)
    if me is None or me.agency_id != objection.agency_id:
        return None
    if me.pk in (objection.employee_id, objection.official_id):
        return "full"
    if objection.messages.filter(recipient_id=me.pk).exists():
        return "addressed"
    return None


def can_view_objection(user: Any, objection: Any) -> bool:
    """The employee, the assigned official, the HR admin; the supervisor only the parts
    addressed to them (objection_view_scope)."""
    return objection_view_scope(user, objection) is not None


# --- printed reports (issue 12: PDF reports; kinerja/reports) ----------------------------------
# One employee's PDF follows can_view_result exactly; the talent PDFs follow can_view_talent.


def can_print_results_batch(user: Any, agency: Agency | None) -> bool:
    """A ZIP of the PDF reports of a whole unit or of the agency: HR admin and leadership (who
    may already open every employee's result page)."""
    return _has_role(user, agency, Membership.Role.ADMIN, Membership.Role.LEADER)


def can_print_team_reports(user: Any, employee: Any) -> bool:
    """A ZIP of the PDF reports of one's direct reports: that supervisor."""
    me = employee_of(user)
    return me is not None and employee is not None and me.pk == employee.pk
