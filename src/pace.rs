//! A deterministic pacer: one bucket per provider scope that says "send now" or "wait this
//! long" before a request goes out, so a client stays under the provider's limit instead of
//! reacting to 429s. The clock is injected (Unix milliseconds); there are no timers or threads:
//! the caller (JS) sleeps and calls [`Pacer::poll`] again.
//!
//! The bucket is a token bucket shaped as a sliding log: at most `limit` grants in any interval
//! of `window_ms` (plus a margin) and at most `burst` in any interval of
//! `window_ms * burst / limit` (plus a margin). A plain token bucket of capacity `burst`
//! refilling at `limit / window_ms` can grant `burst + limit` in one window, which a fixed-window
//! server (Postiz's `@nestjs/throttler`, the emulator) refuses; the log never does, and still
//! satisfies a token-bucket server of the same capacity and rate. The margin absorbs the
//! latency jitter between the client's clock and the server's.
//!
//! The server's `X-RateLimit-*` corrects the local estimate ([`Pacer::observe`]): its `limit`
//! replaces a documented seed's (up or down) and lowers, never raises, a limit the caller chose
//! ([`Policy::ceiling`]), and `remaining`/`reset` cap what is granted until that reset (other
//! clients of the same key or organisation count there). A 429 blocks the scope until its
//! `Retry-After` ([`Pacer::observe_429`]).
//!
//! Waiters are served in order (tickets, FIFO); [`Pacer::cancel`] removes one (the caller's
//! signal aborted); a waiter that stops polling for longer than its wait plus
//! [`Policy::stale_ms`] is dropped so that a crashed caller (another isolate) never blocks a scope.

use std::collections::{BTreeMap, VecDeque};

use crate::classify::MAX_RETRY_AFTER_MS;
use crate::providers::{ProviderId, RateLimitSeed};
use crate::ratelimit::RateLimit;

/// The largest `limit` the pacer keeps a log for (a server's larger `X-RateLimit-Limit` is capped).
pub const MAX_LIMIT: u32 = 100_000;

/// The wait given when no local limit or server reset says how long a 429 lasts.
pub const DEFAULT_BLOCK_MS: u64 = 1_000;

/// The most slack added after a server's reset (resets are whole seconds, clocks differ): a
/// policy's margin when smaller, this without a policy.
pub const RESET_SLACK_MS: u64 = 1_000;

/// The longest a waiter sleeps without a policy (with one: its window) before polling again, so
/// that an answer loosening the estimate is noticed.
pub const MAX_SLEEP_MS: u64 = 60_000;

/// The longest a waiter sleeps on an estimate that an answer still due may loosen.
pub const RECHECK_MS: u64 = 250;

/// A documented limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Requests per window.
    pub limit: u32,
    /// The window, in milliseconds.
    pub window_ms: u64,
    /// The most requests in a burst (`None`: the whole `limit` at once).
    pub burst: Option<u32>,
    /// Safety margin added to each window, in thousandths of it (10 = 1%).
    pub margin_permille: u32,
    /// How long past its wait a waiter may go without polling before it is dropped.
    pub stale_ms: u64,
    /// The most a server's `X-RateLimit-Limit` may set `limit` to: `Some` for a limit the caller
    /// chose ([`Policy::custom`]; the server may lower it, never raise it above this), `None` for
    /// a documented seed (the server's figure replaces it either way).
    pub ceiling: Option<u32>,
}

/// The safety margin a seeded policy adds to each window, in thousandths of it (1%).
pub const SEED_MARGIN_PERMILLE: u32 = 10;

/// How long past its wait a waiter of a seeded policy may go without polling.
pub const SEED_STALE_MS: u64 = 5_000;

impl Policy {
    /// A documented limit with the seed's margin ([`SEED_MARGIN_PERMILLE`]) and staleness
    /// ([`SEED_STALE_MS`]).
    pub const fn from_seed(seed: RateLimitSeed) -> Policy {
        Policy {
            limit: seed.limit,
            window_ms: seed.window_ms,
            burst: seed.burst,
            margin_permille: SEED_MARGIN_PERMILLE,
            stale_ms: SEED_STALE_MS,
            ceiling: None,
        }
    }

    /// A limit the caller chose, with the seed's margin and staleness: `limit` is also its
    /// [`ceiling`](Policy::ceiling), so the server's `X-RateLimit-Limit` may lower it, never
    /// raise it.
    pub const fn custom(limit: u32, window_ms: u64, burst: Option<u32>) -> Policy {
        Policy {
            ceiling: Some(limit),
            ..Policy::from_seed(RateLimitSeed {
                limit,
                window_ms,
                burst,
            })
        }
    }

    /// The documented seed for a provider: its description's
    /// [`rate_limit`](crate::ClientRules::rate_limit) (`hosted`: the hosted service's limit, else
    /// the self-hosted default where it differs). `None` for a provider that documents no
    /// figure: paced by the server's headers alone.
    pub fn seed(provider: ProviderId, hosted: bool) -> Option<Policy> {
        let r = provider.rules().rate_limit?;
        let seed = match r.self_hosted {
            Some(s) if !hosted => s,
            _ => r.hosted,
        };
        Some(Policy::from_seed(seed))
    }

    /// The same policy with another window (the emulator's shortened windows, tests).
    pub fn with_window(self, window_ms: u64) -> Policy {
        Policy { window_ms, ..self }
    }

    fn limit(&self) -> usize {
        self.limit.clamp(1, MAX_LIMIT) as usize
    }

    fn burst(&self) -> usize {
        self.burst
            .map_or(self.limit(), |b| (b.max(1) as usize).min(self.limit()))
    }

    fn margin(&self, window: u64) -> u64 {
        (window.saturating_mul(u64::from(self.margin_permille))).div_ceil(1000)
    }

    /// The window with its margin: no more than `limit` grants in any interval this long.
    pub fn full_window_ms(&self) -> u64 {
        let w = self.window_ms.max(1);
        w.saturating_add(self.margin(w))
    }

    /// The burst window with its margin: no more than `burst` grants in any interval this long.
    pub fn burst_window_ms(&self) -> u64 {
        // u64 (saturating past windows of centuries): u128 division links compiler-builtins'
        // 128-bit routines into the wasm.
        let w = self
            .window_ms
            .max(1)
            .saturating_mul(self.burst() as u64)
            .div_ceil(self.limit() as u64);
        w.saturating_add(self.margin(w))
    }
}

/// Whether a request counts against the provider's limit: where the description's
/// [`crate::RateLimitPolicy::only`] names a method and path prefix, only those requests (a prefix, as a
/// guard matching the URL by substring counts `/posts…` too); else every request. `path` is
/// relative to the API base (`/posts`).
pub fn paced(provider: ProviderId, method: &str, path: &str) -> bool {
    match provider.rules().rate_limit.and_then(|r| r.only) {
        Some((m, prefix)) => method.eq_ignore_ascii_case(m) && path.starts_with(prefix),
        None => true,
    }
}

/// A bucket's identity and the limit that seeds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// The store key: provider, then what the provider limits by.
    pub key: String,
    /// The seed (`None`: paced by the server's headers only).
    pub policy: Option<Policy>,
}

impl Scope {
    /// The scope of a provider for `identity`: what the provider limits by (an organization id
    /// where the provider limits per organization, else a non-secret fingerprint of the key:
    /// never the key itself, as the key may be stored or logged by a shared store). The key is
    /// `<provider>:<identity>`, then `:<suffix>` where the description's
    /// [`crate::RateLimitPolicy::scope_suffix`] names the requests the bucket counts.
    pub fn new(provider: ProviderId, identity: &str, hosted: bool) -> Scope {
        let id = provider.as_str();
        let key = match provider.rules().rate_limit.and_then(|r| r.scope_suffix) {
            Some(suffix) => crate::decimal::fill("{}:{}:{}", &[id, identity, suffix]),
            None => crate::decimal::fill("{}:{}", &[id, identity]),
        };
        Scope {
            key,
            policy: Policy::seed(provider, hosted),
        }
    }

    /// A scope with a caller's own key and policy.
    pub fn custom(key: &str, policy: Option<Policy>) -> Scope {
        Scope {
            key: key.to_string(),
            policy,
        }
    }
}

/// A waiter's place in its scope's queue.
pub type Ticket = u64;

/// A grant's number in its scope, counted from 1.
pub type GrantId = u64;

/// The pacer's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// Send now (the grant is counted). Pass `grant` back to [`Pacer::observe`] with the answer.
    Go {
        /// This grant's number in its scope (1, 2, …): which answers came after it.
        grant: GrantId,
    },
    /// Sleep `ms` (at least 1, at most the policy's window or [`MAX_SLEEP_MS`]), then
    /// [`Pacer::poll`] with the ticket (which may say to wait again).
    Wait {
        /// The waiter's ticket.
        ticket: Ticket,
        /// How long to sleep.
        ms: u64,
    },
    /// The ticket is unknown (cancelled, or dropped for not polling): acquire again.
    Gone,
}

/// What the server's answers say: at most `left` more grants until `until` (Unix ms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ServerView {
    /// The latest answer's `remaining` less the grants made after its request, at most `floor`.
    left: u64,
    /// The lowest such estimate in this window, less the grants since: a bound no answer (a
    /// late, older one) can raise.
    floor: u64,
    until: u64,
    /// When the request of the latest answer (the latest such in this window) was granted: a
    /// token bucket's 0 left holds the scope one refill interval from there.
    seen: u64,
    /// A 429's block: nothing until `until`.
    blocked: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Waiter {
    ticket: Ticket,
    /// When it was told to poll again.
    wake: u64,
    /// Dropped if it has not polled by then.
    deadline: u64,
}

/// One scope's state, as a [`Store`] holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    policy: Option<Policy>,
    /// Times of the most recent grants, oldest first (at most `limit`).
    log: VecDeque<u64>,
    server: Option<ServerView>,
    waiters: VecDeque<Waiter>,
    next_ticket: Ticket,
    granted: u64,
    answered: u64,
}

impl Bucket {
    /// An empty bucket seeded with `policy`.
    pub fn new(policy: Option<Policy>) -> Bucket {
        Bucket {
            policy,
            log: VecDeque::new(),
            server: None,
            waiters: VecDeque::new(),
            next_ticket: 1,
            granted: 0,
            answered: 0,
        }
    }

    /// The policy in force (the seed, with the server's `limit` once seen, at most the
    /// policy's [`ceiling`](Policy::ceiling)).
    pub fn policy(&self) -> Option<Policy> {
        self.policy
    }

    /// How many waiters are queued.
    pub fn waiting(&self) -> usize {
        self.waiters.len()
    }

    /// Grants so far.
    pub fn granted(&self) -> u64 {
        self.granted
    }

    fn slack(&self) -> u64 {
        self.policy.map_or(RESET_SLACK_MS, |p| {
            p.margin(p.window_ms.max(1)).min(RESET_SLACK_MS)
        })
    }

    /// The earliest time at or after `t` one more grant is allowed, after `log` and `server`.
    /// Also whether a soft estimate (`left` at 0 while `floor` allows more) set the time.
    fn next_free(&self, log: &VecDeque<u64>, server: Option<ServerView>, t: u64) -> (u64, bool) {
        let mut at = t;
        if let Some(p) = self.policy {
            let (l, b) = (p.limit(), p.burst());
            if log.len() >= l {
                at = at.max(log[log.len() - l].saturating_add(p.full_window_ms()));
            }
            if b < l && log.len() >= b {
                at = at.max(log[log.len() - b].saturating_add(p.burst_window_ms()));
            }
        }
        if let Some(v) = server {
            let mut end = v.until.saturating_add(self.slack());
            // A token bucket (a policy with a burst below its limit, Poelis): its reset is when
            // the bucket is full again, but a 0 left lasts at most one refill interval from the
            // answered request's grant (the sliding log paces the rest). From the grant, not the
            // answer: the server counted the request between the two, and a hold from the answer
            // made every grant pay a round trip on top of the refill (4% of the limit at 4 ms).
            if let Some(p) = self.policy.filter(|p| !v.blocked && p.burst() < p.limit()) {
                let refill = p.full_window_ms().div_ceil(p.limit() as u64);
                end = end.min(v.seen.saturating_add(refill));
            }
            if v.left == 0 && at < end {
                let due = self.answered < self.granted;
                return (end, v.floor > 0 && !v.blocked && due);
            }
        }
        (at, false)
    }

    /// The view still in force at `t` (a view ends at its reset plus the slack).
    fn view_at(&self, server: Option<ServerView>, t: u64) -> Option<ServerView> {
        server.filter(|v| t < v.until.saturating_add(self.slack()))
    }

    /// When the waiter at `index` would be granted, if everyone ahead is granted on time.
    fn due(&self, index: usize, now: u64) -> (u64, bool) {
        let keep = self.policy.map_or(0, |p| p.limit());
        let mut log = self.log.clone();
        let mut server = self.server;
        let mut t = now;
        let mut soft = false;
        for i in 0..=index {
            server = self.view_at(server, t);
            let (at, s) = self.next_free(&log, server, t);
            t = at;
            soft |= s;
            server = self.view_at(server, t);
            if i < index {
                log.push_back(t);
                while log.len() > keep {
                    log.pop_front();
                }
                if let Some(v) = server.as_mut() {
                    v.left = v.left.saturating_sub(1);
                    v.floor = v.floor.saturating_sub(1);
                }
            }
        }
        (t, soft)
    }

    fn grant(&mut self, now: u64) -> GrantId {
        self.log.push_back(now);
        let keep = self.policy.map_or(0, |p| p.limit());
        while self.log.len() > keep {
            self.log.pop_front();
        }
        if let Some(v) = self.server.as_mut() {
            v.left = v.left.saturating_sub(1);
            v.floor = v.floor.saturating_sub(1);
        }
        self.granted += 1;
        self.granted
    }

    fn expire(&mut self, now: u64) {
        self.server = self.view_at(self.server, now);
        self.waiters.retain(|w| w.deadline >= now);
    }

    fn wait(&mut self, index: usize, now: u64) -> Grant {
        let (due, soft) = self.due(index, now);
        // Not before the waiters ahead of it were told to poll (FIFO: it cannot pass them).
        let ahead = self.waiters.iter().take(index).map(|w| w.wake).max();
        let due = due.max(ahead.unwrap_or(0));
        // Sleep at most a window (an answer may loosen the estimate meanwhile), or a recheck
        // while a low estimate may still be corrected by answers due.
        let cap = if soft {
            RECHECK_MS
        } else {
            self.policy.map_or(MAX_SLEEP_MS, |p| p.full_window_ms())
        };
        let ms = due
            .saturating_sub(now)
            .clamp(1, cap.clamp(1, MAX_RETRY_AFTER_MS));
        let stale = self.policy.map_or(5_000, |p| p.stale_ms);
        let w = &mut self.waiters[index];
        w.wake = now.saturating_add(ms);
        w.deadline = w.wake.saturating_add(stale);
        Grant::Wait {
            ticket: w.ticket,
            ms,
        }
    }

    fn acquire(&mut self, now: u64) -> Grant {
        self.expire(now);
        if self.waiters.is_empty() && self.next_free(&self.log, self.server, now).0 <= now {
            let grant = self.grant(now);
            return Grant::Go { grant };
        }
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.waiters.push_back(Waiter {
            ticket,
            wake: now,
            deadline: now,
        });
        self.wait(self.waiters.len() - 1, now)
    }

    fn poll(&mut self, ticket: Ticket, now: u64) -> Grant {
        self.expire(now);
        let Some(index) = self.waiters.iter().position(|w| w.ticket == ticket) else {
            return Grant::Gone;
        };
        if index == 0 && self.next_free(&self.log, self.server, now).0 <= now {
            self.waiters.pop_front();
            let grant = self.grant(now);
            return Grant::Go { grant };
        }
        self.wait(index, now)
    }

    fn cancel(&mut self, ticket: Ticket) -> bool {
        let before = self.waiters.len();
        self.waiters.retain(|w| w.ticket != ticket);
        self.waiters.len() != before
    }

    fn observe(&mut self, grant: GrantId, rl: Option<&RateLimit>, now: u64) {
        self.answered += 1;
        let Some(rl) = rl else {
            return;
        };
        if let (Some(limit), Some(p)) = (rl.limit, self.policy.as_mut()) {
            // A limit the caller chose is a ceiling: the server may lower it, not raise it.
            p.limit = u32::try_from(limit)
                .unwrap_or(MAX_LIMIT)
                .min(p.ceiling.unwrap_or(MAX_LIMIT))
                .clamp(1, MAX_LIMIT);
        }
        let (Some(remaining), Some(until)) = (rl.remaining, rl.reset_at) else {
            return;
        };
        let until = until.min(MAX_RETRY_AFTER_MS.max(now));
        let current = self.view_at(self.server, now);
        if current.is_some_and(|v| v.blocked) {
            // A 429's block holds until it ends, whatever an earlier request's answer says.
            return;
        }
        // The same window when the resets agree (delta-second resets move by up to a second).
        let same = current.filter(|v| until <= v.until.saturating_add(2 * self.slack()));
        let floor = same.map_or(remaining, |v| v.floor.min(remaining));
        // The server counted this request and (most likely) the ones granted before it; the
        // ones granted after it are still to count.
        // That estimate can be low (a request granted later may have arrived first): while
        // `floor` allows more and answers are due, it delays a waiter `RECHECK_MS` at a time.
        // Of the answers in one window, the most informative (highest) estimate counts.
        let after = self.granted.saturating_sub(grant);
        let estimate = remaining.saturating_sub(after);
        let left = same.map_or(estimate, |v| v.left.max(estimate));
        // The answered request's grant time, from the log (`now` once it has left the log).
        let first = self.granted.saturating_sub(self.log.len() as u64) + 1;
        let sent = match grant.checked_sub(first) {
            Some(i) if grant <= self.granted => {
                self.log.get(i as usize).map_or(now, |t| (*t).min(now))
            }
            _ => now,
        };
        let (left, floor, until) = if self.policy.is_some_and(|p| p.burst() < p.limit()) {
            // A token bucket refills: its `remaining` rises between answers, so no floor holds
            // across them (a floor pinned at a 0 kept every later answer at 0 until the reset,
            // holding each grant a refill interval). The answer of the latest request granted
            // speaks for the bucket (an older one's is stale); equal grant times: the lower.
            let est = match current {
                Some(v) if sent < v.seen => return,
                Some(v) if sent == v.seen => v.left.min(estimate),
                _ => estimate,
            };
            (est, est, until)
        } else {
            (
                left.min(floor),
                floor,
                same.map_or(until, |v| v.until.max(until)),
            )
        };
        self.server = Some(ServerView {
            left,
            floor,
            until,
            seen: same.map_or(sent, |v| v.seen.max(sent)),
            blocked: false,
        });
    }

    fn observe_429(&mut self, retry_after_ms: Option<u64>, now: u64) {
        self.answered += 1;
        let wait = retry_after_ms
            .or_else(|| self.policy.map(|p| p.window_ms))
            .unwrap_or(DEFAULT_BLOCK_MS);
        // Never past JavaScript's exact range, however long the server asks.
        let until = now.saturating_add(wait).min(MAX_RETRY_AFTER_MS.max(now));
        let until = match self.view_at(self.server, now) {
            Some(v) if v.blocked => v.until.max(until),
            _ => until,
        };
        self.server = Some(ServerView {
            left: 0,
            floor: 0,
            until,
            seen: now,
            blocked: true,
        });
    }
}

/// The most waiters a decoded bucket may hold (a store's text is input like any other).
const MAX_DECODED_WAITERS: u64 = 100_000;

/// The version tag that starts an encoded bucket.
const ENCODING: u64 = 1;

/// Appends `n` in decimal and a comma (by hand: the encoding is linked into the npm wasm).
fn push_num(out: &mut String, n: u64) {
    for &d in crate::decimal::decimal(n, &mut [0; 20]) {
        out.push(char::from(d));
    }
    out.push(',');
}

/// A decimal `u64` (digits only, no sign, no overflow).
fn parse_num(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |acc, b| {
        let d = b.checked_sub(b'0').filter(|d| *d < 10)?;
        acc.checked_mul(10)?.checked_add(u64::from(d))
    })
}

impl Bucket {
    /// The bucket as compact text, for a store that keeps strings (a Durable Object's
    /// `state.storage`): comma-terminated decimal numbers (the version, the policy, the log, the
    /// server view, the waiters, the counters, each optional part after a count or a tag; a
    /// policy with a [`ceiling`](Policy::ceiling) is tagged 2, so a seeded bucket's text is the
    /// same as before ceilings and older text still reads). Read it back with [`Bucket::decode`].
    /// It holds times and counts only, nothing about any credential.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let mut nums = vec![ENCODING];
        match self.policy {
            None => nums.push(0),
            Some(p) => {
                // Tag 1: a seed (the text a bucket had before ceilings); 2: then its ceiling.
                nums.extend([
                    1 + u64::from(p.ceiling.is_some()),
                    u64::from(p.limit),
                    p.window_ms,
                    p.burst.map_or(0, |b| u64::from(b) + 1),
                    u64::from(p.margin_permille),
                    p.stale_ms,
                ]);
                if let Some(c) = p.ceiling {
                    nums.push(u64::from(c));
                }
            }
        }
        nums.push(self.log.len() as u64);
        nums.extend(self.log.iter().copied());
        match self.server {
            None => nums.push(0),
            Some(v) => nums.extend([1, v.left, v.floor, v.until, v.seen, u64::from(v.blocked)]),
        }
        nums.push(self.waiters.len() as u64);
        for w in &self.waiters {
            nums.extend([w.ticket, w.wake, w.deadline]);
        }
        nums.extend([self.next_ticket, self.granted, self.answered]);
        for n in nums {
            push_num(&mut out, n);
        }
        out
    }

    /// A bucket from [`Bucket::encode`]'s text; `None` for anything else (another version, a
    /// field that is not a number or out of range, an unsorted log, more than [`MAX_LIMIT`]
    /// entries, text left over).
    pub fn decode(text: &str) -> Option<Bucket> {
        // All numbers first, then read in order (one split loop, not one per field).
        let nums: Vec<u64> = text
            .strip_suffix(',')?
            .split(',')
            .map(parse_num)
            .collect::<Option<_>>()?;
        let mut it = nums.into_iter();
        let mut next = || it.next();
        let small = |n: u64| u32::try_from(n).ok();
        if next()? != ENCODING {
            return None;
        }
        let policy = match next()? {
            0 => None,
            tag @ (1 | 2) => Some(Policy {
                limit: small(next()?)?,
                window_ms: next()?,
                burst: match next()? {
                    0 => None,
                    b => Some(small(b - 1)?),
                },
                margin_permille: small(next()?)?,
                stale_ms: next()?,
                ceiling: match tag {
                    2 => Some(small(next()?).filter(|c| *c > 0)?),
                    _ => None,
                },
            }),
            _ => return None,
        };
        let n = next()?;
        if n > u64::from(MAX_LIMIT) {
            return None;
        }
        let mut log = VecDeque::new();
        for _ in 0..n {
            let t = next()?;
            if log.back().is_some_and(|last| *last > t) {
                return None;
            }
            log.push_back(t);
        }
        let server = match next()? {
            0 => None,
            1 => Some(ServerView {
                left: next()?,
                floor: next()?,
                until: next()?,
                seen: next()?,
                blocked: match next()? {
                    0 => false,
                    1 => true,
                    _ => return None,
                },
            }),
            _ => return None,
        };
        let n = next()?;
        if n > MAX_DECODED_WAITERS {
            return None;
        }
        let mut waiters = VecDeque::new();
        for _ in 0..n {
            waiters.push_back(Waiter {
                ticket: next()?,
                wake: next()?,
                deadline: next()?,
            });
        }
        let (next_ticket, granted, answered) = (next()?, next()?, next()?);
        if it.next().is_some() || waiters.iter().any(|w| w.ticket >= next_ticket) {
            return None;
        }
        Some(Bucket {
            policy,
            log,
            server,
            waiters,
            next_ticket,
            granted,
            answered,
        })
    }
}

/// Where buckets live: in memory by default, a shared store (a Durable Object) for a fleet.
pub trait Store {
    /// The bucket of a scope key, if any.
    fn get(&self, key: &str) -> Option<Bucket>;
    /// Saves the bucket of a scope key.
    fn put(&mut self, key: &str, bucket: Bucket);
}

/// The in-memory [`Store`].
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    buckets: BTreeMap<String, Bucket>,
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Option<Bucket> {
        self.buckets.get(key).cloned()
    }

    fn put(&mut self, key: &str, bucket: Bucket) {
        self.buckets.insert(key.to_string(), bucket);
    }
}

/// The pacer over a [`Store`]. Every call takes the current time in Unix milliseconds.
///
/// A [`Grant::Go`]'s answer goes to [`Pacer::observe`] (with its grant number, so the server's
/// `remaining` is read against the grants made after that request) or, for a 429,
/// [`Pacer::observe_429`]; a request that got no answer needs no call (while answers are due,
/// a low estimate from the server is rechecked every [`RECHECK_MS`]).
#[derive(Clone, Debug, Default)]
pub struct Pacer<S: Store = MemoryStore> {
    store: S,
}

impl Pacer<MemoryStore> {
    /// A pacer with the in-memory store.
    pub fn new() -> Self {
        Pacer {
            store: MemoryStore::default(),
        }
    }
}

impl<S: Store> Pacer<S> {
    /// A pacer over `store`.
    pub fn with_store(store: S) -> Self {
        Pacer { store }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The scope's bucket (a new one from its policy if none is stored).
    pub fn bucket(&self, scope: &Scope) -> Bucket {
        self.store
            .get(&scope.key)
            .unwrap_or_else(|| Bucket::new(scope.policy))
    }

    fn with<T>(&mut self, scope: &Scope, f: impl FnOnce(&mut Bucket) -> T) -> T {
        let mut b = self.bucket(scope);
        let out = f(&mut b);
        self.store.put(&scope.key, b);
        out
    }

    /// Asks to send one request: [`Grant::Go`] when nobody waits and the bucket allows it now,
    /// else a ticket at the back of the queue and how long to sleep.
    pub fn acquire(&mut self, scope: &Scope, now: u64) -> Grant {
        self.with(scope, |b| b.acquire(now))
    }

    /// Asks again for a waiting ticket: [`Grant::Go`] when it is first in line and allowed,
    /// else how long to sleep; [`Grant::Gone`] for an unknown ticket.
    pub fn poll(&mut self, scope: &Scope, ticket: Ticket, now: u64) -> Grant {
        self.with(scope, |b| b.poll(ticket, now))
    }

    /// Removes a waiting ticket (the caller gave up); whether it was waiting.
    pub fn cancel(&mut self, scope: &Scope, ticket: Ticket) -> bool {
        self.with(scope, |b| b.cancel(ticket))
    }

    /// A granted request (`grant`, from its [`Grant::Go`]) got an answer: its rate-limit
    /// headers (if any) correct the bucket.
    pub fn observe(
        &mut self,
        scope: &Scope,
        grant: GrantId,
        rate_limit: Option<&RateLimit>,
        now: u64,
    ) {
        self.with(scope, |b| b.observe(grant, rate_limit, now))
    }

    /// A granted request was refused with a 429: nothing is granted until its `Retry-After`
    /// (else the policy's window, else [`DEFAULT_BLOCK_MS`]).
    pub fn observe_429(&mut self, scope: &Scope, retry_after_ms: Option<u64>, now: u64) {
        self.with(scope, |b| b.observe_429(retry_after_ms, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seeds the descriptions document (providers.md), as the tests name them.
    const POELIS: Policy = Policy {
        limit: 60,
        window_ms: 60_000,
        burst: Some(10),
        margin_permille: 10,
        stale_ms: 5_000,
        ceiling: None,
    };

    const T0: u64 = 1_700_000_000_000;

    fn go(g: Grant) -> bool {
        matches!(g, Grant::Go { .. })
    }

    #[test]
    fn seeds_and_scopes() {
        assert_eq!(Policy::seed(ProviderId::Poelis, false), Some(POELIS));
        assert_eq!(Policy::seed(ProviderId::Postiz, true).unwrap().limit, 30);
        assert_eq!(Policy::seed(ProviderId::Postiz, false).unwrap().limit, 90);
        assert_eq!(Policy::seed(ProviderId::PowerPost, false), None);
        assert_eq!(
            Scope::new(ProviderId::Postiz, "org1", true).key,
            "postiz:org1:posts"
        );
        assert_eq!(
            Scope::new(ProviderId::Poelis, "org1", false).key,
            "poelis:org1"
        );
        assert!(paced(ProviderId::Postiz, "POST", "/posts"));
        assert!(!paced(ProviderId::Postiz, "GET", "/posts"));
        assert!(!paced(ProviderId::Postiz, "POST", "/upload"));
        assert!(paced(ProviderId::Poelis, "GET", "/workspaces"));
        assert_eq!(POELIS.full_window_ms(), 60_600);
        assert_eq!(POELIS.burst_window_ms(), 10_100);
    }

    #[test]
    fn poelis_burst_then_waits_in_order() {
        let s = Scope::new(ProviderId::Poelis, "org", false);
        let mut p = Pacer::new();
        for _ in 0..10 {
            assert!(go(p.acquire(&s, T0)));
        }
        let a = p.acquire(&s, T0);
        let b = p.acquire(&s, T0);
        assert_eq!(
            a,
            Grant::Wait {
                ticket: 1,
                ms: 10_100
            }
        );
        assert_eq!(
            b,
            Grant::Wait {
                ticket: 2,
                ms: 10_100
            }
        );
        // Too early, or second in line: wait.
        assert!(matches!(
            p.poll(&s, 1, T0 + 10_099),
            Grant::Wait { ms: 1, .. }
        ));
        assert!(matches!(p.poll(&s, 2, T0 + 10_100), Grant::Wait { .. }));
        assert!(go(p.poll(&s, 1, T0 + 10_100)));
        assert!(go(p.poll(&s, 2, T0 + 10_100)));
        assert_eq!(p.poll(&s, 2, T0 + 10_100), Grant::Gone);
    }

    #[test]
    fn new_arrivals_queue_behind_waiters() {
        let s = Scope::custom(
            "k",
            Some(
                Policy::seed(ProviderId::Postiz, true)
                    .unwrap()
                    .with_window(1_000),
            ),
        );
        let mut p = Pacer::new();
        for _ in 0..30 {
            assert!(go(p.acquire(&s, T0)));
        }
        let Grant::Wait { ticket, ms } = p.acquire(&s, T0) else {
            panic!()
        };
        assert_eq!(ms, 1_010);
        // The slot is free at T0 + 1010 but the waiter has not polled: a newcomer queues.
        assert!(matches!(p.acquire(&s, T0 + 1_010), Grant::Wait { .. }));
        assert!(go(p.poll(&s, ticket, T0 + 1_010)));
    }

    #[test]
    fn cancel_and_stale_waiters_leave_the_queue() {
        let s = Scope::custom(
            "k",
            Some(Policy {
                burst: Some(1),
                ..POELIS
            }),
        );
        let mut p = Pacer::new();
        assert!(go(p.acquire(&s, T0)));
        let Grant::Wait { ticket: t1, ms } = p.acquire(&s, T0) else {
            panic!()
        };
        let Grant::Wait {
            ticket: t2,
            ms: ms2,
        } = p.acquire(&s, T0)
        else {
            panic!()
        };
        assert!(ms2 > ms);
        assert!(p.cancel(&s, t1));
        assert!(!p.cancel(&s, t1));
        assert_eq!(p.poll(&s, t1, T0 + ms), Grant::Gone);
        assert!(go(p.poll(&s, t2, T0 + ms)));
        // A waiter that never polls again is dropped after its wait + stale_ms.
        let Grant::Wait { ticket: t3, ms } = p.acquire(&s, T0 + ms) else {
            panic!()
        };
        let later = T0 + 2 * ms + POELIS.stale_ms + 10_000;
        assert!(matches!(
            p.acquire(&s, later),
            Grant::Go { .. } | Grant::Wait { .. }
        ));
        assert_eq!(p.poll(&s, t3, later), Grant::Gone);
    }

    #[test]
    fn server_headers_correct_the_estimate() {
        // Seeded 90 (self-hosted default); the server says 30 and only 2 left for 60 s.
        let s = Scope::new(ProviderId::Postiz, "org", false);
        let mut p = Pacer::new();
        assert!(go(p.acquire(&s, T0)));
        let rl = RateLimit {
            limit: Some(30),
            remaining: Some(2),
            reset_at: Some(T0 + 60_000),
        };
        p.observe(&s, 1, Some(&rl), T0 + 50);
        assert_eq!(p.bucket(&s).policy().unwrap().limit, 30);
        assert!(go(p.acquire(&s, T0 + 100)));
        assert!(go(p.acquire(&s, T0 + 100)));
        let Grant::Wait { ms, .. } = p.acquire(&s, T0 + 100) else {
            panic!()
        };
        // The reset, plus the slack.
        assert_eq!(T0 + 100 + ms, T0 + 60_000 + RESET_SLACK_MS);
        // A late answer with a larger remaining does not loosen it.
        let old = RateLimit {
            remaining: Some(20),
            ..rl
        };
        p.observe(&s, 1, Some(&old), T0 + 200);
        assert!(matches!(p.acquire(&s, T0 + 300), Grant::Wait { .. }));
    }

    #[test]
    fn grants_after_the_answered_request_count_against_remaining() {
        let s = Scope::custom("pp", None);
        let mut p = Pacer::new();
        for n in 1..=3 {
            assert_eq!(p.acquire(&s, T0), Grant::Go { grant: n });
        }
        // The first request's answer says 3 left; 2 were granted after it, so 1 may go.
        let rl = RateLimit {
            limit: Some(5),
            remaining: Some(3),
            reset_at: Some(T0 + 10_000),
        };
        p.observe(&s, 1, Some(&rl), T0 + 10);
        assert_eq!(p.acquire(&s, T0 + 20), Grant::Go { grant: 4 });
        // Answers are still due and the lowest `remaining` (3, less 1 since) allows more:
        // recheck soon rather than sleep to the reset.
        assert_eq!(
            p.acquire(&s, T0 + 20),
            Grant::Wait {
                ticket: 1,
                ms: RECHECK_MS
            }
        );
        // The second request's answer, with a larger (hostile or reordered) remaining, loosens
        // the estimate only up to that floor: 2 more.
        let big = RateLimit {
            remaining: Some(50),
            ..rl
        };
        p.observe(&s, 2, Some(&big), T0 + 30);
        assert_eq!(p.poll(&s, 1, T0 + 40), Grant::Go { grant: 5 });
        assert_eq!(p.acquire(&s, T0 + 40), Grant::Go { grant: 6 });
        // The floor is spent: sleep to the reset (plus the slack).
        let Grant::Wait { ms, .. } = p.acquire(&s, T0 + 50) else {
            panic!()
        };
        assert_eq!(T0 + 50 + ms, T0 + 10_000 + RESET_SLACK_MS);
        // An answer without headers changes nothing.
        p.observe(&s, 3, None, T0 + 60);
        assert!(matches!(p.poll(&s, 2, T0 + 70), Grant::Wait { .. }));
    }

    #[test]
    fn a_bucket_survives_its_encoding() {
        let s = Scope::new(ProviderId::Poelis, "org", false);
        let mut p = Pacer::new();
        for _ in 0..10 {
            assert!(go(p.acquire(&s, T0)));
        }
        let Grant::Wait { ticket, .. } = p.acquire(&s, T0) else {
            panic!()
        };
        let rl = RateLimit {
            limit: Some(60),
            remaining: Some(0),
            reset_at: Some(T0 + 10_000),
        };
        p.observe(&s, 10, Some(&rl), T0 + 5);
        let b = p.bucket(&s);
        let text = b.encode();
        assert_eq!(Bucket::decode(&text), Some(b.clone()));
        // A restored store answers as the original would: the waiter keeps its place.
        let mut store = MemoryStore::default();
        store.put(&s.key, Bucket::decode(&text).unwrap());
        let mut q = Pacer::with_store(store);
        assert_eq!(q.poll(&s, ticket, T0 + 100), p.poll(&s, ticket, T0 + 100));
        assert_eq!(Bucket::new(None).encode(), "1,0,0,0,0,1,0,0,");
        for bad in [
            "",
            "1,0,0,0,0,1,0,0",
            "2,0,0,0,0,1,0,0,",
            "1,0,0,0,0,1,0,",
            "1,0,0,0,0,1,0,0,0,",
            "1,0,1,x,0,0,1,0,0,",
            "1,1,2,10,0,10,5,2,9,3,0,0,1,0,0,",
            "1,1,2,10,0,10,5,0,1,1,1,1,1,2,0,1,0,0,",
            "1,0,0,0,1,1,0,0,1,0,0,",
            "1,2,0,0,0,1,0,0,",
            "1,1,5000000000,10,0,10,5,0,0,0,1,0,0,",
        ] {
            assert_eq!(Bucket::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_429_blocks_until_retry_after() {
        let s = Scope::custom("pp", None);
        let mut p = Pacer::new();
        assert!(go(p.acquire(&s, T0)));
        p.observe_429(&s, Some(5_000), T0 + 10);
        let Grant::Wait { ticket, ms } = p.acquire(&s, T0 + 20) else {
            panic!()
        };
        assert_eq!(T0 + 20 + ms, T0 + 5_010 + RESET_SLACK_MS);
        assert!(go(p.poll(&s, ticket, T0 + 20 + ms)));
        // No policy, no headers: nothing limits.
        assert!(go(p.acquire(&s, T0 + 20 + ms)));
        // An earlier request's answer does not lift a 429's block.
        p.observe_429(&s, Some(5_000), T0 + 30 + ms);
        let ok = RateLimit {
            limit: Some(5),
            remaining: Some(4),
            reset_at: Some(T0 + 60_000),
        };
        p.observe(&s, 3, Some(&ok), T0 + 40 + ms);
        assert!(matches!(p.acquire(&s, T0 + 50 + ms), Grant::Wait { .. }));
    }
}
