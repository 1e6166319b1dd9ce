"""Who may see what, and who may do what: the scope table of CONTRACT.md, written once.

A `Scope` is made from a user once per request (or socket) and answers every scope question of
every app: which grids and streets (or the whole zone), the filter over rows placed by
`street_id` and `grid_id` (cases, hazard sites, housing projects, events), whether a reporter or
petitioner may be named, the Channels groups a socket joins, and which role may do what
(statistics, hazard sites, housing progress, original photos). Apps ask it; none restates it.

The rule: an admin sees everything; a supervisor their streets, and the whole zone when given
none; a worker their grids (the current ones, not those a re-gridding retired), and the rows
that name them as assignee or reporter wherever those lie; a resident only their own rows.

The facts (streets, grids, the petition permission) are read at first need, in one hand-written
query and only those the role uses: none for a resident, and a socket opening in a burst of a
thousand pays for no ORM query building and no permission backend. A socket calls `loaded()`
so that nothing is read later from async code.
"""

from dataclasses import dataclass
from functools import cache, cached_property

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q

from .models import STAFF_ROLES, Role, User

PETITIONER_PERMISSION = ("incidents", "view_petitioner")
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


@dataclass(frozen=True)
class Facts:
    """What a scope is made of, as stored: a supervisor's streets, a worker's current grids (and
    the streets they lie in), and whether the user holds the petition permission."""

    street_ids: frozenset[int] = frozenset()
    grid_ids: frozenset[int] = frozenset()
    grid_street_ids: frozenset[int] = frozenset()
    holds_petition_permission: bool = False


@cache
def _fact_sql() -> dict[str, str]:
    """Per kind of fact, a SELECT of rows (kind, id, street id), to be joined by UNION ALL."""
    user_grids = User.grids.through._meta.db_table
    grids = User.grids.field.related_model._meta.db_table
    user_streets = User.streets.through._meta.db_table
    user_permissions = User.user_permissions.through._meta.db_table
    user_groups = User.groups.through._meta.db_table
    group_permissions = Group.permissions.through._meta.db_table
    return {
        # Current grids only, as `Grid.objects` (and so `user.grids`) has them.
        "grid": (
            f"SELECT 'grid', g.id, g.street_id FROM {user_grids} ug "
            f"JOIN {grids} g ON g.id = ug.grid_id "
            "WHERE ug.user_id = %s AND g.retired_in_id IS NULL"
        ),
        "street": (
            f"SELECT 'street', us.street_id, CAST(NULL AS INTEGER) FROM {user_streets} us "
            "WHERE us.user_id = %s"
        ),
        # Granted as Django's ModelBackend (our only backend) grants it: to the user, or to a
        # group of theirs.
        "permission": (
            f"SELECT 'permission', p.id, CAST(NULL AS INTEGER) FROM {Permission._meta.db_table} p "
            f"JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id "
            "WHERE ct.app_label = %s AND p.codename = %s AND ("
            f"p.id IN (SELECT up.permission_id FROM {user_permissions} up WHERE up.user_id = %s) "
            f"OR p.id IN (SELECT gp.permission_id FROM {group_permissions} gp "
            f"JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s))"
        ),
    }


def _fact_params(kind: str, user_id: int) -> list:
    if kind == "permission":
        return [*PETITIONER_PERMISSION, user_id, user_id]
    return [user_id]


def _facts_read(user: User, role: str) -> Facts:
    """The facts `role` uses, in one query; none for a resident or a superuser admin."""
    kinds = []
    if role == Role.WORKER:
        kinds.append("grid")
    if role == Role.SUPERVISOR:
        kinds.append("street")
    # As `user.has_perm` answers: never for an inactive user, always for an active superuser
    # (without asking the database), else as granted. Only supervisors and admins use it.
    superuser_holds = user.is_active and user.is_superuser
    if role in (Role.SUPERVISOR, Role.ADMIN) and user.is_active and not user.is_superuser:
        kinds.append("permission")
    if not kinds:
        return Facts(holds_petition_permission=superuser_holds)
    sql = " UNION ALL ".join(_fact_sql()[kind] for kind in kinds)
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for kind in kinds for param in _fact_params(kind, user.pk)])
        rows = cursor.fetchall()
    return Facts(
        street_ids=frozenset(pk for kind, pk, _ in rows if kind == "street"),
        grid_ids=frozenset(pk for kind, pk, _ in rows if kind == "grid"),
        grid_street_ids=frozenset(street for kind, _, street in rows if kind == "grid"),
        holds_petition_permission=superuser_holds or any(kind == "permission" for kind, *_ in rows),
    )


class Scope:
    """What one user may see and do; see the module docstring for the rule."""

    def __init__(self, user: User, *, role: str | None = None) -> None:
        # `role` overrides the user's: whoever reaches the Django admin is taken as an admin.
        self._user = user
        self.user_id: int = user.pk
        self.role: str = role or user.role

    def __repr__(self) -> str:
        return f"Scope(user_id={self.user_id}, role={self.role})"

    # The facts ----------------------------------------------------------------------------

    @cached_property
    def _facts(self) -> Facts:
        return _facts_read(self._user, self.role)

    @property
    def street_ids(self) -> frozenset[int]:
        """A supervisor's streets (empty: the whole zone); nobody else's scope is streets."""
        return self._facts.street_ids

    @property
    def grid_ids(self) -> frozenset[int]:
        """A worker's current grids; nobody else's scope is grids."""
        return self._facts.grid_ids

    @property
    def grid_street_ids(self) -> frozenset[int]:
        """The streets a worker's grids lie in."""
        return self._facts.grid_street_ids

    @property
    def whole_zone(self) -> bool:
        """An admin, or a supervisor given no streets."""
        return self.role == Role.ADMIN or (self.role == Role.SUPERVISOR and not self.street_ids)

    @property
    def sees_petitioners(self) -> bool:
        return self.is_supervisor and self._facts.holds_petition_permission

    def loaded(self) -> "Scope":
        """This scope with every fact read now (for sockets: async code must not query)."""
        self._facts  # noqa: B018
        return self

    # Who they are ---------------------------------------------------------------------------

    @property
    def is_resident(self) -> bool:
        return self.role == Role.RESIDENT

    @property
    def is_staff(self) -> bool:
        """A worker, a supervisor or an admin: whoever works cases rather than reports them."""
        return self.role in STAFF_ROLES

    @property
    def is_supervisor(self) -> bool:
        """A supervisor or an admin: who accepts, dispatches and sees reporters."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    # What they may do -----------------------------------------------------------------------

    @property
    def may_see_statistics(self) -> bool:
        """Statistics are a staff tool; a resident's own reports are already in their list."""
        return self.is_staff

    @property
    def counted_from_rollups(self) -> bool:
        """The scope is whole streets (or the zone) and nothing else, as the per-street rollups
        count them; a worker's also holds the cases that name them, wherever those lie."""
        return self.is_supervisor

    @property
    def may_print_map_report(self) -> bool:
        """The people who take a map to a meeting."""
        return self.is_supervisor

    @property
    def may_manage_hazard_sites(self) -> bool:
        """List, read and register hazard sites: grid workers and supervisors follow them."""
        return self.is_staff

    @property
    def sees_grid_workers(self) -> bool:
        """Who patrols a grid is told to staff, not to residents or anonymous readers."""
        return self.is_staff

    @property
    def sees_original_photos(self) -> bool:
        """Supervisors get photos as taken, EXIF included; everyone else the stripped copy."""
        return self.is_supervisor

    @property
    def follows_housing(self) -> bool:
        """Sees any housing project's figures: residents do not, as risk and funding of a
        developer are not told to buyers through the app."""
        return self.is_staff

    @property
    def may_register_housing_projects(self) -> bool:
        """Supervisors and admins; a street supervisor only in their streets (`supervises`)."""
        return self.is_supervisor

    @property
    def may_see_housing_summary(self) -> bool:
        """The summary of the projects a supervisor answers for, taken to a meeting."""
        return self.is_supervisor

    def may_record_progress(
        self, *, street_id: int | None, responsible_officer_id: int | None
    ) -> bool:
        """Progress of a housing project (records, photos) is reported by the supervisors of its
        street (or zone), admins, and its responsible officer."""
        if self.is_staff and responsible_officer_id == self.user_id:
            return True
        return self.supervises(street_id)

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
