-- Sign in with the company's identity provider (OpenID Connect).

-- The provider's subject identifier (`sub`), set at a person's first SSO sign-in. From then on
-- the person is matched by it alone, whatever their email becomes; one subject, one person.
ALTER TABLE people
    ADD COLUMN sso_subject text CHECK (length(sso_subject) BETWEEN 1 AND 255);
CREATE UNIQUE INDEX people_sso_subject_key ON people (sso_subject);

ALTER TABLE program_settings
    -- Who may sign in the first time: 'known' (only people HR added or imported) or
    -- 'domains' (anyone with a verified email in `sso_domains`, created as an employee).
    ADD COLUMN sso_admission text NOT NULL DEFAULT 'known'
        CHECK (sso_admission IN ('known', 'domains')),
    -- Lower-cased email domains such as 'example.com'.
    ADD COLUMN sso_domains text[] NOT NULL DEFAULT '{}'
        CHECK (cardinality(sso_domains) <= 50),
    -- Names of the claims that carry a person's department, office and time zone ('' : none);
    -- refreshed at each sign-in.
    ADD COLUMN sso_department_claim text NOT NULL DEFAULT '' CHECK (length(sso_department_claim) <= 100),
    ADD COLUMN sso_office_claim text NOT NULL DEFAULT '' CHECK (length(sso_office_claim) <= 100),
    ADD COLUMN sso_time_zone_claim text NOT NULL DEFAULT 'zoneinfo' CHECK (length(sso_time_zone_claim) <= 100),
    -- Password sign-in off for everyone but HR admins (their break-glass route).
    ADD COLUMN sso_only boolean NOT NULL DEFAULT false;
