-- What billing reads about a day (src/shared/planning/transitions.ts whatHappened), and forced acceptances.

-- The state stored on the day (booking, cancellation, absence) was asked after its deadline.
ALTER TABLE planning_days ADD COLUMN late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1));
-- Booked only because the child was marked present without a booking.
ALTER TABLE planning_days ADD COLUMN walk_in INTEGER NOT NULL DEFAULT 0 CHECK (walk_in IN (0, 1));
-- Accepted over the day's capacity on the agent's explicit confirmation (who and when: decided_by, decided_at).
ALTER TABLE request_items ADD COLUMN forced INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1));
