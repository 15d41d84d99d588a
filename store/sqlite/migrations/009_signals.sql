-- The owner's name, asked with the company since the intake asks for it.

ALTER TABLE owners ADD COLUMN name TEXT NOT NULL DEFAULT '';
