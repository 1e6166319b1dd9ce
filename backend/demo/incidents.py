"""Demo incidents: a few hundred cases over the last 90 days, replayed through the real services.

Each case is filed and moved through the workflow by the people who would do it, at made-up
past moments (`now=`), so that numbers, deadlines, timelines and anything else the services keep
are exactly what real use would have produced. Recent cases stop early in the workflow, so the
demo has open and overdue work; every grid of `worker` and `worker2` gets open cases.
"""

import io
import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from PIL import Image
from shapely.geometry import Point

from backend.accounts.models import Role, User
from backend.boundaries.models import Grid
from backend.boundaries.selectors import area_shape
from backend.core.images import Upload
from backend.incidents.models import HazardSite, Incident, Subcategory
from backend.incidents.services import incident_apply_action, incident_create, photo_add
from backend.incidents.services.actions import ActionRequest
from backend.incidents.services.create import NewIncident

DEMO_NAMESPACE = uuid.UUID("6f1d3c1e-3b5a-4d8e-9a57-2f1c0e9b7d10")
DEMO_DAYS = 90

TITLES = {
    "fire_exit": ["楼道堆放杂物堵塞消防通道", "小区消防通道被私家车占用", "商铺后门安全出口上锁"],
    "gas": ["居民楼内闻到燃气味", "餐馆燃气软管老化", "液化气瓶露天存放"],
    "hazardous_goods": ["仓库违规存放油漆稀料", "民房内存放大量烟花爆竹"],
    "construction_safety": ["工地脚手架无防护网", "基坑边缘未设围挡"],
    "electrical": ["电动车楼道内充电", "配电箱门损坏电线裸露", "飞线充电"],
    "petition_general": ["反映供暖温度不达标", "反映物业收费不合理", "反映征收补偿问题"],
    "petition_joint": ["多户居民联名反映噪音扰民", "联名反映小区停车位分配问题"],
    "delivery_delay": ["楼盘逾期未交房", "购房合同约定交房日期已过"],
    "construction_stalled": ["项目工地长期停工", "在建楼盘塔吊停转数月"],
    "quality_defect": ["新房墙体开裂渗水", "交付房屋与样板间不符"],
    "sanitation": ["垃圾桶满溢无人清运", "路边建筑垃圾乱倒", "公厕卫生差"],
    "roads_lights": ["路灯不亮", "人行道地砖破损", "井盖缺失", "道路坑洼积水"],
    "neighbour_dispute": ["楼上漏水邻里纠纷", "邻居占用公共走廊"],
    "illegal_construction": ["楼顶私搭乱建", "一楼住户私扩院墙"],
    "public_order": ["夜间烧烤摊噪音扰民", "小区门口聚集闹事"],
    "elderly_care": ["独居老人需要上门探视", "老年食堂就餐需求"],
}
CATEGORY_WEIGHTS = {"other": 55, "safety": 25, "petition": 10, "housing": 10}


def demo_incidents_load(
    *,
    count: int = 400,
    seed: int = 20261125,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """File `count` demo cases once; a second call finds them and returns 0."""
    if Incident.objects.filter(client_id=_client_id(0)).exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(seed)
    cast = _Cast.gather()
    grids = list(Grid.objects.order_by("code"))
    shapes = {grid.pk: area_shape(grid) for grid in grids}
    subcategories = _subcategories_by_category()
    for index in range(count):
        grid = rng.choice(grids)
        created_at = now - timedelta(days=rng.uniform(0, DEMO_DAYS))
        _replay_case(index, rng, cast, grid, shapes[grid.pk], subcategories, created_at, now)
        if progress:
            progress(index + 1, count)
    demo_grids = Grid.objects.filter(workers__in=cast.demo_workers).distinct().order_by("code")
    for offset, grid in enumerate(demo_grids):
        # Every grid of the demo workers gets a task just dispatched, and a report left
        # waiting past its one-hour acceptance deadline.
        supervisor = cast.supervisor
        fresh = [("accept", supervisor, 0.2), ("dispatch", supervisor, 0.3)]
        for extra, (age_hours, script) in enumerate([(2, fresh), (30, [])]):
            created_at = now - timedelta(hours=age_hours)
            _replay_case(
                count + 2 * offset + extra,
                rng,
                cast,
                grid,
                shapes[grid.pk],
                subcategories,
                created_at,
                now,
                script=script,
            )
    _hazard_sites_load(rng)
    return Incident.objects.count()


class _Cast:
    """Who files and who handles the demo cases."""

    def __init__(self, supervisor: User, residents: list[User], demo_workers: list[User]):
        self.supervisor = supervisor
        self.residents = residents
        self.demo_workers = demo_workers

    @classmethod
    def gather(cls) -> "_Cast":
        return cls(
            supervisor=User.objects.get(username="supervisor"),
            residents=list(User.objects.filter(role=Role.RESIDENT)),
            demo_workers=list(User.objects.filter(username__in=["worker", "worker2"])),
        )

    def worker_of(self, grid: Grid) -> User:
        return grid.workers.filter(role=Role.WORKER).order_by("username").first()


def _subcategories_by_category() -> dict[str, list[Subcategory]]:
    grouped: dict[str, list[Subcategory]] = {}
    for subcategory in Subcategory.objects.filter(active=True, code__in=TITLES):
        grouped.setdefault(subcategory.category, []).append(subcategory)
    return grouped


def _client_id(index: int) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"demo-incident-{index}")


def _point_in(shape, rng: random.Random) -> tuple[float, float]:
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    while True:
        lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
        if shape.contains(Point(lon, lat)):
            return round(lon, 6), round(lat, 6)


@transaction.atomic
def _replay_case(index, rng, cast, grid, shape, subcategories, created_at, now, script=None):
    category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    subcategory = rng.choice(subcategories[category])
    worker = cast.worker_of(grid)
    reporter = (
        rng.choice(cast.residents) if category == "petition" or rng.random() < 0.5 else worker
    )
    lon, lat = _point_in(shape, rng)
    severity = (
        rng.choices(["general", "serious", "major"], [70, 22, 8])[0]
        if category == "safety"
        else None
    )
    incident, _ = incident_create(
        reporter=reporter,
        report=NewIncident(
            client_id=_client_id(index),
            category=category,
            subcategory=subcategory.code,
            title=rng.choice(TITLES[subcategory.code]),
            description=f"{grid.name}巡查发现，请尽快处理。",
            lon=lon,
            lat=lat,
            address=f"{grid.community}{rng.randint(1, 60)}号楼附近",
            severity=severity,
            people_count=rng.randint(5, 60) if subcategory.code == "petition_joint" else 1,
        ),
        now=created_at,
    )
    moment = created_at
    if script is None:
        script = _script(rng, cast.supervisor, worker)
    for action, user, delay_hours in script:
        moment += timedelta(hours=delay_hours)
        if moment >= now:
            return
        if action == "verify" and severity == "major":
            # A major hazard closes only with an on-site photo taken after it was resolved.
            photo_add(user=user, incident_id=incident.pk, upload=_site_photo(), now=moment)
        incident_apply_action(
            user=user,
            incident_id=incident.pk,
            request=ActionRequest(action=action, assignee=worker.username, note=_note(action)),
            now=moment,
        )


def _script(rng: random.Random, supervisor: User, worker: User) -> list:
    """The moves of one case with the hours between them; some cases go another way."""
    if rng.random() < 0.08:
        return [("reject", supervisor, rng.uniform(0.2, 3))]
    if rng.random() < 0.12:
        return [
            ("handle_on_spot", worker, rng.uniform(0.1, 1)),
            ("verify", supervisor, rng.uniform(0.5, 6)),
        ]
    moves = [
        ("accept", supervisor, rng.uniform(0.1, 2.5)),
        ("dispatch", supervisor, rng.uniform(0.1, 2)),
        ("start", worker, rng.uniform(0.5, 20)),
        ("resolve", worker, rng.uniform(2, 100)),
    ]
    if rng.random() < 0.1:
        moves += [
            ("reopen", supervisor, rng.uniform(1, 8)),
            ("resolve", worker, rng.uniform(4, 48)),
        ]
    moves.append(("verify", supervisor, rng.uniform(0.5, 6)))
    if rng.random() < 0.2:
        # A stalled case: it stops at some step, and old ones end up overdue.
        return moves[: rng.randrange(0, len(moves))]
    return moves


def _note(action: str) -> str:
    return {
        "reject": "经核实不属于本街道受理范围，已告知反映人。",
        "resolve": "已现场处置完毕，附处置后照片。",
        "handle_on_spot": "网格员现场自行处置。",
        "reopen": "核查未通过，问题仍然存在，返工。",
    }.get(action, "")


HAZARD_SITES = [
    ("顺达化工有限公司", HazardSite.Kind.ENTERPRISE),
    ("锦华商厦", HazardSite.Kind.BUILDING),
    ("安澜小区二期工地", HazardSite.Kind.SITE),
]


def _hazard_sites_load(rng: random.Random) -> None:
    """Three places whose safety cases are grouped, each at one of its grid's hazards."""
    grids_with_hazards = (
        Incident.objects.filter(category="safety")
        .values_list("grid_id", flat=True)
        .distinct()
        .order_by("grid_id")
    )
    for (name, kind), grid_id in zip(HAZARD_SITES, grids_with_hazards, strict=False):
        hazards = Incident.objects.filter(category="safety", grid_id=grid_id).order_by("pk")
        first = hazards.first()
        site = HazardSite.objects.create(
            name=name,
            kind=kind,
            address=first.address,
            lon=first.lon,
            lat=first.lat,
            street_id=first.street_id,
            grid_id=grid_id,
        )
        hazards.update(hazard_site=site)


def _site_photo() -> Upload:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (96, 128, 96)).save(buffer, format="JPEG", quality=70)
    return Upload(name="verification.jpg", content_type="image/jpeg", data=buffer.getvalue())
