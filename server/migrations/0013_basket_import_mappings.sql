CREATE TABLE "basket_import_mappings" (
	"partnership_id" uuid NOT NULL,
	"sheet_header" text NOT NULL,
	"template_column" text,
	"updated_by_user_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "basket_import_mappings_partnership_id_sheet_header_pk" PRIMARY KEY("partnership_id","sheet_header")
);
--> statement-breakpoint
ALTER TABLE "basket_import_mappings" ADD CONSTRAINT "basket_import_mappings_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "basket_import_mappings" ADD CONSTRAINT "basket_import_mappings_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;