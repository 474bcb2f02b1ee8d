-- pg_trgm powers diacritic-insensitive, typo-tolerant search (names are stored normalised).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
