-- The audit log is sealed in signed blocks instead of one chain under a global lock (issue 7 item 4).
-- The legacy chain (previous_hash, hash) stays as it is; the verifier checks it, and the first seal
-- covers all legacy rows. The guard trigger now names its table, and covers the two new tables.
CREATE TABLE "audit_seal_members" (
	"event_id" bigint PRIMARY KEY NOT NULL,
	"seal_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_seals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"first_event_id" bigint NOT NULL,
	"last_event_id" bigint NOT NULL,
	"event_count" integer NOT NULL,
	"cumulative_count" bigint NOT NULL,
	"merkle_root" text NOT NULL,
	"previous_seal_hash" text NOT NULL,
	"seal_hash" text NOT NULL,
	"snapshot_xmin" bigint NOT NULL,
	"snapshot_xmax" bigint NOT NULL,
	"in_progress_xact_ids" bigint[] NOT NULL,
	"sealed_at" timestamp (3) with time zone NOT NULL,
	"signature" text NOT NULL,
	"key_id" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "previous_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "purpose" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "content_hash" text;--> statement-breakpoint
-- Added without a default first, so the legacy rows keep xact_id null (a volatile default would
-- stamp them all with this migration's transaction); new rows get theirs from the default.
ALTER TABLE "audit_events" ADD COLUMN "xact_id" bigint;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "xact_id" SET DEFAULT (pg_current_xact_id()::text)::bigint;--> statement-breakpoint
CREATE INDEX "audit_seal_members_seal_idx" ON "audit_seal_members" USING btree ("seal_id","event_id");--> statement-breakpoint
CREATE INDEX "audit_events_xact_idx" ON "audit_events" USING btree ("xact_id");--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_seals_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_seals
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_seals_no_truncate
  BEFORE TRUNCATE ON audit_seals
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_seal_members_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_seal_members
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_seal_members_no_truncate
  BEFORE TRUNCATE ON audit_seal_members
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
