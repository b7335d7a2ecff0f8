//! An independent DRAT proof checker (backward checking with core marking,
//! after drat-trim).
//!
//! Why it exists: every UNSAT answer of the solver is checked in tests by
//! replaying the DRAT proof the solver wrote (`sat/proof.rs`). A checker that
//! shared propagation code with the solver could share its bugs, so this file
//! has its own clause store, its own two-watched-literal propagation and its
//! own proof parser, and imports nothing from the solver but the `Lit`/`Var`
//! newtypes.
//!
//! # Semantics (those of drat-trim's default backward mode)
//!
//! - A proof is a sequence of lemma additions and clause deletions. It refutes
//!   the formula iff unit propagation on the formula plus the lemmas added so
//!   far becomes conflicting at some point (an explicit empty lemma `0` is
//!   one way to say so; whatever follows the first conflict is ignored) and
//!   every lemma that conflict depends on is valid.
//! - A lemma `C` is valid if it is RUP (assigning the negation of `C` and
//!   propagating on the clauses present just before `C` yields a conflict) or
//!   RAT on its *first literal as written in the proof* `p`: for every present
//!   clause `D` containing `-p`, `C ∪ (D \ {-p})` is RUP. No other pivot is
//!   tried. Variables beyond the formula's (extension variables) are allowed.
//! - Deleting a clause that is not present is ignored (counted in
//!   [`CheckReport::ignored_deletions`]). Deleting a unit clause, or a clause
//!   that is at that moment the reason of a top-level assignment, is ignored
//!   too (counted in [`CheckReport::ignored_unit_deletions`]); drat-trim does
//!   the same by default. Ignoring a deletion is sound: it only checks the
//!   proof without that deletion. It keeps the top-level trail monotone in the
//!   forward pass, which the backward pass relies on.
//! - Duplicate literals are merged; tautological lemmas are trivially valid.
//!
//! # Algorithm
//!
//! 1. Parse the formula and the whole proof into one clause arena; each
//!    deletion is resolved to the clause it deletes (an order-independent hash
//!    of the literal set, latest matching clause first).
//! 2. Forward pass: add clauses in proof order, propagating at top level,
//!    without checking anything, until the first conflict. The trail length
//!    before every step is recorded.
//! 3. Conflict analysis marks the clauses the conflict depends on (core).
//! 4. Backward pass: undo the steps from the conflict back to the start
//!    (removing lemmas, restoring deleted clauses, cutting the trail to its
//!    length before the step). Every *marked* lemma is checked against the
//!    clauses present before it; the analysis of each successful check marks
//!    further clauses. Unmarked lemmas are never checked, which is what makes
//!    backward checking fast on long proofs.
//!
//! Soundness of 4: the marked lemmas, in order, form a valid DRAT refutation
//! on their own: each RUP derivation used only marked clauses, and a RAT
//! check over all present clauses containing `-p` covers the marked ones.
//!
//! # Watch invariant
//!
//! Clauses of two or more literals are watched on positions 0 and 1 (with a
//! blocking literal). At every step boundary the following holds: if a watch
//! `w` of clause `C` is false on the trail, then `C` contains a true literal
//! assigned at a step no later than `max(step of -w, step C was added)`.
//! Consequences: (a) every watched clause with a false watch is satisfied, so
//! a RUP check starting from the trail propagates completely; (b) cutting the
//! trail back to an earlier step boundary, while `C` is still present, keeps
//! the invariant, because the true literal stays whenever `-w` stays. It is
//! established by attaching a new clause on non-false literals (or on the
//! latest falsified one when it becomes unit), kept by propagation (a watch
//! only moves to a non-false literal; a visited clause with a true blocker or
//! other watch was satisfied at a step no later than the visit), and by
//! restoring a deleted clause with the watches it had when it was deleted.
//! The checks above the trail move watches only to literals that are non-false
//! at the trail, so undoing a check keeps the invariant.
//!
//! Cost: parsing is linear in the proof; the forward pass costs one top-level
//! propagation; the backward pass one propagation per marked lemma, plus for
//! every RAT check one propagation per candidate clause (candidates come from
//! occurrence lists built on the first RAT check). Memory is linear in the
//! formula plus the proof, plus O(`num_vars`).

use super::types::{Lit, Var};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Encoding of a DRAT proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofFormat {
    /// Binary if the first bytes cannot be text (see [`detect_format`]), else text.
    Auto,
    /// `1 -2 0` per lemma, `d 1 -2 0` per deletion, `c` starts a comment up to the end of the line.
    Text,
    /// drat-trim's binary format: `a` or `d`, each literal as the base-128
    /// variable-length encoding (low 7 bits first) of `2 * var + negated`, then a 0 byte.
    Binary,
}

/// What a check found.
#[derive(Clone, Debug)]
pub struct CheckReport {
    /// Whether the proof refutes the formula.
    pub verified: bool,
    /// `"verified: ..."` on success, else why not, naming the failing lemma
    /// and its place in the proof (`proof line` for text, `proof byte` for binary).
    pub message: String,
    /// Lemma additions in the proof (all of them, also those after the conflict).
    pub lemmas: u64,
    /// Deletion instructions in the proof.
    pub deletions: u64,
    /// Lemmas the refutation depends on, all of which were checked.
    pub core_lemmas: u64,
    /// Checked lemmas that were not RUP, so that a RAT check was needed.
    pub rat_checks: u64,
    /// Deletions of clauses that were not present (ignored).
    pub ignored_deletions: u64,
    /// Deletions of unit clauses and of reasons of top-level assignments
    /// (ignored, as drat-trim does), among the steps up to the conflict.
    pub ignored_unit_deletions: u64,
    /// Wall-clock time of the whole check, parsing included.
    pub seconds: f64,
}

/// A malformed proof or formula, or an interrupted check.
///
/// `line` is the 1-based proof line (text proofs) or the 0-based byte offset
/// (binary proofs) of the problem, and 0 when the problem is not in the proof
/// (a bad formula literal, an interrupt). `message` repeats the position in
/// words (`proof line 3: ...`, `proof byte 17: ...`), except for `"interrupted"`.
#[derive(Debug)]
pub struct CheckError {
    pub line: u64,
    pub message: String,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CheckError {}

/// Checks that `proof` refutes the formula.
///
/// `clauses` are the formula's clauses as DIMACS literals without the
/// terminating 0; variables should not exceed `num_vars` (larger ones are
/// accepted and treated like extension variables).
///
/// Returns `Ok` with `verified == false` when the proof is well-formed but
/// does not refute the formula, and `Err` when the proof cannot be parsed or a
/// formula clause contains the literal 0. Never panics on any proof bytes.
/// Cost: see the module documentation; memory O(`num_vars` + formula + proof).
pub fn check_drat<'a>(
    num_vars: u32,
    clauses: impl IntoIterator<Item = &'a [i32]>,
    proof: &[u8],
    format: ProofFormat,
) -> Result<CheckReport, CheckError> {
    let never = AtomicBool::new(false);
    check_drat_with_interrupt(num_vars, clauses, proof, format, &never)
}

/// Same as [`check_drat`], stopping with `Err` whose message is
/// `"interrupted"` soon after `interrupt` becomes true (it is polled every few
/// thousand clauses or lemmas, i.e. well within 100 ms).
pub fn check_drat_with_interrupt<'a>(
    num_vars: u32,
    clauses: impl IntoIterator<Item = &'a [i32]>,
    proof: &[u8],
    format: ProofFormat,
    interrupt: &AtomicBool,
) -> Result<CheckReport, CheckError> {
    check_impl(num_vars, clauses, proof, format, interrupt).map(|(report, _core)| report)
}

/// Decides how [`ProofFormat::Auto`] reads `proof`: binary when one of its
/// first 10 bytes cannot occur at the start of a text proof, following
/// drat-trim's heuristic. A text proof starts with digits, `-`, `d`, white
/// space or a `c` comment; a binary one starts with `a` or `d` followed by
/// literal bytes and 0 terminators. A proof starting with a comment is text.
pub fn detect_format(proof: &[u8]) -> ProofFormat {
    if proof.first() == Some(&b'c') {
        return ProofFormat::Text;
    }
    let textual = |b: u8| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'd' | b'\n' | b'\r' | b'\t');
    if proof.iter().take(10).all(|&b| textual(b)) {
        ProofFormat::Text
    } else {
        ProofFormat::Binary
    }
}

// ---------------------------------------------------------------------------
// Clause store

/// Index of a clause in the checker's arena (formula clauses first, then
/// lemmas in proof order).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
struct ClauseId(u32);

impl ClauseId {
    const NONE: ClauseId = ClauseId(u32::MAX);
    #[inline(always)]
    fn index(self) -> usize {
        self.0 as usize
    }
}

const ACTIVE: u8 = 1; // present in the clause set at the current point of the proof
const CORE: u8 = 2; // the refutation depends on it
const ATTACHED: u8 = 4; // in the watch lists
const TAUTOLOGY: u8 = 8; // contains a literal and its complement; never watched
const LEMMA: u8 = 16;

/// Where a clause's literals lie in the arena (one record, so that
/// propagation touches one place before the literals).
#[derive(Copy, Clone)]
struct Span {
    start: usize,
    len: u32,
}

struct Clauses {
    lits: Vec<Lit>,
    spans: Vec<Span>,
    flags: Vec<u8>,
    /// The first literal as written in the proof (the RAT pivot); unused for empty clauses.
    pivot: Vec<Lit>,
}

impl Clauses {
    fn count(&self) -> usize {
        self.spans.len()
    }
    #[inline(always)]
    fn range(&self, c: ClauseId) -> std::ops::Range<usize> {
        let Span { start, len } = self.spans[c.index()];
        start..start + len as usize
    }
    #[inline(always)]
    fn len(&self, c: ClauseId) -> usize {
        self.spans[c.index()].len as usize
    }
    #[inline(always)]
    fn lits(&self, c: ClauseId) -> &[Lit] {
        &self.lits[self.range(c)]
    }
    #[inline(always)]
    fn has(&self, c: ClauseId, flag: u8) -> bool {
        self.flags[c.index()] & flag != 0
    }
    #[inline(always)]
    fn set(&mut self, c: ClauseId, flag: u8) {
        self.flags[c.index()] |= flag;
    }
    #[inline(always)]
    fn clear(&mut self, c: ClauseId, flag: u8) {
        self.flags[c.index()] &= !flag;
    }
}

/// Maps DIMACS variables to dense indices: `1..=num_vars` to `0..num_vars`,
/// any other variable (an extension variable, or an out-of-range formula
/// variable) to the next free index, so that a huge variable number in a
/// proof costs no memory.
struct VarNames {
    identity: u32,
    extra: HashMap<u32, u32>,
    extra_names: Vec<u32>,
}

impl VarNames {
    fn new(num_vars: u32) -> VarNames {
        VarNames { identity: num_vars.min(1 << 30), extra: HashMap::new(), extra_names: Vec::new() }
    }
    fn count(&self) -> usize {
        self.identity as usize + self.extra_names.len()
    }
    /// `dimacs` must be non-zero and not `i32::MIN`.
    fn lit(&mut self, dimacs: i32) -> Option<Lit> {
        let v = dimacs.unsigned_abs();
        let index = if v <= self.identity {
            v - 1
        } else if let Some(&i) = self.extra.get(&v) {
            i
        } else {
            let i = self.identity as usize + self.extra_names.len();
            if i > Var::MAX_INDEX as usize {
                return None;
            }
            self.extra.insert(v, i as u32);
            self.extra_names.push(v);
            i as u32
        };
        Some(Var(index).lit(dimacs > 0))
    }
    fn dimacs(&self, lit: Lit) -> i64 {
        let i = lit.var().0;
        let v = if i < self.identity { i as i64 + 1 } else { self.extra_names[(i - self.identity) as usize] as i64 };
        if lit.is_negative() {
            -v
        } else {
            v
        }
    }
}

// ---------------------------------------------------------------------------
// Parsing

#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum StepKind {
    Add,
    Delete,
    /// A deletion of a clause that is not present.
    IgnoredMissing,
    /// A deletion of a unit clause, or (decided in the forward pass) of a reason.
    IgnoredUnit,
}

#[derive(Copy, Clone, Debug)]
struct Step {
    kind: StepKind,
    clause: ClauseId,
    /// Proof line (text) or byte offset (binary) where the step starts.
    pos: u64,
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Everything parsed: the clause arena, the proof steps, and the deletion index.
struct Parsed {
    names: VarNames,
    clauses: Clauses,
    num_formula: usize,
    formula_has_empty: bool,
    steps: Vec<Step>,
    binary: bool,
    lemmas: u64,
    deletions: u64,
    // parse-time scratch
    stamp: Vec<u32>,
    stamp_gen: u32,
    buf: Vec<Lit>,
    /// Order-independent hash of a literal set -> latest present clause with it;
    /// `next_same_hash` chains earlier ones.
    by_hash: HashMap<u64, u32>,
    next_same_hash: Vec<u32>,
}

impl Parsed {
    fn new(num_vars: u32, binary: bool) -> Parsed {
        Parsed {
            names: VarNames::new(num_vars),
            clauses: Clauses { lits: Vec::new(), spans: Vec::new(), flags: Vec::new(), pivot: Vec::new() },
            num_formula: 0,
            formula_has_empty: false,
            steps: Vec::new(),
            binary,
            lemmas: 0,
            deletions: 0,
            stamp: Vec::new(),
            stamp_gen: 0,
            buf: Vec::new(),
            by_hash: HashMap::new(),
            next_same_hash: Vec::new(),
        }
    }

    fn where_(&self, pos: u64) -> String {
        if self.binary {
            format!("proof byte {pos}")
        } else {
            format!("proof line {pos}")
        }
    }

    fn error(&self, pos: u64, what: impl fmt::Display) -> CheckError {
        CheckError { line: pos, message: format!("{}: {}", self.where_(pos), what) }
    }

    /// Maps, deduplicates and stamps `dimacs` into `self.buf`; returns whether
    /// the clause is a tautology. The stamps stay valid until the next call.
    fn load(&mut self, dimacs: &[i32], pos: u64, in_formula: bool) -> Result<bool, CheckError> {
        self.stamp_gen = self.stamp_gen.wrapping_add(1);
        if self.stamp_gen == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.stamp_gen = 1;
        }
        self.buf.clear();
        let mut tautology = false;
        for &d in dimacs {
            let lit = if d == 0 || d == i32::MIN {
                None
            } else {
                self.names.lit(d)
            };
            let Some(lit) = lit else {
                return Err(if in_formula {
                    CheckError { line: 0, message: format!("formula clause {}: invalid literal {d}", pos + 1) }
                } else {
                    self.error(pos, format_args!("invalid literal {d}"))
                });
            };
            if self.stamp.len() <= lit.index() | 1 {
                self.stamp.resize((lit.index() | 1) + 1, 0);
            }
            if self.stamp[lit.index()] == self.stamp_gen {
                continue;
            }
            if self.stamp[(!lit).index()] == self.stamp_gen {
                tautology = true;
            }
            self.stamp[lit.index()] = self.stamp_gen;
            self.buf.push(lit);
        }
        Ok(tautology)
    }

    fn hash_buf(&self) -> u64 {
        self.buf.iter().fold(0u64, |h, l| h.wrapping_add(splitmix(l.code() as u64)))
    }

    /// Stores `self.buf` as a new clause and indexes it for deletions.
    fn store(&mut self, tautology: bool, lemma: bool) -> ClauseId {
        let id = ClauseId(self.clauses.count() as u32);
        let c = &mut self.clauses;
        c.spans.push(Span { start: c.lits.len(), len: self.buf.len() as u32 });
        c.pivot.push(self.buf.first().copied().unwrap_or_default());
        c.lits.extend_from_slice(&self.buf);
        c.flags.push(if tautology { TAUTOLOGY } else { 0 } | if lemma { LEMMA } else { 0 });
        let h = self.hash_buf();
        let prev = self.by_hash.insert(h, id.0).unwrap_or(u32::MAX);
        self.next_same_hash.push(prev);
        id
    }

    /// Finds and unindexes the latest present clause with the literal set in
    /// `self.buf` (whose literals are stamped).
    fn take_matching(&mut self) -> Option<ClauseId> {
        let h = self.hash_buf();
        let mut prev = u32::MAX;
        let mut cur = *self.by_hash.get(&h)?;
        while cur != u32::MAX {
            let c = ClauseId(cur);
            let same = self.clauses.len(c) == self.buf.len()
                && self.clauses.lits(c).iter().all(|l| self.stamp[l.index()] == self.stamp_gen);
            let next = self.next_same_hash[c.index()];
            if same {
                if prev == u32::MAX {
                    if next == u32::MAX {
                        self.by_hash.remove(&h);
                    } else {
                        self.by_hash.insert(h, next);
                    }
                } else {
                    self.next_same_hash[prev as usize] = next;
                }
                return Some(c);
            }
            prev = cur;
            cur = next;
        }
        None
    }

    fn add_formula_clause(&mut self, dimacs: &[i32]) -> Result<(), CheckError> {
        let tautology = self.load(dimacs, self.num_formula as u64, true)?;
        if self.buf.is_empty() {
            self.formula_has_empty = true;
        }
        self.store(tautology, false);
        self.num_formula += 1;
        Ok(())
    }

    fn add_proof_step(&mut self, deletion: bool, dimacs: &[i32], pos: u64) -> Result<(), CheckError> {
        let tautology = self.load(dimacs, pos, false)?;
        if self.clauses.count() >= u32::MAX as usize - 1 {
            return Err(self.error(pos, "too many clauses"));
        }
        if deletion {
            self.deletions += 1;
            let (kind, clause) = if self.buf.len() <= 1 {
                (StepKind::IgnoredUnit, ClauseId::NONE)
            } else {
                match self.take_matching() {
                    Some(c) => (StepKind::Delete, c),
                    None => (StepKind::IgnoredMissing, ClauseId::NONE),
                }
            };
            self.steps.push(Step { kind, clause, pos });
        } else {
            self.lemmas += 1;
            let clause = self.store(tautology, true);
            self.steps.push(Step { kind: StepKind::Add, clause, pos });
        }
        Ok(())
    }
}

/// Reads a text proof into `parsed`. A clause may span lines (it ends at its
/// 0) and is located by the line it starts on; `c` starts a comment anywhere.
fn parse_text(
    proof: &[u8],
    parsed: &mut Parsed,
    interrupt: &AtomicBool,
) -> Result<(), CheckError> {
    let mut line: u64 = 1;
    let mut i = 0;
    let mut lits: Vec<i32> = Vec::new();
    let mut deletion = false;
    let mut in_step = false;
    let mut step_line = 1;
    let n = proof.len();
    while i < n {
        let b = proof[i];
        match b {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b' ' | b'\t' | b'\r' | 0x0b | 0x0c => i += 1,
            b'c' => {
                while i < n && proof[i] != b'\n' {
                    i += 1;
                }
            }
            b'd' => {
                if in_step {
                    return Err(parsed.error(line, "'d' inside a clause (missing 0 before it?)"));
                }
                deletion = true;
                in_step = true;
                step_line = line;
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let negative = b == b'-';
                if negative {
                    i += 1;
                }
                let digits_start = i;
                let mut value: i64 = 0;
                while i < n && proof[i].is_ascii_digit() {
                    value = value * 10 + (proof[i] - b'0') as i64;
                    if value > i32::MAX as i64 {
                        return Err(parsed.error(line, "literal out of range"));
                    }
                    i += 1;
                }
                if i == digits_start {
                    return Err(parsed.error(line, "'-' not followed by a digit"));
                }
                if i < n && !matches!(proof[i], b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c) {
                    return Err(parsed.error(line, format_args!("unexpected {} after a number", show_byte(proof[i]))));
                }
                if !in_step {
                    in_step = true;
                    step_line = line;
                }
                if value == 0 {
                    if negative {
                        return Err(parsed.error(line, "invalid literal -0"));
                    }
                    parsed.add_proof_step(deletion, &lits, step_line)?;
                    lits.clear();
                    deletion = false;
                    in_step = false;
                    if parsed.steps.len() % 4096 == 0 && interrupt.load(Ordering::Relaxed) {
                        return Err(interrupted());
                    }
                } else {
                    let v = value as i32;
                    lits.push(if negative { -v } else { v });
                }
            }
            other => {
                return Err(parsed.error(line, format_args!("unexpected {}", show_byte(other))));
            }
        }
    }
    if in_step {
        return Err(parsed.error(step_line, "proof ends inside a clause (missing terminating 0)"));
    }
    Ok(())
}

fn show_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("character '{}'", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

/// Reads a binary proof (drat-trim's format).
fn parse_binary(proof: &[u8], parsed: &mut Parsed, interrupt: &AtomicBool) -> Result<(), CheckError> {
    let mut i = 0;
    let n = proof.len();
    let mut lits: Vec<i32> = Vec::new();
    while i < n {
        let start = i as u64;
        let deletion = match proof[i] {
            b'a' => false,
            b'd' => true,
            other => {
                return Err(parsed.error(
                    start,
                    format_args!("expected 'a' or 'd' to start a proof step, found {}", show_byte(other)),
                ))
            }
        };
        i += 1;
        lits.clear();
        loop {
            let lit_start = i as u64;
            let mut value: u64 = 0;
            let mut shift = 0;
            loop {
                if i >= n {
                    return Err(parsed.error(start, "proof ends inside a clause (missing terminating 0)"));
                }
                let b = proof[i];
                i += 1;
                value |= ((b & 0x7f) as u64) << shift;
                if b & 0x80 == 0 {
                    break;
                }
                shift += 7;
                if shift > 28 {
                    return Err(parsed.error(lit_start, "literal encoding longer than 5 bytes"));
                }
            }
            if value == 0 {
                break;
            }
            if value > u32::MAX as u64 || value < 2 {
                return Err(parsed.error(lit_start, format_args!("invalid literal encoding {value}")));
            }
            let var = (value >> 1) as i32; // < 2^31, >= 1
            lits.push(if value & 1 == 1 { -var } else { var });
        }
        parsed.add_proof_step(deletion, &lits, start)?;
        if parsed.steps.len() % 4096 == 0 && interrupt.load(Ordering::Relaxed) {
            return Err(interrupted());
        }
    }
    Ok(())
}

fn interrupted() -> CheckError {
    CheckError { line: 0, message: "interrupted".to_string() }
}

// ---------------------------------------------------------------------------
// Propagation and checking

#[derive(Copy, Clone)]
struct Watch {
    clause: ClauseId,
    blocker: Lit,
}

#[derive(Copy, Clone, Debug)]
enum Conflict {
    /// This clause is false.
    Clause(ClauseId),
    /// This literal is true but the check assumes it false.
    Lit(Lit),
}

const TRUE: i8 = 1;
const FALSE: i8 = -1;
const UNDEF: i8 = 0;

struct Checker<'i> {
    names: VarNames,
    db: Clauses,
    /// Per literal: TRUE, FALSE or UNDEF.
    value: Vec<i8>,
    /// Per variable: the clause that implied it (NONE for assumptions of a check).
    reason: Vec<ClauseId>,
    /// Per variable: its position on the trail.
    trail_pos: Vec<u32>,
    /// Per top-level variable: its reasons are already all marked core.
    justified: Vec<bool>,
    /// Per variable: pending in the current conflict analysis.
    seen: Vec<bool>,
    watches: Vec<Vec<Watch>>,
    trail: Vec<Lit>,
    qhead: usize,
    /// Occurrence lists over all clauses, built on the first RAT check.
    occurs: Option<(Vec<usize>, Vec<ClauseId>)>,
    top_stack: Vec<Var>,
    scratch: Vec<Lit>,
    rat_checks: u64,
    interrupt: &'i AtomicBool,
}

impl<'i> Checker<'i> {
    fn new(names: VarNames, db: Clauses, interrupt: &'i AtomicBool) -> Checker<'i> {
        let nv = names.count();
        Checker {
            names,
            db,
            value: vec![UNDEF; 2 * nv],
            reason: vec![ClauseId::NONE; nv],
            trail_pos: vec![0; nv],
            justified: vec![false; nv],
            seen: vec![false; nv],
            watches: (0..2 * nv).map(|_| Vec::new()).collect(),
            trail: Vec::with_capacity(nv),
            qhead: 0,
            occurs: None,
            top_stack: Vec::new(),
            scratch: Vec::new(),
            rat_checks: 0,
            interrupt,
        }
    }

    #[inline(always)]
    fn value(&self, l: Lit) -> i8 {
        self.value[l.index()]
    }

    #[inline(always)]
    fn assign(&mut self, l: Lit, reason: ClauseId) {
        self.value[l.index()] = TRUE;
        self.value[(!l).index()] = FALSE;
        let v = l.var().index();
        self.reason[v] = reason;
        self.trail_pos[v] = self.trail.len() as u32;
        self.trail.push(l);
    }

    fn backtrack(&mut self, level: usize) {
        for i in level..self.trail.len() {
            let l = self.trail[i];
            self.value[l.index()] = UNDEF;
            self.value[(!l).index()] = UNDEF;
            let v = l.var().index();
            self.reason[v] = ClauseId::NONE;
            self.justified[v] = false;
        }
        self.trail.truncate(level);
        self.qhead = level;
    }

    fn watch(&mut self, c: ClauseId) {
        let r = self.db.range(c);
        let (a, b) = (self.db.lits[r.start], self.db.lits[r.start + 1]);
        self.watches[a.index()].push(Watch { clause: c, blocker: b });
        self.watches[b.index()].push(Watch { clause: c, blocker: a });
        self.db.set(c, ATTACHED);
    }

    fn unwatch(&mut self, c: ClauseId) {
        if !self.db.has(c, ATTACHED) {
            return;
        }
        let r = self.db.range(c);
        for k in 0..2 {
            let l = self.db.lits[r.start + k];
            let ws = &mut self.watches[l.index()];
            if let Some(p) = ws.iter().position(|w| w.clause == c) {
                ws.swap_remove(p);
            }
        }
        self.db.clear(c, ATTACHED);
    }

    /// Unit propagation from `qhead` to fixpoint; returns a false clause if any.
    fn propagate(&mut self) -> Option<ClauseId> {
        while self.qhead < self.trail.len() {
            let false_lit = !self.trail[self.qhead];
            self.qhead += 1;
            let mut ws = std::mem::take(&mut self.watches[false_lit.index()]);
            let (mut i, mut j) = (0, 0);
            let mut conflict = None;
            while i < ws.len() {
                let w = ws[i];
                i += 1;
                if self.value[w.blocker.index()] == TRUE {
                    ws[j] = w;
                    j += 1;
                    continue;
                }
                let c = w.clause;
                let Span { start, len } = self.db.spans[c.index()];
                let n = len as usize;
                let lits = &mut self.db.lits[start..start + n];
                if lits[0] == false_lit {
                    lits.swap(0, 1);
                }
                let first = lits[0];
                if first != w.blocker && self.value[first.index()] == TRUE {
                    ws[j] = Watch { clause: c, blocker: first };
                    j += 1;
                    continue;
                }
                let mut moved = false;
                for k in 2..n {
                    if self.value[lits[k].index()] != FALSE {
                        lits.swap(1, k);
                        self.watches[lits[1].index()].push(Watch { clause: c, blocker: first });
                        moved = true;
                        break;
                    }
                }
                if moved {
                    continue;
                }
                ws[j] = Watch { clause: c, blocker: first };
                j += 1;
                if self.value[first.index()] == FALSE {
                    conflict = Some(c);
                    while i < ws.len() {
                        ws[j] = ws[i];
                        j += 1;
                        i += 1;
                    }
                } else {
                    self.assign(first, c);
                }
            }
            ws.truncate(j);
            self.watches[false_lit.index()] = ws;
            if conflict.is_some() {
                return conflict;
            }
        }
        None
    }

    /// Adds clause `c` at top level in the forward pass and propagates.
    fn add_forward(&mut self, c: ClauseId) -> Option<Conflict> {
        self.db.set(c, ACTIVE);
        if self.db.has(c, TAUTOLOGY) {
            return None;
        }
        let r = self.db.range(c);
        let n = r.len();
        if n == 0 {
            return Some(Conflict::Clause(c));
        }
        if n == 1 {
            let l = self.db.lits[r.start];
            return match self.value(l) {
                TRUE => None,
                FALSE => Some(Conflict::Clause(c)),
                _ => {
                    self.assign(l, c);
                    self.propagate().map(Conflict::Clause)
                }
            };
        }
        // Bring up to two non-false literals to the front; if fewer, fill with
        // the latest falsified literal (see the watch invariant).
        let mut non_false = 0;
        for k in 0..n {
            if self.value(self.db.lits[r.start + k]) != FALSE {
                self.db.lits.swap(r.start + non_false, r.start + k);
                non_false += 1;
                if non_false == 2 {
                    break;
                }
            }
        }
        if non_false == 0 {
            return Some(Conflict::Clause(c));
        }
        if non_false == 1 {
            let mut best = 1;
            for k in 2..n {
                let pos = |l: Lit| self.trail_pos[l.var().index()];
                if pos(self.db.lits[r.start + k]) > pos(self.db.lits[r.start + best]) {
                    best = k;
                }
            }
            self.db.lits.swap(r.start + 1, r.start + best);
        }
        self.watch(c);
        let first = self.db.lits[r.start];
        if non_false == 1 && self.value(first) == UNDEF {
            self.assign(first, c);
        }
        self.propagate().map(Conflict::Clause)
    }

    /// Whether `c` is the reason of a current assignment.
    fn is_reason(&self, c: ClauseId) -> bool {
        let r = self.db.range(c);
        self.db.lits[r.start..r.start + r.len().min(2)]
            .iter()
            .any(|&l| self.value(l) == TRUE && self.reason[l.var().index()] == c)
    }

    fn mark(&mut self, c: ClauseId) {
        self.db.set(c, CORE);
    }

    #[inline]
    fn see(&mut self, v: Var, base: usize, pending: &mut usize) {
        let i = v.index();
        if (self.trail_pos[i] as usize) < base {
            if !self.justified[i] {
                self.justified[i] = true;
                self.top_stack.push(v);
            }
        } else if !self.seen[i] {
            self.seen[i] = true;
            *pending += 1;
        }
    }

    /// Marks core every clause the conflict depends on: the false clause and
    /// the reasons of the assignments it was derived from. Assignments at or
    /// above `base` are those of the current check (walked on the trail);
    /// those below are top-level (walked once per assignment over the whole
    /// backward pass, thanks to `justified`).
    fn analyze(&mut self, conflict: Conflict, base: usize) {
        let mut pending = 0usize;
        self.top_stack.clear();
        match conflict {
            Conflict::Clause(c) => {
                self.mark(c);
                let r = self.db.range(c);
                for k in r {
                    let v = self.db.lits[k].var();
                    self.see(v, base, &mut pending);
                }
            }
            Conflict::Lit(l) => self.see(l.var(), base, &mut pending),
        }
        let mut i = self.trail.len();
        while pending > 0 && i > base {
            i -= 1;
            let v = self.trail[i].var();
            if !self.seen[v.index()] {
                continue;
            }
            self.seen[v.index()] = false;
            pending -= 1;
            let r = self.reason[v.index()];
            if r != ClauseId::NONE {
                self.mark(r);
                for k in self.db.range(r) {
                    let u = self.db.lits[k].var();
                    if u != v {
                        self.see(u, base, &mut pending);
                    }
                }
            }
        }
        debug_assert_eq!(pending, 0);
        let mut dummy = 0;
        while let Some(v) = self.top_stack.pop() {
            let r = self.reason[v.index()];
            if r == ClauseId::NONE {
                continue;
            }
            self.mark(r);
            for k in self.db.range(r) {
                let u = self.db.lits[k].var();
                if u != v {
                    self.see(u, base, &mut dummy);
                }
            }
        }
    }

    /// Checks lemma `c` against the clauses present and the trail (both as
    /// just before `c` was added); marks what the check used. Leaves the trail as found.
    fn check_lemma(&mut self, c: ClauseId) -> Result<bool, CheckError> {
        if self.db.has(c, TAUTOLOGY) {
            return Ok(true);
        }
        let base = self.trail.len();
        debug_assert_eq!(self.qhead, base);
        let mut lits = std::mem::take(&mut self.scratch);
        lits.clear();
        lits.extend_from_slice(self.db.lits(c));
        let mut conflict = None;
        for &l in &lits {
            match self.value(l) {
                TRUE => {
                    conflict = Some(Conflict::Lit(l));
                    break;
                }
                FALSE => {}
                _ => self.assign(!l, ClauseId::NONE),
            }
        }
        self.scratch = lits;
        if conflict.is_none() {
            conflict = self.propagate().map(Conflict::Clause);
        }
        if let Some(conflict) = conflict {
            self.analyze(conflict, base);
            self.backtrack(base);
            return Ok(true);
        }
        self.rat_checks += 1;
        let ok = self.check_rat(c, base);
        self.backtrack(base);
        ok
    }

    /// With the negation of `c` propagated above `base`: is every resolvent on
    /// `c`'s pivot with a present clause RUP?
    fn check_rat(&mut self, c: ClauseId, base: usize) -> Result<bool, CheckError> {
        if self.db.len(c) == 0 {
            return Ok(false);
        }
        let neg_pivot = !self.db.pivot[c.index()];
        let (offsets, occ) = self.occurs.take().unwrap_or_else(|| self.build_occurrences());
        let level = self.trail.len();
        let mut ok = true;
        let candidates = &occ[offsets[neg_pivot.index()]..offsets[neg_pivot.index() + 1]];
        for (n, &d) in candidates.iter().enumerate() {
            if n % 1024 == 1023 && self.interrupt.load(Ordering::Relaxed) {
                self.occurs = Some((offsets, occ));
                return Err(interrupted());
            }
            if d == c || !self.db.has(d, ACTIVE) {
                continue;
            }
            let mut conflict = None;
            for k in self.db.range(d) {
                let l = self.db.lits[k];
                if l == neg_pivot {
                    continue;
                }
                match self.value(l) {
                    TRUE => {
                        conflict = Some(Conflict::Lit(l));
                        break;
                    }
                    FALSE => {}
                    _ => self.assign(!l, ClauseId::NONE),
                }
            }
            if conflict.is_none() {
                conflict = self.propagate().map(Conflict::Clause);
            }
            match conflict {
                Some(conflict) => {
                    self.analyze(conflict, base);
                    self.backtrack(level);
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        self.occurs = Some((offsets, occ));
        Ok(ok)
    }

    fn build_occurrences(&self) -> (Vec<usize>, Vec<ClauseId>) {
        let nl = self.value.len();
        let mut offsets = vec![0usize; nl + 1];
        for &l in &self.db.lits {
            offsets[l.index() + 1] += 1;
        }
        for i in 0..nl {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut occ = vec![ClauseId::NONE; self.db.lits.len()];
        for c in 0..self.db.count() {
            let c = ClauseId(c as u32);
            for &l in self.db.lits(c) {
                occ[fill[l.index()]] = c;
                fill[l.index()] += 1;
            }
        }
        (offsets, occ)
    }

    fn describe(&self, c: ClauseId) -> String {
        let mut s = String::new();
        let lits = self.db.lits(c);
        if !lits.is_empty() {
            let pivot = self.db.pivot[c.index()];
            s.push_str(&format!("{} ", self.names.dimacs(pivot)));
            for &l in lits.iter().filter(|&&l| l != pivot) {
                s.push_str(&format!("{} ", self.names.dimacs(l)));
            }
        }
        s.push('0');
        s
    }
}

/// Where the forward pass stopped.
enum Forward {
    /// Conflict after this step (`None`: the formula alone).
    Conflict(Option<usize>, Conflict),
    /// The empty lemma at this step, while propagation found no conflict.
    EmptyNotRup(usize),
    NoConflict,
}

/// The check; also returns the core lemmas (numbers of lemmas in the proof,
/// 1-based, increasing) when the proof is verified.
fn check_impl<'a>(
    num_vars: u32,
    clauses: impl IntoIterator<Item = &'a [i32]>,
    proof: &[u8],
    format: ProofFormat,
    interrupt: &AtomicBool,
) -> Result<(CheckReport, Vec<u64>), CheckError> {
    let started = Instant::now();
    let format = match format {
        ProofFormat::Auto => detect_format(proof),
        f => f,
    };
    let binary = format == ProofFormat::Binary;
    let mut parsed = Parsed::new(num_vars, binary);
    for (n, clause) in clauses.into_iter().enumerate() {
        parsed.add_formula_clause(clause)?;
        if n % 65536 == 65535 && interrupt.load(Ordering::Relaxed) {
            return Err(interrupted());
        }
    }
    if binary {
        parse_binary(proof, &mut parsed, interrupt)?;
    } else {
        parse_text(proof, &mut parsed, interrupt)?;
    }

    let mut report = CheckReport {
        verified: false,
        message: String::new(),
        lemmas: parsed.lemmas,
        deletions: parsed.deletions,
        core_lemmas: 0,
        rat_checks: 0,
        ignored_deletions: 0,
        ignored_unit_deletions: 0,
        seconds: 0.0,
    };
    let finish = |mut report: CheckReport, verified: bool, message: String| {
        report.verified = verified;
        report.message = message;
        report.seconds = started.elapsed().as_secs_f64();
        report
    };
    if parsed.formula_has_empty {
        return Ok((finish(report, true, "verified: the formula contains the empty clause".into()), vec![]));
    }

    let Parsed { names, clauses: db, num_formula, mut steps, .. } = parsed;
    let where_ = |pos: u64| if binary { format!("proof byte {pos}") } else { format!("proof line {pos}") };
    let mut checker = Checker::new(names, db, interrupt);

    // Forward pass.
    let mut trail_before: Vec<u32> = Vec::with_capacity(steps.len());
    let mut outcome = Forward::NoConflict;
    for c in 0..num_formula {
        if let Some(conflict) = checker.add_forward(ClauseId(c as u32)) {
            outcome = Forward::Conflict(None, conflict);
            break;
        }
    }
    if matches!(outcome, Forward::NoConflict) {
        for (i, step) in steps.iter_mut().enumerate() {
            if i % 1024 == 1023 && interrupt.load(Ordering::Relaxed) {
                return Err(interrupted());
            }
            trail_before.push(checker.trail.len() as u32);
            match step.kind {
                StepKind::Add => {
                    if checker.db.len(step.clause) == 0 {
                        outcome = Forward::EmptyNotRup(i);
                        break;
                    }
                    if let Some(conflict) = checker.add_forward(step.clause) {
                        outcome = Forward::Conflict(Some(i), conflict);
                        break;
                    }
                }
                StepKind::Delete => {
                    let c = step.clause;
                    if checker.is_reason(c) {
                        step.kind = StepKind::IgnoredUnit;
                        report.ignored_unit_deletions += 1;
                    } else {
                        checker.unwatch(c);
                        checker.db.clear(c, ACTIVE);
                    }
                }
                StepKind::IgnoredMissing => report.ignored_deletions += 1,
                StepKind::IgnoredUnit => report.ignored_unit_deletions += 1,
            }
        }
    }
    let lemma_number = |steps: &[Step], upto: usize| steps[..=upto].iter().filter(|s| s.kind == StepKind::Add).count() as u64;

    let (last, conflict) = match outcome {
        Forward::NoConflict => {
            let message = format!(
                "not verified: the proof does not derive the empty clause (no conflict by unit propagation after all {} lemmas)",
                report.lemmas
            );
            return Ok((finish(report, false, message), vec![]));
        }
        Forward::EmptyNotRup(i) => {
            let message = format!(
                "lemma {} ({}) is neither RUP nor RAT: 0",
                lemma_number(&steps, i),
                where_(steps[i].pos)
            );
            return Ok((finish(report, false, message), vec![]));
        }
        Forward::Conflict(None, _) => {
            let message = "verified: the formula is refuted by unit propagation alone".to_string();
            return Ok((finish(report, true, message), vec![]));
        }
        Forward::Conflict(Some(i), conflict) => (i, conflict),
    };

    // Backward pass.
    checker.analyze(conflict, checker.trail.len());
    let mut number = lemma_number(&steps, last);
    let mut core = Vec::new();
    for i in (0..=last).rev() {
        if i % 1024 == 1023 && interrupt.load(Ordering::Relaxed) {
            return Err(interrupted());
        }
        let step = steps[i];
        match step.kind {
            StepKind::Add => {
                let c = step.clause;
                checker.unwatch(c);
                checker.db.clear(c, ACTIVE);
                checker.backtrack(trail_before[i] as usize);
                if checker.db.has(c, CORE) {
                    if !checker.check_lemma(c)? {
                        report.rat_checks = checker.rat_checks;
                        let message = format!(
                            "lemma {number} ({}) is neither RUP nor RAT: {}",
                            where_(step.pos),
                            checker.describe(c)
                        );
                        return Ok((finish(report, false, message), vec![]));
                    }
                    report.core_lemmas += 1;
                    core.push(number);
                }
                number -= 1;
            }
            StepKind::Delete => {
                let c = step.clause;
                checker.db.set(c, ACTIVE);
                if checker.db.len(c) >= 2 && !checker.db.has(c, TAUTOLOGY) {
                    checker.watch(c);
                }
            }
            StepKind::IgnoredMissing | StepKind::IgnoredUnit => {}
        }
    }
    core.reverse();
    report.rat_checks = checker.rat_checks;
    Ok((finish(report, true, "verified: empty clause derived by RUP".into()), core))
}

#[cfg(test)]
mod tests {
    //! Hand-made cases with known verdicts, the format front ends, and
    //! property tests whose verdicts come from something other than this
    //! checker: DPLL-generated proofs (valid by construction), a naive forward
    //! RUP/RAT checker that re-validates every accepted core, brute force
    //! satisfiability (a proof of a satisfiable formula must be rejected).
    use super::*;
    use proptest::prelude::*;

    // ----- helpers ---------------------------------------------------------

    /// `"1 2 0 -1 0"` -> clauses.
    fn cnf(s: &str) -> Vec<Vec<i32>> {
        let mut out = vec![];
        let mut cur = vec![];
        for t in s.split_whitespace() {
            let x: i32 = t.parse().unwrap();
            if x == 0 {
                out.push(std::mem::take(&mut cur));
            } else {
                cur.push(x);
            }
        }
        assert!(cur.is_empty(), "unterminated clause in test formula");
        out
    }

    #[derive(Clone, Debug)]
    enum PStep {
        Add(Vec<i32>),
        Del(Vec<i32>),
    }

    /// Text proof -> steps (the test's own reader, for re-encoding).
    fn steps_of(text: &str) -> Vec<PStep> {
        let (mut out, mut lits, mut del) = (vec![], vec![], false);
        for line in text.lines() {
            for t in line.split_whitespace() {
                match t {
                    _ if t.starts_with('c') => break,
                    "d" => del = true,
                    "0" => {
                        let l = std::mem::take(&mut lits);
                        out.push(if del { PStep::Del(l) } else { PStep::Add(l) });
                        del = false;
                    }
                    _ => lits.push(t.parse::<i32>().unwrap()),
                }
            }
        }
        out
    }

    fn text_of(steps: &[PStep]) -> Vec<u8> {
        let mut s = String::new();
        for st in steps {
            let (prefix, lits) = match st {
                PStep::Add(l) => ("", l),
                PStep::Del(l) => ("d ", l),
            };
            s.push_str(prefix);
            for l in lits {
                s.push_str(&format!("{l} "));
            }
            s.push_str("0\n");
        }
        s.into_bytes()
    }

    /// drat-trim's binary encoding, written independently of `sat/proof.rs`.
    fn binary_of(steps: &[PStep]) -> Vec<u8> {
        let mut out = vec![];
        for st in steps {
            let (tag, lits) = match st {
                PStep::Add(l) => (b'a', l),
                PStep::Del(l) => (b'd', l),
            };
            out.push(tag);
            for &l in lits {
                let mut x = 2 * l.unsigned_abs() + (l < 0) as u32;
                while x > 127 {
                    out.push((x & 127) as u8 | 128);
                    x >>= 7;
                }
                out.push(x as u8);
            }
            out.push(0);
        }
        out
    }

    fn check(nv: u32, f: &[Vec<i32>], proof: &[u8], format: ProofFormat) -> CheckReport {
        check_drat(nv, f.iter().map(|c| c.as_slice()), proof, format).unwrap()
    }

    fn check_core(nv: u32, f: &[Vec<i32>], proof: &[u8]) -> (CheckReport, Vec<u64>) {
        let never = AtomicBool::new(false);
        check_impl(nv, f.iter().map(|c| c.as_slice()), proof, ProofFormat::Text, &never).unwrap()
    }

    // ----- a naive reference: unit propagation by rescanning ----------------

    /// Propagates `assumptions` on `clauses`; `None` on conflict.
    fn naive_propagate(clauses: &[Vec<i32>], assumptions: &[i32]) -> Option<Vec<i8>> {
        let nv = clauses.iter().flatten().chain(assumptions).map(|l| l.unsigned_abs() as usize).max().unwrap_or(0);
        let mut val = vec![0i8; nv + 1];
        let value = |val: &Vec<i8>, l: i32| val[l.unsigned_abs() as usize] * if l > 0 { 1 } else { -1 };
        for &a in assumptions {
            match value(&val, a) {
                -1 => return None,
                0 => val[a.unsigned_abs() as usize] = if a > 0 { 1 } else { -1 },
                _ => {}
            }
        }
        loop {
            let mut changed = false;
            for c in clauses {
                if c.iter().any(|&l| value(&val, l) == 1) {
                    continue;
                }
                let mut free: Vec<i32> = c.iter().copied().filter(|&l| value(&val, l) == 0).collect();
                free.dedup();
                free.sort();
                free.dedup();
                match free.len() {
                    0 => return None,
                    1 => {
                        let l = free[0];
                        val[l.unsigned_abs() as usize] = if l > 0 { 1 } else { -1 };
                        changed = true;
                    }
                    _ => {}
                }
            }
            if !changed {
                return Some(val);
            }
        }
    }

    fn naive_rup(clauses: &[Vec<i32>], lemma: &[i32]) -> bool {
        let neg: Vec<i32> = lemma.iter().map(|l| -l).collect();
        naive_propagate(clauses, &neg).is_none()
    }

    fn naive_rat(clauses: &[Vec<i32>], lemma: &[i32]) -> bool {
        let Some(&p) = lemma.first() else { return false };
        clauses.iter().filter(|d| d.contains(&-p)).all(|d| {
            let mut r = lemma.to_vec();
            r.extend(d.iter().copied().filter(|&l| l != -p));
            naive_rup(clauses, &r)
        })
    }

    /// A forward DRAT check without deletions: every lemma RUP or RAT on its
    /// first literal w.r.t. the formula and the earlier lemmas, and the whole
    /// set refuted by unit propagation.
    fn naive_refutes(formula: &[Vec<i32>], lemmas: &[Vec<i32>]) -> bool {
        let mut set = formula.to_vec();
        for l in lemmas {
            if !(naive_rup(&set, l) || naive_rat(&set, l)) {
                return false;
            }
            set.push(l.clone());
        }
        naive_propagate(&set, &[]).is_none()
    }

    fn satisfiable(nv: usize, f: &[Vec<i32>]) -> Option<u32> {
        (0..1u32 << nv).find(|&m| {
            f.iter().all(|c| c.iter().any(|&l| ((m >> (l.unsigned_abs() - 1)) & 1 == 1) == (l > 0)))
        })
    }

    /// A refutation from a DPLL tree (unit propagation on the formula only):
    /// each failed node adds the negation of its decisions, latest first. A
    /// leaf's lemma is RUP on the formula; an inner node's is RUP given its
    /// two children's lemmas, which may then be deleted; the root adds `0`.
    fn dpll_proof(nv: usize, f: &[Vec<i32>], delete_children: bool) -> Vec<PStep> {
        dpll_tree(nv, f, delete_children).0
    }

    /// The same, also giving for the k-th lemma the index of the first lemma
    /// of its subtree (the lemmas of a subtree are contiguous, post-order).
    fn dpll_tree(nv: usize, f: &[Vec<i32>], delete_children: bool) -> (Vec<PStep>, Vec<usize>) {
        fn node(nv: usize, f: &[Vec<i32>], dec: &mut Vec<i32>, out: &mut (Vec<PStep>, Vec<usize>), del: bool) -> Vec<i32> {
            let learned: Vec<i32> = dec.iter().rev().map(|d| -d).collect();
            let first = out.1.len();
            if let Some(val) = naive_propagate(f, dec) {
                let x = (1..=nv as i32).find(|&v| val.get(v as usize).copied().unwrap_or(0) == 0).expect("formula is satisfiable");
                dec.push(x);
                let a = node(nv, f, dec, out, del);
                dec.pop();
                dec.push(-x);
                let b = node(nv, f, dec, out, del);
                dec.pop();
                out.0.push(PStep::Add(learned.clone()));
                if del {
                    out.0.push(PStep::Del(a));
                    out.0.push(PStep::Del(b));
                }
            } else {
                out.0.push(PStep::Add(learned.clone()));
            }
            out.1.push(first);
            learned
        }
        let mut out = (vec![], vec![]);
        node(nv, f, &mut vec![], &mut out, delete_children);
        out
    }

    fn lemmas_of(steps: &[PStep]) -> Vec<Vec<i32>> {
        steps.iter().filter_map(|s| if let PStep::Add(l) = s { Some(l.clone()) } else { None }).collect()
    }

    /// A random unsatisfiable 3-CNF: random clauses, then while a model
    /// exists, a random clause over three of its variables that it falsifies.
    fn random_unsat(nv: usize, m: usize, seed: u64) -> Vec<Vec<i32>> {
        let mut s = seed;
        let mut next = move || {
            s = splitmix(s);
            s
        };
        let pick3 = |next: &mut dyn FnMut() -> u64| {
            let mut vs: Vec<i32> = (1..=nv as i32).collect();
            for i in 0..3 {
                let j = i + (next() as usize) % (nv - i);
                vs.swap(i, j);
            }
            vs.truncate(3);
            vs
        };
        let mut f: Vec<Vec<i32>> = (0..m)
            .map(|_| pick3(&mut next).into_iter().map(|v| if next() & 1 == 0 { v } else { -v }).collect())
            .collect();
        while let Some(model) = satisfiable(nv, &f) {
            let c = pick3(&mut next).into_iter().map(|v| if (model >> (v - 1)) & 1 == 1 { -v } else { v }).collect();
            f.push(c);
        }
        f
    }

    // ----- hand-made cases --------------------------------------------------

    /// (1 ∨ 2), (¬1 ∨ 2), (1 ∨ ¬2), (¬1 ∨ ¬2).
    const F4: &str = "1 2 0 -1 2 0 1 -2 0 -1 -2 0";
    /// The 8 three-literal clauses of drat-trim's example: unsatisfiable, no
    /// unit is RUP, and ¬1 is RAT.
    const F8: &str = "1 2 -3 0 -1 -2 3 0 2 3 -4 0 -2 -3 4 0 1 3 4 0 -1 -3 -4 0 -1 2 4 0 1 -2 -4 0";
    /// F8 plus (1 ∨ 6 ∨ 7), which spoils RAT on ¬1 (variables 5, 6, 7 of 7).
    const F9: &str = "1 2 -3 0 -1 -2 3 0 2 3 -4 0 -2 -3 4 0 1 3 4 0 -1 -3 -4 0 -1 2 4 0 1 -2 -4 0 1 6 7 0";
    /// F8 plus (¬1 ∨ 5 ∨ 6), which spoils RAT on 1.
    const F10: &str = "1 2 -3 0 -1 -2 3 0 2 3 -4 0 -2 -3 4 0 1 3 4 0 -1 -3 -4 0 -1 2 4 0 1 -2 -4 0 -1 5 6 0";

    struct Case {
        name: &'static str,
        num_vars: u32,
        formula: &'static str,
        proof: &'static str,
        verified: bool,
        message: &'static str,
    }

    const CASES: &[Case] = &[
        Case { name: "rup chain", num_vars: 2, formula: F4, proof: "2 0\n0\n", verified: true, message: "verified: empty clause derived by RUP" },
        Case { name: "conflict without explicit empty clause", num_vars: 2, formula: F4, proof: "2 0\n", verified: true, message: "verified" },
        Case { name: "anything after the conflict is ignored", num_vars: 2, formula: F4, proof: "2 0\n0\n5 6 0\n", verified: true, message: "verified" },
        Case { name: "formula with the empty clause", num_vars: 2, formula: "1 2 0 0", proof: "", verified: true, message: "contains the empty clause" },
        Case { name: "formula refuted by unit propagation", num_vars: 2, formula: "1 0 -1 2 0 -2 0", proof: "", verified: true, message: "unit propagation alone" },
        Case { name: "rup-only refutation of F8", num_vars: 4, formula: F8, proof: "1 2 0\n1 0\n2 0\n0\n", verified: true, message: "verified" },
        Case { name: "drat-trim's RAT example with deletions", num_vars: 4, formula: F8, proof: "-1 0\nd -1 -2 3 0\nd -1 -3 -4 0\nd -1 2 4 0\n2 0\n0\n", verified: true, message: "verified" },
        Case {
            name: "extension variable 8 <-> 1 or 2 by RAT",
            num_vars: 7,
            formula: F9,
            proof: "8 -1 0\n8 -2 0\n-8 1 2 0\n8 0\n1 0\n2 0\n0\n",
            verified: true,
            message: "verified",
        },
        Case {
            name: "the same lemma with another first literal is not RAT",
            num_vars: 7,
            formula: F9,
            proof: "-1 8 0\n8 -2 0\n-8 1 2 0\n8 0\n1 0\n2 0\n0\n",
            verified: false,
            message: "lemma 1 (proof line 1) is neither RUP nor RAT: -1 8 0",
        },
        Case { name: "non-implied lemma", num_vars: 7, formula: F9, proof: "-1 0\n2 0\n0\n", verified: false, message: "lemma 1 (proof line 1) is neither RUP nor RAT: -1 0" },
        Case { name: "an invalid lemma the refutation does not use is not checked", num_vars: 7, formula: F9, proof: "-6 0\n1 2 0\n1 0\n2 0\n0\n", verified: true, message: "verified" },
        Case { name: "proof stops before the empty clause", num_vars: 7, formula: F9, proof: "1 2 0\n", verified: false, message: "does not derive the empty clause" },
        Case { name: "empty lemma without conflict", num_vars: 7, formula: F9, proof: "1 2 0\n\n0\n", verified: false, message: "lemma 2 (proof line 3) is neither RUP nor RAT: 0" },
        Case { name: "relies on a deleted clause", num_vars: 2, formula: F4, proof: "d 1 2 0\n2 0\n0\n", verified: false, message: "lemma 1 (proof line 2) is neither RUP nor RAT: 2 0" },
        Case { name: "deleted clause with literals reordered", num_vars: 2, formula: F4, proof: "d 2 1 0\n2 0\n0\n", verified: false, message: "lemma 1 (proof line 2)" },
        Case { name: "deleting a missing clause is ignored", num_vars: 2, formula: F4, proof: "d 1 3 0\n2 0\n0\n", verified: true, message: "verified" },
        Case {
            name: "deleting a unit clause is ignored",
            num_vars: 3,
            formula: "1 0 -1 2 3 0 -1 2 -3 0 -1 -2 3 0 -1 -2 -3 0",
            proof: "d 1 0\n2 0\n0\n",
            verified: true,
            message: "verified",
        },
        Case {
            name: "deleting a reason clause is ignored",
            num_vars: 4,
            formula: "1 0 -1 2 0 -2 3 4 0 -2 3 -4 0 -2 -3 4 0 -2 -3 -4 0",
            proof: "d -1 2 0\n3 0\n0\n",
            verified: true,
            message: "verified",
        },
        Case { name: "deleted lemma is restored for the earlier checks", num_vars: 4, formula: F8, proof: "1 2 0\n1 0\nd 1 2 0\n2 0\n0\n", verified: true, message: "verified" },
        Case { name: "a lemma that needs a deleted lemma", num_vars: 6, formula: F10, proof: "1 2 0\nd 1 2 0\n1 0\n2 0\n0\n", verified: false, message: "lemma 2 (proof line 3) is neither RUP nor RAT: 1 0" },
        Case { name: "the same without the deletion", num_vars: 6, formula: F10, proof: "1 2 0\n1 0\n2 0\n0\n", verified: true, message: "verified" },
        Case { name: "tautological and duplicate-literal lemmas", num_vars: 2, formula: F4, proof: "1 -1 0\n2 2 0\n0\n", verified: true, message: "verified" },
        Case { name: "comments and clauses across lines", num_vars: 2, formula: F4, proof: "c a comment\n2 c a trailing comment\n 0\n0\n", verified: true, message: "verified" },
        Case { name: "empty proof of a satisfiable formula", num_vars: 2, formula: "1 2 0", proof: "", verified: false, message: "does not derive" },
        Case { name: "pigeonhole PHP(3,2) by hand", num_vars: 6, formula: "1 2 0 3 4 0 5 6 0 -1 -3 0 -1 -5 0 -3 -5 0 -2 -4 0 -2 -6 0 -4 -6 0", proof: "-1 0\n0\n", verified: true, message: "verified" },
    ];

    #[test]
    fn hand_made_cases_text_and_binary() {
        for case in CASES {
            let f = cnf(case.formula);
            let steps = steps_of(case.proof);
            for (format, bytes) in [
                (ProofFormat::Text, case.proof.as_bytes().to_vec()),
                (ProofFormat::Binary, binary_of(&steps)),
                (ProofFormat::Auto, binary_of(&steps)),
                (ProofFormat::Auto, case.proof.as_bytes().to_vec()),
            ] {
                let r = check(case.num_vars, &f, &bytes, format);
                assert_eq!(r.verified, case.verified, "{} ({format:?}): {}", case.name, r.message);
                let binary = format == ProofFormat::Binary || (format == ProofFormat::Auto && detect_format(&bytes) == ProofFormat::Binary);
                match case.message.split_once(" (proof line ") {
                    // Binary proofs are located by byte offset: compare around it.
                    Some((before, after)) if binary => {
                        let after = after.split_once(')').unwrap().1;
                        assert!(
                            r.message.starts_with(&format!("{before} (proof byte ")) && r.message.ends_with(after),
                            "{} ({format:?}): got {:?}",
                            case.name,
                            r.message
                        );
                    }
                    _ => assert!(r.message.contains(case.message), "{} ({format:?}): got {:?}", case.name, r.message),
                }
                assert_eq!(r.lemmas, steps.iter().filter(|s| matches!(s, PStep::Add(_))).count() as u64, "{}", case.name);
                assert_eq!(r.deletions, steps.iter().filter(|s| matches!(s, PStep::Del(_))).count() as u64, "{}", case.name);
                assert!(r.core_lemmas <= r.lemmas);
            }
        }
    }

    #[test]
    fn counters() {
        let r = check(4, &cnf(F8), b"-1 0\nd -1 -2 3 0\nd -1 -3 -4 0\nd -1 2 4 0\n2 0\n0\n", ProofFormat::Text);
        assert!(r.verified);
        assert_eq!((r.lemmas, r.deletions, r.core_lemmas, r.rat_checks), (3, 3, 2, 1));

        let r = check(7, &cnf(F9), b"8 -1 0\n8 -2 0\n-8 1 2 0\n8 0\n1 0\n2 0\n0\n", ProofFormat::Text);
        assert!(r.verified && r.rat_checks >= 1, "{r:?}");

        let r = check(7, &cnf(F9), b"-6 0\n1 2 0\n1 0\n2 0\n0\n", ProofFormat::Text);
        assert_eq!((r.lemmas, r.core_lemmas), (5, 3), "{r:?}");

        let r = check(2, &cnf(F4), b"d 1 3 0\n2 0\n0\n", ProofFormat::Text);
        assert_eq!((r.ignored_deletions, r.ignored_unit_deletions), (1, 0));

        let f = cnf("1 0 -1 2 0 -2 3 4 0 -2 3 -4 0 -2 -3 4 0 -2 -3 -4 0");
        let r = check(4, &f, b"d -1 2 0\n3 0\n0\n", ProofFormat::Text);
        assert_eq!((r.ignored_deletions, r.ignored_unit_deletions), (0, 1));
        assert!(r.seconds >= 0.0);
    }

    #[test]
    fn huge_extension_variable_costs_no_memory() {
        // 2_000_000_000 <-> 1 defined by RAT, then used.
        let f = cnf(F8);
        let x = 2_000_000_000;
        let proof = format!("{x} -1 0\n-{x} 1 0\n1 2 0\n1 0\n2 0\n0\n");
        let r = check(4, &f, proof.as_bytes(), ProofFormat::Text);
        assert!(r.verified, "{}", r.message);
        let r = check(4, &f, &binary_of(&steps_of(&proof)), ProofFormat::Binary);
        assert!(r.verified, "{}", r.message);
    }

    #[test]
    fn formula_variables_beyond_num_vars_are_accepted() {
        let r = check(1, &cnf(F4), b"2 0\n0\n", ProofFormat::Text);
        assert!(r.verified, "{}", r.message);
        let r = check(0, &cnf(F8), b"1 2 0\n1 0\n2 0\n0\n", ProofFormat::Text);
        assert!(r.verified, "{}", r.message);
    }

    #[test]
    fn pigeonhole_3_2_by_dpll() {
        let f = php(3, 2);
        assert_eq!(f, cnf("1 2 0 3 4 0 5 6 0 -1 -3 0 -1 -5 0 -3 -5 0 -2 -4 0 -2 -6 0 -4 -6 0"));
        assert!(satisfiable(6, &f).is_none());
        for del in [false, true] {
            let steps = dpll_proof(6, &f, del);
            let r = check(6, &f, &text_of(&steps), ProofFormat::Text);
            assert!(r.verified, "{}", r.message);
            let r = check(6, &f, &binary_of(&steps), ProofFormat::Auto);
            assert!(r.verified, "{}", r.message);
        }
    }

    #[test]
    fn proofs_written_by_proof_writer_are_read() {
        use crate::sat::proof::ProofWriter;
        use std::io::Write;
        use std::sync::{Arc, Mutex};
        #[derive(Clone, Default)]
        struct Sink(Arc<Mutex<Vec<u8>>>);
        impl Write for Sink {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let f = cnf(F8);
        let steps = steps_of("-1 0\nd -1 -2 3 0\nd -1 -3 -4 0\nd -1 2 4 0\n2 0\n0\n");
        for binary in [false, true] {
            let sink = Sink::default();
            let mut w = ProofWriter::new(Box::new(sink.clone()), binary);
            for s in &steps {
                let (lits, del) = match s {
                    PStep::Add(l) => (l, false),
                    PStep::Del(l) => (l, true),
                };
                let lits: Vec<Lit> = lits.iter().map(|&d| Lit::from_dimacs(d).unwrap()).collect();
                if del {
                    w.delete(&lits)
                } else {
                    w.add(&lits)
                }
            }
            w.flush().unwrap();
            let bytes = sink.0.lock().unwrap().clone();
            assert_eq!(detect_format(&bytes), if binary { ProofFormat::Binary } else { ProofFormat::Text });
            let r = check(4, &f, &bytes, ProofFormat::Auto);
            assert!(r.verified, "binary={binary}: {}", r.message);
            assert_eq!((r.lemmas, r.deletions, r.rat_checks), (3, 3, 1));
        }
    }

    #[test]
    fn format_detection() {
        let cases: &[(&[u8], ProofFormat)] = &[
            (b"", ProofFormat::Text),
            (b"1 2 0\n", ProofFormat::Text),
            (b"-1 0\nd 1 2 0\n", ProofFormat::Text),
            (b"d 1 2 0\n", ProofFormat::Text),
            (b"c comment: anything, even \x01\n1 0\n", ProofFormat::Text),
            (b"\r\n\t1 0", ProofFormat::Text),
            (b"a\x02\x05\x00", ProofFormat::Binary),
            (b"d\x02\x05\x00", ProofFormat::Binary),
            // Literals 24..28 encode as the digits '0'..'8'; the 0 terminator gives it away.
            (b"a02\x00", ProofFormat::Binary),
            (b"d02\x00", ProofFormat::Binary),
        ];
        for (bytes, expected) in cases {
            assert_eq!(detect_format(bytes), *expected, "{:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn malformed_proofs_are_located_errors() {
        let f = cnf(F4);
        let cases: &[(ProofFormat, &[u8], u64, &str)] = &[
            (ProofFormat::Text, b"2 0\n1 x 0\n", 2, "proof line 2: unexpected character 'x'"),
            (ProofFormat::Text, b"2 0\n1 2x 0\n", 2, "proof line 2: unexpected character 'x' after a number"),
            (ProofFormat::Text, b"2 0\n\n1 2", 3, "proof line 3: proof ends inside a clause"),
            (ProofFormat::Text, b"d", 1, "proof ends inside a clause"),
            (ProofFormat::Text, b"1 d 2 0", 1, "'d' inside a clause"),
            (ProofFormat::Text, b"1 - 2 0", 1, "'-' not followed by a digit"),
            (ProofFormat::Text, b"-0\n", 1, "invalid literal -0"),
            (ProofFormat::Text, b"99999999999 0\n", 1, "literal out of range"),
            (ProofFormat::Text, b"-2147483648 0\n", 1, "literal out of range"),
            (ProofFormat::Text, b"1 0\n\xff\n", 2, "byte 0xff"),
            (ProofFormat::Binary, b"a\x02\x00q\x02\x00", 3, "proof byte 3: expected 'a' or 'd'"),
            (ProofFormat::Binary, b"a\x02\x00a\x82", 3, "proof byte 3: proof ends inside a clause"),
            (ProofFormat::Binary, b"a\x02", 0, "proof ends inside a clause"),
            (ProofFormat::Binary, b"a\xff\xff\xff\xff\xff\x01\x00", 1, "proof byte 1: literal encoding longer than 5 bytes"),
            (ProofFormat::Binary, b"a\xff\xff\xff\xff\x7f\x00", 1, "invalid literal encoding"),
            (ProofFormat::Binary, b"a\x01\x00", 1, "invalid literal encoding 1"),
        ];
        for (format, bytes, line, msg) in cases {
            let e = check_drat(2, f.iter().map(|c| c.as_slice()), bytes, *format).unwrap_err();
            assert_eq!(e.line, *line, "{:?}: {}", String::from_utf8_lossy(bytes), e);
            assert!(e.to_string().contains(msg), "{:?}: {}", String::from_utf8_lossy(bytes), e);
        }
        // A literal 0 inside a formula clause.
        let e = check_drat(2, [&[1, 0, 2][..]], b"", ProofFormat::Text).unwrap_err();
        assert_eq!(e.line, 0);
        assert!(e.message.contains("formula clause 1"), "{e}");
    }

    #[test]
    fn interrupt_stops_the_check() {
        let f = cnf("1 2 3 0 -1 -2 -3 0");
        let proof = "1 2 0\n".repeat(20_000);
        let stop = AtomicBool::new(true);
        let e = check_drat_with_interrupt(3, f.iter().map(|c| c.as_slice()), proof.as_bytes(), ProofFormat::Text, &stop)
            .unwrap_err();
        assert_eq!(e.message, "interrupted");
        let stop = AtomicBool::new(false);
        assert!(check_drat_with_interrupt(3, f.iter().map(|c| c.as_slice()), proof.as_bytes(), ProofFormat::Text, &stop).is_ok());
    }

    // ----- property tests ---------------------------------------------------

    fn formula_strategy() -> impl Strategy<Value = (usize, Vec<Vec<i32>>)> {
        (3usize..=7, 1usize..=40, any::<u64>()).prop_map(|(nv, m, seed)| (nv, random_unsat(nv, m, seed)))
    }

    /// The lemmas of a DPLL proof after dropping lemma `k` and the lemmas of
    /// its subtree (dropping one lemma alone never breaks a DPLL proof without
    /// deletions: its children's lemmas imply it), and whether some sequence
    /// of RUP lemmas taken from the rest (in order) refutes `f`. The greedy
    /// closure (keep every lemma that is RUP on what was kept) contains every
    /// such sequence, because RUP only gets easier with more clauses.
    fn drop_subtree(f: &[Vec<i32>], lemmas: &[Vec<i32>], starts: &[usize], k: usize) -> (Vec<Vec<i32>>, bool) {
        let mut rest = lemmas.to_vec();
        rest.drain(starts[k]..=k);
        let mut kept = f.to_vec();
        for l in &rest {
            if naive_rup(&kept, l) {
                kept.push(l.clone());
            }
        }
        let rup_refutable = naive_propagate(&kept, &[]).is_none();
        (rest, rup_refutable)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

        #[test]
        fn dpll_proofs_verify_and_their_cores_refute((nv, f) in formula_strategy(), del in any::<bool>()) {
            let steps = dpll_proof(nv, &f, del);
            let text = text_of(&steps);
            let (r, core) = check_core(nv as u32, &f, &text);
            prop_assert!(r.verified, "{}", r.message);
            prop_assert_eq!(r.core_lemmas as usize, core.len());
            let lemmas = lemmas_of(&steps);
            let core_lemmas: Vec<Vec<i32>> = core.iter().map(|&n| lemmas[n as usize - 1].clone()).collect();
            prop_assert!(naive_refutes(&f, &core_lemmas));
            let rb = check(nv as u32, &f, &binary_of(&steps), ProofFormat::Auto);
            prop_assert!(rb.verified, "{}", rb.message);
            prop_assert_eq!((rb.core_lemmas, rb.rat_checks), (r.core_lemmas, r.rat_checks));
        }

        #[test]
        fn dropping_needed_lemmas_is_rejected((nv, f) in formula_strategy(), pick in any::<prop::sample::Index>()) {
            let (steps, starts) = dpll_tree(nv, &f, false);
            let lemmas = lemmas_of(&steps);
            let k = pick.index(lemmas.len());
            let (rest, rup_refutable) = drop_subtree(&f, &lemmas, &starts, k);
            let steps: Vec<PStep> = rest.iter().cloned().map(PStep::Add).collect();
            let (r, core) = check_core(nv as u32, &f, &text_of(&steps));
            if r.verified {
                // Whatever was accepted must be a refutation on its own.
                let core_lemmas: Vec<Vec<i32>> = core.iter().map(|&n| rest[n as usize - 1].clone()).collect();
                prop_assert!(naive_refutes(&f, &core_lemmas));
                // And without RUP refutation in it, RAT must have been needed.
                prop_assert!(rup_refutable || r.rat_checks > 0, "accepted a proof with no RUP refutation: {}", r.message);
            }
        }

        #[test]
        fn proofs_of_a_satisfiable_formula_are_rejected((nv, f) in formula_strategy(), del in any::<bool>(), drop in 1usize..4) {
            let steps = dpll_proof(nv, &f, del);
            // Remove clauses from the end until the formula is satisfiable.
            let mut g = f.clone();
            let mut removed = 0;
            while satisfiable(nv, &g).is_none() || removed < drop.min(f.len()) {
                g.pop();
                removed += 1;
            }
            for bytes in [text_of(&steps), binary_of(&steps)] {
                let r = check(nv as u32, &g, &bytes, ProofFormat::Auto);
                prop_assert!(!r.verified, "accepted a proof of a satisfiable formula: {}", r.message);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let f = cnf(F4);
            for format in [ProofFormat::Auto, ProofFormat::Text, ProofFormat::Binary] {
                let _ = check_drat(2, f.iter().map(|c| c.as_slice()), &bytes, format);
            }
        }

        #[test]
        fn arbitrary_text_never_panics(s in "[-0-9d c\n]{0,80}") {
            let f = cnf(F8);
            let _ = check_drat(4, f.iter().map(|c| c.as_slice()), s.as_bytes(), ProofFormat::Text);
        }
    }

    /// Dropping lemmas really exercises the rejection path: over many random
    /// formulas, count drops after which no RUP refutation remains, and check
    /// that such proofs are rejected (or accepted only through RAT, with a
    /// core that the naive checker confirms).
    #[test]
    fn dropping_needed_lemmas_is_rejected_often() {
        let (mut impossible, mut rejected) = (0, 0);
        for seed in 0..150u64 {
            let nv = 4 + (seed % 4) as usize;
            let f = random_unsat(nv, 3 * nv, seed);
            let (steps, starts) = dpll_tree(nv, &f, false);
            let lemmas = lemmas_of(&steps);
            for k in 0..lemmas.len() {
                let (rest, rup_refutable) = drop_subtree(&f, &lemmas, &starts, k);
                if rup_refutable {
                    continue;
                }
                impossible += 1;
                let steps: Vec<PStep> = rest.iter().cloned().map(PStep::Add).collect();
                let (r, core) = check_core(nv as u32, &f, &text_of(&steps));
                if r.verified {
                    assert!(r.rat_checks > 0);
                    let core_lemmas: Vec<Vec<i32>> = core.iter().map(|&n| rest[n as usize - 1].clone()).collect();
                    assert!(naive_refutes(&f, &core_lemmas));
                } else {
                    rejected += 1;
                }
            }
        }
        assert!(impossible >= 100, "only {impossible} invalid mutants");
        // The others were accepted through RAT, each with a core confirmed above.
        assert!(rejected * 4 >= impossible * 3, "{rejected} of {impossible} rejected");
    }

    /// The pigeonhole formula PHP(p, h): p pigeons, h holes; pigeon i in hole
    /// j is variable h(i-1)+j.
    fn php(p: i32, h: i32) -> Vec<Vec<i32>> {
        let var = |i: i32, j: i32| h * (i - 1) + j;
        let mut f: Vec<Vec<i32>> = (1..=p).map(|i| (1..=h).map(|j| var(i, j)).collect()).collect();
        for j in 1..=h {
            for a in 1..=p {
                for b in a + 1..=p {
                    f.push(vec![-var(a, j), -var(b, j)]);
                }
            }
        }
        f
    }

    /// Larger DPLL proofs (up to thousands of lemmas, top-level units,
    /// children deleted) exercise trail cuts and restored clauses in the
    /// backward pass.
    #[test]
    fn larger_dpll_proofs_with_deletions() {
        for (p, h) in [(4, 3), (5, 4), (6, 5), (7, 6)] {
            let f = php(p, h);
            let nv = (p * h) as usize;
            let steps = dpll_proof(nv, &f, true);
            for bytes in [text_of(&steps), binary_of(&steps)] {
                let r = check(nv as u32, &f, &bytes, ProofFormat::Auto);
                assert!(r.verified, "PHP({p},{h}): {}", r.message);
                assert!(r.deletions > 0 && r.core_lemmas > 0);
            }
            let (r, core) = check_core(nv as u32, &f, &text_of(&steps));
            let lemmas = lemmas_of(&steps);
            assert!(r.verified && r.lemmas as usize == lemmas.len());
            if lemmas.len() < 400 {
                let core_lemmas: Vec<Vec<i32>> = core.iter().map(|&n| lemmas[n as usize - 1].clone()).collect();
                assert!(naive_refutes(&f, &core_lemmas), "PHP({p},{h})");
            }
            // Without a pigeon the formula is satisfiable: rejected.
            let r = check(nv as u32, &f[1..], &text_of(&steps), ProofFormat::Text);
            assert!(!r.verified, "PHP({p},{h}) minus a pigeon: {}", r.message);
        }
    }

    /// Checks an external formula and proof (by hand, with timing):
    /// `FASTBACK_CHECK_CNF=f.cnf FASTBACK_CHECK_PROOF=f.drat cargo test --release
    /// -p fastback-core --lib sat::check::tests::external -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn external() {
        let cnf_path = std::env::var("FASTBACK_CHECK_CNF").expect("FASTBACK_CHECK_CNF");
        let proof_path = std::env::var("FASTBACK_CHECK_PROOF").expect("FASTBACK_CHECK_PROOF");
        let text = std::fs::read_to_string(&cnf_path).unwrap();
        let (mut nv, mut clauses, mut cur) = (0u32, Vec::<Vec<i32>>::new(), Vec::new());
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('c') || line.is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix("p cnf") {
                nv = rest.split_whitespace().next().unwrap().parse().unwrap();
                continue;
            }
            for t in line.split_whitespace() {
                let x: i32 = t.parse().unwrap();
                if x == 0 {
                    clauses.push(std::mem::take(&mut cur));
                } else {
                    cur.push(x);
                }
            }
        }
        let proof = std::fs::read(&proof_path).unwrap();
        let r = check(nv, &clauses, &proof, ProofFormat::Auto);
        println!("{r:#?}");
    }
}
