-- When HR last changed a person's email. A password reset needs the email to have been stable
-- for a while (and the old address is told of the change), so nobody who can edit people can
-- point someone's account at an inbox they read and reset their password.
ALTER TABLE people ADD COLUMN email_changed_at timestamptz;
