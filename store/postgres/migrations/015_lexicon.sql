-- Lexicon rows staff accepted (amamibot import lexicon), kept beside the
-- pool's version: both are what a replica builds its index from, and
-- accepting rows counts as an import, so that every replica rebuilds.
ALTER TABLE talents_version ADD COLUMN lexicon text NOT NULL DEFAULT '';
