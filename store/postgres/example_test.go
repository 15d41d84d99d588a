package postgres_test

import (
	"context"
	"log"
	"os"
	"time"

	"github.com/riverqueue/river"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/postgres"
)

type reminderWorker struct {
	river.WorkerDefaults[store.ReminderArgs]
	st store.Store
}

func (w *reminderWorker) Work(ctx context.Context, job *river.Job[store.ReminderArgs]) error {
	reg, err := w.st.Registration(ctx, job.Args.RegistrationID)
	if err != nil || reg.Status != store.Confirmed {
		return err // a cancelled registration is not reminded
	}
	log.Printf("remind registration %d of %s", reg.ID, reg.Seminar.Title)
	return nil
}

// A server replica: workers that need the store join the bundle after Open
// and before StartJobs. Several replicas may run this at once on one
// database; they migrate one after the other, and one user's turns take turns across them.
func Example() {
	ctx := context.Background()
	workers := river.NewWorkers()
	s, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"), store.Options{Workers: workers})
	if err != nil {
		log.Fatal(err) // says which server it could not reach, without the password
	}
	defer s.Close()
	river.AddWorker(workers, &reminderWorker{st: s})
	if err := s.StartJobs(ctx); err != nil {
		log.Fatal(err)
	}

	// ... serve ...

	stop, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := s.StopJobs(stop); err != nil {
		log.Print(err)
	}
}
