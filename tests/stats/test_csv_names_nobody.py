"""The statistics' CSV counts cases without naming anyone: no reporter leaves through it, not
even to a supervisor, who may see reporters elsewhere (one rule for masking them:
`backend.incidents.masking`; the CSV never carries a case to mask)."""

import csv
import io
import uuid

from django.core.management import call_command

from backend.incidents.services import incident_create
from backend.incidents.services.create import NewIncident
from tests.conftest import sign_in

NAME, PHONE = "王芳芳", "13800001234"


def test_no_reporter_leaves_through_the_csv_even_to_a_supervisor(resident, supervisor, tmp_path):
    resident.display_name, resident.phone = NAME, PHONE
    resident.save()
    incident, _ = incident_create(
        reporter=resident,
        report=NewIncident(
            client_id=uuid.uuid4(), category="other", title="路灯不亮", lon=123.805, lat=41.805
        ),
    )
    out = tmp_path / "grid-stats.csv"
    call_command("export", what="grid-stats", out=str(out))

    served = sign_in(supervisor).get("/stats/grids.csv").content.decode("utf-8-sig")
    exported = out.read_text(encoding="utf-8-sig")

    # The case is in both, counted in its grid's row...
    assert _total_of(served, "网格编码", "案件总数", incident.grid.code) == "1"
    assert _total_of(exported, "code", "total", incident.grid.code) == "1"
    # ...and its reporter in neither.
    for text in (served, exported):
        for secret in (resident.username, NAME, PHONE):
            assert secret not in text


def _total_of(text: str, code_header: str, total_header: str, code: str) -> str:
    rows = csv.DictReader(io.StringIO(text))
    return next(row[total_header] for row in rows if row[code_header] == code)
