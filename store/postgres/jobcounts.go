package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// JobCounts counts the job queue's jobs by state, for the metrics.
func (s *Store) JobCounts(ctx context.Context) (map[string]int, error) {
	rows, _ := s.pool.Query(ctx, `SELECT state::text, count(*) FROM river_job GROUP BY state`)
	counts := map[string]int{}
	var state string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&state, &n}, func() error { counts[state] = n; return nil }); err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	return counts, nil
}
