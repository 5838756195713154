from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0009_accounts"),
    ]

    operations = [
        # The name said nothing roles.Role and Posting.role do not say already.
        migrations.RenameField(model_name="membership", old_name="role", new_name="access"),
        migrations.AlterField(
            model_name="membership",
            name="access",
            field=models.CharField(
                choices=[("owner", "Owner"), ("recruiter", "Recruiter")],
                default="recruiter",
                help_text="Owners also invite recruiters; recruiters manage the postings.",
                max_length=20,
            ),
        ),
    ]
