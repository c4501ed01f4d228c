-- Drafts: starter resources that need the company's own details (a link, a date, a place)
-- are kept from everyone until HR completes and publishes them, so no placeholder ever
-- reaches an employee. A draft is never recommended, saved to a plan or listed outside HR's
-- library.
ALTER TABLE resources ADD COLUMN draft boolean NOT NULL DEFAULT false;

-- The starter "Listening circle" ERG event ships with a placeholder link: it becomes a draft
-- (unless HR already replaced the link), and its description no longer carries the
-- instruction to HR, which the draft's page now gives.
UPDATE resources
   SET draft = true,
       description = E'An employee resource group invites colleagues to listen, without replying, as members share what their working day is really like.',
       updated_at = now()
 WHERE id = '7a0f1c2e-0001-4000-8000-000000000017'
   AND url = 'https://example.com/replace-with-your-erg-page';
