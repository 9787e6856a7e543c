package bot

import "sync"

// serial runs the work of one chat one item at a time, in submission order,
// while different chats run concurrently. The bot has two: one applies a
// chat's updates in order (the database row lock already serialises a chat
// across processes; this keeps the goroutines of one process from
// queueing on that lock), the other sends a chat's replies in order.
// A chat with nothing queued costs nothing: its entry is removed.
type serial struct {
	mu     sync.Mutex
	queues map[int64][]func()
}

func newSerial() *serial { return &serial{queues: map[int64][]func(){}} }

// Submit queues fn behind the chat's earlier work and returns at once.
func (s *serial) Submit(chatID int64, fn func()) {
	s.mu.Lock()
	q, running := s.queues[chatID]
	s.queues[chatID] = append(q, fn)
	s.mu.Unlock()
	if !running {
		go s.drain(chatID)
	}
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
		fn := q[0]
		q[0] = nil
		s.queues[chatID] = q[1:]
		s.mu.Unlock()
		fn()
	}
}
