-- Notification kinds are now declared by their domains as `<domain>.<name>` (issue 7 item 3).
UPDATE "notifications" SET "kind" = 'basket.staleCard' WHERE "kind" = 'service.staleReminder';--> statement-breakpoint
UPDATE "notifications"
  SET "kind" = 'basket.changeRequest' || initcap(substr("kind", 15)),
      "link" = CASE WHEN "link" LIKE '%/koszyk' THEN "link" || '?widok=requests' ELSE "link" END
  WHERE "kind" IN ('basketRequest.created', 'basketRequest.reviewed', 'basketRequest.applied', 'basketRequest.refused');--> statement-breakpoint
UPDATE "notifications" SET "kind" = 'accounts.lockedOut' WHERE "kind" = 'account.lockedOut';--> statement-breakpoint
-- The administrators' notice no longer names the account: its name and e-mail leave the stored row.
UPDATE "notifications"
  SET "kind" = 'accounts.lockedOutForAdmin', "params" = "params" - 'accountName' - 'accountEmail'
  WHERE "kind" = 'account.lockedOutForAdmin';
