"""The aggregator feed's copy of each description, kept beside its rendering. No data is
copied here: two nullable columns are added in place (no table is rebuilt), and the next
build of the feed makes each copy it finds missing and stores it (postings/aggregator.py),
so that this migration takes no time at a million postings."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('postings', '0021_daily_counts'),
    ]

    operations = [
        migrations.AddField(
            model_name='rendereddescription',
            name='feed_html',
            field=models.TextField(blank=True, help_text='The whole description as the aggregator feed holds it.', null=True),
        ),
        migrations.AddField(
            model_name='rendereddescription',
            name='feed_source',
            field=models.CharField(blank=True, help_text='Digest of the texts it was made from.', max_length=32, null=True),
        ),
    ]
