/**
 * The SQL the list endpoints run, written out by hand for the `pg` driver, so that the benchmark can
 * tell the cost of the database from the cost of the HTTP stack around it. Keep in step with
 * server/src/institutions/institutions.queries.ts (findInstitutions) and
 * server/src/territories/territories.queries.ts (findTerritories, nameSearchConditions,
 * nameRelevance): one statement per request, the page with its total as a window count (a page past
 * the end would count on its own; the bench asks for page 1). run.ts checks that the API returns
 * the same total and the same first page as these, and says so when they disagree. Only
 * placeholders ($n) are spliced into the text; every value is a bound parameter.
 */
import type pg from 'pg';
import { escapeLikePattern, normalizeForSearch } from '../shared/src/text.js';

export type PageResult = { keys: string[]; total: number };

function words(q: string): string[] {
  return normalizeForSearch(q).split(' ').filter(Boolean);
}

/** `name_search ilike $n` per word, numbered from `first`, with LIKE wildcards escaped. */
function wordConditions(column: string, q: string, first: number): { sql: string[]; params: string[] } {
  const params = words(q).map((word) => `%${escapeLikePattern(word)}%`);
  return { sql: params.map((_, i) => `${column} ilike $${first + i}`), params };
}

export async function institutionSearchSql(
  client: pg.ClientBase,
  search: { q: string; kind: string; page?: number; pageSize?: number },
): Promise<PageResult> {
  const pageSize = search.pageSize ?? 20;
  const offset = ((search.page ?? 1) - 1) * pageSize;
  const folded = normalizeForSearch(search.q);
  const match = wordConditions('i.name_search', search.q, 1);
  const kindParam = match.params.length + 1;
  const where = [...match.sql, 'i.archived_at is null', `i.kind = $${kindParam}`].join(' and ');
  const whereParams = [...match.params, search.kind];
  const exact = whereParams.length + 1;
  const prefix = whereParams.length + 2;
  const limit = whereParams.length + 3;
  const page = await client.query<{ id: string; total: string }>(
    `select i.id, i.name, i.short_name, i.kind, i.sector, i.cooperation_areas, i.territory_code,
            (select t.name from territories t where t.code = i.territory_code) as territory_name,
            i.city, i.archived_at, count(*) over () as total
       from institutions i
      where ${where}
      order by case when i.name_search = $${exact} then 0 when i.name_search like $${prefix} then 1 else 2 end,
               length(i.name_search) asc, (polish_sort_key(i.name) collate "C") asc, i.id asc
      limit $${limit} offset $${limit + 1}`,
    [...whereParams, folded, `${escapeLikePattern(folded)}%`, pageSize, offset],
  );
  return { keys: page.rows.map((row) => row.id), total: Number(page.rows[0]?.total ?? 0) };
}

export async function territorySearchSql(client: pg.ClientBase, q: string, pageSize = 20): Promise<PageResult> {
  const folded = normalizeForSearch(q);
  const match = wordConditions('t.name_search', q, 1);
  const where = match.sql.join(' and ') || 'true';
  const exact = match.params.length + 1;
  const prefix = match.params.length + 2;
  const limit = match.params.length + 3;
  const page = await client.query<{ code: string; total: string }>(
    `select t.code, t.level, t.kind, t.terc_kind, t.name, t.voivodeship_code, v.name as voivodeship_name,
            t.powiat_code, p.name as powiat_name, t.parent_code, count(*) over () as total
       from territories t
       left join territories v on v.code = t.voivodeship_code
       left join territories p on p.code = t.powiat_code
      where ${where}
      order by case when t.name_search = $${exact} then 0 when t.name_search like $${prefix} then 1 else 2 end,
               case t.level when 'voivodeship' then 0 when 'powiat' then 1 when 'gmina' then 2 else 3 end,
               (polish_sort_key(t.name) collate "C") asc, t.code asc
      limit $${limit}`,
    [...match.params, folded, `${escapeLikePattern(folded)}%`, pageSize],
  );
  return { keys: page.rows.map((row) => row.code), total: Number(page.rows[0]?.total ?? 0) };
}

/**
 * The session lookup every signed-in request makes before its own SQL (server/src/accounts/sessions.ts,
 * loadSession: the session, its user and the user's memberships in one statement). Timed beside a
 * scenario's SQL so the API can be compared with all the statements it sends, not only its query.
 */
export async function sessionLookupSql(client: pg.ClientBase, sessionId: string): Promise<number> {
  const result = await client.query(
    `select s.public_id, s.user_id, s.active_membership_id, s.csrf_token, s.is_second_factor_pending,
            s.last_seen_at, s.expires_at, s.revoked_at, u.is_active, u.email, u.display_name,
            u.must_change_password, u.totp_enabled_at, m.id, m.institution_id, i.name, i.kind,
            i.territory_code, m.role
       from sessions s
       join users u on u.id = s.user_id
       left join memberships m on m.user_id = s.user_id
       left join institutions i on i.id = m.institution_id
      where s.id = $1
      order by m.created_at, m.id`,
    [sessionId],
  );
  return result.rowCount ?? 0;
}
