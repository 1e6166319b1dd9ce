"""Demo housing projects (保交楼): four fictional projects, each with a year of progress records
reported through the real services, and the demo's housing complaints linked to the nearest one.

Names and developers are invented, like the demo's streets. Needs the demo zone, its accounts
and (for the links) its incidents; a second call changes nothing.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

import shapely
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.boundaries.models import Grid
from backend.boundaries.selectors import area_shape
from backend.housing.models import HousingProject
from backend.housing.services import (
    NewProject,
    ProgressReport,
    housing_progress_record,
    housing_project_create,
)
from backend.incidents.models import CategoryCode, Incident

# A housing complaint farther than this from every project is about none of them.
LINK_RADIUS_M = 2500
EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class _Step:
    days_ago: int
    progress_percent: int
    delivered_units: int
    funding_status: str
    risk_level: str
    note: str
    revised_in_days: int | None = None  # the revised delivery date, from today


@dataclass(frozen=True)
class _DemoProject:
    name: str
    developer: str
    grid_code: str
    total_units: int
    planned_in_days: int  # from today; negative: already passed
    steps: list[_Step]


PROJECTS = [
    # Late on its revised date too, kept going by a special loan (专项借款).
    _DemoProject(
        name="翠湖湾二期",
        developer="启明恒信置业有限公司",
        grid_code="21040400101001",
        total_units=612,
        planned_in_days=-150,
        steps=[
            _Step(340, 48, 0, "shortfall", "high", "资金链紧张，主体施工放缓"),
            _Step(250, 55, 0, "special_loan", "medium", "保交楼专项借款到位，全面复工", -40),
            _Step(160, 71, 0, "special_loan", "medium", "主体结构全部封顶，外立面施工"),
            _Step(70, 84, 96, "special_loan", "medium", "1号、2号楼完成竣工验收并交付", -40),
            _Step(12, 90, 180, "special_loan", "medium", "3号楼交付，其余楼栋室内精装收尾"),
        ],
    ),
    # Stalled: the developer's accounts are frozen; high risk and long past the planned date.
    _DemoProject(
        name="锦绣华府",
        developer="锦程房地产开发有限公司",
        grid_code="21040400302001",
        total_units=360,
        planned_in_days=-210,
        steps=[
            _Step(330, 42, 0, "shortfall", "medium", "工程款拖欠，部分施工队撤场"),
            _Step(220, 42, 0, "frozen", "high", "开发企业账户被司法冻结，项目停工"),
            _Step(100, 43, 0, "frozen", "high", "街道约谈开发企业，制定复工方案"),
            _Step(20, 45, 0, "frozen", "high", "购房人代表座谈，复工方案报区政府审议"),
        ],
    ),
    # On schedule.
    _DemoProject(
        name="安澜名苑三期",
        developer="安澜鸿泰房地产开发有限公司",
        grid_code="21040400401003",
        total_units=288,
        planned_in_days=95,
        steps=[
            _Step(300, 28, 0, "secured", "low", "地下室及基础施工完成"),
            _Step(180, 52, 0, "secured", "low", "主体施工至十八层"),
            _Step(60, 73, 0, "secured", "low", "主体封顶，进入装饰装修阶段"),
        ],
    ),
    # Delivered in full a little late: no longer late once every unit is handed over.
    _DemoProject(
        name="春和雅居",
        developer="春和嘉园房地产开发有限公司",
        grid_code="21040400201004",
        total_units=420,
        planned_in_days=-60,
        steps=[
            _Step(320, 80, 0, "secured", "low", "外墙保温及门窗安装"),
            _Step(200, 93, 0, "secured", "low", "室外管网及园林景观施工"),
            _Step(90, 98, 210, "secured", "low", "分户验收完成，首批交付"),
            _Step(40, 100, 420, "secured", "low", "全部交付，办理不动产权证"),
        ],
    ),
]


@transaction.atomic
def demo_housing_load() -> int:
    """Register the demo projects not there yet and link unlinked housing cases; returns how
    many projects it registered (0 on a second call)."""
    supervisor = User.objects.get(username="supervisor")
    grids = {
        grid.code: grid for grid in Grid.objects.filter(code__in=[p.grid_code for p in PROJECTS])
    }
    existing = set(HousingProject.objects.values_list("name", flat=True))
    created = 0
    for demo in PROJECTS:
        if demo.name in existing or demo.grid_code not in grids:
            continue
        _register(demo, grids[demo.grid_code], supervisor)
        created += 1
    _link_cases()
    return created


def _register(demo: _DemoProject, grid: Grid, supervisor: User) -> None:
    today = timezone.localdate()
    now = timezone.now()
    point = area_shape(grid).representative_point()
    lon, lat = round(point.x, 6), round(point.y, 6)
    # A block of about 150 m by 130 m around the project's point.
    footprint = shapely.box(lon - 0.0009, lat - 0.0006, lon + 0.0009, lat + 0.0006)
    officer = grid.workers.order_by("username").first() or supervisor
    project = housing_project_create(
        user=supervisor,
        project=NewProject(
            name=demo.name,
            developer=demo.developer,
            lon=lon,
            lat=lat,
            footprint=shapely.to_geojson(footprint),
            total_units=demo.total_units,
            planned_delivery=today + timedelta(days=demo.planned_in_days),
            responsible_officer=officer.username,
        ),
    )
    for step in demo.steps:
        revised = step.revised_in_days
        housing_progress_record(
            user=officer,
            project_id=project.pk,
            report=ProgressReport(
                progress_percent=step.progress_percent,
                delivered_units=step.delivered_units,
                revised_delivery=today + timedelta(days=revised) if revised is not None else None,
                funding_status=step.funding_status,
                risk_level=step.risk_level,
                note=step.note,
            ),
            at=now - timedelta(days=step.days_ago, hours=3),
        )
    # Registered before its first record, as it would have been.
    first_days_ago = max(step.days_ago for step in demo.steps)
    HousingProject.objects.filter(pk=project.pk).update(
        created_at=now - timedelta(days=first_days_ago + 14)
    )


def _link_cases() -> None:
    projects = list(HousingProject.objects.only("pk", "lon", "lat"))
    if not projects:
        return
    cases = Incident.objects.filter(category=CategoryCode.HOUSING, housing_project__isnull=True)
    for case in cases.only("pk", "lon", "lat"):
        nearest = min(projects, key=lambda p: _distance_m(case.lon, case.lat, p.lon, p.lat))
        if _distance_m(case.lon, case.lat, nearest.lon, nearest.lat) <= LINK_RADIUS_M:
            Incident.objects.filter(pk=case.pk).update(housing_project=nearest)


def _distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    # Equirectangular: exact enough within a zone a few kilometres across.
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return EARTH_RADIUS_M * math.hypot(x, y)
