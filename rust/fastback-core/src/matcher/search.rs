//! Batch scans: one text ([`Matcher::find_all`]) or many on threads
//! ([`Matcher::find_all_many`]).
//!
//! The scan steps the DFA over the UTF-8 bytes of the text. ASCII bytes are
//! stepped directly (case folding lives in the byte classes); a non-ASCII
//! code point is decoded, folded when asked, and stepped as its (folded)
//! UTF-8 bytes. Code-point positions come from the byte position minus the
//! continuation bytes seen so far, so ASCII text pays nothing for them.
//! Word boundaries are checked only at match states, by decoding the code
//! points on either side of the occurrence in the original text.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use super::automaton::StateId;
use super::fold::is_word_char;
use super::resolve::{Match, Resolver};
use super::Matcher;

/// A batch call was interrupted; no results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interrupted;

/// How often the calling thread polls `interrupt` while workers scan.
const POLL: Duration = Duration::from_millis(20);

impl Matcher {
    /// Every match in `text` under the matcher's kind and options, in order
    /// (see `resolve`). Cost: linear in the text plus the occurrences.
    pub fn find_all(&self, text: &str) -> Vec<Match> {
        let mut out = Vec::new();
        self.scan(text, &mut out, false);
        out
    }

    /// [`find_all`](Self::find_all) with a given number of scan lanes (1, 2
    /// or 4), for benchmarks and tests of the lanes themselves.
    #[doc(hidden)]
    pub fn find_all_with_lanes(&self, text: &str, lanes: usize) -> Vec<Match> {
        let mut out = Vec::new();
        match lanes {
            4 => self.scan_lanes::<4>(text, &mut out),
            2 => self.scan_lanes::<2>(text, &mut out),
            _ => {
                self.scan_one_lane(text, &mut out, false);
            }
        }
        out
    }

    /// Whether `text` has at least one match (stops at the first candidate).
    pub fn is_match(&self, text: &str) -> bool {
        let mut out = Vec::new();
        self.scan(text, &mut out, true)
    }

    /// [`find_all`](Self::find_all) on each text, on `threads` threads
    /// (0: one per core). Results are in input order and do not depend on the
    /// thread count. `interrupt` is polled every 20 ms by the calling thread
    /// (and between texts when running on it alone); once it returns true the
    /// call stops after the texts in progress and returns `Err(Interrupted)`.
    pub fn find_all_many(
        &self,
        texts: &[&str],
        threads: usize,
        interrupt: &mut dyn FnMut() -> bool,
    ) -> Result<Vec<Vec<Match>>, Interrupted> {
        let wanted = if threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { threads };
        let total_bytes: usize = texts.iter().map(|t| t.len()).sum();
        // Below ~64 KB in all, starting threads costs more than it saves.
        let workers = wanted.min(texts.len()).min(1 + total_bytes / (64 << 10)).max(1);
        if workers == 1 {
            let mut results = Vec::with_capacity(texts.len());
            for (k, text) in texts.iter().enumerate() {
                if k % 64 == 0 && interrupt() {
                    return Err(Interrupted);
                }
                results.push(self.find_all(text));
            }
            return Ok(results);
        }
        if interrupt() {
            return Err(Interrupted);
        }
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let (done_tx, done_rx) = mpsc::channel::<Vec<(usize, Vec<Match>)>>();
        let mut results: Vec<Vec<Match>> = vec![Vec::new(); texts.len()];
        let mut interrupted = false;
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let done_tx = done_tx.clone();
                let (next, stop) = (&next, &stop);
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        if k >= texts.len() || stop.load(Ordering::Relaxed) {
                            break;
                        }
                        mine.push((k, self.find_all(texts[k])));
                    }
                    let _ = done_tx.send(mine);
                });
            }
            drop(done_tx);
            let mut finished = 0;
            while finished < workers {
                match done_rx.recv_timeout(POLL) {
                    Ok(batch) => {
                        finished += 1;
                        for (k, found) in batch {
                            results[k] = found;
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if !interrupted && interrupt() {
                            interrupted = true;
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
        });
        if interrupted {
            Err(Interrupted)
        } else {
            Ok(results)
        }
    }

    /// The scan behind `find_all` and `is_match`; with `first_only` it returns
    /// as soon as one candidate passes the boundary test (the return value
    /// says whether one did).
    fn scan(&self, text: &str, out: &mut Vec<Match>, first_only: bool) -> bool {
        // Lanes pay off when every step is one load (an all-dense table);
        // with sparse states the scan is bound by branches, which more lanes
        // only mispredict more (measured on the 50,046-phrase list).
        let lanes_pay = cfg!(test) || self.automaton.all_dense();
        if first_only || !lanes_pay || text.len() < TWO_LANES_FROM {
            self.scan_one_lane(text, out, first_only)
        } else {
            self.scan_lanes::<2>(text, out);
            !out.is_empty()
        }
    }

    fn scan_one_lane(&self, text: &str, out: &mut Vec<Match>, first_only: bool) -> bool {
        let a = &self.automaton;
        let bytes = text.as_bytes();
        let mut resolver = Resolver::new(self.kind);
        let mut lane = Lane { state: a.start(), at: 0, extra: 0, end: bytes.len(), from: 0 };
        while lane.at < lane.end {
            lane.step(self, text);
            if a.is_match(lane.state)
                && self.offer_and_settle(lane.state, lane.chars(), lane.at, bytes, &mut resolver, out)
                && first_only
            {
                return true;
            }
        }
        resolver.settle(usize::MAX, out);
        !out.is_empty()
    }

    /// The same scan as `K` interleaved lanes over consecutive segments, so
    /// that their chains of dependent table loads overlap in the CPU (a DFA
    /// scan is bound by the latency of each load). Each lane after the first
    /// starts from the start state `max_pattern_chars` code points before its
    /// segment: an automaton state is determined by at most that many code
    /// points of text, so by the segment it is in the state a single scan
    /// would be. A lane keeps the hits that end inside its segment; they are
    /// offered in text order (the first lane's at once, the others' after).
    fn scan_lanes<const K: usize>(&self, text: &str, out: &mut Vec<Match>) {
        let a = &self.automaton;
        let bytes = text.as_bytes();
        let overlap = self.max_pattern_chars();
        let mut lanes: [Lane; K] = std::array::from_fn(|_| Lane { state: a.start(), at: 0, extra: 0, end: 0, from: 0 });
        let mut seg_start = 0usize;
        let mut counted = (0usize, 0usize); // (byte, code points before it)
        for (k, lane) in lanes.iter_mut().enumerate() {
            let mut seg_end = if k + 1 == K { bytes.len() } else { bytes.len() * (k + 1) / K };
            while !text.is_char_boundary(seg_end) {
                seg_end += 1;
            }
            let begin = back_chars(bytes, seg_start, overlap);
            if begin < counted.0 {
                counted = (0, 0);
            }
            let chars_before = counted.1 + text[counted.0..begin].chars().count();
            counted = (begin, chars_before);
            *lane = Lane { state: a.start(), at: begin, extra: begin - chars_before, end: seg_end, from: seg_start };
            seg_start = seg_end;
        }
        let mut resolver = Resolver::new(self.kind);
        let mut later: [Vec<(StateId, usize, usize)>; K] = std::array::from_fn(|_| Vec::new());
        // The first lane's hits are in text order: offer them at once.
        let mut take_hit = |k: usize, lane: &Lane, out: &mut Vec<Match>| {
            if a.is_match(lane.state) && lane.at > lane.from {
                if k == 0 {
                    self.offer_and_settle(lane.state, lane.chars(), lane.at, bytes, &mut resolver, out);
                } else {
                    later[k].push((lane.state, lane.chars(), lane.at));
                }
            }
        };
        while lanes.iter().all(|lane| lane.at < lane.end) {
            for (k, lane) in lanes.iter_mut().enumerate() {
                lane.step(self, text);
                take_hit(k, lane, out);
            }
        }
        for (k, lane) in lanes.iter_mut().enumerate() {
            while lane.at < lane.end {
                lane.step(self, text);
                take_hit(k, lane, out);
            }
        }
        for hits in later.iter().skip(1) {
            for &(state, end, end_byte) in hits {
                self.offer_and_settle(state, end, end_byte, bytes, &mut resolver, out);
            }
        }
        resolver.settle(usize::MAX, out);
    }

    #[inline]
    fn offer_and_settle(
        &self,
        state: StateId,
        end: usize,
        end_byte: usize,
        bytes: &[u8],
        resolver: &mut Resolver,
        out: &mut Vec<Match>,
    ) -> bool {
        let offered = self.offer_matches(state, end, end_byte, bytes, true, resolver, out);
        if resolver.defers() {
            resolver.settle(end - self.automaton.reach(state), out);
        }
        offered
    }

    /// Offers the occurrences ending in match state `state` at code point
    /// `end` (byte `end_byte` of `text`) that pass the word-boundary test.
    /// `complete`: `text` holds the code point after `end_byte` if there is
    /// one (a stream passes false while that code point has not arrived; it
    /// then only calls this for states whose phrases end in a non-word
    /// character, which need no look-ahead). Returns whether any passed.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn offer_matches(
        &self,
        state: StateId,
        end: usize,
        end_byte: usize,
        text: &[u8],
        complete: bool,
        resolver: &mut Resolver,
        out: &mut Vec<Match>,
    ) -> bool {
        let a = &self.automaton;
        let mut followed_by_word: Option<bool> = None;
        let mut any = false;
        for &pattern in a.outputs(state) {
            let info = &a.patterns[pattern.0 as usize];
            let chars = info.chars as usize;
            let start = end - chars;
            if self.whole_words {
                if info.last_word {
                    debug_assert!(complete);
                    let word = *followed_by_word.get_or_insert_with(|| word_at(text, end_byte));
                    if word {
                        continue;
                    }
                }
                if info.first_word && start > 0 {
                    let start_byte = back_chars(text, end_byte, chars);
                    if word_before(text, start_byte) {
                        continue;
                    }
                }
            }
            any = true;
            resolver.offer(Match { start, end, pattern: pattern.0 }, out);
        }
        any
    }
}

/// Texts from this many bytes are scanned in two lanes.
#[cfg(not(test))]
const TWO_LANES_FROM: usize = 4 << 10;
/// (Small in tests, so that the property tests exercise both scans.)
#[cfg(test)]
const TWO_LANES_FROM: usize = 8;

/// One scan position: the automaton state after the bytes before `at`
/// (`extra` of them continuation bytes), scanning up to `end`; hits count
/// only once `at` is past `from` (the lane's own segment).
struct Lane {
    state: StateId,
    at: usize,
    extra: usize,
    end: usize,
    from: usize,
}

impl Lane {
    /// Steps over the code point at `at`: an ASCII byte directly (the byte
    /// classes fold its case), anything else decoded and folded.
    #[inline(always)]
    fn step(&mut self, m: &Matcher, text: &str) {
        let byte = text.as_bytes()[self.at];
        if byte < 0x80 {
            self.state = m.automaton.next(self.state, byte);
            self.at += 1;
        } else {
            let c = text[self.at..].chars().next().unwrap_or('\u{FFFD}');
            let len = c.len_utf8();
            self.state = m.automaton.next_char(self.state, c);
            self.at += len;
            self.extra += len - 1;
        }
    }

    /// Code points before `at`.
    #[inline(always)]
    fn chars(&self) -> usize {
        self.at - self.extra
    }
}

/// The byte offset `chars` code points before `end_byte`, or 0 when the
/// text before it is shorter.
#[inline]
pub(crate) fn back_chars(text: &[u8], end_byte: usize, chars: usize) -> usize {
    let mut b = end_byte;
    for _ in 0..chars {
        if b == 0 {
            break;
        }
        b -= 1;
        while b > 0 && text[b] & 0xC0 == 0x80 {
            b -= 1;
        }
    }
    b
}

/// Whether the code point starting at byte `at` is a word character (false
/// at the end of the text).
#[inline]
fn word_at(text: &[u8], at: usize) -> bool {
    match text.get(at) {
        None => false,
        Some(&b) if b < 0x80 => super::fold::ASCII_WORD[b as usize],
        Some(_) => decode(&text[at..]).is_some_and(is_word_char),
    }
}

/// Whether the code point ending at byte `at` is a word character (false at
/// the start of the text).
#[inline]
fn word_before(text: &[u8], at: usize) -> bool {
    if at == 0 {
        return false;
    }
    let start = back_chars(text, at, 1);
    word_at(text, start)
}

/// The first code point of `bytes` (valid UTF-8 from a `str`).
fn decode(bytes: &[u8]) -> Option<char> {
    let len = match bytes.first()? {
        b if *b < 0x80 => 1,
        b if *b >= 0xF0 => 4,
        b if *b >= 0xE0 => 3,
        _ => 2,
    };
    std::str::from_utf8(bytes.get(..len)?).ok()?.chars().next()
}
