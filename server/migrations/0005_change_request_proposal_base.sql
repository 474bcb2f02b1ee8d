-- The values a change request was proposed against, to refuse applying it over a newer edit.
ALTER TABLE "basket_change_requests" ADD COLUMN "proposal_base" jsonb;