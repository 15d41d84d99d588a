package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
)

// A scratchDB is a fresh Postgres database, dropped at the end of the run.
type scratchDB struct {
	adminURL string
	name     string
	url      string // the URL of the database itself
}

// createDatabase creates a database named prefix and a random suffix on the
// Postgres of adminURL.
func createDatabase(ctx context.Context, adminURL, prefix string) (*scratchDB, error) {
	u, err := url.Parse(adminURL)
	if err != nil || u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return nil, fmt.Errorf("--database-url %q must be a postgres:// URL of a role that may create databases", adminURL)
	}
	name := prefix + "_" + strings.ToLower(rand.Text())
	db := &scratchDB{adminURL: adminURL, name: name}
	if err := db.admin(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u.Path = "/" + name
	db.url = u.String()
	return db, nil
}

// admin runs sql on the admin connection.
func (db *scratchDB) admin(ctx context.Context, sql string) error {
	return execOn(ctx, db.adminURL, sql)
}

// exec runs sql in the database.
func (db *scratchDB) exec(ctx context.Context, sql string) error {
	return execOn(ctx, db.url, sql)
}

func execOn(ctx context.Context, dbURL, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// drop drops the database, whoever is still connected.
func (db *scratchDB) drop() error {
	return db.admin(context.Background(), "DROP DATABASE IF EXISTS "+db.name+" WITH (FORCE)")
}

// deleteRedisKeys deletes the keys that name the database: the server
// prefixes its Redis keys with its database's name, which is unique to the run.
func deleteRedisKeys(ctx context.Context, redisURL, database string) error {
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		return err
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	iter := rdb.Scan(ctx, 0, "*"+database+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	return rdb.Del(ctx, keys...).Err()
}
