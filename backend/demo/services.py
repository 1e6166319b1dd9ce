"""The demo zone and its accounts: fictional ground on a real outline, for trying gridgov.

Everything here exists only in demo data; a production install never runs it.
"""

from dataclasses import dataclass

from django.db import transaction

from backend.accounts.models import Role, User
from backend.boundaries.models import Grid, Street
from backend.boundaries.services import grids_import, streets_import
from gis.demo import DemoZone, build_demo_zone

DEMO_PASSWORD = "gridgov-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope: str


@transaction.atomic
def demo_zone_load() -> DemoZone:
    """Load (or refresh) the demo streets and grids."""
    zone = build_demo_zone()
    streets_import(boundaries=zone.streets, households_field="households")
    grids_import(boundaries=zone.grids)
    return zone


@transaction.atomic
def demo_accounts_create() -> list[DemoAccount]:
    """The accounts CONTRACT.md promises, with the password `gridgov-demo`.

    `worker` and `worker2` patrol different grids of the same (first) street, none shared.
    """
    first_street = Street.objects.order_by("code").first()
    street_grids = list(Grid.objects.filter(street=first_street).order_by("code")[:4])
    accounts = [
        ("admin", Role.ADMIN, "系统管理员", [], True),
        ("supervisor", Role.SUPERVISOR, "指挥中心值班员", [], False),
        ("worker", Role.WORKER, "网格员 张敏", street_grids[:2], False),
        ("worker2", Role.WORKER, "网格员 李强", street_grids[2:4], False),
        ("resident", Role.RESIDENT, "居民 王芳", [], False),
    ]
    created = []
    for username, role, display_name, grids, superuser in accounts:
        user, _ = User.objects.get_or_create(username=username)
        user.role = role
        user.display_name = display_name
        user.is_superuser = superuser
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.grids.set(grids)
        user.streets.clear()
        created.append(DemoAccount(username=username, role=role, scope=_scope_text(role, grids)))
    return created


@transaction.atomic
def demo_people_create() -> int:
    """Workers for the grids that `worker` and `worker2` do not patrol, and a few residents,
    so every demo case can be reported and dispatched; they cannot sign in."""
    created = 0
    for grid in Grid.objects.filter(workers__isnull=True).order_by("code"):
        user, new = User.objects.get_or_create(
            username=f"gw{grid.code}",
            defaults={"role": Role.WORKER, "display_name": f"{grid.name}网格员"},
        )
        if new:
            user.set_unusable_password()
            user.save()
            created += 1
        user.grids.add(grid)
    for number, name in enumerate(["赵丽", "孙伟", "周静", "吴磊", "郑洁"], start=1):
        user, new = User.objects.get_or_create(
            username=f"resident{number:02d}",
            defaults={"role": Role.RESIDENT, "display_name": f"居民 {name}"},
        )
        if new:
            user.set_unusable_password()
            user.save()
            created += 1
    return created


def _scope_text(role: str, grids: list[Grid]) -> str:
    if grids:
        return "grids " + ", ".join(grid.code for grid in grids)
    return {Role.RESIDENT: "own reports", Role.ADMIN: "everything"}.get(role, "whole zone")
