package sqlstore

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"strconv"
	"strings"

	"github.com/riverqueue/river/rivermigrate"
)

// migrate applies River's migrations, then the store's that are not applied
// yet, each in its own transaction, under the dialect's migration lock.
func (s *Store) migrate(ctx context.Context, logger *slog.Logger) error {
	if s.d.LockMigrations != "" {
		// A session-level lock needs one connection for its whole life.
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, s.d.LockMigrations); err != nil {
			return fmt.Errorf("migrate: take the migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), s.d.UnlockMigrations)
	}
	migrator, err := rivermigrate.New(s.d.Driver, &rivermigrate.Config{Logger: logger})
	if err != nil {
		return fmt.Errorf("migrate jobs: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate jobs: %w", err)
	}

	if _, err := s.db.ExecContext(ctx, s.d.CreateMigrations); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(s.d.Migrations, "*.sql") // sorted by name
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	numbered := make(map[int]string, len(names))
	for _, name := range names {
		prefix, _, _ := strings.Cut(name, "_")
		version, err := strconv.Atoi(prefix)
		if err != nil {
			return fmt.Errorf("migrate: %s: the name must start with a number", name)
		}
		// Two files of one number: the second would be taken as applied.
		if other, dup := numbered[version]; dup {
			return fmt.Errorf("migrate: %s and %s have the same number", other, name)
		}
		numbered[version] = name
		applied, err := s.apply(ctx, version, name)
		if err != nil {
			return fmt.Errorf("migrate: %s: %w", name, err)
		}
		if applied {
			logger.InfoContext(ctx, "applied migration", "migration", name)
		}
	}
	return nil
}

// apply applies one migration unless it is applied already.
func (s *Store) apply(ctx context.Context, version int, name string) (bool, error) {
	body, err := fs.ReadFile(s.d.Migrations, name)
	if err != nil {
		return false, err
	}
	applied := false
	err = s.inTx(ctx, func(tx view) error {
		if err := tx.row(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, []any{version}, &applied); err != nil || applied {
			return err
		}
		if _, err := tx.q.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		_, err := tx.exec(ctx, s.d.RecordMigration, version)
		return err
	})
	return !applied && err == nil, err
}
