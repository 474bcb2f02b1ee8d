ALTER TABLE "data_keys" ADD COLUMN "host_id" uuid NOT NULL;--> statement-breakpoint
CREATE INDEX "data_keys_host_idx" ON "data_keys" USING btree ("host_type","host_id");