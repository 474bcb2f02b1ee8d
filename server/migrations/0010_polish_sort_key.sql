-- Polish alphabetical order on both databases (issue 8 §5). PGlite has no Polish collation (its ICU
-- knows the root locale only, where Ś sorts among the S and Ł before L), so names are ordered by
-- this key under the byte order of "C": the Polish letters become their base letter followed by a
-- tilde (after every letter), so a < ą < b, l < ł < m, s < ś < t, z < ź < ż; other Latin accents
-- fold to the base letter; case is ignored. Used through server/src/platform/db/polish-order.ts.
CREATE OR REPLACE FUNCTION polish_sort_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(translate(value, 'ĄĆĘŁŃÓŚŹŻÁÀÂÄÃÅÇČĎÉÈÊËĚÍÌÎÏĽÑŇÒÔÖÕŘŠŤÚÙÛÜŮÝŽáàâäãåçčďéèêëěíìîïľñňòôöõřšťúùûüůýÿž', 'ąćęłńóśźżaaaaaaccdeeeeeiiiilnnoooorstuuuuuyzaaaaaaccdeeeeeiiiilnnoooorstuuuuuyyz')), 'ą', 'a~'), 'ć', 'c~'), 'ę', 'e~'), 'ł', 'l~'), 'ń', 'n~'), 'ó', 'o~'), 'ś', 's~'), 'ź', 'z~'), 'ż', 'z~~')
$$;
