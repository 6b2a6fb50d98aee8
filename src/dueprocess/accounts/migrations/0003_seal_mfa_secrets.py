"""Seal authenticator secrets stored in clear before ``accounts.mfa_secrets`` existed."""

from django.db import migrations


def _each_secret(data: dict, change) -> bool:
    changed = False
    for field in ("secret", "seed"):
        if isinstance(data.get(field), str):
            new = change(data[field])
            changed |= new != data[field]
            data[field] = new
    if isinstance(data.get("migrated_codes"), list):
        codes = [change(code) for code in data["migrated_codes"]]
        changed |= codes != data["migrated_codes"]
        data["migrated_codes"] = codes
    return changed


def _rewrite(apps, change) -> None:
    authenticator = apps.get_model("mfa", "Authenticator")
    for row in authenticator.objects.all().iterator():
        if _each_secret(row.data, change):
            row.save(update_fields=["data"])


def seal_all(apps, schema_editor) -> None:
    from dueprocess.accounts import mfa_secrets

    _rewrite(apps, lambda text: text if mfa_secrets.is_sealed(text) else mfa_secrets.seal(text))


def unseal_all(apps, schema_editor) -> None:
    from dueprocess.accounts import mfa_secrets

    _rewrite(apps, lambda text: mfa_secrets.unseal(text) if mfa_secrets.is_sealed(text) else text)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(seal_all, unseal_all)]
