-- Privacy (APPI): consents to the privacy notice, and the indexes that
-- deleting a user's data and purging old data go by.

-- When the user agreed to the privacy notice; deleting the user's data
-- deletes the row, so agreeing again records a new time.
CREATE TABLE consents (
    user_id      TEXT PRIMARY KEY CHECK (user_id <> ''),
    consented_at TEXT NOT NULL
) STRICT;

-- A user's requests and events, handled or not, for DeleteUserData.
CREATE INDEX introductions_user_id ON introductions (user_id);
CREATE INDEX events_user_id ON events (user_id);

-- Handled events by age, for PurgeBefore.
CREATE INDEX events_handled_received_at ON events (received_at) WHERE handled_at IS NOT NULL;
