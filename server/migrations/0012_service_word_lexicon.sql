CREATE TABLE "service_words" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
DROP INDEX "services_search_trgm_idx";--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "search_words" text[] GENERATED ALWAYS AS (regexp_split_to_array(search_text, '[^[:alnum:]]+')) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "service_words_word_trgm_idx" ON "service_words" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "services_search_words_idx" ON "services" USING gin ("search_words");--> statement-breakpoint
-- The lexicon keeps itself: every statement that inserts cards or changes a card's search text
-- adds the words it brings (issue 8 item 7). Words in a fixed order, so two writers that bring the
-- same new words wait for each other instead of deadlocking.
CREATE FUNCTION "service_words_collect"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO "service_words" ("word")
      SELECT DISTINCT w FROM new_rows n, unnest(n."search_words") AS w
       WHERE w <> '' AND NOT EXISTS (SELECT 1 FROM old_rows o WHERE o."id" = n."id" AND o."search_text" = n."search_text")
       ORDER BY w
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO "service_words" ("word")
      SELECT DISTINCT w FROM new_rows n, unnest(n."search_words") AS w WHERE w <> '' ORDER BY w
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "services_words_on_insert" AFTER INSERT ON "services"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "service_words_collect"();--> statement-breakpoint
CREATE TRIGGER "services_words_on_update" AFTER UPDATE ON "services"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "service_words_collect"();--> statement-breakpoint
INSERT INTO "service_words" ("word")
  SELECT DISTINCT w FROM "services", unnest("search_words") AS w WHERE w <> '' ORDER BY w
ON CONFLICT DO NOTHING;
