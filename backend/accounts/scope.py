"""Who may see what: the scope table of CONTRACT.md, written once.

A `Scope` is made from a user once per request (or socket) and answers every scope question of
every app: which grids and streets (or the whole zone), the filter over rows placed by
`street_id` and `grid_id` (cases, hazard sites, housing projects, events), whether a reporter or
petitioner may be named, and the Channels groups a socket joins. Apps ask it; none restates it.

The rule: an admin sees everything; a supervisor their streets, and the whole zone when given
none; a worker their grids (the current ones: `user.grids` goes through `Grid.objects`), and the
rows that name them as assignee or reporter wherever those lie; a resident only their own rows.

The facts are read lazily, each at most once per `Scope`: masking a reporter row by row needs
only the role and the permission, never the grids. A socket calls `loaded()` so that nothing is
read later from async code.
"""

from functools import cached_property

from django.db.models import Q

from .models import Role, User

PETITIONER_PERMISSION = "incidents.view_petitioner"
# A filter no row passes.
NOTHING = Q(pk__in=[])

ZONE_GROUP = "zone"
# Where `scope_of` keeps a user's scope on the user object.
SCOPE_ATTRIBUTE = "_gridgov_scope"


def grid_group(grid_id: int) -> str:
    return f"grid-{grid_id}"


def street_group(street_id: int) -> str:
    return f"street-{street_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


class Scope:
    """What one user may see; see the module docstring for the rule."""

    def __init__(self, user: User, *, role: str | None = None) -> None:
        # `role` overrides the user's: whoever reaches the Django admin is taken as an admin.
        self._user = user
        self.user_id: int = user.pk
        self.role: str = role or user.role

    def __repr__(self) -> str:
        return f"Scope(user_id={self.user_id}, role={self.role})"

    # The facts ----------------------------------------------------------------------------

    @cached_property
    def street_ids(self) -> frozenset[int]:
        """A supervisor's streets (empty: the whole zone); nobody else's scope is streets."""
        if self.role != Role.SUPERVISOR:
            return frozenset()
        # `User.street_ids` is cached on the user, which other reads of the request share.
        return frozenset(self._user.street_ids)

    @cached_property
    def _worker_grids(self) -> tuple[frozenset[int], frozenset[int]]:
        if self.role != Role.WORKER:
            return frozenset(), frozenset()
        rows = list(self._user.grids.values_list("pk", "street_id"))
        return frozenset(pk for pk, _ in rows), frozenset(street for _, street in rows)

    @property
    def grid_ids(self) -> frozenset[int]:
        """A worker's current grids; nobody else's scope is grids."""
        return self._worker_grids[0]

    @property
    def grid_street_ids(self) -> frozenset[int]:
        """The streets a worker's grids lie in."""
        return self._worker_grids[1]

    @property
    def whole_zone(self) -> bool:
        """An admin, or a supervisor given no streets."""
        return self.role == Role.ADMIN or (self.role == Role.SUPERVISOR and not self.street_ids)

    @property
    def is_supervisor(self) -> bool:
        """A supervisor or an admin: who accepts, dispatches and sees reporters."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @cached_property
    def sees_petitioners(self) -> bool:
        return self.is_supervisor and self._user.has_perm(PETITIONER_PERMISSION)

    def loaded(self) -> "Scope":
        """This scope with every fact read now (for sockets: async code must not query)."""
        self.street_ids, self._worker_grids, self.sees_petitioners  # noqa: B018
        return self

    # The questions -------------------------------------------------------------------------

    def supervises(self, street_id: int | None) -> bool:
        """The user supervises a row in `street_id` (None: outside every street)."""
        if self.role == Role.ADMIN:
            return True
        if self.role != Role.SUPERVISOR:
            return False
        return not self.street_ids or street_id in self.street_ids

    def may_see_reporter(self, *, category: str, reporter_id: int | None) -> bool:
        """Reporters are named only to supervisors; petitioners only to supervisors holding the
        petition permission (信访工作条例: the petitioner must never reach those complained
        about). Everyone sees themself. Every exit (REST, WebSocket, exports) asks this."""
        if reporter_id == self.user_id:
            return True
        if not self.is_supervisor:
            return False
        if category == "petition":
            return self.sees_petitioners
        return True

    # Filters -------------------------------------------------------------------------------

    def rows(self, *, reported_by: str | None = None, assigned_to: str | None = None) -> Q:
        """The filter over rows placed by `street_id` and `grid_id`.

        `reported_by` and `assigned_to` name the fields that make a row a worker's or a
        resident's own wherever it lies; a model without them (a hazard site) leaves them out,
        and is then not anyone's own. A street supervisor's own rows outside their streets are
        not theirs to see: supervisors see places, not people.
        """
        if self.whole_zone:
            return Q()
        if self.role == Role.SUPERVISOR:
            return Q(street_id__in=self.street_ids)
        own = Q(**{reported_by: self.user_id}) if reported_by else NOTHING
        if self.role == Role.WORKER:
            if assigned_to:
                own = Q(**{assigned_to: self.user_id}) | own
            return Q(grid_id__in=self.grid_ids) | own
        return own

    def incidents(self) -> Q:
        """The filter over `Incident` rows: the cases the user sees."""
        return self.rows(reported_by="reporter", assigned_to="assignee")

    def supervised(self) -> Q:
        """The filter over rows placed by `street_id` that the user supervises."""
        if self.whole_zone:
            return Q()
        if self.role == Role.SUPERVISOR:
            return Q(street_id__in=self.street_ids)
        return NOTHING

    def grids(self) -> Q:
        """The filter over `Grid` rows: the grids of the user's scope."""
        if self.role == Role.WORKER:
            return Q(pk__in=self.grid_ids)
        return self.supervised()

    def streets(self) -> Q:
        """The filter over `Street` rows: the streets of the user's scope."""
        if self.role == Role.WORKER:
            return Q(pk__in=self.grid_street_ids)
        if self.whole_zone:
            return Q()
        if self.role == Role.SUPERVISOR:
            return Q(pk__in=self.street_ids)
        return NOTHING

    # Real time -----------------------------------------------------------------------------

    def groups(self) -> set[str]:
        """The Channels groups a socket joins: exactly its scope, and its user's own group."""
        groups = {user_group(self.user_id)}
        if self.whole_zone:
            groups.add(ZONE_GROUP)
        groups |= {street_group(pk) for pk in self.street_ids}
        groups |= {grid_group(pk) for pk in self.grid_ids}
        return groups

    def heard(self, *, own_fields: tuple[str, ...]) -> Q:
        """The filter over events that reach `groups()`: an event is sent to its street's,
        its grid's and its people's groups (`own_fields`), so a socket hears its own events
        wherever they lie, a street supervisor's too."""
        if self.whole_zone:
            return Q()
        heard = NOTHING
        for field in own_fields:
            heard |= Q(**{field: self.user_id})
        if self.street_ids:
            heard |= Q(street_id__in=self.street_ids)
        if self.grid_ids:
            heard |= Q(grid_id__in=self.grid_ids)
        return heard


def scope_of(user: User) -> Scope:
    """The scope of `user`, made once per user object and asked everywhere.

    A request's user object lives for that request alone (the token or the session reads it
    anew), so the scope is read once per request. A socket keeps its scope for its lifetime and
    re-reads it when told of a change (`backend.realtime`); a change of role, or of the user's
    grids or streets through this very object (`forget_scope`), makes a new one.
    """
    # getattr and setattr, not `__dict__`: a session's `request.user` is a lazy proxy.
    scope = getattr(user, SCOPE_ATTRIBUTE, None)
    if scope is None or scope.role != user.role:
        scope = Scope(user)
        setattr(user, SCOPE_ATTRIBUTE, scope)
    return scope


def forget_scope(user: User) -> None:
    """Drop the scope cached on `user`: their grids or streets changed."""
    if hasattr(user, SCOPE_ATTRIBUTE):
        delattr(user, SCOPE_ATTRIBUTE)
