//! The matcher against a brute force written from the definitions (every
//! occurrence by direct comparison, then the kind's rule applied literally),
//! and the stream against the batch scan under random chunking and rollbacks.

use super::fold::{fold_char, is_word_char};
use super::*;
use proptest::prelude::*;
use std::sync::Arc;

fn options(ci: bool, ww: bool, kind: MatchKind) -> Options {
    let mut o = Options::default();
    o.case_insensitive = ci as i64;
    o.whole_words = ww as i64;
    o.match_kind = MatchKind::ALL.iter().position(|&k| k == kind).unwrap() as i64;
    o
}

fn brute_force(patterns: &[String], text: &str, ci: bool, ww: bool, kind: MatchKind) -> Vec<Match> {
    let norm = |s: &str| -> Vec<char> { s.chars().map(|c| if ci { fold_char(c) } else { c }).collect() };
    let t = norm(text);
    let raw: Vec<char> = text.chars().collect();
    let mut cands = Vec::new();
    for (i, p) in patterns.iter().enumerate() {
        let p = norm(p);
        let pc: Vec<char> = patterns[i].chars().collect();
        for s in 0..=t.len().saturating_sub(p.len()) {
            let e = s + p.len();
            if e > t.len() || t[s..e] != p[..] {
                continue;
            }
            if ww {
                if is_word_char(pc[0]) && s > 0 && is_word_char(raw[s - 1]) {
                    continue;
                }
                if is_word_char(*pc.last().unwrap()) && e < raw.len() && is_word_char(raw[e]) {
                    continue;
                }
            }
            cands.push(Match { start: s, end: e, pattern: i as u32 });
        }
    }
    let mut out = Vec::new();
    let mut last_end = 0;
    match kind {
        MatchKind::Overlapping => {
            cands.sort_by_key(|m| (m.end, m.start, m.pattern));
            out = cands;
        }
        MatchKind::Standard => loop {
            let best = cands.iter().filter(|m| m.start >= last_end).min_by_key(|m| (m.end, m.start, m.pattern));
            let Some(&m) = best else { break };
            out.push(m);
            last_end = m.end;
        },
        MatchKind::LeftmostFirst | MatchKind::LeftmostLongest => loop {
            let longest = kind == MatchKind::LeftmostLongest;
            let best = cands
                .iter()
                .filter(|m| m.start >= last_end)
                .min_by_key(|m| (m.start, if longest { usize::MAX - m.end } else { 0 }, m.pattern));
            let Some(&m) = best else { break };
            out.push(m);
            last_end = m.end;
        },
    }
    out
}

const ALPHABET: &[char] = &['a', 'b', 'A', 'B', ' ', '-', 'é', 'É', 'σ', 'ς', 'Σ', 'ß', '中', '_', '1', '\u{212A}', 'k'];

fn word() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 1..5).prop_map(|v| v.into_iter().collect())
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..40).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn batch_matches_brute_force(patterns in proptest::collection::vec(word(), 0..6), text in text(),
                                 ci: bool, ww: bool, kind in 0usize..4) {
        let kind = MatchKind::ALL[kind];
        let m = Matcher::from_phrases(&patterns, &options(ci, ww, kind)).unwrap();
        let expected = brute_force(&patterns, &text, ci, ww, kind);
        prop_assert_eq!(m.find_all(&text), expected.clone());
        prop_assert_eq!(m.find_all_with_lanes(&text, 1), expected.clone());
        prop_assert_eq!(m.find_all_with_lanes(&text, 4), expected.clone());
        prop_assert_eq!(m.is_match(&text), !expected.is_empty());
    }

    #[test]
    fn stream_matches_batch(patterns in proptest::collection::vec(word(), 1..6), text in text(),
                            cuts in proptest::collection::vec(0usize..40, 0..6),
                            ci: bool, ww: bool, kind in 0usize..4, detour in word()) {
        let kind = MatchKind::ALL[kind];
        let m = Arc::new(Matcher::from_phrases(&patterns, &options(ci, ww, kind)).unwrap());
        let expected = m.find_all(&text);
        let chars: Vec<char> = text.chars().collect();
        let mut cuts: Vec<usize> = cuts.into_iter().filter(|&c| c <= chars.len()).collect();
        cuts.push(chars.len());
        cuts.sort();
        let mut stream = Stream::new(Arc::clone(&m));
        let mut got = Vec::new();
        let mut from = 0;
        for (k, &cut) in cuts.iter().enumerate() {
            // Every other chunk: snapshot, feed a detour, roll back, drop what it reported.
            if k % 2 == 1 {
                let snap = stream.snapshot();
                let mut scratch = Vec::new();
                stream.feed(&detour, &mut scratch).unwrap();
                stream.rollback(&snap).unwrap();
                prop_assert_eq!(stream.position(), snap.position());
            }
            let chunk: String = chars[from..cut].iter().collect();
            let safe_before = stream.safe_end();
            let before = got.len();
            stream.feed(&chunk, &mut got).unwrap();
            for found in &got[before..] {
                prop_assert!(found.start >= safe_before, "{found:?} starts before safe_end {safe_before}");
            }
            prop_assert!(stream.safe_end() <= stream.position());
            from = cut;
        }
        stream.finish(&mut got);
        prop_assert_eq!(stream.safe_end(), stream.position());
        prop_assert_eq!(got, expected);
    }
}

#[test]
fn stale_and_foreign_snapshots_are_refused() {
    let m = Arc::new(Matcher::from_phrases(&["ab"], &Options::default()).unwrap());
    let mut s = Stream::new(Arc::clone(&m));
    let mut out = Vec::new();
    s.feed("xx", &mut out).unwrap();
    let early = s.snapshot();
    s.feed("yy", &mut out).unwrap();
    let late = s.snapshot();
    s.rollback(&early).unwrap();
    s.feed("zz", &mut out).unwrap();
    assert!(matches!(s.rollback(&late), Err(StreamError::StaleSnapshot { .. })));
    s.rollback(&early).unwrap();
    let other = Stream::new(m);
    assert_eq!(s.rollback(&other.snapshot()), Err(StreamError::ForeignSnapshot));
    s.finish(&mut out);
    assert_eq!(s.feed("a", &mut out), Err(StreamError::Finished));
    s.rollback(&early).unwrap();
    s.feed("ab", &mut out).unwrap();
    // Final at once, even under leftmost-longest: no phrase extends "ab".
    assert_eq!(out, vec![Match { start: 2, end: 4, pattern: 0 }]);
}

#[test]
fn whole_words_wait_for_the_next_character() {
    let m = Arc::new(Matcher::from_phrases(&["cat", "cat-"], &options(false, true, MatchKind::Overlapping)).unwrap());
    let mut s = Stream::new(m);
    let mut out = Vec::new();
    s.feed("a cat", &mut out).unwrap();
    assert!(out.is_empty());
    assert_eq!(s.safe_end(), 2);
    s.feed("s", &mut out).unwrap();
    assert!(out.is_empty(), "cats is not the word cat");
    s.feed(" cat-", &mut out).unwrap();
    assert_eq!(out, vec![Match { start: 7, end: 10, pattern: 0 }, Match { start: 7, end: 11, pattern: 1 }]);
}

#[test]
fn refuses_empty_patterns_and_bad_weights() {
    let e = Matcher::from_phrases(&["a", ""], &Options::default()).unwrap_err();
    assert_eq!(e.to_string(), "pattern 1 is empty");
    let e = Matcher::new(vec!["a".into()], vec![f64::NAN], &Options::default()).unwrap_err();
    assert!(e.to_string().contains("pattern 0"));
    assert!(Matcher::from_phrases::<&str>(&[], &Options::default()).unwrap().find_all("abc").is_empty());
}

#[test]
fn many_texts_on_threads_equal_one_by_one() {
    let m = Matcher::from_phrases(&["the", "he", "ab"], &options(true, false, MatchKind::Overlapping)).unwrap();
    let base = "The cab said hello. ".repeat(5000);
    let texts: Vec<String> = (0..64).map(|k| format!("{k}{base}")).collect();
    let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
    let many = m.find_all_many(&refs, 2, &mut || false).unwrap();
    for (t, found) in refs.iter().zip(&many) {
        assert_eq!(&m.find_all(t), found);
    }
    assert_eq!(m.find_all_many(&refs, 2, &mut || true), Err(Interrupted));
}
