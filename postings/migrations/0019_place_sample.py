"""The sample of postings (postings_published_sample's buckets) within a city or a region:
a search in a place is sized and estimated from the place's own postings
(postings.facets.located), read through these indexes without the rest.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('postings', '0018_descriptions_keep_headings'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(models.F('city_key'), models.Func(models.F('id'), output_field=models.IntegerField(), template='((%(expressions)s * 40503) & 65535)'), models.F('status'), condition=models.Q(('status', 'published')), name='postings_city_sample'),
        ),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(models.F('region_key'), models.Func(models.F('id'), output_field=models.IntegerField(), template='((%(expressions)s * 40503) & 65535)'), models.F('status'), condition=models.Q(('status', 'published')), name='postings_region_sample'),
        ),
    ]
