CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"request_id" text,
	"actor_user_id" uuid,
	"actor_institution_id" uuid,
	"actor_role" text,
	"action" text NOT NULL,
	"subject_type" text,
	"subject_id" text,
	"outcome" text NOT NULL,
	"ip" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"previous_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "institutions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"short_name" text,
	"name_search" text NOT NULL,
	"kind" text NOT NULL,
	"sector" text NOT NULL,
	"cooperation_areas" text[] DEFAULT '{}'::text[] NOT NULL,
	"territory_code" text NOT NULL,
	"street" text,
	"postal_code" text,
	"city" text,
	"email" text,
	"phone" text,
	"website" text,
	"contacts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"registered_by_institution_id" uuid,
	"archived_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_throttles" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"window_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"institution_id" uuid NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "partnership_coordinators" (
	"partnership_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"since" date NOT NULL,
	CONSTRAINT "partnership_coordinators_partnership_id_user_id_pk" PRIMARY KEY("partnership_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "partnership_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partnership_id" uuid NOT NULL,
	"institution_id" uuid NOT NULL,
	"status" text NOT NULL,
	"declaration_date" date,
	"representative_name" text,
	"representative_position" text,
	"representative_email" text,
	"representative_phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "partnerships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"territory_code" text NOT NULL,
	"area_description" text,
	"model_variant" text NOT NULL,
	"leader_institution_id" uuid NOT NULL,
	"stage" text DEFAULT 'initiation' NOT NULL,
	"established_on" date,
	"archived_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"public_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"active_membership_id" uuid,
	"csrf_token" text NOT NULL,
	"is_second_factor_pending" boolean DEFAULT false NOT NULL,
	"ip" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "territories" (
	"code" text PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"kind" text NOT NULL,
	"terc_kind" text NOT NULL,
	"name" text NOT NULL,
	"name_search" text NOT NULL,
	"voivodeship_code" text NOT NULL,
	"powiat_code" text,
	"parent_code" text,
	"valid_from" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"must_change_password" boolean DEFAULT false NOT NULL,
	"totp_secret" text,
	"totp_enabled_at" timestamp with time zone,
	"totp_last_used_step" integer,
	"recovery_code_hashes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"password_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "institutions" ADD CONSTRAINT "institutions_territory_code_territories_code_fk" FOREIGN KEY ("territory_code") REFERENCES "public"."territories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_coordinators" ADD CONSTRAINT "partnership_coordinators_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_coordinators" ADD CONSTRAINT "partnership_coordinators_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_members" ADD CONSTRAINT "partnership_members_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnership_members" ADD CONSTRAINT "partnership_members_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnerships" ADD CONSTRAINT "partnerships_territory_code_territories_code_fk" FOREIGN KEY ("territory_code") REFERENCES "public"."territories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partnerships" ADD CONSTRAINT "partnerships_leader_institution_id_institutions_id_fk" FOREIGN KEY ("leader_institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_active_membership_id_memberships_id_fk" FOREIGN KEY ("active_membership_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_occurred_idx" ON "audit_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_user_id");--> statement-breakpoint
CREATE INDEX "audit_events_subject_idx" ON "audit_events" USING btree ("subject_type","subject_id");--> statement-breakpoint
CREATE INDEX "institutions_territory_idx" ON "institutions" USING btree ("territory_code");--> statement-breakpoint
CREATE INDEX "institutions_kind_idx" ON "institutions" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "institutions_name_search_trgm_idx" ON "institutions" USING gin ("name_search" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "memberships_unique" ON "memberships" USING btree ("user_id","institution_id","role");--> statement-breakpoint
CREATE INDEX "memberships_institution_idx" ON "memberships" USING btree ("institution_id");--> statement-breakpoint
CREATE INDEX "partnership_coordinators_user_idx" ON "partnership_coordinators" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "partnership_members_unique" ON "partnership_members" USING btree ("partnership_id","institution_id");--> statement-breakpoint
CREATE INDEX "partnership_members_institution_idx" ON "partnership_members" USING btree ("institution_id");--> statement-breakpoint
CREATE INDEX "partnerships_territory_idx" ON "partnerships" USING btree ("territory_code");--> statement-breakpoint
CREATE INDEX "partnerships_leader_idx" ON "partnerships" USING btree ("leader_institution_id");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_public_id_unique" ON "sessions" USING btree ("public_id");--> statement-breakpoint
CREATE INDEX "territories_level_idx" ON "territories" USING btree ("level");--> statement-breakpoint
CREATE INDEX "territories_parent_idx" ON "territories" USING btree ("parent_code");--> statement-breakpoint
CREATE INDEX "territories_name_search_trgm_idx" ON "territories" USING gin ("name_search" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_unique" ON "users" USING btree ("email");