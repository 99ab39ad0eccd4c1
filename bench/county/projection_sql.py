"""The search projection written in bulk SQL, and the checks of a generated
register (bench/county/generate.py)."""

from __future__ import annotations


def say(message: str) -> None:
    print(message, flush=True)


# --- the search projection -----------------------------------------------------------------------
def projection_sql(organisation_ids: list[int]) -> tuple[list[tuple[str, dict]], dict]:
    """INSERT … SELECT statements giving the cases and documents of the organisations
    their SearchRecord rows and search vectors, as diarium.search.projection and the
    PostgreSQL engine would."""
    from django.conf import settings
    from django.utils import timezone, translation

    from diarium.registry import access, masking
    from diarium.registry.models import Document
    from diarium.search import projection
    from diarium.search.engines.postgres import VECTOR

    with translation.override(settings.LANGUAGE_CODE):
        ctx = projection.context(digests=False)
        labels = {value: str(label) for value, label in Document.Direction.choices}
        secret_text = masking.masked_text(access.MASKED_SECRET)
        private_text = masking.masked_text(access.MASKED_PRIVATE)
    case_prefix, case_suffix = ctx.urls["case"].split("{}")
    doc_prefix, doc_suffix = ctx.urls["document"].split("{}")
    params = {"orgs": organisation_ids, "tz": settings.TIME_ZONE, "now": timezone.now(), "case_prefix": case_prefix,
              "case_suffix": case_suffix, "doc_prefix": doc_prefix, "doc_suffix": doc_suffix,
              "secret_text": secret_text, "private_text": private_text,
              **{f"dir_{k}": v for k, v in labels.items()}}
    columns = ("uid, key, kind, object_id, tier_public, tier_internal, tier_secret, organisation_id, organ_id, "
               "organ_label, date, year, status, diary_number, title, body, file_text, url, digest, updated_at")
    insert = f"INSERT INTO search_searchrecord ({columns}, search_vector) SELECT s.*, {VECTOR} FROM ({{}}) AS s({columns})"
    label = ("CASE d.direction WHEN 'incoming' THEN %(dir_incoming)s WHEN 'drawn_up' THEN %(dir_drawn_up)s "
             "WHEN 'outgoing' THEN %(dir_outgoing)s WHEN 'internal' THEN %(dir_internal)s ELSE '' END")
    cases = """
        SELECT 'case:' || c.id || '@public+internal+secret', 'case:' || c.id, 'case', c.id, true, true, true,
               c.organisation_id, c.organ_id, o.name || ' (' || o.code || ')',
               (c.registered_at AT TIME ZONE %(tz)s)::date,
               extract(year FROM c.registered_at AT TIME ZONE %(tz)s)::int,
               'case:' || c.status, left(c.diary_number, 120), c.title, btrim(c.description, E' \\t\\r\\n'), '',
               %(case_prefix)s || c.id || %(case_suffix)s, '', %(now)s
        FROM registry_case c JOIN accounts_organ o ON o.id = c.organ_id
        WHERE c.organisation_id = ANY(%(orgs)s)"""
    common = """'document:' || d.id, 'document', d.id, {tiers}, c.organisation_id, c.organ_id,
               o.name || ' (' || o.code || ')', d.document_date, extract(year FROM d.document_date)::int,
               'document:' || d.direction, left(c.diary_number || '-' || d.number, 120)"""
    body = f"CASE WHEN btrim({{cp}}) <> '' THEN btrim({{cp}}) || E'\\n' || {label} ELSE {label} END"
    plain = f"""
        SELECT 'document:' || d.id || '@public+internal+secret', {common.format(tiers='true, true, true')},
               d.description, {body.format(cp='d.counterpart')}, '', %(doc_prefix)s || d.id || %(doc_suffix)s,
               '', %(now)s
        FROM registry_document d JOIN registry_case c ON c.id = d.case_id JOIN accounts_organ o ON o.id = c.organ_id
        WHERE c.organisation_id = ANY(%(orgs)s) AND NOT d.is_secret AND NOT d.counterpart_is_private"""
    # Documents something is withheld from: each tier's variant (registry.access.mask_reason,
    # content_hidden; no files here), equal variants sharing a row, as projection._rows.
    desc_masked = "(d.is_secret AND d.masked_fields ? 'description' AND NOT v.rs)"
    cp_shown = ("CASE WHEN d.is_secret AND d.masked_fields ? 'counterpart' AND NOT v.rs THEN %(secret_text)s "
                "WHEN d.counterpart_is_private AND NOT v.ri THEN %(private_text)s ELSE d.counterpart END")
    variants = f"""
        SELECT d.id, v.tier, v.n, CASE WHEN {desc_masked} THEN %(secret_text)s ELSE d.description END AS title,
               {body.format(cp=cp_shown)} AS body
        FROM registry_document d JOIN registry_case c ON c.id = d.case_id
        CROSS JOIN (VALUES ('public', 1, false, false), ('internal', 2, false, true), ('secret', 3, true, true))
             AS v(tier, n, rs, ri)
        WHERE c.organisation_id = ANY(%(orgs)s) AND (d.is_secret OR d.counterpart_is_private)"""
    withheld = f"""
        SELECT 'document:' || d.id || '@' || g.tiers,
               {common.format(tiers='g.tp, g.ti, g.ts')},
               g.title, g.body, '', %(doc_prefix)s || d.id || %(doc_suffix)s, '', %(now)s
        FROM (SELECT id, title, body, string_agg(tier, '+' ORDER BY n) AS tiers, bool_or(tier = 'public') AS tp,
                     bool_or(tier = 'internal') AS ti, bool_or(tier = 'secret') AS ts
              FROM ({variants}) x GROUP BY id, title, body) g
        JOIN registry_document d ON d.id = g.id JOIN registry_case c ON c.id = d.case_id
        JOIN accounts_organ o ON o.id = c.organ_id"""
    return [("cases", insert.format(cases)), ("documents", insert.format(plain)),
            ("documents withheld", insert.format(withheld))], params


# --- checks --------------------------------------------------------------------------------------
def check(refs: list[dict], conn) -> list[str]:
    """What --check finds wrong: orphans (foreign keys were not checked during
    COPY), counters, document counts, the projection against projection.rows_for
    for a sample, and the smallest organisation's chain in full."""
    from diarium.registry.chain import chain_verify
    from diarium.search import projection

    problems = []
    orgs = [r["organisation_id"] for r in refs]
    queries = {
        "documents without their case": "SELECT count(*) FROM registry_document d LEFT JOIN registry_case c "
                                        "ON c.id = d.case_id WHERE c.id IS NULL",
        "documents whose organisation is not their case's": (
            "SELECT count(*) FROM registry_document d JOIN registry_case c ON c.id = d.case_id "
            "WHERE d.organisation_id IS DISTINCT FROM c.organisation_id"),
        "events without their case or document": (
            "SELECT count(*) FROM registry_event e LEFT JOIN registry_case c ON c.id = e.case_id "
            "LEFT JOIN registry_document d ON d.id = e.document_id WHERE (e.case_id IS NOT NULL AND c.id IS NULL) "
            "OR (e.document_id IS NOT NULL AND d.id IS NULL)"),
        "seals without their event": "SELECT count(*) FROM registry_eventseal s LEFT JOIN registry_event e "
                                     "ON e.id = s.event_id WHERE e.id IS NULL",
        "counters not at the last number": (
            "SELECT count(*) FROM (SELECT series_id, year, max(seq) m, count(*) n FROM registry_case "
            "WHERE organisation_id = ANY(%(o)s) GROUP BY 1, 2) c LEFT JOIN registry_seriescounter k "
            "USING (series_id, year) WHERE k.last_seq IS DISTINCT FROM c.m OR c.m <> c.n"),
        "cases whose document_count is wrong": (
            "SELECT count(*) FROM registry_case c LEFT JOIN (SELECT case_id, count(*) n, max(number) m "
            "FROM registry_document GROUP BY 1) d ON d.case_id = c.id WHERE c.organisation_id = ANY(%(o)s) "
            "AND (c.document_count <> coalesce(d.n, 0) OR coalesce(d.m, 0) <> coalesce(d.n, 0))"),
        "projection rows without a search vector": (
            "SELECT count(*) FROM search_searchrecord WHERE organisation_id = ANY(%(o)s) AND search_vector IS NULL"),
    }
    for what, sql in queries.items():
        found = conn.execute(sql, {"o": orgs} if "%(o)s" in sql else None).fetchone()[0]
        say(f"  check: {what}: {found}")
        if found:
            problems.append(f"{what}: {found}")
    fields = ("uid", "key", "kind", "object_id", "tier_public", "tier_internal", "tier_secret", "organisation_id",
              "organ_id", "organ_label", "date", "year", "status", "diary_number", "title", "body", "file_text", "url")
    samples = {
        "case": conn.execute("SELECT id FROM registry_case WHERE organisation_id = ANY(%s) "
                             "ORDER BY random() LIMIT 300", [orgs]).fetchall(),
        "document": conn.execute(
            "(SELECT d.id FROM registry_document d JOIN registry_case c ON c.id = d.case_id "
            " WHERE c.organisation_id = ANY(%(o)s) AND (d.is_secret OR d.counterpart_is_private OR d.privacy <> '{}') "
            " ORDER BY random() LIMIT 400) UNION ALL (SELECT d.id FROM registry_document d JOIN registry_case c "
            " ON c.id = d.case_id WHERE c.organisation_id = ANY(%(o)s) ORDER BY random() LIMIT 300)",
            {"o": orgs}).fetchall(),
    }
    for kind, rows in samples.items():
        ids = [r[0] for r in rows]
        expected = {tuple(row[f] for f in fields) for row in projection.rows_for(kind, ids)}
        found = set(conn.execute(f"SELECT {', '.join(fields)} FROM search_searchrecord WHERE key = ANY(%s)",
                                 [[f"{kind}:{i}" for i in ids]]).fetchall())
        say(f"  check: projection of {len(ids)} {kind}s: {len(expected)} rows expected, {len(found)} written, "
            f"{len(expected ^ found)} differ")
        if expected != found:
            problems.append(f"projection of {kind}s differs: e.g. {sorted(expected - found)[:1]} "
                            f"vs {sorted(found - expected)[:1]}")
    smallest = min(refs, key=lambda r: conn.execute(
        "SELECT length FROM registry_historychain WHERE organisation_id = %s", [r["organisation_id"]]).fetchone()[0])
    report = chain_verify(smallest["organisation_id"])
    say(f"  check: chain of {smallest['name']}: {report.length} events, "
        f"{'holds' if report.ok else report.problem}, {report.unsealed} unsealed")
    if not report.ok or report.unsealed:
        problems.append(f"chain of {smallest['name']}: {report.problem or 'unsealed events'}")
    return problems
