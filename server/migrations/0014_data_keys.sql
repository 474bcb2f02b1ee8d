CREATE TABLE "data_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"host_type" text NOT NULL,
	"kek_id" text NOT NULL,
	"wrapped_key" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"rotated_at" timestamp (3) with time zone,
	"destroyed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE INDEX "data_keys_kek_idx" ON "data_keys" USING btree ("kek_id");