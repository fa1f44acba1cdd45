-- The settings a saved dictionary was fetched with (for Xiaoman: XIAOMAN_BASE_URL, _CLIENT_ID,
-- _GRANT_TYPE, _USERNAME, _SCOPE, _FLOW_IDS; one NAME=value line each, never a secret), so that an
-- instance configured otherwise does not take it as its own. NULL: saved before this version.
ALTER TABLE dictionary_snapshot ADD COLUMN settings TEXT;
