from django.core.management.base import BaseCommand

from backend.demo.services import DEMO_PASSWORD, demo_accounts_create, demo_zone_load


class Command(BaseCommand):
    help = "Load the demo zone and the demo accounts (idempotent). Never run it in production."

    def handle(self, **_options) -> None:
        self.stderr.write("loading demo zone (Wanghua outline, fictional streets and grids)…")
        zone = demo_zone_load()
        accounts = demo_accounts_create()
        self.stdout.write(zone.notice)
        self.stdout.write(f"demo accounts (password '{DEMO_PASSWORD}'):")
        for account in accounts:
            self.stdout.write(f"  {account.username:<11} {account.role:<11} {account.scope}")
        self.stdout.write(
            f"demo loaded: {len(zone.streets)} streets, {len(zone.grids)} grids, "
            f"{len(accounts)} accounts"
        )
