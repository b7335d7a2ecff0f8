//! DRAT proof output.
//!
//! Every clause the solver learns or derives is a RUP lemma with respect to
//! the clauses alive at that point, and every clause it deletes is logged as a
//! deletion, so a DRAT checker can replay the proof. Text format: `1 -2 0` for
//! an addition, `d 1 -2 0` for a deletion. Binary format (drat-trim's): `a` or
//! `d`, then each literal as a variable-length 7-bit encoding of
//! `2 * var + negated` (DIMACS variable numbers), then a zero byte.
//!
//! Write errors are sticky: the first one is kept and reported by
//! [`ProofWriter::finish`], so a full disk never panics inside the solver.

use super::types::Lit;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

pub struct ProofWriter {
    out: io::BufWriter<Box<dyn Write + Send>>,
    binary: bool,
    error: Option<io::Error>,
    buf: Vec<u8>,
    pub lemmas: u64,
    pub deletions: u64,
}

impl ProofWriter {
    pub fn new(out: Box<dyn Write + Send>, binary: bool) -> ProofWriter {
        ProofWriter {
            out: io::BufWriter::with_capacity(1 << 16, out),
            binary,
            error: None,
            buf: Vec::with_capacity(64),
            lemmas: 0,
            deletions: 0,
        }
    }

    pub fn is_binary(&self) -> bool {
        self.binary
    }

    /// Logs the addition of a lemma (which must be RUP or RAT at this point).
    pub fn add(&mut self, lits: &[Lit]) {
        self.lemmas += 1;
        self.emit(false, lits);
    }

    /// Logs the deletion of a clause.
    pub fn delete(&mut self, lits: &[Lit]) {
        self.deletions += 1;
        self.emit(true, lits);
    }

    fn emit(&mut self, deletion: bool, lits: &[Lit]) {
        if self.error.is_some() {
            return;
        }
        self.buf.clear();
        if self.binary {
            self.buf.push(if deletion { b'd' } else { b'a' });
            for &l in lits {
                let mut x: u32 = ((l.var().0 + 1) << 1) | (l.is_negative() as u32);
                while x > 127 {
                    self.buf.push((x as u8 & 0x7f) | 0x80);
                    x >>= 7;
                }
                self.buf.push(x as u8);
            }
            self.buf.push(0);
        } else {
            if deletion {
                self.buf.extend_from_slice(b"d ");
            }
            for &l in lits {
                let mut b = itoa_buf(l.to_dimacs());
                self.buf.append(&mut b);
                self.buf.push(b' ');
            }
            self.buf.extend_from_slice(b"0\n");
        }
        if let Err(e) = self.out.write_all(&self.buf) {
            self.error = Some(e);
        }
    }

    /// Flushes the proof; returns the first write error met, if any.
    pub fn flush(&mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()
    }
}

fn itoa_buf(x: i32) -> Vec<u8> {
    x.to_string().into_bytes()
}

/// An in-memory proof destination that stays readable while the solver owns
/// the writer: clones share one buffer. Used for `with_proof=True` in Python
/// and by tests that hand the proof to the checker.
#[derive(Clone, Default)]
pub struct MemorySink(Arc<Mutex<Vec<u8>>>);

impl MemorySink {
    pub fn new() -> MemorySink {
        MemorySink::default()
    }

    /// A copy of everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Write for MemorySink {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_binary_encoding() {
        let lits: Vec<Lit> = [1, -2, 100].iter().map(|&d| Lit::from_dimacs(d).unwrap()).collect();
        let s = MemorySink::new();
        let mut w = ProofWriter::new(Box::new(s.clone()), false);
        w.add(&lits);
        w.delete(&lits[..1]);
        w.flush().unwrap();
        assert_eq!(String::from_utf8(s.contents()).unwrap(), "1 -2 100 0\nd 1 0\n");

        let s = MemorySink::new();
        let mut w = ProofWriter::new(Box::new(s.clone()), true);
        w.add(&lits);
        w.flush().unwrap();
        // 1 -> 2, -2 -> 5, 100 -> 200 = 0xc8 -> [0xc8, 0x01]
        assert_eq!(s.contents(), vec![b'a', 2, 5, 0xc8, 0x01, 0]);
    }
}
