-- fitcli schema 1: one row per client holding the versioned client document (the same
-- JSON a client file of the folder store holds), plus indexed columns for lookups.
CREATE TABLE clients (
    id_key       text PRIMARY KEY,            -- the ID case-folded: C001 and c001 are one
    id           text NOT NULL,
    document     jsonb NOT NULL,              -- {"schema_version": N, "id": ..., ...}
    practitioner text,                        -- login of the responsible practitioner
    status       text NOT NULL DEFAULT 'open',
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clients_practitioner ON clients (practitioner);
CREATE INDEX clients_status ON clients (status);
CREATE INDEX clients_updated_at ON clients (updated_at);
