//! The behaviour every [`Store`] must have, as one suite each backend runs on fresh stores.
//! Times are explicit (`T0` plus offsets), so expiry is exact and nothing sleeps.

use super::{CounterPolicy, IdHash, Millis, SessionRecord, Store, Touch};

pub(crate) type Factory<'a> = &'a dyn Fn() -> Box<dyn Store>;

const T0: Millis = 1_700_000_000_000;

pub(crate) fn run_all(factory: Factory<'_>) {
    sessions_insert_get_expire(&*factory());
    touch_never_resurrects(&*factory());
    rotate_moves_the_session(&*factory());
    delete_and_delete_user(&*factory());
    user_sessions_lists_live_ones_oldest_first(&*factory());
    counters_count_expire_and_reset(&*factory());
    distinct_members_in_a_window(&*factory());
    claims_are_granted_once_per_ttl(&*factory());
    purge_keeps_live_records(&*factory());
    concurrent_failures_are_counted_exactly(&*factory());
    concurrent_claims_are_granted_once(&*factory());
}

fn hash(n: u8) -> IdHash {
    let mut hash = [0u8; 32];
    hash[0] = n;
    hash[31] = 0xa5;
    hash
}

fn record(n: u8, user: &str, created: Millis, expires: Millis) -> SessionRecord {
    SessionRecord {
        hash: hash(n),
        user_id: user.to_owned(),
        created_at: created,
        last_seen_at: created,
        expires_at: expires,
        absolute_expires_at: expires + 1_000,
        idle_timeout: Some(500),
        ip: Some("192.0.2.1".to_owned()),
        user_agent: Some("agent/1 \u{e9}".to_owned()),
        last_ip: None,
        last_user_agent: None,
        data: r#"{"cart":[1,2],"name":"Zo\u00eb"}"#.to_owned(),
    }
}

fn sessions_insert_get_expire(store: &dyn Store) {
    let alice = record(1, "alice", T0, T0 + 1_000);
    store.insert_session(&alice, T0).unwrap();
    assert_eq!(
        store.get_session(&hash(1), T0).unwrap(),
        Some(alice.clone())
    );
    assert_eq!(
        store.get_session(&hash(1), T0 + 999).unwrap(),
        Some(alice.clone())
    );
    assert_eq!(store.get_session(&hash(1), T0 + 1_000).unwrap(), None);
    assert_eq!(store.get_session(&hash(2), T0).unwrap(), None);

    // Optional fields round-trip as absent, and text is kept byte for byte.
    let bare = SessionRecord {
        idle_timeout: None,
        ip: None,
        user_agent: None,
        data: "{}".to_owned(),
        user_id: "ユーザー:42 \"quoted\"".to_owned(),
        ..record(3, "", T0, T0 + 10)
    };
    store.insert_session(&bare, T0).unwrap();
    assert_eq!(store.get_session(&hash(3), T0).unwrap(), Some(bare));
}

fn touch_never_resurrects(store: &dyn Store) {
    store
        .insert_session(&record(1, "alice", T0, T0 + 1_000), T0)
        .unwrap();
    let touch = Touch {
        last_seen_at: T0 + 400,
        expires_at: T0 + 1_400,
        last_ip: Some("198.51.100.7"),
        last_user_agent: None,
        data: Some(r#"{"n":1}"#),
    };
    assert!(store.touch_session(&hash(1), T0 + 400, &touch).unwrap());
    let touched = store.get_session(&hash(1), T0 + 1_200).unwrap().unwrap();
    assert_eq!(touched.last_seen_at, T0 + 400);
    assert_eq!(touched.expires_at, T0 + 1_400);
    assert_eq!(touched.last_ip.as_deref(), Some("198.51.100.7"));
    assert_eq!(touched.last_user_agent, None);
    assert_eq!(touched.ip.as_deref(), Some("192.0.2.1"));
    assert_eq!(touched.data, r#"{"n":1}"#);

    // Expired: not touched, stays expired.
    assert!(!store.touch_session(&hash(1), T0 + 1_400, &touch).unwrap());
    // Revoked: not touched, not re-created.
    store
        .insert_session(&record(2, "alice", T0, T0 + 1_000), T0)
        .unwrap();
    assert!(store.delete_session(&hash(2)).unwrap());
    assert!(!store.touch_session(&hash(2), T0 + 10, &touch).unwrap());
    assert_eq!(store.get_session(&hash(2), T0 + 10).unwrap(), None);
    let listed: Vec<IdHash> = store
        .user_sessions("alice", T0 + 10)
        .unwrap()
        .into_iter()
        .map(|record| record.hash)
        .collect();
    assert_eq!(listed, vec![hash(1)]);
}

fn rotate_moves_the_session(store: &dyn Store) {
    let original = record(1, "alice", T0, T0 + 1_000);
    store.insert_session(&original, T0).unwrap();
    assert_eq!(
        store
            .rotate_session(&hash(1), &hash(2), "mallory", T0)
            .unwrap(),
        None,
        "rotated under the wrong user"
    );
    let rotated = store
        .rotate_session(&hash(1), &hash(2), "alice", T0 + 5)
        .unwrap()
        .unwrap();
    assert_eq!(
        rotated,
        SessionRecord {
            hash: hash(2),
            ..original
        }
    );
    assert_eq!(store.get_session(&hash(1), T0 + 5).unwrap(), None);
    assert_eq!(store.get_session(&hash(2), T0 + 5).unwrap(), Some(rotated));
    let listed = store.user_sessions("alice", T0 + 5).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].hash, hash(2));
    // The old id cannot be rotated again, nor can an expired session.
    assert_eq!(
        store
            .rotate_session(&hash(1), &hash(3), "alice", T0 + 5)
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .rotate_session(&hash(2), &hash(3), "alice", T0 + 1_000)
            .unwrap(),
        None
    );
}

fn delete_and_delete_user(store: &dyn Store) {
    for n in 1..=3 {
        store
            .insert_session(&record(n, "alice", T0 + i64::from(n), T0 + 1_000), T0)
            .unwrap();
    }
    store
        .insert_session(&record(9, "bob", T0, T0 + 1_000), T0)
        .unwrap();
    assert!(store.delete_session(&hash(1)).unwrap());
    assert!(!store.delete_session(&hash(1)).unwrap());
    assert_eq!(
        store.delete_user_sessions("alice", Some(&hash(3))).unwrap(),
        1
    );
    assert_eq!(store.get_session(&hash(2), T0).unwrap(), None);
    assert!(store.get_session(&hash(3), T0).unwrap().is_some());
    assert!(store.get_session(&hash(9), T0).unwrap().is_some());
    assert_eq!(store.delete_user_sessions("alice", None).unwrap(), 1);
    assert_eq!(store.delete_user_sessions("alice", None).unwrap(), 0);
    assert_eq!(store.delete_user_sessions("nobody", None).unwrap(), 0);
    assert!(store.get_session(&hash(9), T0).unwrap().is_some());
}

fn user_sessions_lists_live_ones_oldest_first(store: &dyn Store) {
    store
        .insert_session(&record(1, "alice", T0 + 20, T0 + 1_000), T0)
        .unwrap();
    store
        .insert_session(&record(2, "alice", T0 + 10, T0 + 2_000), T0)
        .unwrap();
    store
        .insert_session(&record(3, "alice", T0, T0 + 100), T0)
        .unwrap();
    store
        .insert_session(&record(4, "alicia", T0, T0 + 1_000), T0)
        .unwrap();
    let listed: Vec<IdHash> = store
        .user_sessions("alice", T0 + 100)
        .unwrap()
        .into_iter()
        .map(|record| record.hash)
        .collect();
    assert_eq!(listed, vec![hash(2), hash(1)]);
    assert!(store.user_sessions("al", T0).unwrap().is_empty());
}

fn counters_count_expire_and_reset(store: &dyn Store) {
    let policy = CounterPolicy {
        window: 1_000,
        threshold: 3,
        base_delay: 5_000,
        max_delay: 60_000,
    };
    assert_eq!(store.counter("k", T0, &policy).unwrap(), None);
    let first = store.record_failure("k", T0, &policy).unwrap();
    assert_eq!((first.failures, first.last_failure), (1, T0));
    let second = store.record_failure("k", T0 + 999, &policy).unwrap();
    assert_eq!((second.failures, second.last_failure), (2, T0 + 999));
    // A late-arriving failure stamped earlier does not move the last failure back.
    let third = store.record_failure("k", T0 + 500, &policy).unwrap();
    assert_eq!((third.failures, third.last_failure), (3, T0 + 999));
    // Locked: kept for the 5 s lockout although the window is 1 s.
    let kept = store.counter("k", T0 + 999 + 4_999, &policy).unwrap();
    assert_eq!(kept.map(|counter| counter.failures), Some(3));
    assert_eq!(store.counter("k", T0 + 999 + 5_000, &policy).unwrap(), None);
    let restarted = store
        .record_failure("k", T0 + 999 + 5_000, &policy)
        .unwrap();
    assert_eq!(restarted.failures, 1);
    // Another key is independent, and reset forgets.
    assert_eq!(store.record_failure("k2", T0, &policy).unwrap().failures, 1);
    store.reset_counter("k").unwrap();
    assert_eq!(store.counter("k", T0 + 6_000, &policy).unwrap(), None);
    store.reset_counter("absent").unwrap();
    assert_eq!(
        store
            .counter("k2", T0, &policy)
            .unwrap()
            .map(|c| c.failures),
        Some(1)
    );
}

fn distinct_members_in_a_window(store: &dyn Store) {
    let first = store.add_distinct("ip", "a", T0, 1_000).unwrap();
    assert_eq!((first.count, first.added), (1, true));
    let again = store.add_distinct("ip", "a", T0 + 100, 1_000).unwrap();
    assert_eq!((again.count, again.added), (1, false));
    let second = store.add_distinct("ip", "b", T0 + 200, 1_000).unwrap();
    assert_eq!((second.count, second.added), (2, true));
    assert_eq!(
        store
            .add_distinct("other", "a", T0 + 200, 1_000)
            .unwrap()
            .count,
        1
    );
    // "a" was last seen at T0 + 100: gone at T0 + 1100, "b" stays.
    let later = store.add_distinct("ip", "c", T0 + 1_100, 1_000).unwrap();
    assert_eq!((later.count, later.added), (2, true));
    let back = store.add_distinct("ip", "a", T0 + 1_100, 1_000).unwrap();
    assert_eq!((back.count, back.added), (3, true));
}

fn claims_are_granted_once_per_ttl(store: &dyn Store) {
    assert!(store.claim("totp:alice:123456", T0, 1_000).unwrap());
    assert!(!store.claim("totp:alice:123456", T0 + 999, 1_000).unwrap());
    assert!(store.claim("totp:bob:123456", T0, 1_000).unwrap());
    assert!(store.claim("totp:alice:123456", T0 + 1_000, 1_000).unwrap());
    assert!(!store.claim("totp:alice:123456", T0 + 1_500, 1_000).unwrap());
}

fn purge_keeps_live_records(store: &dyn Store) {
    store
        .insert_session(&record(1, "alice", T0, T0 + 100), T0)
        .unwrap();
    store
        .insert_session(&record(2, "alice", T0, T0 + 1_000), T0)
        .unwrap();
    assert!(store.claim("c", T0, 1_000).unwrap());
    store.purge_expired(T0 + 500).unwrap();
    assert_eq!(store.get_session(&hash(1), T0 + 500).unwrap(), None);
    assert!(store.get_session(&hash(2), T0 + 500).unwrap().is_some());
    assert!(!store.claim("c", T0 + 500, 1_000).unwrap());
    assert_eq!(store.user_sessions("alice", T0 + 500).unwrap().len(), 1);
}

fn concurrent_failures_are_counted_exactly(store: &dyn Store) {
    let policy = CounterPolicy {
        window: 60_000,
        threshold: 1_000_000,
        base_delay: 1,
        max_delay: 1,
    };
    std::thread::scope(|scope| {
        for thread in 0..4 {
            scope.spawn(move || {
                for attempt in 0..50 {
                    store
                        .record_failure("shared", T0 + thread * 100 + attempt, &policy)
                        .unwrap();
                }
            });
        }
    });
    let counter = store
        .counter("shared", T0 + 1_000, &policy)
        .unwrap()
        .unwrap();
    assert_eq!(counter.failures, 200);
    assert_eq!(counter.last_failure, T0 + 349);
}

fn concurrent_claims_are_granted_once(store: &dyn Store) {
    let granted: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| usize::from(store.claim("once", T0, 60_000).unwrap())))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .sum()
    });
    assert_eq!(granted, 1);
}
