import sys

from django.utils.translation import gettext_lazy

from backend.core.commands import GridgovCommand
from backend.demo.housing import demo_housing_load
from backend.demo.incidents import demo_incidents_load
from backend.demo.services import (
    DEMO_PASSWORD,
    demo_accounts_create,
    demo_people_create,
    demo_zone_load,
)
from backend.open311.services import open311_demo_key_create


class Command(GridgovCommand):
    help = gettext_lazy(
        "Load the demo zone and the demo accounts (idempotent). Never run it in production."
    )

    def handle(self, **_options) -> None:
        self.stderr.write("loading demo zone (Wanghua outline, fictional streets and grids)…")
        zone = demo_zone_load()
        accounts = demo_accounts_create()
        demo_people_create()
        open311_demo_key_create()
        self.stderr.write("filing demo incidents (replayed through the case workflow)…")
        filed = demo_incidents_load(progress=self._progress)
        projects = demo_housing_load()
        self.stdout.write(zone.notice)
        self.stdout.write(f"demo accounts (password '{DEMO_PASSWORD}'):")
        for account in accounts:
            self.stdout.write(f"  {account.username:<11} {account.role:<11} {account.scope}")
        self.stdout.write("Open311 API key: gridgov-demo-key")
        self.stdout.write(
            f"demo loaded: {len(zone.streets)} streets, {len(zone.grids)} grids, "
            f"{len(accounts)} accounts, "
            + (f"{filed} incidents" if filed else "incidents already there")
            + (f", {projects} housing projects" if projects else "")
        )

    def _progress(self, done: int, total: int) -> None:
        if done % 50 == 0 or done == total:
            sys.stderr.write(f"\r  {done}/{total}")
            if done == total:
                sys.stderr.write("\n")
