package storetest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// RunIntake runs the contract tests of store.Talents and store.Introductions
// against the stores that open returns, one fresh store per test.
func RunIntake(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"Talents/Empty", testTalentsEmpty},
		{"UpsertTalents/CreatesAndReads", testUpsertTalentsCreates},
		{"UpsertTalents/Updates", testUpsertTalentsUpdates},
		{"UpsertTalents/AllOrNone", testUpsertTalentsAllOrNone},
		{"UpsertTalents/Many", testUpsertTalentsMany},
		{"TalentsVersion/OnlyImports", testTalentsVersion},
		{"Owner/NotFound", testOwnerNotFound},
		{"Owner/SaveAndUpdate", testOwnerSave},
		{"RequestIntroduction/Records", testRequestIntroduction},
		{"RequestIntroduction/AlreadyRequested", testRequestAlready},
		{"RequestIntroduction/UnknownTalent", testRequestUnknownTalent},
		{"RequestIntroduction/ConcurrentSameTalent", testRequestConcurrent},
		{"AllIntroductions/Order", testAllIntroductions},
	})
}

// openIntake opens a store without workers.
func openIntake(t *testing.T, open Opener) store.Store {
	t.Helper()
	return open(t, store.Options{})
}

// newIntakeEnv opens a store whose jobs, IntroAlertArgs among them, run
// and are logged (see env), and starts them.
func newIntakeEnv(t *testing.T, open Opener) *env {
	t.Helper()
	jobs := &jobLog{}
	workers := jobs.workers()
	// The suite's own workers may log it already: then they stay.
	_ = river.AddWorkerSafely(workers, record[store.IntroAlertArgs](jobs))
	s := open(t, store.Options{Workers: workers, MaxWorkers: 1, FetchPollInterval: 50 * time.Millisecond})
	e := &env{t: t, ctx: t.Context(), s: s, jobs: jobs, now: time.Now().UTC().Truncate(time.Second)}
	e.startJobs()
	return e
}

// talent is a complete profile; its lists are in no sorted order, so a
// store that sorts them shows.
func talent(id string) match.Talent {
	return match.Talent{
		ID:              id,
		DisplayName:     "奄美 " + id,
		Headline:        "観光業の集客を伴走支援 " + id,
		Skills:          []string{"SNS運用", "MEO対策", "Instagram広告", "ｶﾀｶﾅ 😀"},
		Categories:      []string{"tourism", "marketing", "it_dx"},
		YearsExperience: 12,
		WorkStyle:       "remote",
		Region:          "鹿児島県",
		HoursPerMonth:   20,
		Bio:             "地域企業の <集客> & \"発信\" を支援してきました。\n改行も残ります。",
	}
}

func upsertTalents(t *testing.T, s store.Talents, talents ...match.Talent) {
	t.Helper()
	if err := s.UpsertTalents(t.Context(), talents); err != nil {
		t.Fatalf("UpsertTalents: %v", err)
	}
}

// checkPool checks that the pool is want, in order; a nil list and an
// empty one are the same.
func checkPool(t *testing.T, s store.Talents, want ...match.Talent) {
	t.Helper()
	got, err := s.Talents(t.Context())
	if err != nil {
		t.Fatalf("Talents: %v", err)
	}
	if !slices.EqualFunc(got, want, equalTalents) {
		t.Errorf("Talents:\n%s\nwant:\n%s", talentsString(got), talentsString(want))
	}
}

func equalTalents(a, b match.Talent) bool {
	return a.ID == b.ID && a.DisplayName == b.DisplayName && a.Headline == b.Headline &&
		slices.Equal(a.Skills, b.Skills) && slices.Equal(a.Categories, b.Categories) &&
		a.YearsExperience == b.YearsExperience && a.WorkStyle == b.WorkStyle && a.Region == b.Region &&
		a.HoursPerMonth == b.HoursPerMonth && a.Bio == b.Bio
}

func talentsString(ts []match.Talent) string {
	if len(ts) > 10 {
		return fmt.Sprintf("%d talents, %s … %s", len(ts), ts[0].ID, ts[len(ts)-1].ID)
	}
	var s string
	for _, t := range ts {
		s += fmt.Sprintf("  %+v\n", t)
	}
	return s
}

func checkVersion(t *testing.T, s store.Talents, want int64) {
	t.Helper()
	v, err := s.TalentsVersion(t.Context())
	if err != nil {
		t.Fatalf("TalentsVersion: %v", err)
	}
	if v != want {
		t.Errorf("TalentsVersion = %d, want %d", v, want)
	}
}

// Talents

func testTalentsEmpty(t *testing.T, open Opener) {
	s := openIntake(t, open)
	checkPool(t, s)
	checkVersion(t, s, 0)
}

func testUpsertTalentsCreates(t *testing.T, open Opener) {
	s := openIntake(t, open)
	a, b, c := talent("T1"), talent("T10"), talent("T2")
	b.Categories = []string{"branding"} // the main category only
	b.WorkStyle, b.HoursPerMonth, b.YearsExperience = "onsite", 0, 0
	c.Categories = nil // the file may leave them out
	c.WorkStyle, c.Bio = "hybrid", ""
	upsertTalents(t, s, c, a, b)
	checkPool(t, s, a, b, c) // by ID, byte by byte: T1 < T10 < T2
	checkVersion(t, s, 1)
}

func testUpsertTalentsUpdates(t *testing.T, open Opener) {
	s := openIntake(t, open)
	a, b := talent("a"), talent("b")
	upsertTalents(t, s, a, b)

	a.DisplayName, a.Headline, a.Region, a.Bio = "名前を変更", "見出しを変更", "東京都", "経歴を変更"
	a.Skills = []string{"MEO対策", "SNS運用"}       // reordered and shorter
	a.Categories = []string{"it_dx", "tourism"} // another main category
	a.YearsExperience, a.HoursPerMonth, a.WorkStyle = 13, 40, "hybrid"
	c := talent("c")
	upsertTalents(t, s, a, c)
	checkPool(t, s, a, b, c)
	checkVersion(t, s, 2)
}

func testUpsertTalentsAllOrNone(t *testing.T, open Opener) {
	s := openIntake(t, open)
	a := talent("a")
	upsertTalents(t, s, a)

	changed := a
	changed.Headline = "changed"
	b := talent("b")
	bad := func(f func(*match.Talent)) match.Talent {
		t := talent("bad")
		f(&t)
		return t
	}
	for name, batch := range map[string][]match.Talent{
		"an empty ID":       {changed, b, bad(func(t *match.Talent) { t.ID = "" })},
		"an ID twice":       {changed, b, talent("c"), talent("b")},
		"a bad work style":  {changed, b, bad(func(t *match.Talent) { t.WorkStyle = "anywhere" })},
		"negative hours":    {changed, b, bad(func(t *match.Talent) { t.HoursPerMonth = -1 })},
		"negative years":    {changed, b, bad(func(t *match.Talent) { t.YearsExperience = -1 })},
		"the bad row first": {bad(func(t *match.Talent) { t.ID = "" }), changed, b},
	} {
		if err := s.UpsertTalents(t.Context(), batch); err == nil {
			t.Errorf("UpsertTalents with %s: no error", name)
		}
	}
	checkPool(t, s, a)
	checkVersion(t, s, 1)
}

// testUpsertTalentsMany imports a pool large enough to take a backend's
// bulk path, then imports it again, changed.
func testUpsertTalentsMany(t *testing.T, open Opener) {
	s := openIntake(t, open)
	const n = 3000
	pool := make([]match.Talent, n)
	for i := range pool {
		p := talent(fmt.Sprintf("T%05d", i))
		p.Skills = p.Skills[:1+i%len(p.Skills)]
		p.Categories = p.Categories[i%len(p.Categories):]
		p.HoursPerMonth = i % 100
		pool[i] = p
	}
	upsertTalents(t, s, pool...)
	checkPool(t, s, pool...)

	for i := range pool {
		if i%2 == 0 {
			pool[i].Headline = "更新 " + pool[i].ID
			pool[i].Skills = append(slices.Clone(pool[i].Skills), "追加スキル")
		}
	}
	slices.Reverse(pool) // the order of the input does not matter
	upsertTalents(t, s, pool...)
	slices.Reverse(pool)
	checkPool(t, s, pool...)
	checkVersion(t, s, 2)
}

// testTalentsVersion: the version counts imports (of the pool or of
// lexicon rows) and nothing else.
func testTalentsVersion(t *testing.T, open Opener) {
	s := openIntake(t, open)
	ctx := t.Context()
	checkVersion(t, s, 0)
	a := talent("a")
	upsertTalents(t, s, a)
	checkVersion(t, s, 1)

	if _, err := s.Talents(ctx); err != nil {
		t.Fatalf("Talents: %v", err)
	}
	if err := s.SaveOwner(ctx, store.Owner{UserID: "u1", Company: "奄美商店", UpdatedAt: time.Now()}); err != nil {
		t.Fatalf("SaveOwner: %v", err)
	}
	if _, err := s.RequestIntroduction(ctx, store.IntroRequest{UserID: "u1", TalentID: "a", Now: time.Now()}); err != nil {
		t.Fatalf("RequestIntroduction: %v", err)
	}
	if err := s.UpsertTalents(ctx, nil); err != nil { // an empty file: nothing to import
		t.Fatalf("UpsertTalents(nil): %v", err)
	}
	if err := s.UpsertTalents(ctx, []match.Talent{{ID: ""}}); err == nil {
		t.Fatal("UpsertTalents of a bad row: no error")
	}
	checkVersion(t, s, 1)

	upsertTalents(t, s, a) // the same file again is an import too
	checkVersion(t, s, 2)

	// Accepted lexicon rows are kept whole and move the version, so that
	// replicas rebuild their index with them; the pool stays.
	if rows, err := s.LexiconAdditions(ctx); err != nil || rows != "" {
		t.Errorf("LexiconAdditions before any = %q, %v; want none", rows, err)
	}
	const rows = "# accepted\nてぃーだ便\t配送網設計\tlogistics\n"
	if err := s.SetLexiconAdditions(ctx, rows); err != nil {
		t.Fatalf("SetLexiconAdditions: %v", err)
	}
	checkVersion(t, s, 3)
	if got, err := s.LexiconAdditions(ctx); err != nil || got != rows {
		t.Errorf("LexiconAdditions = %q, %v; want %q", got, err, rows)
	}
	if pool, err := s.Talents(ctx); err != nil || len(pool) != 1 {
		t.Errorf("Talents after the lexicon = %d, %v; want the pool of 1", len(pool), err)
	}
}

// Owners

func testOwnerNotFound(t *testing.T, open Opener) {
	s := openIntake(t, open)
	if _, err := s.Owner(t.Context(), "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Owner(nobody): err = %v, want ErrNotFound", err)
	}
}

func testOwnerSave(t *testing.T, open Opener) {
	s := openIntake(t, open)
	ctx := t.Context()
	jst := time.FixedZone("JST", 9*60*60)
	at := time.Now().In(jst).Truncate(time.Second)
	o := store.Owner{UserID: "U1", Name: "奄美 花子", Company: "奄美ﾏﾙｼｪ 🌺", Contact: "0997-00-0000", UpdatedAt: at}
	other := store.Owner{UserID: "U2", Company: "喜界島商店", Contact: "owner@example.com", UpdatedAt: at}
	for _, o := range []store.Owner{o, other} {
		if err := s.SaveOwner(ctx, o); err != nil {
			t.Fatalf("SaveOwner: %v", err)
		}
	}
	checkOwner(t, s, o)

	o.Name, o.Company, o.Contact, o.UpdatedAt = "奄美 花子（店主）", "株式会社 奄美マルシェ", "info@example.com", at.Add(time.Hour)
	if err := s.SaveOwner(ctx, o); err != nil {
		t.Fatalf("SaveOwner (update): %v", err)
	}
	checkOwner(t, s, o)
	checkOwner(t, s, other)
}

func checkOwner(t *testing.T, s store.Introductions, want store.Owner) {
	t.Helper()
	got, err := s.Owner(t.Context(), want.UserID)
	if err != nil {
		t.Fatalf("Owner(%s): %v", want.UserID, err)
	}
	if got.UserID != want.UserID || got.Name != want.Name || got.Company != want.Company || got.Contact != want.Contact {
		t.Errorf("Owner(%s) = %+v, want %+v", want.UserID, got, want)
	}
	checkTime(t, "UpdatedAt", got.UpdatedAt, want.UpdatedAt)
}

// Introductions

func introReq(userID, talentID string, now time.Time) store.IntroRequest {
	return store.IntroRequest{
		UserID:   userID,
		TalentID: talentID,
		Problem:  "グーグルマップで店が出てこない 😢 " + userID,
		Category: "marketing",
		Reasons:  []string{"MEO対策", "SNS運用", "観光業の経験"},
		Now:      now,
	}
}

func request(t *testing.T, s store.Introductions, req store.IntroRequest) store.Introduction {
	t.Helper()
	in, err := s.RequestIntroduction(t.Context(), req)
	if err != nil {
		t.Fatalf("RequestIntroduction(%s, %s): %v", req.UserID, req.TalentID, err)
	}
	return in
}

// checkIntroduction checks that in records req, pending.
func checkIntroduction(t *testing.T, in store.Introduction, req store.IntroRequest) {
	t.Helper()
	if in.ID == 0 || in.UserID != req.UserID || in.TalentID != req.TalentID || in.Problem != req.Problem ||
		in.Category != req.Category || !slices.Equal(in.Reasons, req.Reasons) || in.Status != store.Pending {
		t.Errorf("introduction = %+v, want a pending one for %+v", in, req)
	}
	checkTime(t, "CreatedAt", in.CreatedAt, req.Now)
}

func allIntroductions(t *testing.T, s store.Introductions) []store.Introduction {
	t.Helper()
	all, err := s.AllIntroductions(t.Context())
	if err != nil {
		t.Fatalf("AllIntroductions: %v", err)
	}
	return all
}

func testRequestIntroduction(t *testing.T, open Opener) {
	e := newIntakeEnv(t, open)
	s := e.s
	upsertTalents(t, s, talent("a"))
	jst := time.FixedZone("JST", 9*60*60)
	req := introReq("U1", "a", time.Now().In(jst).Truncate(time.Second))
	in := request(t, s, req)
	checkIntroduction(t, in, req)

	all := allIntroductions(t, s)
	if len(all) != 1 {
		t.Fatalf("AllIntroductions: %d, want 1", len(all))
	}
	if all[0].ID != in.ID {
		t.Errorf("AllIntroductions: ID %d, want %d", all[0].ID, in.ID)
	}
	checkIntroduction(t, all[0], req)
	checkJobs(t, e.drain(), store.IntroAlertArgs{IntroductionID: in.ID})
}

// testRequestAlready: asking again for a pending introduction changes
// nothing, and staff hear of the request once.
func testRequestAlready(t *testing.T, open Opener) {
	e := newIntakeEnv(t, open)
	s := e.s
	upsertTalents(t, s, talent("a"), talent("b"))
	now := time.Now().UTC().Truncate(time.Second)
	first := introReq("U1", "a", now)
	in := request(t, s, first)

	again := introReq("U1", "a", now.Add(time.Minute))
	again.Problem, again.Reasons = "言い直した問題", nil
	got, err := s.RequestIntroduction(t.Context(), again)
	if !errors.Is(err, store.ErrAlreadyRequested) {
		t.Fatalf("RequestIntroduction again: err = %v, want ErrAlreadyRequested", err)
	}
	if got.ID != in.ID {
		t.Errorf("RequestIntroduction again: returned request %d, want the pending %d", got.ID, in.ID)
	}
	checkIntroduction(t, got, first)

	// Another professional for the same owner, the same professional for
	// another owner: both new requests.
	other := request(t, s, introReq("U1", "b", now))
	another := request(t, s, introReq("U2", "a", now))
	if all := allIntroductions(t, s); len(all) != 3 {
		t.Errorf("AllIntroductions: %d, want 3", len(all))
	}
	checkJobs(t, e.drain(),
		store.IntroAlertArgs{IntroductionID: in.ID},
		store.IntroAlertArgs{IntroductionID: other.ID},
		store.IntroAlertArgs{IntroductionID: another.ID})
}

func testRequestUnknownTalent(t *testing.T, open Opener) {
	e := newIntakeEnv(t, open)
	s := e.s
	upsertTalents(t, s, talent("a"))
	_, err := s.RequestIntroduction(t.Context(), introReq("U1", "nobody", time.Now()))
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RequestIntroduction(nobody): err = %v, want ErrNotFound", err)
	}
	if all := allIntroductions(t, s); len(all) != 0 {
		t.Errorf("AllIntroductions: %d, want none", len(all))
	}
	checkJobs(t, e.drain())
}

// testRequestConcurrent: a double tap sends the same request twice at once
// (or ten times): one request and one alert, and every other caller gets
// the request back.
func testRequestConcurrent(t *testing.T, open Opener) {
	e := newIntakeEnv(t, open)
	s := e.s
	upsertTalents(t, s, talent("a"))
	now := time.Now().UTC().Truncate(time.Second)
	const n = 10
	var (
		mu       sync.Mutex
		returned []int64
	)
	ok, already := Race(t, n, store.ErrAlreadyRequested, func(int) error {
		in, err := s.RequestIntroduction(t.Context(), introReq("U1", "a", now))
		if err == nil || errors.Is(err, store.ErrAlreadyRequested) {
			mu.Lock()
			returned = append(returned, in.ID)
			mu.Unlock()
		}
		return err
	})
	if ok != 1 || already != n-1 {
		t.Errorf("%d requested, %d ErrAlreadyRequested; want 1 and %d", ok, already, n-1)
	}
	all := allIntroductions(t, s)
	if len(all) != 1 {
		t.Fatalf("AllIntroductions: %d, want 1", len(all))
	}
	for _, id := range returned {
		if id != all[0].ID {
			t.Errorf("a caller got request %d, want %d", id, all[0].ID)
		}
	}
	checkJobs(t, e.drain(), store.IntroAlertArgs{IntroductionID: all[0].ID})
}

func testAllIntroductions(t *testing.T, open Opener) {
	s := openIntake(t, open)
	if all := allIntroductions(t, s); len(all) != 0 {
		t.Errorf("AllIntroductions of an empty store: %d, want none", len(all))
	}
	upsertTalents(t, s, talent("a"), talent("b"))
	now := time.Now().UTC().Truncate(time.Second)
	late := request(t, s, introReq("U1", "a", now.Add(2*time.Hour)))
	early := request(t, s, introReq("U2", "a", now))
	middle := request(t, s, introReq("U3", "a", now.Add(time.Hour)))
	noReasons := introReq("U4", "b", now) // created at the same time as early, after it
	noReasons.Reasons = nil
	tie := request(t, s, noReasons)

	all := allIntroductions(t, s)
	if got, want := introIDs(all), introIDs([]store.Introduction{early, tie, middle, late}); !slices.Equal(got, want) {
		t.Errorf("AllIntroductions: %v, want %v (oldest first)", got, want)
	}
	for _, in := range all {
		if in.ID == tie.ID && len(in.Reasons) != 0 {
			t.Errorf("Reasons = %q, want none", in.Reasons)
		}
	}
}

// Benchmarks

// TalentPool reads the evaluation pool (16,000 profiles) from
// match/testdata/suggest/talents.csv under the module's root.
func TalentPool(tb testing.TB) []match.Talent {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
	path := filepath.Join(dir, "match", "testdata", "suggest", "talents.csv")
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	pool, err := match.ReadTalentsCSV(f)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return pool
}

// BenchUpsertTalents measures imports of the evaluation pool into s: New
// imports it under new IDs (every row inserted), Again imports the same pool
// again (as re-importing an unchanged file does), Changed with every
// profile's headline changed (every row updated).
func BenchUpsertTalents(b *testing.B, s store.Talents) {
	pool := TalentPool(b)
	ctx := b.Context()
	if err := s.UpsertTalents(ctx, pool); err != nil {
		b.Fatal(err)
	}
	// seq numbers the imports across the runs of a benchmark, so that no
	// run repeats an earlier one's IDs or headlines.
	seq := 0
	run := func(b *testing.B, next func(i int) []match.Talent) {
		for range b.N {
			b.StopTimer()
			seq++
			talents := next(seq)
			b.StartTimer()
			if err := s.UpsertTalents(ctx, talents); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(pool))*float64(b.N)/b.Elapsed().Seconds(), "talents/s")
	}
	b.Run("New", func(b *testing.B) {
		run(b, func(i int) []match.Talent {
			talents := slices.Clone(pool)
			for j := range talents {
				talents[j].ID = fmt.Sprintf("new%d-%s", i, talents[j].ID)
			}
			return talents
		})
	})
	b.Run("Again", func(b *testing.B) {
		run(b, func(int) []match.Talent { return pool })
	})
	b.Run("Changed", func(b *testing.B) {
		run(b, func(i int) []match.Talent {
			talents := slices.Clone(pool)
			for j := range talents {
				talents[j].Headline = fmt.Sprintf("%s (%d)", talents[j].Headline, i)
			}
			return talents
		})
	})
}
