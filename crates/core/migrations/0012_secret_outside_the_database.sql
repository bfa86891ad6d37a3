-- Where the desk keeps its sign-in with the server (keychain or a private file), no longer in
-- this database: a copied or backed-up database file carries no credential.
ALTER TABLE sync_state ADD COLUMN secret_place TEXT CHECK (secret_place IN ('keychain', 'file'));
