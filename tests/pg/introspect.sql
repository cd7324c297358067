-- Catalog snapshot of the current database as ONE deterministic JSON document.
--
--   psql -X -q -At -v ON_ERROR_STOP=1 -f tests/pg/introspect.sql
--
-- (-q hides the "SET" tag; -At prints the document alone, on one line.) From a driver run the file
-- with the simple-query protocol (e.g. tokio-postgres `simple_query`); the last statement returns
-- one row with one json column.
--
-- search_path = pg_catalog makes every non-built-in name come out schema-qualified
-- (public.mood, nextval('public.t_id_seq'::regclass)) whatever the caller's search_path was, so
-- the text is the same on every run; like pg_dump, it stays set for the rest of the session.
--
-- Document: {"tables", "enums", "views", "sequences", "indexes", "triggers", "functions", "domains", "grants", "row_security", "extensions"}, each an array sorted by
-- schema then name (byte order, COLLATE "C"); every key is always present (null when n/a).
--   tables[]      schema, name, kind (r = table, p = partitioned table),
--                 columns[] in attnum order: name, type (format_type), not_null, has_default,
--                   default (pg_get_expr of pg_attrdef: for a generated column this is the
--                   generation expression), identity (a|d|null), generated (s|null)
--                 constraints[] by name: name, type (contype: p u c f x t), columns (conkey
--                   order), ref_schema, ref_table, ref_columns (confkey order), on_update,
--                   on_delete, match (FK only: a r c n d / f s p), deferrable, deferred,
--                   validated, definition (pg_get_constraintdef)
--   enums[]       schema, name, labels (enumsortorder order)
--   views[]       schema, name, kind (v = view, m = materialized view), columns (attnum order)
--   sequences[]   schema, name, data_type, owned_by_table, owned_by_column (serial/OWNED BY/
--                 identity; same schema as the sequence), identity (true for identity sequences)
--   indexes[]     indexes that back no PRIMARY KEY / UNIQUE / EXCLUDE constraint, by schema,
--                 table, name: schema, name, table, unique, columns (key columns in order; an
--                 expression key as its text), include (INCLUDE columns), partial, predicate,
--                 method, definition (pg_get_indexdef)
--   triggers[]    user triggers (not the internal ones of foreign keys), by schema, table, name:
--                 schema, table, name, function_schema, function, before_insert_row (a
--                 row-level BEFORE INSERT trigger)
--   functions[]   functions and procedures not of an extension and not returning trigger:
--                 schema, name, kind (f|p), args (input types, format_type), defaults
--                 (pronargdefaults), returns (format_type), retset, out_columns (names of OUT,
--                 INOUT and TABLE arguments)
--   domains[]     schema, name, base (format_type of the base type with its modifier), not_null
--   grants[]      privileges granted to roles other than the owner: schema, table, column (null
--                 for the table), role (public for PUBLIC), privilege
--   row_security[] tables with row security enabled or forced: schema, table, enabled, forced
--   extensions[]  installed extensions' names but plpgsql (installed everywhere)
-- Schemas pg_* (pg_catalog, pg_toast, temp schemas) and information_schema are left out.
SET search_path = pg_catalog;

WITH rels AS (
    SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname <> 'information_schema'
      AND n.nspname !~ '^pg_'
)
SELECT json_build_object(
  'tables', COALESCE((
    SELECT json_agg(json_build_object(
        'schema', r.schema,
        'name', r.name,
        'kind', r.relkind::text,
        'columns', COALESCE((
            SELECT json_agg(json_build_object(
                'name', a.attname,
                'type', format_type(a.atttypid, a.atttypmod),
                'not_null', a.attnotnull,
                'has_default', a.atthasdef,
                'default', pg_get_expr(d.adbin, d.adrelid),
                'identity', NULLIF(a.attidentity::text, ''),
                'generated', NULLIF(a.attgenerated::text, '')
              ) ORDER BY a.attnum)
            FROM pg_attribute a
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
          ), '[]'),
        'constraints', COALESCE((
            SELECT json_agg(json_build_object(
                'name', con.conname,
                'type', con.contype::text,
                'columns', COALESCE((
                    SELECT json_agg(a.attname ORDER BY k.ord)
                    FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                  ), '[]'),
                'ref_schema', rn.nspname,
                'ref_table', rc.relname,
                'ref_columns', (
                    SELECT json_agg(a.attname ORDER BY k.ord)
                    FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                  ),
                'on_update', CASE WHEN con.contype = 'f' THEN con.confupdtype::text END,
                'on_delete', CASE WHEN con.contype = 'f' THEN con.confdeltype::text END,
                'match', CASE WHEN con.contype = 'f' THEN con.confmatchtype::text END,
                'deferrable', con.condeferrable,
                'deferred', con.condeferred,
                'validated', con.convalidated,
                'definition', pg_get_constraintdef(con.oid)
              ) ORDER BY con.conname COLLATE "C", con.contype)
            FROM pg_constraint con
            LEFT JOIN pg_class rc ON rc.oid = con.confrelid
            LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
            WHERE con.conrelid = r.oid
          ), '[]')
      ) ORDER BY r.schema COLLATE "C", r.name COLLATE "C")
    FROM rels r
    WHERE r.relkind IN ('r', 'p')
  ), '[]'),

  'enums', COALESCE((
    SELECT json_agg(json_build_object(
        'schema', n.nspname,
        'name', t.typname,
        'labels', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder)
                   FROM pg_enum e WHERE e.enumtypid = t.oid)
      ) ORDER BY n.nspname COLLATE "C", t.typname COLLATE "C")
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'e'
      AND n.nspname <> 'information_schema'
      AND n.nspname !~ '^pg_'
  ), '[]'),

  'views', COALESCE((
    SELECT json_agg(json_build_object(
        'schema', r.schema,
        'name', r.name,
        'kind', r.relkind::text,
        'columns', COALESCE((
            SELECT json_agg(a.attname ORDER BY a.attnum)
            FROM pg_attribute a
            WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
          ), '[]')
      ) ORDER BY r.schema COLLATE "C", r.name COLLATE "C")
    FROM rels r
    WHERE r.relkind IN ('v', 'm')
  ), '[]'),

  'sequences', COALESCE((
    SELECT json_agg(json_build_object(
        'schema', r.schema,
        'name', r.name,
        'data_type', format_type(s.seqtypid, NULL),
        'owned_by_table', oc.relname,
        'owned_by_column', oa.attname,
        'identity', COALESCE(dep.deptype = 'i', false)
      ) ORDER BY r.schema COLLATE "C", r.name COLLATE "C")
    FROM rels r
    JOIN pg_sequence s ON s.seqrelid = r.oid
    LEFT JOIN pg_depend dep
           ON dep.classid = 'pg_class'::regclass AND dep.objid = r.oid
          AND dep.refclassid = 'pg_class'::regclass AND dep.refobjsubid > 0
          AND dep.deptype IN ('a', 'i')
    LEFT JOIN pg_class oc ON oc.oid = dep.refobjid
    LEFT JOIN pg_attribute oa ON oa.attrelid = dep.refobjid AND oa.attnum = dep.refobjsubid
    WHERE r.relkind = 'S'
  ), '[]'),

  'indexes', COALESCE((
    SELECT json_agg(json_build_object(
        'schema', t.schema,
        'name', ic.relname,
        'table', t.name,
        'unique', i.indisunique,
        'columns', (
            SELECT json_agg(COALESCE(a.attname::text, pg_get_indexdef(i.indexrelid, k.ord::int, true))
                            ORDER BY k.ord)
            FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
            LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum <> 0
            WHERE k.ord <= i.indnkeyatts
          ),
        'include', COALESCE((
            SELECT json_agg(a.attname ORDER BY k.ord)
            FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE k.ord > i.indnkeyatts
          ), '[]'),
        'partial', i.indpred IS NOT NULL,
        'predicate', pg_get_expr(i.indpred, i.indrelid, true),
        'method', am.amname,
        'definition', pg_get_indexdef(i.indexrelid)
      ) ORDER BY t.schema COLLATE "C", t.name COLLATE "C", ic.relname COLLATE "C")
    FROM pg_index i
    JOIN rels t ON t.oid = i.indrelid
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    WHERE NOT EXISTS (
        SELECT 1 FROM pg_constraint con
        WHERE con.conrelid = i.indrelid AND con.conindid = i.indexrelid
          AND con.contype IN ('p', 'u', 'x'))
  ), '[]'),

  'triggers', COALESCE((
    SELECT json_agg(json_build_object(
        'schema', t.schema,
        'table', t.name,
        'name', tg.tgname,
        'function_schema', fn.nspname,
        'function', p.proname,
        'before_insert_row', (tg.tgtype & 1) <> 0 AND (tg.tgtype & 2) <> 0 AND (tg.tgtype & 4) <> 0
      ) ORDER BY t.schema COLLATE "C", t.name COLLATE "C", tg.tgname COLLATE "C")
    FROM pg_trigger tg
    JOIN rels t ON t.oid = tg.tgrelid
    JOIN pg_proc p ON p.oid = tg.tgfoid
    JOIN pg_namespace fn ON fn.oid = p.pronamespace
    WHERE NOT tg.tgisinternal
  ), '[]'),

  'functions', COALESCE((
    SELECT json_agg(json_build_object(
        'schema', n.nspname,
        'name', p.proname,
        'kind', p.prokind::text,
        'args', COALESCE((
            SELECT json_agg(format_type(a.t, NULL) ORDER BY a.o)
            FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, o)
          ), '[]'),
        'defaults', p.pronargdefaults,
        'returns', format_type(p.prorettype, NULL),
        'retset', p.proretset,
        'out_columns', COALESCE((
            SELECT json_agg(a.nm ORDER BY a.o)
            FROM unnest(p.proargnames, p.proargmodes) WITH ORDINALITY AS a(nm, md, o)
            WHERE a.md IN ('o', 't', 'b')
          ), '[]')
      ) ORDER BY n.nspname COLLATE "C", p.proname COLLATE "C", pg_get_function_identity_arguments(p.oid) COLLATE "C")
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname <> 'information_schema'
      AND n.nspname !~ '^pg_'
      AND p.prokind IN ('f', 'p')
      AND p.prorettype NOT IN ('trigger'::regtype, 'event_trigger'::regtype)
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  ), '[]'),

  'domains', COALESCE((
    SELECT json_agg(json_build_object(
        'schema', n.nspname,
        'name', t.typname,
        'base', format_type(t.typbasetype, t.typtypmod),
        'not_null', t.typnotnull
      ) ORDER BY n.nspname COLLATE "C", t.typname COLLATE "C")
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'd'
      AND n.nspname <> 'information_schema'
      AND n.nspname !~ '^pg_'
  ), '[]'),

  'grants', COALESCE((
    SELECT json_agg(json_build_object(
        'schema', g.schema, 'table', g.name, 'column', g.column_name, 'role', g.role, 'privilege', g.privilege
      ) ORDER BY g.schema COLLATE "C", g.name COLLATE "C", g.column_name COLLATE "C", g.role COLLATE "C", g.privilege COLLATE "C")
    FROM (
      SELECT r.schema, r.name, NULL::text AS column_name,
             CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END AS role,
             a.privilege_type::text AS privilege
      FROM rels r
      JOIN pg_class c ON c.oid = r.oid
      CROSS JOIN LATERAL aclexplode(c.relacl) a
      WHERE c.relkind IN ('r', 'p', 'v', 'm') AND a.grantee <> c.relowner
      UNION ALL
      SELECT r.schema, r.name, att.attname::text,
             CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END,
             a.privilege_type::text
      FROM rels r
      JOIN pg_attribute att ON att.attrelid = r.oid AND att.attnum > 0 AND NOT att.attisdropped
      CROSS JOIN LATERAL aclexplode(att.attacl) a
    ) g
  ), '[]'),

  'row_security', COALESCE((
    SELECT json_agg(json_build_object('schema', r.schema, 'table', r.name, 'enabled', c.relrowsecurity, 'forced', c.relforcerowsecurity)
      ORDER BY r.schema COLLATE "C", r.name COLLATE "C")
    FROM rels r JOIN pg_class c ON c.oid = r.oid
    WHERE c.relrowsecurity OR c.relforcerowsecurity
  ), '[]'),

  'extensions', COALESCE((
    SELECT json_agg(e.extname ORDER BY e.extname COLLATE "C")
    FROM pg_extension e
    WHERE e.extname <> 'plpgsql'
  ), '[]')
);
