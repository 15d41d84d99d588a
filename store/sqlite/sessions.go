package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

func (s *Store) Session(ctx context.Context, userID string) ([]byte, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, sqlSession, userID, dbTime(time.Now())).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	return data, nil
}

func (s *Store) SaveSession(ctx context.Context, userID string, data []byte, ttl time.Duration) error {
	if data == nil {
		data = []byte{} // the column is NOT NULL
	}
	if _, err := s.db.ExecContext(ctx, sqlSaveSession, userID, data, dbTime(time.Now().Add(ttl))); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}
