-- fitcli schema 2: group roles, teams and row-level security. Logins are the database
-- administrator's; `fit team grant` puts them into these roles and teams.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fitcli_practitioner') THEN
        CREATE ROLE fitcli_practitioner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fitcli_supervisor') THEN
        CREATE ROLE fitcli_supervisor NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fitcli_admin') THEN
        CREATE ROLE fitcli_admin NOLOGIN;
    END IF;
END
$$;

-- Which team each login belongs to (a supervisor reads the clients of their teams).
CREATE TABLE fitcli_members (
    login text NOT NULL,
    team  text NOT NULL,
    PRIMARY KEY (login, team)
);

-- The logins in the teams of a login, for the supervisors' policy. SECURITY DEFINER:
-- nobody but administrators needs to read the membership table itself. (current_user
-- inside it would be its owner, so the policy passes its own current_user.)
CREATE FUNCTION fitcli_team_logins(supervisor text) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT m.login FROM @SCHEMA@.fitcli_members m
    JOIN @SCHEMA@.fitcli_members me ON me.team = m.team
    WHERE me.login = supervisor
$$;
REVOKE ALL ON FUNCTION fitcli_team_logins(text) FROM PUBLIC;

GRANT USAGE ON SCHEMA @SCHEMA@ TO fitcli_practitioner, fitcli_supervisor, fitcli_admin;
GRANT SELECT ON fitcli_schema TO fitcli_practitioner, fitcli_supervisor, fitcli_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON clients TO fitcli_practitioner, fitcli_admin;
GRANT SELECT ON clients TO fitcli_supervisor;
GRANT SELECT, INSERT, UPDATE, DELETE ON fitcli_members TO fitcli_admin;
GRANT EXECUTE ON FUNCTION fitcli_team_logins(text) TO fitcli_supervisor;

ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
CREATE POLICY practitioner_own ON clients FOR ALL TO fitcli_practitioner
    USING (practitioner = current_user) WITH CHECK (practitioner = current_user);
CREATE POLICY supervisor_team ON clients FOR SELECT TO fitcli_supervisor
    USING (practitioner IN (SELECT fitcli_team_logins(current_user)));
CREATE POLICY admin_all ON clients FOR ALL TO fitcli_admin
    USING (true) WITH CHECK (true);

-- Administrators put logins into the practitioner and supervisor roles (`fit team grant`).
GRANT fitcli_practitioner, fitcli_supervisor TO fitcli_admin WITH ADMIN OPTION;
