from django.db import migrations, models


def forwards(apps, schema_editor):
    Cycle = apps.get_model("assessment", "Cycle")
    Cycle.objects.filter(rater_correction=True).update(rater_model="additive")


def backwards(apps, schema_editor):
    Cycle = apps.get_model("assessment", "Cycle")
    Cycle.objects.exclude(rater_model="none").update(rater_correction=True)


class Migration(migrations.Migration):
    """The on/off rater correction becomes a choice of model: on was the additive one."""

    dependencies = [("assessment", "0003_cycle_results_released_at")]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="rater_model",
            field=models.CharField(
                choices=[
                    ("none", "Tanpa koreksi (rata-rata berbobot)"),
                    ("additive", "Koreksi aditif (kemurahan/kekerasan atasan)"),
                    ("ordinal", "Model ordinal (kemurahan dan konsistensi atasan)"),
                ],
                default="none",
                help_text=(
                    "Koreksi kecenderungan atasan sebelum nilai dirata-ratakan. Dapat diubah "
                    "sampai hasil pertama kali dihitung; lihat docs/scoring.md dan halaman "
                    "kalibrasi."
                ),
                max_length=10,
                verbose_name="model penilai",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="cycle", name="rater_correction"),
    ]
