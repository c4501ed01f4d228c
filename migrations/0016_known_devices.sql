-- Known devices for sign-in throttling (OWASP's "device cookies"): after a successful sign-in
-- the browser keeps a random device token in a cookie, and the attempt records its SHA-256
-- digest (never the token). A device that signed in to an account before is judged only by
-- its own failures, so somebody else guessing at the account, or from the same office
-- address, can't keep its owner out. NULL for attempts without a device cookie and for
-- password resets (which count as a success: the account's earlier failures stop counting).
ALTER TABLE sign_in_attempts
    ADD COLUMN device bytea CHECK (device IS NULL OR length(device) = 32);

-- An attempt is recorded before its password is checked, with `succeeded` NULL while the check
-- runs, so the limits are checked and the attempt counted atomically; in-progress attempts
-- count against the account but not against the address.
ALTER TABLE sign_in_attempts ALTER COLUMN succeeded DROP NOT NULL;
