package telegramfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/go-telegram/bot/models"
)

// entry is an update waiting in the queue.
type entry struct {
	id   int64
	kind string // the update's field name, for allowed_updates
	raw  []byte // the update as JSON, encoded once
	// dup marks a re-delivery injected by Duplicate: its id may already be
	// below the client's offset, so only a delivery confirms it.
	dup       bool
	delivered bool
	attempts  int       // failed webhook deliveries
	notBefore time.Time // webhook retry time (real time)
}

// defaultUpdates are what Telegram sends when allowed_updates is empty:
// everything but chat_member, message_reaction and message_reaction_count.
// The fake produces only these kinds anyway.
var defaultUpdates = map[string]bool{
	"message": true, "edited_message": true, "callback_query": true, "my_chat_member": true,
}

// enqueue gives upd the next update id and queues it. Caller holds s.mu.
func (s *Server) enqueue(upd *models.Update, kind string) int64 {
	upd.ID = s.newUpdateID()
	if !s.allows(kind) {
		return upd.ID // Telegram drops what the bot did not ask for.
	}
	raw, err := json.Marshal(upd)
	if err != nil {
		// models types always encode; nothing to deliver if they did not.
		return upd.ID
	}
	s.queue(&entry{id: upd.ID, kind: kind, raw: raw})
	return upd.ID
}

// newUpdateID numbers a new update. Caller holds s.mu.
func (s *Server) newUpdateID() int64 {
	s.nextUpdateID++
	s.stats.updateCreated()
	return s.nextUpdateID
}

// allows reports whether the bot asked for updates of this kind. Caller
// holds s.mu.
func (s *Server) allows(kind string) bool {
	if s.allowed == nil {
		return defaultUpdates[kind]
	}
	return s.allowed[kind]
}

// queue keeps e for Duplicate and hands it to the bot. Caller holds s.mu.
func (s *Server) queue(e *entry) {
	s.remember(e)
	s.push(e)
}

// InjectUpdate queues an update whose kind field ("message",
// "callback_query", ...) holds payload as given, under the next update id,
// and returns that id. It is for what the fake's users cannot produce:
// updates Telegram may send that a client cannot decode (a forward from an
// origin type added after the client was written) or fields it never
// models. payload must be a JSON object; it is not checked further.
func (s *Server) InjectUpdate(kind string, payload json.RawMessage) (int64, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(payload, &probe); err != nil {
		return 0, fmt.Errorf("telegramfake.InjectUpdate: payload is not a JSON object: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newUpdateID()
	if !s.allows(kind) {
		return id, nil
	}
	raw, err := json.Marshal(map[string]any{"update_id": id, kind: payload})
	if err != nil {
		return 0, fmt.Errorf("telegramfake.InjectUpdate: %w", err)
	}
	s.queue(&entry{id: id, kind: kind, raw: raw})
	return id, nil
}

func (s *Server) push(e *entry) {
	if s.holding {
		s.held = append(s.held, e)
		return
	}
	s.pending = append(s.pending, e)
	s.updatesSig.notify()
}

// remember keeps e for Duplicate, forgetting the oldest beyond the bound.
func (s *Server) remember(e *entry) {
	if len(s.historyRing) < updateHistory {
		s.historyRing = append(s.historyRing, e.id)
	} else {
		delete(s.history, s.historyRing[s.historyNext])
		s.historyRing[s.historyNext] = e.id
		s.historyNext = (s.historyNext + 1) % len(s.historyRing)
	}
	s.history[e.id] = e
}

// Duplicate delivers the update with this id once more, with the same id,
// as Telegram does when it is unsure an update arrived. In polling mode the
// copy is delivered even if the bot already confirmed the original.
func (s *Server) Duplicate(updateID int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	orig, ok := s.history[updateID]
	if !ok {
		return fmt.Errorf("telegramfake.Duplicate: update %d unknown or forgotten", updateID)
	}
	s.push(&entry{id: orig.id, kind: orig.kind, raw: orig.raw, dup: true})
	return nil
}

// Hold keeps new updates back until Release, so that a test can make
// several happen "at once" or deliver them out of order.
func (s *Server) Hold() {
	s.mu.Lock()
	s.holding = true
	s.mu.Unlock()
}

// Release queues the updates held since Hold, in reverse order if asked,
// and stops holding. In polling mode go-telegram/bot confirms by the last
// update of a batch, so reversed updates are also delivered more than once:
// at least once, out of order, as Telegram allows.
func (s *Server) Release(reverse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	held := s.held
	s.held, s.holding = nil, false
	if reverse {
		slices.Reverse(held)
	}
	s.pending = append(s.pending, held...)
	s.updatesSig.notify()
}

// PendingUpdates is the number of updates not yet confirmed (polling) or
// not yet delivered (webhook), as getWebhookInfo's pending_update_count.
func (s *Server) PendingUpdates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pendingCount()
}

func (s *Server) pendingCount() int {
	n := len(s.pending) + len(s.held)
	if s.webhook != nil {
		n += s.webhook.inflight
	}
	return n
}

// WaitIdle blocks until no update is pending: everything users did has
// been confirmed by the bot's next getUpdates offset, or accepted by its
// webhook. Held updates count as pending.
func (s *Server) WaitIdle(ctx context.Context) error {
	for {
		s.mu.Lock()
		if s.pendingCount() == 0 {
			s.mu.Unlock()
			return nil
		}
		ch := s.idleSig.wait()
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("telegramfake.WaitIdle: %w", ctx.Err())
		case <-s.done:
			return fmt.Errorf("telegramfake.WaitIdle: %w", ErrClosed)
		}
	}
}

// poller is a getUpdates request in progress.
type poller struct {
	conflict chan struct{} // closed when a newer getUpdates request takes over
	parked   bool
}

const conflictPolling = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
const conflictWebhook = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"

// WaitPoller blocks until a getUpdates long poll is parked waiting for
// updates: the bot is polling and everything so far was handed to it.
func (s *Server) WaitPoller(ctx context.Context) error {
	for {
		s.mu.Lock()
		if s.poller != nil && s.poller.parked {
			s.mu.Unlock()
			return nil
		}
		ch := s.pollerSig.wait()
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("telegramfake.WaitPoller: %w", ctx.Err())
		case <-s.done:
			return fmt.Errorf("telegramfake.WaitPoller: %w", ErrClosed)
		}
	}
}

func (s *Server) getUpdates(ctx context.Context, p params) (any, *apiError) {
	offset, err := p.int64("offset", 0)
	if err != nil {
		return nil, err
	}
	limit, err := p.int("limit", 100)
	if err != nil {
		return nil, err
	}
	limit = min(max(limit, 1), 100)
	timeout, err := p.int("timeout", 0)
	if err != nil {
		return nil, err
	}
	allowed, set, err := p.stringList("allowed_updates")
	if err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhook != nil {
		return nil, &apiError{code: http.StatusConflict, description: conflictWebhook}
	}
	if set {
		s.setAllowed(allowed)
	}
	if s.poller != nil {
		close(s.poller.conflict)
	}
	me := &poller{conflict: make(chan struct{})}
	s.poller = me
	defer func() {
		if s.poller == me {
			s.poller = nil
			s.pollerSig.notify()
		}
	}()
	s.confirm(offset)

	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		timer = t.C
	}
	for {
		if batch := s.take(limit); batch != nil {
			return batch, nil
		}
		if timer == nil {
			return json.RawMessage("[]"), nil
		}
		me.parked = true
		s.pollerSig.notify()
		wake := s.updatesSig.wait()
		s.mu.Unlock()
		select {
		case <-wake:
		case <-timer:
			timer = nil
		case <-me.conflict:
		case <-ctx.Done():
		case <-s.done:
		}
		s.mu.Lock()
		me.parked = false
		select {
		case <-me.conflict:
			return nil, &apiError{code: http.StatusConflict, description: conflictPolling}
		default:
		}
		if s.webhook != nil {
			return nil, &apiError{code: http.StatusConflict, description: conflictWebhook}
		}
		if ctx.Err() != nil || isClosed(s.done) {
			return json.RawMessage("[]"), nil // nobody is listening any more
		}
	}
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// confirm drops the updates the offset confirms: ids below a positive
// offset; with a negative offset, all but the last -offset updates.
func (s *Server) confirm(offset int64) {
	defer s.idleSig.notify()
	switch {
	case offset > 0:
		s.pending = slices.DeleteFunc(s.pending, func(e *entry) bool {
			return e.id < offset && (!e.dup || e.delivered)
		})
	case offset < 0:
		if keep := int(-offset); len(s.pending) > keep {
			s.pending = slices.Delete(s.pending, 0, len(s.pending)-keep)
		}
	}
}

// take returns the first limit pending updates as a JSON array, or nil.
// They stay pending until a later offset confirms them.
func (s *Server) take(limit int) json.RawMessage {
	n := min(limit, len(s.pending))
	if n == 0 {
		return nil
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, e := range s.pending[:n] {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(e.raw)
		e.delivered = true
	}
	buf.WriteByte(']')
	s.stats.updatesDelivered(n)
	return buf.Bytes()
}

func (s *Server) setAllowed(list []string) {
	if len(list) == 0 {
		s.allowed = nil
		return
	}
	s.allowed = make(map[string]bool, len(list))
	for _, k := range list {
		s.allowed[k] = true
	}
}
