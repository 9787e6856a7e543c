package bot

import "sync"

// serial runs the work of one chat one item at a time, in submission order,
// while different chats run concurrently. The bot has two: one applies a
// chat's updates in order (the database row lock already serialises a chat
// across processes; this keeps the goroutines of one process from
// queueing on that lock), the other sends a chat's replies in order.
// A chat with nothing queued costs nothing: its entry is removed.
//
// The apply queue needs no bound of its own: intake waits for its updates
// to be applied (a polled batch of at most 100, a webhook request each), so
// Telegram holds the rest. The reply queue has one (see maxQueuedReplies):
// replies are sent at Telegram's pace, far slower than one person can type.
type serial struct {
	limit  int // jobs waiting per chat; 0: no bound
	mu     sync.Mutex
	queues map[int64][]job
}

// job is queued work. Jobs with the same non-empty key do the same, so a
// second one right behind the first is dropped.
type job struct {
	fn  func()
	key string
}

func newSerial(limit int) *serial { return &serial{limit: limit, queues: map[int64][]job{}} }

// Submit queues fn behind the chat's earlier work and returns at once. It
// is for a serial without a bound: fn always runs.
func (s *serial) Submit(chatID int64, fn func()) {
	s.Offer(chatID, "", fn)
}

// Offer queues fn behind the chat's earlier work and returns at once,
// unless the chat already has limit jobs waiting, or key is not empty and
// the job queued last (still waiting) has the same key: then fn will not
// run, and Offer returns false.
func (s *serial) Offer(chatID int64, key string, fn func()) bool {
	s.mu.Lock()
	q, running := s.queues[chatID]
	if s.limit > 0 && len(q) >= s.limit || key != "" && len(q) > 0 && q[len(q)-1].key == key {
		s.mu.Unlock()
		return false
	}
	s.queues[chatID] = append(q, job{fn: fn, key: key})
	s.mu.Unlock()
	if !running {
		go s.drain(chatID)
	}
	return true
}

// waiting is how many jobs of the chat wait to run.
func (s *serial) waiting(chatID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queues[chatID])
}

func (s *serial) drain(chatID int64) {
	for {
		s.mu.Lock()
		q := s.queues[chatID]
		if len(q) == 0 {
			delete(s.queues, chatID)
			s.mu.Unlock()
			return
		}
		fn := q[0].fn
		q[0] = job{}
		s.queues[chatID] = q[1:]
		s.mu.Unlock()
		fn()
	}
}
