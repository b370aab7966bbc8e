//! The pacer's properties (any arrival pattern: never over the limit in any window, FIFO,
//! nothing lost or granted twice, bounded waits) and a closed-loop simulation against servers
//! modelled on Poelis and Postiz (issue 18's "Done when" figures, printed).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use keygate::{
    read_rate_limit, Bucket, Grant, MemoryStore, Pacer, Policy, ProviderId, RateLimit, Scope,
    Store, Ticket, MAX_RETRY_AFTER_MS,
};
use proptest::prelude::*;

const T0: u64 = 1_700_000_000_000;

/// The k-th grant after any grant is at least `span` later when `k` grants fit in a window:
/// no interval shorter than `span` holds more than `k` grants.
fn check_windows(times: &[u64], k: usize, span: u64) -> Result<(), String> {
    for i in k..times.len() {
        if times[i] - times[i - k] < span {
            return Err(format!(
                "{} grants within {} ms (< {span}) at {}",
                k + 1,
                times[i] - times[i - k],
                times[i - k] - T0
            ));
        }
    }
    Ok(())
}

#[derive(Clone, Debug)]
struct Caller {
    arrive: u64,
    lateness: u64,
    cancel_after: Option<u64>,
}

#[derive(Default, Debug)]
struct Outcome {
    /// (time, caller) of each grant, in grant order.
    grants: Vec<(u64, usize)>,
    cancelled: Vec<usize>,
    gone: usize,
    /// (caller's queue position when told, ms told).
    waits: Vec<(usize, u64)>,
}

/// Runs callers against one scope: each acquires at its arrival, then polls when told (plus its
/// lateness), and cancels at `arrive + cancel_after` if not granted by then.
fn run(policy: Policy, callers: &[Caller]) -> Outcome {
    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
    enum Ev {
        Arrive,
        Poll(Ticket),
        Cancel,
    }
    let scope = Scope::custom("prop", Some(policy));
    let mut pacer = Pacer::new();
    let mut q = BinaryHeap::new();
    let mut seq = 0u64;
    for (i, c) in callers.iter().enumerate() {
        q.push(Reverse((c.arrive, seq, i, Ev::Arrive)));
        seq += 1;
        if let Some(after) = c.cancel_after {
            q.push(Reverse((c.arrive + after, seq, i, Ev::Cancel)));
            seq += 1;
        }
    }
    let mut out = Outcome::default();
    let mut ticket_of: BTreeMap<usize, Ticket> = BTreeMap::new();
    let mut done = vec![false; callers.len()];
    let mut waiting = std::collections::BTreeSet::new();
    let mut steps = 0;
    while let Some(Reverse((now, _, i, ev))) = q.pop() {
        steps += 1;
        assert!(steps < 2_000_000, "simulation did not settle");
        if done[i] {
            continue;
        }
        let g = match ev {
            Ev::Arrive => pacer.acquire(&scope, now),
            Ev::Poll(t) => pacer.poll(&scope, t, now),
            Ev::Cancel => {
                if let Some(t) = ticket_of.get(&i) {
                    assert!(pacer.cancel(&scope, *t), "a waiting ticket cancels");
                    waiting.remove(t);
                    out.cancelled.push(i);
                    done[i] = true;
                }
                continue;
            }
        };
        match g {
            Grant::Go { .. } => {
                if let Some(t) = ticket_of.get(&i) {
                    waiting.remove(t);
                }
                out.grants.push((now, i));
                done[i] = true;
            }
            Grant::Wait { ticket, ms } => {
                assert!(ms >= 1);
                ticket_of.insert(i, ticket);
                waiting.insert(ticket);
                // Tickets are issued in increasing order and served FIFO: the position is the
                // number of smaller tickets still waiting.
                let position = waiting.range(..ticket).count();
                out.waits.push((position, ms));
                q.push(Reverse((
                    now + ms + callers[i].lateness,
                    seq,
                    i,
                    Ev::Poll(ticket),
                )));
                seq += 1;
            }
            Grant::Gone => {
                out.gone += 1;
                done[i] = true;
            }
        }
    }
    out
}

fn policies() -> impl Strategy<Value = Policy> {
    (
        1u32..25,
        50u64..5_000,
        prop::option::of(1u32..25),
        0u32..50,
        any::<bool>(),
    )
        .prop_map(
            |(limit, window_ms, burst, margin_permille, custom)| Policy {
                limit,
                window_ms,
                burst,
                margin_permille,
                stale_ms: 1_000,
                // A limit the caller chose (a ceiling) or a documented seed.
                ceiling: custom.then_some(limit),
            },
        )
}

fn callers() -> impl Strategy<Value = Vec<Caller>> {
    prop::collection::vec(
        (
            0u64..400,
            prop::sample::select(vec![0u64, 0, 0, 1, 3, 20, 300]),
            prop::option::of(1u64..20_000),
        ),
        1..120,
    )
    .prop_map(|v| {
        let mut t = T0;
        v.into_iter()
            .map(|(gap, lateness, cancel)| {
                // Bursts: many gaps of 0.
                t += if gap < 150 { 0 } else { gap };
                Caller {
                    arrive: t,
                    lateness,
                    cancel_after: cancel.filter(|c| c % 7 == 0),
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn never_over_the_limit_fifo_nothing_lost(policy in policies(), callers in callers()) {
        let out = run(policy, &callers);
        let times: Vec<u64> = out.grants.iter().map(|g| g.0).collect();
        let limit = policy.limit as usize;
        let burst = policy.burst.map_or(limit, |b| (b as usize).min(limit));
        // At most `limit` in any window and `burst` in any burst window (margins included).
        prop_assert!(check_windows(&times, limit, policy.full_window_ms()).is_ok(),
            "{:?}", check_windows(&times, limit, policy.full_window_ms()));
        prop_assert!(check_windows(&times, burst, policy.burst_window_ms()).is_ok(),
            "{:?}", check_windows(&times, burst, policy.burst_window_ms()));
        // FIFO: grants in arrival order (callers are numbered by arrival; equal arrival times
        // are acquired in index order).
        let order: Vec<usize> = out.grants.iter().map(|g| g.1).collect();
        prop_assert!(order.windows(2).all(|w| w[0] < w[1]), "not FIFO: {:?}", order);
        // Nothing lost, nothing twice: every caller is granted exactly once or cancelled.
        prop_assert_eq!(out.gone, 0);
        let mut seen = vec![0u32; callers.len()];
        for (_, i) in &out.grants { seen[*i] += 1; }
        for i in &out.cancelled { seen[*i] += 1; }
        prop_assert!(seen.iter().all(|n| *n == 1), "{:?}", seen);
        // Waits are bounded by the window: position k waits at most (k / burst + 1) windows.
        for (k, ms) in &out.waits {
            let bound = (*k as u64 / burst as u64 + 1) * policy.full_window_ms();
            prop_assert!(*ms <= bound, "position {} told {} ms > {}", k, ms, bound);
        }
    }
}

/// A deterministic pseudo-random source (xorshift), so the simulation prints the same figures.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A server's limiter: a fixed window from the first hit (`@nestjs/throttler`, the emulator),
/// optionally also a token bucket (Poelis's documented burst).
struct Server {
    provider: ProviderId,
    limit: u64,
    window_ms: u64,
    bucket: Option<(f64, f64)>, // (capacity, tokens per ms)
    tokens: f64,
    last: u64,
    window_end: u64,
    count: u64,
    accepted: u64,
    refused: u64,
    /// Headers as the emulator's Poelis token bucket writes them: `Remaining` the whole tokens
    /// left, `Reset` the Unix second at which the bucket is full again.
    bucket_headers: bool,
}

impl Server {
    fn new(provider: ProviderId, limit: u64, window_ms: u64, bucket: Option<(f64, f64)>) -> Self {
        Server {
            provider,
            limit,
            window_ms,
            bucket,
            tokens: bucket.map_or(0.0, |b| b.0),
            last: 0,
            window_end: 0,
            count: 0,
            accepted: 0,
            refused: 0,
            bucket_headers: false,
        }
    }

    /// The emulator's token-bucket headers (pkg/emulator/lib/ratelimit.js `createTokenBucket`).
    fn with_bucket_headers(self) -> Self {
        Server {
            bucket_headers: true,
            ..self
        }
    }

    /// Handles one request at `t`: (status, headers) in the provider's convention.
    fn handle(&mut self, t: u64) -> (u16, Vec<(String, String)>) {
        if t >= self.window_end {
            self.window_end = t + self.window_ms;
            self.count = 0;
        }
        if let Some((cap, rate)) = self.bucket {
            self.tokens = (self.tokens + (t - self.last) as f64 * rate).min(cap);
            self.last = t;
        }
        let bucket_ok = self.bucket.is_none() || self.tokens >= 1.0;
        let allowed = self.count < self.limit && bucket_ok;
        let until_s = (self.window_end - t).div_ceil(1000);
        let h = |n: &str, v: String| (n.to_string(), v);
        if !allowed {
            self.refused += 1;
            let retry = if self.count < self.limit {
                // The bucket refused: one token's time.
                let (_, rate) = self.bucket.unwrap_or((1.0, 0.001));
                (((1.0 - self.tokens) / rate).ceil() as u64)
                    .div_ceil(1000)
                    .max(1)
            } else {
                until_s
            };
            return match self.provider {
                // Postiz's throttler: only Retry-After on a blocked request.
                ProviderId::Postiz => (429, vec![h("retry-after", retry.to_string())]),
                _ => (
                    429,
                    vec![
                        h("x-ratelimit-limit", self.limit.to_string()),
                        h("x-ratelimit-remaining", "0".into()),
                        h(
                            "x-ratelimit-reset",
                            self.window_end.div_ceil(1000).to_string(),
                        ),
                        h("retry-after", retry.to_string()),
                    ],
                ),
            };
        }
        self.count += 1;
        self.accepted += 1;
        if self.bucket.is_some() {
            self.tokens -= 1.0;
        }
        if let (true, Some((cap, rate))) = (self.bucket_headers, self.bucket) {
            let full_at = t + ((cap - self.tokens) / rate).ceil() as u64;
            return (
                200,
                vec![
                    h("x-ratelimit-limit", self.limit.to_string()),
                    h(
                        "x-ratelimit-remaining",
                        (self.tokens.floor() as u64).to_string(),
                    ),
                    h("x-ratelimit-reset", full_at.div_ceil(1000).to_string()),
                ],
            );
        }
        let reset = match self.provider {
            ProviderId::Postiz => until_s,
            _ => self.window_end.div_ceil(1000),
        };
        (
            200,
            vec![
                h("x-ratelimit-limit", self.limit.to_string()),
                h(
                    "x-ratelimit-remaining",
                    (self.limit - self.count).to_string(),
                ),
                h("x-ratelimit-reset", reset.to_string()),
            ],
        )
    }
}

struct Figures {
    sent: u64,
    /// When each request was granted, in grant order.
    sends: Vec<u64>,
    refused_seen: u64,
    accepted: u64,
    ratio: f64,
    lost: u64,
    duplicated: u64,
    max_wait_ms: u64,
}

/// A closed loop: `workers` callers, each acquiring, sending, reading the answer and sending
/// again after `think_ms`, sized so that unpaced they would offer 3x the server's limit; for
/// `duration_ms` of simulated time, with 20-80 ms each way and timers up to 5 ms late.
fn closed_loop(
    scope: &Scope,
    mut server: Server,
    workers: usize,
    think_ms: u64,
    duration_ms: u64,
) -> Figures {
    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
    enum Ev {
        Want,
        Poll(Ticket),
        AtServer(u64),
        Answer(u64),
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut pacer = Pacer::new();
    let mut q = BinaryHeap::new();
    let mut seq = 0u64;
    let mut push = |q: &mut BinaryHeap<_>, t: u64, w: usize, ev: Ev| {
        q.push(Reverse((t, seq, w, ev)));
        seq += 1;
    };
    for w in 0..workers {
        push(&mut q, T0 + w as u64, w, Ev::Want);
    }
    let end = T0 + duration_ms;
    let mut next_id = 0u64;
    let mut current: Vec<Option<u64>> = vec![None; workers];
    let mut answers: BTreeMap<u64, (u16, Vec<(String, String)>)> = BTreeMap::new();
    let (mut sent, mut refused_seen, mut completed, mut max_wait) = (0u64, 0u64, 0u64, 0u64);
    let mut sends = vec![];
    let mut accepted_ids: BTreeMap<u64, u32> = BTreeMap::new();
    let mut asked_at = vec![0u64; workers];
    let mut grant_of = vec![0u64; workers];
    let mut steps = 0u64;
    while let Some(Reverse((now, _, w, ev))) = q.pop() {
        steps += 1;
        assert!(steps < 5_000_000, "simulation did not settle");
        if now >= end {
            break;
        }

        let grant = match ev {
            Ev::Want => {
                if current[w].is_none() {
                    current[w] = Some(next_id);
                    next_id += 1;
                }
                asked_at[w] = now;
                pacer.acquire(scope, now)
            }
            Ev::Poll(t) => pacer.poll(scope, t, now),
            Ev::AtServer(id) => {
                let answer = server.handle(now);
                if answer.0 != 429 {
                    *accepted_ids.entry(id).or_insert(0u32) += 1;
                }
                answers.insert(id, answer);
                push(&mut q, now + 20 + rng.below(60), w, Ev::Answer(id));
                continue;
            }
            Ev::Answer(id) => {
                let (status, headers) = answers.remove(&id).expect("one answer per request");
                if status == 429 {
                    refused_seen += 1;
                    let rl = read_rate_limit(server.provider, status, &headers, now);
                    let wait = rl.and_then(|r| r.reset_at).map(|r| r - now);
                    pacer.observe_429(scope, wait, now);
                    // The same request is retried (keygate's retry layer).
                    push(&mut q, now, w, Ev::Want);
                } else {
                    let rl = read_rate_limit(server.provider, status, &headers, now);
                    pacer.observe(scope, grant_of[w], rl.as_ref(), now);
                    current[w] = None;
                    completed += 1;
                    push(&mut q, now + think_ms, w, Ev::Want);
                }
                continue;
            }
        };
        match grant {
            Grant::Go { grant } => {
                let id = current[w].expect("a request in hand");
                grant_of[w] = grant;
                sent += 1;
                sends.push(now);
                max_wait = max_wait.max(now - asked_at[w]);
                push(&mut q, now + 20 + rng.below(60), w, Ev::AtServer(id));
            }
            Grant::Wait { ticket, ms } => {
                push(&mut q, now + ms + rng.below(6), w, Ev::Poll(ticket));
            }
            Grant::Gone => panic!("a waiter was dropped"),
        }
    }
    // Every request taken up is answered, or still in a worker's hand (waiting or in flight).
    let in_hand = current.iter().filter(|c| c.is_some()).count() as u64;
    let lost = next_id - completed - in_hand;
    // A request the server accepted more than once.
    let duplicated = accepted_ids.values().filter(|n| **n > 1).count() as u64;
    let windows = duration_ms as f64 / server.window_ms as f64;
    Figures {
        sent,
        sends,
        refused_seen,
        accepted: server.accepted,
        ratio: server.accepted as f64 / (server.limit as f64 * windows),
        lost,
        duplicated,
        max_wait_ms: max_wait,
    }
}

fn report(name: &str, f: &Figures) {
    println!(
        "pace {name}: sent {} accepted {} 429s seen {} throughput {:.3} of the limit, lost {}, duplicated {}, longest wait {} ms",
        f.sent, f.accepted, f.refused_seen, f.ratio, f.lost, f.duplicated, f.max_wait_ms
    );
}

#[test]
fn closed_loop_at_three_times_the_limit() {
    // Poelis: 60/min and a bucket of 10 refilled at 1/s, 10 simulated minutes; 30 workers
    // thinking 10 s offer 3/s.
    let poelis = Scope::new(ProviderId::Poelis, "org_a", false);
    let server = Server::new(ProviderId::Poelis, 60, 60_000, Some((10.0, 0.001)));
    let f = closed_loop(&poelis, server, 30, 10_000, 600_000);
    report("poelis 60/min burst 10, 10 min", &f);
    assert_eq!((f.refused_seen, f.lost, f.duplicated), (0, 0, 0));
    assert!(f.ratio >= 0.95, "{}", f.ratio);

    // Postiz hosted: 30 an hour, 4 simulated hours; 30 workers thinking 20 min offer 90/h.
    let hosted = Scope::new(ProviderId::Postiz, "org_b", true);
    let server = Server::new(ProviderId::Postiz, 30, 3_600_000, None);
    let f = closed_loop(&hosted, server, 30, 1_200_000, 4 * 3_600_000);
    report("postiz hosted 30/h, 4 h", &f);
    assert_eq!((f.refused_seen, f.lost, f.duplicated), (0, 0, 0));
    assert!(f.ratio >= 0.95, "{}", f.ratio);

    // Postiz self-hosted, default API_LIMIT 90: 90 workers thinking 20 min offer 270/h.
    let selfhosted = Scope::new(ProviderId::Postiz, "org_c", false);
    let server = Server::new(ProviderId::Postiz, 90, 3_600_000, None);
    let f = closed_loop(&selfhosted, server, 90, 1_200_000, 4 * 3_600_000);
    report("postiz self-hosted 90/h, 4 h", &f);
    assert_eq!((f.refused_seen, f.lost, f.duplicated), (0, 0, 0));
    assert!(f.ratio >= 0.95, "{}", f.ratio);

    // Self-hosted with API_LIMIT=30 (.env.example) while keygate seeds 90: the first answer's
    // X-RateLimit-Limit corrects the bucket before a second request is due.
    let server = Server::new(ProviderId::Postiz, 30, 3_600_000, None);
    let f = closed_loop(
        &Scope::new(ProviderId::Postiz, "org_d", false),
        server,
        30,
        1_200_000,
        4 * 3_600_000,
    );
    report("postiz self-hosted API_LIMIT=30 seeded 90, 4 h", &f);
    assert_eq!((f.refused_seen, f.lost, f.duplicated), (0, 0, 0));
    assert!(f.ratio >= 0.95, "{}", f.ratio);

    // The emulator's shortened window (10 s for Postiz's 30), 5 simulated minutes.
    let short = Scope::custom(
        "postiz:org_e:posts",
        Some(
            Policy::seed(ProviderId::Postiz, true)
                .unwrap()
                .with_window(10_000),
        ),
    );
    let server = Server::new(ProviderId::Postiz, 30, 10_000, None);
    let f = closed_loop(&short, server, 9, 1_000, 300_000);
    report("postiz 30 per 10 s (shortened), 5 min", &f);
    assert_eq!((f.refused_seen, f.lost, f.duplicated), (0, 0, 0));
    assert!(f.ratio >= 0.95, "{}", f.ratio);
}

#[test]
fn token_bucket_headers_do_not_halve_the_throughput() {
    // The emulator's Poelis writes Reset as the second its bucket is full again: a 0 remaining
    // must not hold the scope until then (one refill interval at most, the log paces the rest).
    let poelis = Scope::new(ProviderId::Poelis, "org_tb", false);
    let server =
        Server::new(ProviderId::Poelis, 60, 60_000, Some((10.0, 0.001))).with_bucket_headers();
    let f = closed_loop(&poelis, server, 30, 10_000, 600_000);
    report("poelis 60/min burst 10, token-bucket headers, 10 min", &f);
    assert_eq!((f.refused_seen, f.lost, f.duplicated), (0, 0, 0));
    assert!(f.ratio >= 0.95, "{}", f.ratio);
    // Its window cut to 6 s (the load run's): 10 a second, 10 at once, 2 simulated minutes.
    let short = Scope::custom(
        "poelis:org_tb6",
        Some(
            Policy::seed(ProviderId::Poelis, false)
                .unwrap()
                .with_window(6_000),
        ),
    );
    let server =
        Server::new(ProviderId::Poelis, 60, 6_000, Some((10.0, 0.01))).with_bucket_headers();
    let f = closed_loop(&short, server, 30, 1_000, 120_000);
    report(
        "poelis 60 per 6 s burst 10, token-bucket headers, 2 min",
        &f,
    );
    assert_eq!((f.refused_seen, f.lost, f.duplicated), (0, 0, 0));
    assert!(f.ratio >= 0.95, "{}", f.ratio);
}

#[test]
fn a_custom_limit_is_a_ceiling_the_server_only_lowers() {
    // The user asked for 10 a minute; the server says 60 (and 59 left): still 10.
    let s = Scope::custom("custom", Some(Policy::custom(10, 60_000, None)));
    let mut p = Pacer::new();
    assert_eq!(p.acquire(&s, T0), Grant::Go { grant: 1 });
    let said = |limit, remaining| RateLimit {
        limit: Some(limit),
        remaining: Some(remaining),
        reset_at: Some(T0 + 60_000),
    };
    p.observe(&s, 1, Some(&said(60, 59)), T0 + 10);
    assert_eq!(p.bucket(&s).policy().unwrap().limit, 10);
    for n in 2..=10 {
        assert_eq!(p.acquire(&s, T0 + 20), Grant::Go { grant: n });
    }
    let Grant::Wait { ms, .. } = p.acquire(&s, T0 + 20) else {
        panic!("the 11th request in the minute waits")
    };
    assert_eq!(
        T0 + 20 + ms,
        T0 + 60_600,
        "until the first grant leaves the window"
    );
    // The server may lower it (5), and raise it back up to the user's 10, not past it.
    p.observe(&s, 2, Some(&said(5, 0)), T0 + 30);
    assert_eq!(p.bucket(&s).policy().unwrap().limit, 5);
    p.observe(&s, 3, Some(&said(60, 50)), T0 + 40);
    assert_eq!(p.bucket(&s).policy().unwrap().limit, 10);
    // A bucket's text keeps the ceiling (policy tag 2, then the ceiling); a seed's text is as
    // before ceilings (tag 1), and such text still reads as a seed.
    let b = p.bucket(&s);
    assert_eq!(Bucket::decode(&b.encode()), Some(b));
    let text = Bucket::new(Some(Policy::custom(10, 1_000, None))).encode();
    assert_eq!(text, "1,2,10,1000,0,10,5000,10,0,0,0,1,0,0,");
    let old = Bucket::decode("1,1,10,1000,0,10,5000,0,0,0,1,0,0,").unwrap();
    assert_eq!(old.policy().unwrap().ceiling, None);
    // Tag 2 needs a ceiling of at least 1.
    assert_eq!(Bucket::decode("1,2,10,1000,0,10,5000,0,0,0,0,1,0,0,"), None);

    // A documented seed follows the server both ways.
    let seeded = Scope::new(ProviderId::Postiz, "org_seed", true);
    let mut p = Pacer::new();
    assert_eq!(p.bucket(&seeded).policy().unwrap().limit, 30);
    assert!(matches!(p.acquire(&seeded, T0), Grant::Go { .. }));
    p.observe(&seeded, 1, Some(&said(60, 59)), T0 + 10);
    assert_eq!(p.bucket(&seeded).policy().unwrap().limit, 60);
    p.observe(&seeded, 1, Some(&said(20, 19)), T0 + 20);
    assert_eq!(p.bucket(&seeded).policy().unwrap().limit, 20);
}

#[test]
fn a_custom_limit_holds_against_a_server_announcing_more() {
    // `pacer({ limit: 10, windowMs: 10000 })` against a server that allows and announces 60 per
    // 10 s, 12 workers thinking 100 ms (far more than 10 a window), 2 simulated minutes: never
    // more than 10 in any window (with the margin), and still 10 a window.
    let policy = Policy::custom(10, 10_000, None);
    let custom = Scope::custom("poelis:org_custom", Some(policy));
    let server = Server::new(ProviderId::Poelis, 60, 10_000, None);
    let f = closed_loop(&custom, server, 12, 100, 120_000);
    report(
        "custom 10 per 10 s against a server announcing 60, 2 min",
        &f,
    );
    assert_eq!((f.refused_seen, f.lost, f.duplicated), (0, 0, 0));
    let over = check_windows(&f.sends, 10, policy.full_window_ms());
    assert!(over.is_ok(), "over the user's limit: {over:?}");
    let ratio = f.accepted as f64 / (10.0 * 12.0);
    assert!(ratio >= 0.95, "{ratio}");

    // The documented seed (Postiz hosted: 30, its window cut to 10 s) against the same server
    // follows its 60: the throughput is the server's, not the seed's.
    let seeded = Scope::custom(
        "postiz:org_seeded:posts",
        Some(
            Policy::seed(ProviderId::Postiz, true)
                .unwrap()
                .with_window(10_000),
        ),
    );
    let server = Server::new(ProviderId::Postiz, 60, 10_000, None);
    let f = closed_loop(&seeded, server, 30, 100, 120_000);
    report(
        "postiz seeded 30 per 10 s against a server announcing 60, 2 min",
        &f,
    );
    assert_eq!((f.refused_seen, f.lost, f.duplicated), (0, 0, 0));
    assert!(f.ratio >= 0.95, "{}", f.ratio);
}

#[test]
fn unpaced_loop_would_be_refused() {
    // The same Poelis loop with a pacer that never waits (no policy, no headers read) shows
    // what pacing prevents: the server refuses most of a 3x load.
    let mut server = Server::new(ProviderId::Poelis, 60, 60_000, Some((10.0, 0.001)));
    let mut t = T0;
    for _ in 0..1_800 {
        server.handle(t);
        t += 333;
    }
    println!(
        "unpaced poelis 3x for 10 min: accepted {} refused {}",
        server.accepted, server.refused
    );
    assert!(server.refused > 1_000);
}

#[test]
fn read_feeds_observe_with_sane_values() {
    // A hostile server's headers never make the pacer wait beyond JS's exact range.
    let hs = vec![
        ("x-ratelimit-limit".to_string(), "0".to_string()),
        ("x-ratelimit-remaining".to_string(), "0".to_string()),
        ("x-ratelimit-reset".to_string(), "9".repeat(400)),
    ];
    let rl: RateLimit = read_rate_limit(ProviderId::Poelis, 200, &hs, T0).unwrap();
    let scope = Scope::new(ProviderId::Poelis, "x", false);
    let mut p = Pacer::new();
    let Grant::Go { grant } = p.acquire(&scope, T0) else {
        panic!("the first request goes")
    };
    p.observe(&scope, grant, Some(&rl), T0);
    let Grant::Wait { ms, .. } = p.acquire(&scope, T0) else {
        panic!("remaining 0 waits")
    };
    assert!(ms <= MAX_RETRY_AFTER_MS);
}

#[derive(Clone, Debug)]
enum Answer {
    Headers(Option<u64>, Option<u64>), // remaining, reset offset from now (ms)
    TooMany(Option<u64>),              // Retry-After (ms)
    Nothing,
}

fn answers() -> impl Strategy<Value = Vec<Answer>> {
    prop::collection::vec(
        prop_oneof![
            (
                prop::option::of(prop_oneof![0u64..5, Just(u64::MAX)]),
                prop::option::of(prop_oneof![0u64..3_000, Just(u64::MAX / 2)])
            )
                .prop_map(|(r, o)| Answer::Headers(r, o)),
            prop::option::of(prop_oneof![0u64..3_000, Just(u64::MAX)]).prop_map(Answer::TooMany),
            Just(Answer::Nothing),
        ],
        1..60,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Whatever the server answers (hostile `remaining`, far resets, 429s with huge waits), the
    /// pacer never panics, never grants over the local limit, keeps FIFO, and every caller is
    /// granted once or still waiting; a wait never exceeds JS's exact range.
    #[test]
    fn server_answers_only_tighten(policy in policies(), gaps in prop::collection::vec(0u64..300, 1..60), answers in answers()) {
        let scope = Scope::custom("hostile", Some(policy));
        let mut pacer = Pacer::new();
        let mut q = BinaryHeap::new();
        let mut seq = 0u64;
        let mut t = T0;
        for (i, g) in gaps.iter().enumerate() {
            t += g;
            q.push(Reverse((t, seq, i, None::<Ticket>)));
            seq += 1;
        }
        let mut grants: Vec<(u64, usize)> = vec![];
        let mut steps = 0;
        // A block far in the future makes every waiter recheck once a window: bounded by this.
        let horizon = T0 + 60_000;
        while let Some(Reverse((now, _, i, ticket))) = q.pop() {
            steps += 1;
            prop_assert!(steps < 200_000);
            if now > horizon {
                break;
            }
            let g = match ticket {
                None => pacer.acquire(&scope, now),
                Some(t) => pacer.poll(&scope, t, now),
            };

            match g {
                Grant::Go { grant } => {
                    grants.push((now, i));
                    let rl_now = now + 30;
                    match &answers[grants.len() % answers.len()] {
                        Answer::Headers(r, o) => {
                            let rl = RateLimit { limit: None, remaining: *r, reset_at: o.map(|o| (rl_now.saturating_add(o)).min(MAX_RETRY_AFTER_MS)) };
                            pacer.observe(&scope, grant, Some(&rl), rl_now);
                        }
                        Answer::TooMany(w) => pacer.observe_429(&scope, *w, rl_now),
                        Answer::Nothing => pacer.observe(&scope, grant, None, rl_now),
                    }
                }
                Grant::Wait { ticket, ms } => {
                    prop_assert!((1..=MAX_RETRY_AFTER_MS).contains(&ms));
                    q.push(Reverse((now.saturating_add(ms), seq, i, Some(ticket))));
                    seq += 1;
                }
                Grant::Gone => prop_assert!(false, "a polling waiter was dropped"),
            }
        }
        let times: Vec<u64> = grants.iter().map(|g| g.0).collect();
        prop_assert!(check_windows(&times, policy.limit as usize, policy.full_window_ms()).is_ok());
        let order: Vec<usize> = grants.iter().map(|g| g.1).collect();
        prop_assert!(order.windows(2).all(|w| w[0] < w[1]), "not FIFO: {:?}", order);
        prop_assert!(grants.len() + pacer.bucket(&scope).waiting() == gaps.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever state a bucket reaches (waiters, grants, server views, 429 blocks), its text
    /// form reads back as the same bucket, and a restored pacer answers as the original does.
    #[test]
    fn a_bucket_round_trips_through_its_encoding(
        policy in prop::option::of(policies()),
        ops in prop::collection::vec((0u8..5, 0u64..400, 0u64..30), 1..80),
    ) {
        let s = Scope::custom("k", policy);
        let mut p = Pacer::new();
        let mut t = T0;
        for (op, gap, n) in ops {
            t += gap;
            match op {
                0 => { p.acquire(&s, t); }
                1 => { p.poll(&s, n % 8 + 1, t); }
                2 => { p.cancel(&s, n % 8 + 1); }
                3 => {
                    let rl = RateLimit { limit: Some(n + 1), remaining: Some(n / 2), reset_at: Some(t + 1_000 * n) };
                    p.observe(&s, n, Some(&rl), t);
                }
                _ => p.observe_429(&s, Some(n * 100), t),
            }
            let b = p.bucket(&s);
            let back = Bucket::decode(&b.encode());
            prop_assert_eq!(back.as_ref(), Some(&b));
            let mut store = MemoryStore::default();
            store.put(&s.key, back.unwrap());
            let mut q = Pacer::with_store(store);
            prop_assert_eq!(q.acquire(&s, t + 1), p.clone().acquire(&s, t + 1));
        }
    }
}

#[test]
fn a_token_bucket_refill_is_not_held_to_the_previous_zero() {
    // The load run's Poelis (60 per 6 s, burst 10, the emulator's token bucket): the burst's last
    // answer says 0 left, the next round's first answer (1 s later, the same Unix second of
    // Reset: the bucket is full again by then) says 9. The old view kept the lowest `remaining`
    // of that reset as a floor, so every later answer read 0 and each grant waited a refill
    // interval plus a round trip from the latest answer (0.95 of the limit in `make load`).
    let scope = Scope::custom(
        "poelis:org_refill",
        Some(
            Policy::seed(ProviderId::Poelis, false)
                .unwrap()
                .with_window(6_000),
        ),
    );
    let mut p = Pacer::new();
    let rl = |remaining| RateLimit {
        limit: Some(60),
        remaining: Some(remaining),
        reset_at: Some(T0 + 2_000),
    };
    for n in 1..=10 {
        assert_eq!(p.acquire(&scope, T0), Grant::Go { grant: n });
    }
    for n in 1..=10 {
        p.observe(&scope, n, Some(&rl(10 - n)), T0 + 5);
    }
    // The log's next round (10 per 1.01 s).
    assert!(matches!(p.acquire(&scope, T0 + 1_000), Grant::Wait { .. }));
    let Grant::Wait { ticket, ms } = p.acquire(&scope, T0 + 1_001) else {
        panic!()
    };
    assert_eq!(ms, 9);
    assert!(p.cancel(&scope, 1));
    assert_eq!(p.poll(&scope, ticket, T0 + 1_010), Grant::Go { grant: 11 });
    p.observe(&scope, 11, Some(&rl(9)), T0 + 1_015);
    // 9 tokens left: the rest of the round goes now, as the log allows.
    for n in 12..=20 {
        assert_eq!(
            p.acquire(&scope, T0 + 1_016),
            Grant::Go { grant: n },
            "grant {n}"
        );
    }
    assert!(matches!(p.acquire(&scope, T0 + 1_016), Grant::Wait { .. }));
}
