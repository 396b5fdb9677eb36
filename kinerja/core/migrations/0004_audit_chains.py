"""Audit chains per acting user instead of one per agency (kinerja/core/audit.py).

The events recorded so far stay exactly as they are, hashes included: each agency's one chain
becomes its "legacy" chain, numbered 1, 2, 3, … in id order (the order it was chained in), with a
head holding its length and last hash. New events go to the acting user's chain."""

from django.db import migrations, models


def number_legacy_chains(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChain = apps.get_model("core", "AuditChain")
    table = AuditEvent._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        # UPDATE … FROM: PostgreSQL, and SQLite from 3.33 on.
        cursor.execute(
            f"UPDATE {table} SET seq = r.n FROM (SELECT id, ROW_NUMBER() OVER "
            f"(PARTITION BY agency_id ORDER BY id) AS n FROM {table}) AS r "
            f"WHERE {table}.id = r.id"
        )
    agencies = AuditEvent.objects.order_by().values_list("agency_id", flat=True).distinct()
    heads = []
    for agency_id in agencies:
        last = AuditEvent.objects.filter(agency_id=agency_id).order_by("-id").first()
        heads.append(
            AuditChain(agency_id=agency_id, key="legacy", seq=last.seq, last_hash=last.hash)
        )
    AuditChain.objects.bulk_create(heads)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_apitoken_expires_at_scope"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=40)),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("last_hash", models.CharField(blank=True, max_length=64)),
                (
                    "agency",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=models.deletion.CASCADE,
                        related_name="audit_chains",
                        to="core.agency",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("agency__isnull", False)),
                        fields=("agency", "key"),
                        name="core_auditchain_one_head",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("agency__isnull", True)),
                        fields=("key",),
                        name="core_auditchain_one_head_no_agency",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(default="legacy", editable=False, max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(default=0, editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(number_legacy_chains, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("agency__isnull", False)),
                fields=("agency", "chain", "seq"),
                name="core_auditevent_one_per_place",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("agency__isnull", True)),
                fields=("chain", "seq"),
                name="core_auditevent_one_per_place_no_agency",
            ),
        ),
    ]
