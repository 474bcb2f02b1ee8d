-- Low-selectivity GIN indexes of the basket (areas, target groups): they never narrowed a search and
-- misled the planner into bitmap ANDs slower than the reach index alone (see tables.ts).
DROP INDEX "services_areas_idx";--> statement-breakpoint
DROP INDEX "services_target_groups_idx";