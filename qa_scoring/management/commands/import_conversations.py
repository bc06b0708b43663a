"""python manage.py import_conversations --org SLUG [--format NAME] [--freelancer EMAIL] FILE"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from qa_scoring.importers.pipeline import check_size, import_file
from qa_scoring.importers.records import ImportFileError
from qa_scoring.importers.registry import FORMATS
from qa_scoring.services import import_audit


class Command(BaseCommand):
    help = (
        "Import support conversations from a helpdesk export (Zendesk, Intercom, Help Scout, Freshdesk, Gorgias "
        "JSON, or CSV). Idempotent: re-importing updates. Prints imported / updated / rejected counts; exits "
        "non-zero when nothing valid was found."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the export file")
        parser.add_argument("--org", required=True, help="Organization slug")
        parser.add_argument("--format", choices=FORMATS, default=None, help="Source format; detected when omitted")
        parser.add_argument("--freelancer", default=None, help="E-mail of the freelancer these conversations are about")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organization with the slug “{options['org']}”.")
        freelancer = None
        if options["freelancer"]:
            from marketplace.models import FreelancerProfile

            freelancer = FreelancerProfile.objects.filter(user__email__iexact=options["freelancer"]).first()
            if freelancer is None:
                raise CommandError(f"No freelancer with the e-mail {options['freelancer']}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            check_size(path.stat().st_size)
            report = import_file(
                lambda: path.open("rb"),
                organization=organization,
                format=options["format"],
                filename=path.name,
                freelancer=freelancer,
                batch_size=options["batch_size"],
                check_first=False,
            )
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc} Nothing was imported.") from exc
        import_audit(actor=None, organization=organization, report=report)
        for rejection in report.rejections:
            label = f" ({rejection.external_id})" if rejection.external_id else ""
            self.stderr.write(f"rejected {rejection.position}{label}: {rejection.reason}")
        if report.rejected > len(report.rejections):
            self.stderr.write(f"… and {report.rejected - len(report.rejections)} more rejected records")
        self.stdout.write(f"imported: {report.imported}\nupdated: {report.updated}\nrejected: {report.rejected}")
        if not report.stored:
            raise CommandError("Nothing valid was found in the file.")
