-- Custom SQL migration file, put your code below! --
-- Every partnership has its public basket address reserved from its creation (a basket_publications
-- row, not public). Backfill for partnerships that never saved one: the address suggested from the
-- name (Polish letters folded as normalizeForSearch does); one already taken, or shared with an older
-- partnership of the same name, gets a suffix from the partnership id. Pages already saved keep theirs.
WITH folded AS (
  SELECT p.id, p.created_at,
    rtrim(left(trim(both '-' from regexp_replace(lower(translate(p.name, 'ĄĆĘŁŃÓŚŹŻąćęłńóśźż', 'ACELNOSZZacelnoszz')), '[^a-z0-9]+', '-', 'g')), 80), '-') AS slug
  FROM partnerships p
  WHERE NOT EXISTS (SELECT 1 FROM basket_publications b WHERE b.partnership_id = p.id)
), based AS (
  SELECT id, created_at, CASE WHEN length(slug) >= 3 THEN slug ELSE 'koszyk-' || coalesce(nullif(slug, ''), 'uslug') END AS slug
  FROM folded
), ranked AS (
  SELECT id, slug, row_number() OVER (PARTITION BY slug ORDER BY created_at, id) AS position FROM based
)
INSERT INTO basket_publications (partnership_id, slug, is_public)
SELECT r.id,
  CASE WHEN r.position = 1 AND NOT EXISTS (SELECT 1 FROM basket_publications b WHERE b.slug = r.slug)
    THEN r.slug
    ELSE rtrim(left(r.slug, 71), '-') || '-' || left(replace(r.id::text, '-', ''), 8)
  END,
  false
FROM ranked r;
