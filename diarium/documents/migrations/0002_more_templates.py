# The templates an organisation may replace: the excerpt, the notice, the remiss
# letter and compilation, and the follow-up report (issue 8). Choices only.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='templateoverride',
            name='name',
            field=models.CharField(choices=[('officer_report', 'Tjänsteskrivelse'), ('minutes', 'Protokoll'), ('excerpt', 'Protokollsutdrag'), ('notice', 'Kallelse med föredragningslista'), ('remiss_letter', 'Remissbrev'), ('remiss_compilation', 'Remissammanställning'), ('follow_up_report', 'Uppföljningsrapport')], max_length=40, verbose_name='mall'),
        ),
    ]
