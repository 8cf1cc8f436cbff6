-- The demo's tables. db.prepare splits this file at semicolons, so keep
-- semicolons out of comments and strings here.

CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Shares and prices are decimal strings: exact, unlike floats.
CREATE TABLE IF NOT EXISTS holdings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    symbol TEXT NOT NULL,
    shares TEXT NOT NULL,
    purchase_price TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX IF NOT EXISTS holdings_by_user ON holdings (user_id, symbol);

-- Server-side session ids a user signed in with, for "log out everywhere".
CREATE TABLE IF NOT EXISTS signins (
    sid TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    user_agent TEXT NOT NULL DEFAULT ''
);

CREATE INDEX IF NOT EXISTS signins_by_user ON signins (user_id);

-- Session ids ended by "log out everywhere", kept for one session lifetime
-- so a browser still sending one learns why it must log in again.
CREATE TABLE IF NOT EXISTS ended_signins (
    sid TEXT PRIMARY KEY,
    ended_at TEXT NOT NULL
)
