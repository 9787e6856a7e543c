package rehearse

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/conversation"
	"github.com/imrbot/imrbot/internal/clock"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/reminders"
	"github.com/imrbot/imrbot/store"
)

// Options say what to rehearse. Store must be a database of the
// rehearsal's own, migrated and empty.
type Options struct {
	Store   *store.Store
	Catalog *questionnaires.Catalog
	// Sites, Clinicians and Consumers size the cohort; each site has a
	// coordinator and at least one clinician.
	Sites, Clinicians, Consumers int
	// Assessors are external fidelity raters, invited at the sites in
	// turn, who rate every site and every clinician; with none, each
	// site's coordinator rates their site.
	Assessors int
	Seed      uint64
	// Start is the day everyone enrols (its calendar date is used).
	Start time.Time
	// Hours are the reminders' send hours (REMINDER_QUIET_HOURS).
	Hours reminders.SendHours
	// Logger receives the bot's and the dispatcher's logs; nil discards.
	Logger *slog.Logger
	// Progress, when set, is told how many of the cohort's tasks (a
	// battery of one respondent about one subject at one timepoint) are
	// settled, of how many, and the simulated time.
	Progress func(done, total int, now time.Time)
}

// Result is what the simulated people did and were sent.
type Result struct {
	Start, End time.Time // the simulated span
	People     []Person
	Answers    []Answer
	Received   []Received  // what reached a chat during a dispatcher tick
	Withdrawal *Withdrawal // nil when the cohort has no consumer who could
	Jumps      int         // times the clock jumped and the dispatcher ticked
	Ticks      reminders.TickStats
}

// Person is one simulated participant and how they behave: Patience is,
// for each task, how many notices (the offer at consent counts as none,
// a reminder as one more) they let pass before they act; Never marks tasks
// they never do.
type Person struct {
	Code, Role, Site string
	Clinician        string    // a consumer's clinician
	Consented        time.Time // zero for a coordinator
	Patience         map[string]int
}

// Never is the patience of a task a person never does.
const Never = -1

// Answer is one answer a simulated person gave in the chat. Subject is
// whom it is about as the exports store it: the respondent for their own
// questionnaires, the consumer or clinician rated, and for a site's
// rating the site's coordinator (its first, the one coordinator a site has
// here).
type Answer struct {
	Respondent, Subject, Questionnaire, Timepoint, Item, Value string
	At                                                         time.Time
}

// Received is one message the dispatcher sent to a simulated person.
type Received struct {
	Code   string
	At     time.Time
	Text   string
	Action string // the button's callback data, "" for none
}

// Withdrawal is the consumer who withdrew in the chat.
type Withdrawal struct {
	Code  string
	At    time.Time
	Erase bool
}

// workers is how many simulated people act at once: enough to keep the
// bot and the database busy on a small machine.
const workers = 12

// maxJumps bounds the timeline against a schedule that never ends.
const maxJumps = 10_000

// Run rehearses the study and returns what happened.
func Run(ctx context.Context, o Options) (_ *Result, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("rehearse: %w", err)
		}
	}()
	if o.Sites < 1 || o.Clinicians < o.Sites || o.Consumers < 1 || o.Assessors < 0 {
		return nil, errors.New("a cohort needs at least one site, a clinician per site, one consumer and no negative count of assessors")
	}
	logger := cmp.Or(o.Logger, slog.New(slog.DiscardHandler))
	loc := questionnaires.Location("")
	y, m, d := o.Start.Date()
	start := time.Date(y, m, d, 10, 0, 0, 0, loc)
	clk := clock.At(start)

	fake, err := telegramfake.Listen("127.0.0.1:0", telegramfake.WithUsername("imrbot_rehearsal_bot"),
		telegramfake.WithoutLimits(), telegramfake.WithClock(clk.Now))
	if err != nil {
		return nil, err
	}
	defer fake.Close()
	conv, err := conversation.New(conversation.Options{Store: o.Store, Catalog: o.Catalog, Logger: logger, Now: clk.Now})
	if err != nil {
		return nil, err
	}
	b, err := bot.New(bot.Options{
		Token: fake.Token, APIURL: fake.URL, Store: o.Store, Conversation: conv,
		Logger: logger, PollTimeout: 10 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	dispatcher := &reminders.Dispatcher{
		Store: o.Store, Catalog: o.Catalog, Messenger: b.Sender(), Now: clk.Now, Logger: logger, Hours: o.Hours,
		Unreachable: func(err error) bool { return errors.Is(err, bot.ErrUnreachable) },
		Rejected:    func(err error) bool { return errors.Is(err, bot.ErrRejected) },
	}
	b.Sender().OnUnreachable = dispatcher.NotifyUnreachable
	pctx, stop := context.WithCancel(ctx)
	polled := make(chan error, 1)
	go func() { polled <- b.Poll(pctx) }()
	defer func() { stop(); <-polled }()

	s := &sim{o: o, ctx: ctx, clock: clk, fake: fake, dispatcher: dispatcher, lookup: newLookup(o.Catalog),
		res: &Result{Start: start}}
	if err := s.enrolCohort(); err != nil {
		return nil, err
	}
	if err := s.timeline(); err != nil {
		return nil, err
	}
	s.res.End = clk.Now()
	for _, p := range s.people {
		s.res.People = append(s.res.People, p.Person)
	}
	s.progress(true)
	slices.SortStableFunc(s.res.Answers, func(a, b Answer) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Respondent, b.Respondent))
	})
	slices.SortStableFunc(s.res.Received, func(a, b Received) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Code, b.Code))
	})
	return s.res, nil
}

// sim is one rehearsal in progress.
type sim struct {
	o          Options
	ctx        context.Context
	clock      *clock.Manual // moved only by the timeline
	fake       *telegramfake.Server
	dispatcher *reminders.Dispatcher
	lookup     *lookup
	people     []*person
	byCode     map[string]*person

	mu         sync.Mutex // guards res and the counts below
	res        *Result
	tasksDone  int
	tasksTotal int
}

// record keeps an answer and a settled task count for the result.
func (s *sim) record(a Answer) {
	s.mu.Lock()
	s.res.Answers = append(s.res.Answers, a)
	s.mu.Unlock()
}

// settled counts a task done and reports progress.
func (s *sim) settled() {
	s.mu.Lock()
	s.tasksDone++
	s.mu.Unlock()
	s.progress(false)
}

func (s *sim) progress(final bool) {
	if s.o.Progress == nil {
		return
	}
	s.mu.Lock()
	done, total := s.tasksDone, s.tasksTotal
	s.mu.Unlock()
	if final {
		done = total
	}
	s.o.Progress(done, total, s.clock.Now())
}

// each runs fn for every person in ps, workers at a time, and returns the
// first error.
func (s *sim) each(ps []*person, fn func(*person) error) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, workers)
	)
	for _, p := range ps {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := fn(p); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("%s: %w", p.Code, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
