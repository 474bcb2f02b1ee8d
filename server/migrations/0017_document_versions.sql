CREATE TABLE "document_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"host_type" text NOT NULL,
	"host_id" uuid NOT NULL,
	"data_key_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"version" integer NOT NULL,
	"state" text NOT NULL,
	"model" text NOT NULL,
	"sha256" text NOT NULL,
	"created_by_user_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"approved_by_user_id" uuid,
	"approved_at" timestamp (3) with time zone,
	CONSTRAINT "document_versions_state" CHECK ("document_versions"."state" in ('draft', 'approved')),
	CONSTRAINT "document_versions_version_positive" CHECK ("document_versions"."version" > 0),
	CONSTRAINT "document_versions_approval" CHECK (("document_versions"."state" = 'approved') = ("document_versions"."approved_by_user_id" is not null and "document_versions"."approved_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "document_versions" ADD CONSTRAINT "document_versions_data_key_id_data_keys_id_fk" FOREIGN KEY ("data_key_id") REFERENCES "public"."data_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_versions" ADD CONSTRAINT "document_versions_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_versions" ADD CONSTRAINT "document_versions_approved_by_user_id_users_id_fk" FOREIGN KEY ("approved_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "document_versions_number_unique" ON "document_versions" USING btree ("host_type","host_id","kind","version");--> statement-breakpoint
-- An approved version never changes, for every database role, the app's included (SECURITY.md 28):
-- any UPDATE of an approved row is refused, and approving a draft may not change its model or hash.
CREATE OR REPLACE FUNCTION document_versions_refuse_change() RETURNS trigger AS $$
BEGIN
  IF OLD.state = 'approved' THEN
    RAISE EXCEPTION 'document_versions % is approved and locked: UPDATE refused', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.state = 'approved' AND (NEW.model IS DISTINCT FROM OLD.model OR NEW.sha256 IS DISTINCT FROM OLD.sha256) THEN
    RAISE EXCEPTION 'document_versions %: approving may not change the model', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER document_versions_approved_locked
  BEFORE UPDATE ON document_versions
  FOR EACH ROW EXECUTE FUNCTION document_versions_refuse_change();
