"""Every request for a public document recorded before requests were handled
(an Event of kind copy_requested, issue 21) becomes a CopyRequest row, received
when the event happened, undecided and unassigned, due one working day later
(the default target, services.copies.target_workdays), so that none is left out
of the registrar's list. An event that already has its row (data["copy_request"])
is left as it is. Going back removes nothing: the rows are kept."""

from django.db import migrations


def requests_from_events(apps, schema_editor):
    from diarium.core.workdays import workday_end

    Event = apps.get_model("registry", "Event")
    CopyRequest = apps.get_model("registry", "CopyRequest")
    db = schema_editor.connection.alias  # the database being migrated (diarium move-to-postgresql: not default)
    events = (Event.objects.using(db).filter(kind="copy_requested", case__isnull=False, document__isnull=False)
              .order_by("at", "id"))
    rows = []
    for event in events.iterator(chunk_size=500):
        data = event.data or {}
        if data.get("copy_request"):
            continue
        request = data.get("request") or {}
        rows.append(CopyRequest(
            organisation_id=event.organisation_id, case_id=event.case_id, document_id=event.document_id,
            channel="web", name=str(request.get("name", ""))[:200], contact=str(request.get("contact", ""))[:500],
            format=str(request.get("format", ""))[:10], message=str(request.get("message", "")),
            document_secret=bool(request.get("document_secret", False)),
            received_at=event.at, due_at=workday_end(event.at, 1),
        ))
        if len(rows) >= 500:
            CopyRequest.objects.using(db).bulk_create(rows)
            rows = []
    if rows:
        CopyRequest.objects.using(db).bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0024_copy_request_delivery"),
    ]

    operations = [
        migrations.RunPython(requests_from_events, migrations.RunPython.noop),
    ]
