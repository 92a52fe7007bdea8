-- The drain writes a group of batches in one statement (lib/ingest/drain-writer.ts). When a frame
-- of the group turns out to be stored already (Heroku retried a batch we had taken), the statement
-- calls this to stop and roll back; the group is then written batch by batch in a transaction.
CREATE FUNCTION drain_frames_already_stored() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION 'a frame of this drain group is already stored' USING ERRCODE = 'DM409';
END
$$;
