package conversation

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// Options configure a Service. Store and Catalog are required.
type Options struct {
	Store   *store.Store
	Catalog *questionnaires.Catalog
	Logger  *slog.Logger     // nil: discard
	Now     func() time.Time // nil: time.Now
	Metrics *Metrics         // nil: unregistered metrics
	// Wake makes the reminder dispatcher send the manual reminders a
	// coordinator's /remind queued now; nil: they go at its next tick.
	Wake func()
	// DeskLink makes a single-use login link to the desk for the
	// coordinator's /desk, audited with actor (the coordinator's code);
	// store.ErrNotCoordinator refuses them. nil: no desk is served and
	// /desk says so. serve wires it to desk.NewLoginLink, which this
	// package may not import.
	DeskLink func(ctx context.Context, coordinatorID int64, actor string) (url string, err error)
	// ApplyConcurrency bounds the updates applied alone at once; 0 is 16,
	// under the store's pool of 20 connections. Updates beyond it wait
	// their turn in order, where database/sql would hand a freed
	// connection to a random waiter and let a few wait very long.
	ApplyConcurrency int
	// GroupSize bounds the answers applied together in one transaction
	// (see group); 0 is 32, 1 applies every update in its own.
	GroupSize int
	// GroupTransactions bounds the shared transactions at once; 0 is 4.
	GroupTransactions int
}

// Service applies updates and answers coordinators' commands.
type Service struct {
	store       *store.Store
	catalog     *questionnaires.Catalog
	log         *slog.Logger
	now         func() time.Time
	metrics     *Metrics
	coordinator *Coordinator
	slots       chan struct{} // one per update being applied alone
	group       *group        // nil: every update alone

	// work is the context shared transactions run in: once taken, an
	// update is applied even if the request that brought it ends.
	work context.Context
	stop context.CancelFunc
}

// New makes a Service.
func New(opts Options) (*Service, error) {
	if opts.Store == nil || opts.Catalog == nil {
		return nil, errors.New("conversation.New: a store and a catalog are required")
	}
	s := &Service{store: opts.Store, catalog: opts.Catalog, log: opts.Logger, now: opts.Now, metrics: opts.Metrics}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.metrics == nil {
		s.metrics = NewMetrics(nil)
	}
	s.coordinator = &Coordinator{Store: opts.Store, Catalog: opts.Catalog, Now: s.now, Wake: opts.Wake, DeskLink: opts.DeskLink}
	s.slots = make(chan struct{}, cmp.Or(opts.ApplyConcurrency, 16))
	if size := cmp.Or(opts.GroupSize, 32); size > 1 {
		s.group = newGroup(s, cmp.Or(opts.GroupTransactions, 4), size)
	}
	s.work, s.stop = context.WithCancel(context.Background())
	return s, nil
}

// Stop cancels the shared transactions still running; call it once the
// updates taken in have been given their time to be applied.
func (s *Service) Stop() { s.stop() }
