//! DIMACS CNF input and output.
//!
//! The reader takes plain text, gzip and xz (recognised by their magic bytes,
//! not by the file name, so `x.cnf` that is really gzip still reads), from a
//! path, from stdin (`-`), from any `Read` or from a byte slice. It is a
//! hand-written byte scanner over a 256 KiB buffer: no regex, no per-line
//! allocation, one pass, and it counts lines so that every error can say
//! `file:line: what`. A parsed [`Cnf`] keeps the clauses flattened in two
//! vectors (`lits`, `offsets`), the layout the solver and the Python binding
//! copy from without a per-clause allocation.
//!
//! # Policy: strict where a deviation means a broken file, lenient where it is harmless
//!
//! Strict (an error naming the line):
//! - A `p cnf <variables> <clauses>` header must come before the first clause.
//!   A missing header, a second header, another format (`p wcnf`, `p sat`),
//!   a missing, non-integer, negative or overflowing field, or extra text after
//!   the clause count is an error: a solver that guessed would answer for a
//!   formula the user did not write.
//! - A literal must be a decimal integer (`[+-]?[0-9]+`). `'a'` is
//!   "clause literal 'a' is not an integer"; a magnitude above the largest
//!   variable ([`MAX_VAR`], i.e. `Var::MAX_INDEX + 1`, which keeps every
//!   literal inside `i32`) "overflows".
//! - A literal whose variable exceeds the header's variable count is an error,
//!   not a silent widening: it almost always means a broken generator or a
//!   file cut and pasted together, and the header is what other tools trust.
//!   So `num_vars` of a parsed formula is always the header's count.
//! - The last clause must be terminated by `0`: input that ends inside a clause
//!   is "truncated", the typical result of an interrupted download or copy.
//! - Binary data (a NUL byte anywhere, a control byte other than the ASCII
//!   whitespace `\t \n \v \f \r`, or invalid UTF-8 in a token) stops the parse
//!   with one "binary data at byte offset N" error instead of a cascade of
//!   nonsense; the offset counts bytes of the (decompressed) text from 0.
//! - A corrupt or truncated gzip / xz stream is an error saying so. bzip2 and
//!   zstd input is recognised and refused by name.
//!
//! Lenient (accepted; a [`DimacsWarning`] with the line is recorded where the
//! input deviates from the format, silently where it is merely a style):
//! - A clause count that differs from the header (warning). MiniSat, CaDiCaL
//!   and Kissat (in its default mode) accept it, and many generators write the
//!   header before they know the count.
//! - A `%` line, as at the end of the SATLIB uniform random files, ends the
//!   formula (warning); what follows it (`0` and blank lines there) is ignored.
//! - A UTF-8 byte order mark at the start (warning), as some editors write.
//! - Comment lines (`c` as the first non-blank character of a line) anywhere,
//!   before the header and between the lines of a clause. Their text is kept
//!   in [`Cnf::comments`]; text that is not UTF-8 is kept lossily (warning,
//!   once), text beyond 64 KiB per comment is dropped (warning, once).
//! - Blank lines, spaces, tabs, `\r` (CRLF files), `\v`, `\f` as whitespace.
//!   Clauses may span lines and several may share a line. A `+` sign and
//!   leading zeros in a literal.
//! - The empty clause (`0` alone), duplicate literals and tautologies are kept
//!   as written: deciding what they mean is the solver's job, not the reader's.
//!   `p cnf 0 0` is a valid empty formula.
//!
//! Robustness: the reader never panics and never loops without consuming
//! input, and memory grows with the input only, never with a header's claim:
//! the initial reservation from the header's clause count is capped (a header
//! may claim 10^12 clauses). Note that `num_vars` can legitimately be as large
//! as [`MAX_VAR`] for a tiny file (`p cnf 2147483646 0`); a consumer that
//! allocates per variable should check it against its own limits.
//!
//! Output: [`write`] prints the comments (as `c` lines), the `p cnf V C` header
//! and one clause per line ending in ` 0`; [`write_path`] compresses by the
//! file extension (`.gz`, `.xz`). A formula read back from what `write` wrote
//! equals the original, comments included, as long as no comment contains a
//! line break (a comment with `\n` comes back as several comments).

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use super::types::Var;

/// The largest DIMACS variable number a formula may use (`Var::MAX_INDEX + 1`).
/// Every literal of a [`Cnf`] lies in `-MAX_VAR..=MAX_VAR` without 0, so
/// `Lit::from_dimacs` accepts it.
pub const MAX_VAR: u32 = Var::MAX_INDEX + 1;

/// A CNF formula in DIMACS numbering, clauses flattened.
///
/// Invariant (kept by the reader and [`Cnf::add_clause`]; checked by
/// [`Cnf::validate`] for a value assembled by hand through the public fields):
/// `offsets[0] == 0`, `offsets` is non-decreasing, `offsets.last() == lits.len()`,
/// and every literal `l` satisfies `l != 0` and `|l| <= num_vars <= MAX_VAR`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cnf {
    /// The variable count: the header's for a parsed formula (never smaller than
    /// the largest variable used, see the module's policy).
    pub num_vars: u32,
    /// All clauses' literals, flattened, without the `0` terminators.
    pub lits: Vec<i32>,
    /// Clause `i` is `lits[offsets[i]..offsets[i + 1]]`; `offsets.len() == num_clauses + 1`.
    pub offsets: Vec<usize>,
    /// The text of the `c` lines, without the `c` and one following space or
    /// tab, in input order (the writer puts them all before the header).
    pub comments: Vec<String>,
    /// Lenient deviations met while reading, each with its line.
    pub warnings: Vec<DimacsWarning>,
}

impl Default for Cnf {
    fn default() -> Cnf {
        Cnf::new(0)
    }
}

impl Cnf {
    /// An empty formula over `num_vars` variables (clamped to [`MAX_VAR`]).
    pub fn new(num_vars: u32) -> Cnf {
        Cnf {
            num_vars: num_vars.min(MAX_VAR),
            lits: Vec::new(),
            offsets: vec![0],
            comments: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The number of clauses.
    #[inline]
    pub fn num_clauses(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// The total number of literals over all clauses.
    #[inline]
    pub fn num_literals(&self) -> usize {
        self.lits.len()
    }

    /// Clause `i` as DIMACS literals. Requires `i < num_clauses()` (panics
    /// otherwise, like slice indexing).
    #[inline]
    pub fn clause(&self, i: usize) -> &[i32] {
        &self.lits[self.offsets[i]..self.offsets[i + 1]]
    }

    /// The clauses in order.
    pub fn clauses(&self) -> impl Iterator<Item = &[i32]> + '_ {
        self.offsets.windows(2).map(move |w| &self.lits[w[0]..w[1]])
    }

    /// Appends a clause and raises `num_vars` to cover its variables.
    ///
    /// Errors (the formula is left unchanged): a literal `0` (in DIMACS it only
    /// terminates clauses, so inside one it is a caller bug) or a literal beyond
    /// `±MAX_VAR`. Duplicates, tautologies and the empty clause are accepted.
    pub fn add_clause(&mut self, lits: &[i32]) -> Result<(), String> {
        let mut max_var = 0u32;
        for (k, &lit) in lits.iter().enumerate() {
            if lit == 0 {
                return Err(format!(
                    "literal {k} of the clause is 0; 0 only terminates clauses in DIMACS"
                ));
            }
            let var = lit.unsigned_abs();
            if var > MAX_VAR {
                return Err(format!(
                    "literal {lit} overflows: the largest variable is {MAX_VAR}"
                ));
            }
            max_var = max_var.max(var);
        }
        if self.offsets.is_empty() {
            // A value built field by field with empty offsets: restore the invariant.
            self.offsets.push(self.lits.len());
        }
        self.lits.extend_from_slice(lits);
        self.offsets.push(self.lits.len());
        self.num_vars = self.num_vars.max(max_var);
        Ok(())
    }

    /// Checks the invariant stated on [`Cnf`], and that no comment contains a
    /// NUL byte (the reader would refuse the written file). O(size).
    pub fn validate(&self) -> Result<(), String> {
        if self.num_vars > MAX_VAR {
            return Err(format!(
                "num_vars {} exceeds the largest variable {MAX_VAR}",
                self.num_vars
            ));
        }
        if self.offsets.first() != Some(&0) {
            return Err("offsets must start with 0".to_string());
        }
        if let Some(i) = self.offsets.windows(2).position(|w| w[0] > w[1]) {
            return Err(format!("offsets decrease at clause {i}"));
        }
        if self.offsets.last() != Some(&self.lits.len()) {
            return Err(format!(
                "the last offset {} is not the number of literals {}",
                self.offsets.last().copied().unwrap_or(0),
                self.lits.len()
            ));
        }
        if let Some(k) = self
            .lits
            .iter()
            .position(|&l| l == 0 || l.unsigned_abs() > self.num_vars)
        {
            let clause = self.offsets.partition_point(|&o| o <= k) - 1;
            return Err(if self.lits[k] == 0 {
                format!("clause {clause} contains the literal 0")
            } else {
                format!(
                    "clause {clause} contains the literal {} beyond num_vars {}",
                    self.lits[k], self.num_vars
                )
            });
        }
        if let Some(i) = self.comments.iter().position(|c| c.contains('\0')) {
            return Err(format!("comment {i} contains a NUL byte"));
        }
        Ok(())
    }
}

/// A lenient deviation from the format that the reader accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DimacsWarning {
    /// 1-based line of the deviation.
    pub line: u64,
    pub message: String,
}

impl fmt::Display for DimacsWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Why input could not be read as DIMACS CNF, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DimacsError {
    /// The file name, `<stdin>`, or the name the caller gave.
    pub source: String,
    /// 1-based line of the problem; 0 when it is not about a line (I/O,
    /// decompression, a missing header in input without clauses).
    pub line: u64,
    pub message: String,
}

impl fmt::Display for DimacsError {
    /// `x.cnf:17: clause literal 'a' is not an integer`, or `x.cnf: message`
    /// when `line == 0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.source, self.message)
        } else {
            write!(f, "{}:{}: {}", self.source, self.line, self.message)
        }
    }
}

impl std::error::Error for DimacsError {}

impl From<DimacsError> for io::Error {
    fn from(e: DimacsError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, e)
    }
}

/// Reads a DIMACS CNF file; `-` means stdin (named `<stdin>` in errors).
/// gzip and xz are detected by content. Errors name the path as given.
pub fn read_path(path: &Path) -> Result<Cnf, DimacsError> {
    if path.as_os_str() == "-" {
        return read_reader(io::stdin().lock(), "<stdin>");
    }
    let source = path.display().to_string();
    match File::open(path) {
        Ok(file) => read_reader(file, &source),
        Err(e) => Err(DimacsError {
            source,
            line: 0,
            message: format!("cannot open: {e}"),
        }),
    }
}

/// Reads DIMACS CNF from a stream, detecting gzip and xz by their magic bytes.
/// `source` names the input in errors. The reader is consumed up to the end of
/// the formula (the end of input, or a `%` line); it needs no buffering of its own.
pub fn read_reader<R: Read>(mut r: R, source: &str) -> Result<Cnf, DimacsError> {
    let mut magic = [0u8; 6];
    let mut have = 0;
    while have < magic.len() {
        match r.read(&mut magic[have..]) {
            Ok(0) => break,
            Ok(n) => have += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(DimacsError {
                    source: source.to_string(),
                    line: 0,
                    message: format!("read error: {e}"),
                })
            }
        }
    }
    let magic = &magic[..have];
    let whole = io::Cursor::new(magic.to_vec()).chain(r);
    let refuse = |what: &str| DimacsError {
        source: source.to_string(),
        line: 0,
        message: format!("the input is {what}-compressed; only gzip and xz are supported"),
    };
    match Codec::detect(magic) {
        Codec::Gzip => Parser::new(
            flate2::read::MultiGzDecoder::new(whole),
            source,
            Codec::Gzip,
        )
        .parse(),
        Codec::Xz => Parser::new(
            liblzma::read::XzDecoder::new_multi_decoder(whole),
            source,
            Codec::Xz,
        )
        .parse(),
        Codec::Plain => Parser::new(whole, source, Codec::Plain).parse(),
        Codec::Bzip2 => Err(refuse("bzip2")),
        Codec::Zstd => Err(refuse("zstd")),
    }
}

/// Reads DIMACS CNF from memory (plain, gzip or xz, detected by content).
pub fn read_bytes(data: &[u8], source: &str) -> Result<Cnf, DimacsError> {
    read_reader(data, source)
}

/// Writes `cnf` as DIMACS: its comments as `c` lines, the `p cnf V C` header,
/// then one clause per line ending in ` 0`. Buffers internally and flushes `w`
/// at the end. Errors: `InvalidInput` if `cnf` breaks its invariant
/// ([`Cnf::validate`]; nothing is written then), or the writer's own errors.
pub fn write<W: Write>(mut w: W, cnf: &Cnf) -> io::Result<()> {
    cnf.validate()
        .map_err(|m| io::Error::new(io::ErrorKind::InvalidInput, m))?;
    const FLUSH_AT: usize = 1 << 16;
    let mut out: Vec<u8> = Vec::with_capacity(FLUSH_AT + 256);
    for comment in &cnf.comments {
        for line in comment.split('\n') {
            out.push(b'c');
            if !line.is_empty() {
                out.push(b' ');
                out.extend_from_slice(line.as_bytes());
            }
            out.push(b'\n');
            if out.len() >= FLUSH_AT {
                w.write_all(&out)?;
                out.clear();
            }
        }
    }
    writeln!(out, "p cnf {} {}", cnf.num_vars, cnf.num_clauses())?;
    for clause in cnf.clauses() {
        for &lit in clause {
            push_int(&mut out, lit);
            out.push(b' ');
        }
        out.extend_from_slice(b"0\n");
        if out.len() >= FLUSH_AT {
            w.write_all(&out)?;
            out.clear();
        }
    }
    w.write_all(&out)?;
    w.flush()
}

/// Writes `cnf` to `path` (`-` is stdout), compressed by the extension: `.gz`
/// gzip (level 6), `.xz` xz (preset 6, like the `xz` tool; slower, about 10 s
/// for 100 MB of text), anything else plain. The formula is validated before
/// the file is created; an I/O error may leave a partial file behind.
pub fn write_path(path: &Path, cnf: &Cnf) -> io::Result<()> {
    cnf.validate()
        .map_err(|m| io::Error::new(io::ErrorKind::InvalidInput, m))?;
    if path.as_os_str() == "-" {
        return write(io::stdout().lock(), cnf);
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    let file = io::BufWriter::new(File::create(path)?);
    match extension.as_deref() {
        Some("gz") => {
            let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::new(6));
            write(&mut encoder, cnf)?;
            encoder.finish()?.flush()
        }
        Some("xz") => {
            let mut encoder = liblzma::write::XzEncoder::new(file, 6);
            write(&mut encoder, cnf)?;
            encoder.finish()?.flush()
        }
        _ => write(file, cnf),
    }
}

/// Appends the decimal form of `v`.
fn push_int(out: &mut Vec<u8>, v: i32) {
    if v < 0 {
        out.push(b'-');
    }
    let mut n = v.unsigned_abs();
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

// ---------------------------------------------------------------------------
// The scanner.

/// How the input bytes are encoded, from their magic bytes.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Codec {
    Plain,
    Gzip,
    Xz,
    Bzip2,
    Zstd,
}

impl Codec {
    fn detect(magic: &[u8]) -> Codec {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Codec::Gzip
        } else if magic.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Codec::Xz
        } else if magic.len() >= 4 && magic.starts_with(b"BZh") && (b'1'..=b'9').contains(&magic[3])
        {
            Codec::Bzip2
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Codec::Zstd
        } else {
            Codec::Plain
        }
    }

    fn name(self) -> &'static str {
        match self {
            Codec::Plain => "plain",
            Codec::Gzip => "gzip",
            Codec::Xz => "xz",
            Codec::Bzip2 => "bzip2",
            Codec::Zstd => "zstd",
        }
    }
}

const BUFFER_SIZE: usize = 1 << 18;
/// Bytes of a token kept for error messages; longer tokens are shown cut, with `...`.
const TOKEN_SHOWN: usize = 40;
/// Bytes of one comment kept in `Cnf::comments`.
const COMMENT_MAX: usize = 1 << 16;
/// Integers saturate here while being scanned: above every limit we check, and
/// `SATURATED * 10 + 9` still fits in a u64.
const SATURATED: u64 = 1_000_000_000_000_000_000;
/// Caps on what a header's clause count may make us reserve up front.
const RESERVE_CLAUSES: u64 = 1 << 20;
const RESERVE_LITERALS: u64 = 1 << 22;

/// ASCII whitespace: space, `\t`, `\n`, `\v`, `\f`, `\r`.
#[inline(always)]
fn is_blank(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// A byte no text file contains: a C0 control that is not whitespace, or DEL.
#[inline(always)]
fn is_binary(b: u8) -> bool {
    (b < 0x20 && !is_blank(b)) || b == 0x7f
}

/// One whitespace-delimited token: its first bytes for messages, and its value
/// if it has the shape `[+-]?[0-9]+`.
struct Token {
    shown: [u8; TOKEN_SHOWN],
    len: usize,
    cut: bool,
    /// Still of the shape `[+-]?[0-9]*` so far.
    integer: bool,
    negative: bool,
    digits: u32,
    /// The magnitude, saturated at `SATURATED`.
    magnitude: u64,
    non_ascii: bool,
}

impl Token {
    fn new() -> Token {
        Token {
            shown: [0; TOKEN_SHOWN],
            len: 0,
            cut: false,
            integer: true,
            negative: false,
            digits: 0,
            magnitude: 0,
            non_ascii: false,
        }
    }

    fn reset(&mut self) {
        self.len = 0;
        self.cut = false;
        self.integer = true;
        self.negative = false;
        self.digits = 0;
        self.magnitude = 0;
        self.non_ascii = false;
    }

    #[inline(always)]
    fn push(&mut self, b: u8) {
        if self.len < TOKEN_SHOWN {
            self.shown[self.len] = b;
            self.len += 1;
        } else {
            self.cut = true;
        }
        if b.is_ascii_digit() {
            self.magnitude = (self.magnitude * 10 + u64::from(b - b'0')).min(SATURATED);
            self.digits += 1;
        } else if (b == b'-' || b == b'+') && self.len == 1 && !self.cut {
            self.negative = b == b'-';
        } else {
            self.integer = false;
            self.non_ascii |= b >= 0x80;
        }
    }

    fn is_integer(&self) -> bool {
        self.integer && self.digits > 0
    }

    fn text(&self) -> &[u8] {
        &self.shown[..self.len]
    }

    fn is(&self, word: &str) -> bool {
        !self.cut && self.text() == word.as_bytes()
    }

    /// The token for a message, quoted by the caller.
    fn display(&self) -> String {
        let mut s = String::from_utf8_lossy(self.text()).into_owned();
        if self.cut {
            s.push_str("...");
        }
        s
    }
}

#[derive(Copy, Clone)]
struct Header {
    line: u64,
    vars: u32,
    clauses: u64,
}

type ParseResult<T> = Result<T, DimacsError>;

struct Parser<'s, R> {
    input: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    eof: bool,
    codec: Codec,
    source: &'s str,
    /// 1-based line of `buf[pos]`.
    line: u64,
    /// No token has been seen yet on the current line.
    at_line_start: bool,
    header: Option<Header>,
    token: Token,
    comment: Vec<u8>,
    warned_comment_utf8: bool,
    warned_comment_long: bool,
    cnf: Cnf,
}

impl<'s, R: Read> Parser<'s, R> {
    fn new(input: R, source: &'s str, codec: Codec) -> Self {
        Parser {
            input,
            buf: vec![0u8; BUFFER_SIZE].into_boxed_slice(),
            pos: 0,
            len: 0,
            base: 0,
            eof: false,
            codec,
            source,
            line: 1,
            at_line_start: true,
            header: None,
            token: Token::new(),
            comment: Vec::new(),
            warned_comment_utf8: false,
            warned_comment_long: false,
            cnf: Cnf::new(0),
        }
    }

    fn error(&self, line: u64, message: String) -> DimacsError {
        DimacsError {
            source: self.source.to_string(),
            line,
            message,
        }
    }

    fn warn(&mut self, line: u64, message: String) {
        self.cnf.warnings.push(DimacsWarning { line, message });
    }

    #[inline(always)]
    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn binary_error(&self, offset: u64, byte: u8) -> DimacsError {
        let of_what = if self.codec == Codec::Plain {
            String::new()
        } else {
            format!(" of the decompressed {} stream", self.codec.name())
        };
        self.error(
            self.line,
            format!(
                "binary data at byte offset {offset}{of_what} (byte 0x{byte:02x}); this is not a DIMACS text file"
            ),
        )
    }

    /// Refills the buffer once it is consumed. Returns false at the end of input.
    #[cold]
    #[inline(never)]
    fn refill(&mut self) -> ParseResult<bool> {
        debug_assert_eq!(self.pos, self.len);
        if self.eof {
            return Ok(false);
        }
        self.base += self.len as u64;
        self.pos = 0;
        self.len = 0;
        loop {
            match self.input.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.len = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let message = if self.codec == Codec::Plain || e.raw_os_error().is_some() {
                        format!("read error: {e}")
                    } else {
                        format!(
                            "corrupt or truncated {} stream (after {} bytes of text, line {}): {e}",
                            self.codec.name(),
                            self.base,
                            self.line
                        )
                    };
                    return Err(self.error(0, message));
                }
            }
        }
    }

    #[inline(always)]
    fn peek(&mut self) -> ParseResult<Option<u8>> {
        if self.pos < self.len || self.refill()? {
            Ok(Some(self.buf[self.pos]))
        } else {
            Ok(None)
        }
    }

    /// Skips whitespace (stopping before a newline if `within_line`) and returns
    /// the next byte without consuming it, or None at the end of input.
    #[inline(always)]
    fn skip_blanks(&mut self, within_line: bool) -> ParseResult<Option<u8>> {
        loop {
            let Some(b) = self.peek()? else {
                return Ok(None);
            };
            if b == b'\n' {
                if within_line {
                    return Ok(Some(b));
                }
                self.line += 1;
                self.at_line_start = true;
                self.pos += 1;
            } else if is_blank(b) {
                self.pos += 1;
            } else if is_binary(b) {
                return Err(self.binary_error(self.offset(), b));
            } else {
                return Ok(Some(b));
            }
        }
    }

    /// Scans the token starting at the current (non-blank) byte into
    /// `self.token`, up to the next whitespace or the end of input.
    #[inline(always)]
    fn scan_token(&mut self) -> ParseResult<()> {
        let start = self.offset();
        self.token.reset();
        while let Some(b) = self.peek()? {
            if is_blank(b) {
                break;
            }
            if is_binary(b) {
                return Err(self.binary_error(self.offset(), b));
            }
            self.token.push(b);
            self.pos += 1;
        }
        if self.token.non_ascii {
            if let Err(e) = std::str::from_utf8(self.token.text()) {
                // error_len() is None when the text only ends inside a
                // character, i.e. where the shown prefix was cut.
                if let Some(_bad) = e.error_len() {
                    let at = e.valid_up_to();
                    return Err(self.binary_error(start + at as u64, self.token.text()[at]));
                }
            }
        }
        Ok(())
    }

    fn parse(mut self) -> ParseResult<Cnf> {
        self.skip_byte_order_mark()?;
        let mut clause_open = false;
        let mut last_literal_line = 0;
        while let Some(b) = self.skip_blanks(false)? {
            if self.at_line_start {
                self.at_line_start = false;
                match b {
                    b'c' => {
                        self.read_comment()?;
                        continue;
                    }
                    b'p' => {
                        self.read_header()?;
                        continue;
                    }
                    b'%' => {
                        let line = self.line;
                        self.warn(
                            line,
                            "'%' line ends the formula (SATLIB convention); the rest of the input is ignored"
                                .to_string(),
                        );
                        break;
                    }
                    _ => {}
                }
            }
            let line = self.line;
            self.scan_token()?;
            let Some(header) = self.header else {
                return Err(self.error(
                    line,
                    if self.token.is_integer() {
                        "clause before the 'p cnf' header".to_string()
                    } else {
                        format!(
                            "expected the 'p cnf <variables> <clauses>' header, found '{}'",
                            self.token.display()
                        )
                    },
                ));
            };
            if !self.token.is_integer() {
                return Err(self.error(
                    line,
                    format!(
                        "clause literal '{}' is not an integer",
                        self.token.display()
                    ),
                ));
            }
            let magnitude = self.token.magnitude;
            if magnitude == 0 {
                self.cnf.offsets.push(self.cnf.lits.len());
                clause_open = false;
                continue;
            }
            if magnitude > u64::from(header.vars) {
                return Err(self.error(
                    line,
                    if magnitude > u64::from(MAX_VAR) {
                        format!(
                            "clause literal '{}' overflows: the largest variable is {MAX_VAR}",
                            self.token.display()
                        )
                    } else {
                        format!(
                            "variable {magnitude} (literal '{}') exceeds the header's variable count {} (line {})",
                            self.token.display(),
                            header.vars,
                            header.line
                        )
                    },
                ));
            }
            // magnitude <= header.vars <= MAX_VAR < i32::MAX: the cast is exact.
            let var = magnitude as i32;
            self.cnf
                .lits
                .push(if self.token.negative { -var } else { var });
            clause_open = true;
            last_literal_line = line;
        }

        if clause_open {
            return Err(self.error(
                last_literal_line,
                "truncated: last clause is not terminated by 0".to_string(),
            ));
        }
        let Some(header) = self.header else {
            return Err(self.error(
                0,
                "no 'p cnf' header (the input is empty or only comments)".to_string(),
            ));
        };
        let found = self.cnf.num_clauses() as u64;
        if found != header.clauses {
            self.warn(
                header.line,
                format!(
                    "the header declares {} clauses but {found} were read",
                    header.clauses
                ),
            );
        }
        Ok(self.cnf)
    }

    fn skip_byte_order_mark(&mut self) -> ParseResult<()> {
        const BOM: [u8; 3] = [0xef, 0xbb, 0xbf];
        for (i, &m) in BOM.iter().enumerate() {
            if self.peek()? != Some(m) {
                // Nothing was consumed unless the bytes matched so far; a partial
                // match (EF BB without BF) is not text and fails later as binary.
                if i > 0 {
                    return Err(self.binary_error(0, BOM[0]));
                }
                return Ok(());
            }
            self.pos += 1;
        }
        self.warn(1, "UTF-8 byte order mark ignored".to_string());
        Ok(())
    }

    /// Reads a comment line; the current byte is its `c`. Leaves the newline.
    fn read_comment(&mut self) -> ParseResult<()> {
        let line = self.line;
        self.pos += 1;
        if let Some(b' ' | b'\t') = self.peek()? {
            self.pos += 1;
        }
        self.comment.clear();
        let mut cut = false;
        while self.pos < self.len || self.refill()? {
            let chunk = &self.buf[self.pos..self.len];
            let end = chunk.iter().position(|&b| b == b'\n' || b == 0);
            let take = end.unwrap_or(chunk.len());
            let room = COMMENT_MAX - self.comment.len();
            cut |= take > room;
            self.comment.extend_from_slice(&chunk[..take.min(room)]);
            self.pos += take;
            if end.is_some() {
                if self.buf[self.pos] == 0 {
                    return Err(self.binary_error(self.offset(), 0));
                }
                break;
            }
        }
        if self.comment.last() == Some(&b'\r') {
            self.comment.pop();
        }
        let text = match String::from_utf8(std::mem::take(&mut self.comment)) {
            Ok(s) => s,
            Err(e) => {
                if !self.warned_comment_utf8 {
                    self.warned_comment_utf8 = true;
                    self.warn(
                        line,
                        "comment is not valid UTF-8; invalid bytes replaced (further such comments not reported)"
                            .to_string(),
                    );
                }
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        if cut && !self.warned_comment_long {
            self.warned_comment_long = true;
            self.warn(
                line,
                format!("comment longer than {COMMENT_MAX} bytes cut (further such comments not reported)"),
            );
        }
        self.cnf.comments.push(text);
        Ok(())
    }

    /// Reads the next token of the current line into `self.token`; false when
    /// the line has no more tokens.
    fn next_word(&mut self) -> ParseResult<bool> {
        match self.skip_blanks(true)? {
            None | Some(b'\n') => Ok(false),
            Some(_) => {
                self.scan_token()?;
                Ok(true)
            }
        }
    }

    /// Reads the `p cnf <variables> <clauses>` line; the current byte is its `p`.
    fn read_header(&mut self) -> ParseResult<()> {
        let line = self.line;
        if let Some(first) = self.header {
            return Err(self.error(
                line,
                format!(
                    "repeated 'p cnf' header (the first is on line {})",
                    first.line
                ),
            ));
        }
        const EXPECTED: &str = "expected 'p cnf <variables> <clauses>'";
        self.scan_token()?;
        if !self.token.is("p") {
            return Err(self.error(
                line,
                format!("malformed header '{}': {EXPECTED}", self.token.display()),
            ));
        }
        if !self.next_word()? {
            return Err(self.error(
                line,
                format!("malformed header: missing the format; {EXPECTED}"),
            ));
        }
        if !self.token.is("cnf") {
            return Err(self.error(
                line,
                format!(
                    "unsupported format '{}' in header; {EXPECTED}",
                    self.token.display()
                ),
            ));
        }
        let vars = self.header_number(line, "variable count", u64::from(MAX_VAR))?;
        let clauses = self.header_number(line, "clause count", SATURATED - 1)?;
        if self.next_word()? {
            return Err(self.error(
                line,
                format!(
                    "malformed header: unexpected '{}' after the clause count; {EXPECTED}",
                    self.token.display()
                ),
            ));
        }
        // magnitude <= MAX_VAR was checked: the cast is exact.
        let vars = vars as u32;
        self.header = Some(Header {
            line,
            vars,
            clauses,
        });
        self.cnf.num_vars = vars;
        // A header is a claim, not a promise: reserve for at most a few MB up
        // front, and let the vectors grow past that as clauses actually arrive.
        self.cnf
            .offsets
            .reserve(clauses.min(RESERVE_CLAUSES) as usize);
        self.cnf
            .lits
            .reserve(clauses.saturating_mul(3).min(RESERVE_LITERALS) as usize);
        Ok(())
    }

    fn header_number(&mut self, line: u64, what: &str, max: u64) -> ParseResult<u64> {
        if !self.next_word()? {
            return Err(self.error(
                line,
                format!(
                    "malformed header: missing the {what}; expected 'p cnf <variables> <clauses>'"
                ),
            ));
        }
        let t = &self.token;
        let message = if !t.is_integer() {
            format!("header {what} '{}' is not an integer", t.display())
        } else if t.negative && t.magnitude != 0 {
            format!("header {what} '{}' is negative", t.display())
        } else if t.magnitude > max {
            format!(
                "header {what} '{}' overflows: at most {max} is supported",
                t.display()
            )
        } else {
            return Ok(t.magnitude);
        };
        Err(self.error(line, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::PathBuf;
    use std::time::Instant;

    fn parse(text: &[u8]) -> Result<Cnf, DimacsError> {
        read_bytes(text, "t.cnf")
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn xz(data: &[u8]) -> Vec<u8> {
        let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn unique_temp(name: &str) -> PathBuf {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        std::env::temp_dir().join(format!("fastback-dimacs-{}-{n}-{name}", std::process::id()))
    }

    /// Malformed inputs: (input, expected error line, phrase the message contains).
    #[test]
    fn malformed_inputs_report_line_and_reason() {
        let valid_gz = gzip(b"p cnf 3 2\n1 -2 0\n2 3 0\n");
        let valid_xz = xz(b"p cnf 3 2\n1 -2 0\n2 3 0\n");
        let mut crc_broken_gz = valid_gz.clone();
        let crc_at = crc_broken_gz.len() - 8;
        crc_broken_gz[crc_at] ^= 0xff;
        let mut garbage_gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
        garbage_gz.extend_from_slice(&[0xff; 40]);
        let mut garbage_xz = vec![0xfd, b'7', b'z', b'X', b'Z', 0];
        garbage_xz.extend_from_slice(&[0x55; 40]);
        #[rustfmt::skip]
        let cases: Vec<(&str, Vec<u8>, u64, &str)> = vec![
            ("empty", b"".to_vec(), 0, "no 'p cnf' header"),
            ("only comments", b"c one\nc two\n\n".to_vec(), 0, "no 'p cnf' header"),
            ("clause first", b"1 2 0\np cnf 2 1\n".to_vec(), 1, "clause before the 'p cnf' header"),
            ("text first", b"c x\nhello world\n".to_vec(), 2, "expected the 'p cnf"),
            ("repeated header", b"p cnf 2 1\nc\np cnf 2 1\n1 0\n".to_vec(), 3, "repeated 'p cnf' header (the first is on line 1)"),
            ("wcnf", b"p wcnf 2 1\n".to_vec(), 1, "unsupported format 'wcnf'"),
            ("glued p", b"pcnf 2 1\n".to_vec(), 1, "malformed header 'pcnf'"),
            ("no format", b"p\n1 0\n".to_vec(), 1, "missing the format"),
            ("no vars", b"p cnf\n".to_vec(), 1, "missing the variable count"),
            ("no clauses", b"c\np cnf 3\n1 0\n".to_vec(), 2, "missing the clause count"),
            ("vars not int", b"p cnf x 1\n".to_vec(), 1, "header variable count 'x' is not an integer"),
            ("clauses not int", b"p cnf 3 1.5\n".to_vec(), 1, "header clause count '1.5' is not an integer"),
            ("vars negative", b"p cnf -2 1\n".to_vec(), 1, "header variable count '-2' is negative"),
            ("clauses negative", b"p cnf 2 -1\n".to_vec(), 1, "header clause count '-1' is negative"),
            ("vars too many", b"p cnf 2147483647 1\n".to_vec(), 1, "variable count '2147483647' overflows"),
            ("clauses overflow", b"p cnf 2 99999999999999999999999\n".to_vec(), 1, "clause count '99999999999999999999999' overflows"),
            ("extra header field", b"p cnf 2 1 7\n1 0\n".to_vec(), 1, "unexpected '7' after the clause count"),
            ("letter literal", b"c x\np cnf 3 1\n1 a 0\n".to_vec(), 3, "clause literal 'a' is not an integer"),
            ("suffix literal", b"p cnf 3 1\n1 2a 0\n".to_vec(), 2, "clause literal '2a' is not an integer"),
            ("lone minus", b"p cnf 3 1\n1 - 0\n".to_vec(), 2, "clause literal '-' is not an integer"),
            ("double minus", b"p cnf 3 1\n--1 0\n".to_vec(), 2, "clause literal '--1' is not an integer"),
            ("mid-line comment", b"p cnf 3 1\n1 0 c no\n".to_vec(), 2, "clause literal 'c' is not an integer"),
            ("long token", [b"p cnf 3 1\n".as_slice(), &[b'7'; 30], b"x".repeat(100).as_slice()].concat(), 2, "...' is not an integer"),
            ("overflow", b"p cnf 3 1\n1 99999999999 0\n".to_vec(), 2, "clause literal '99999999999' overflows"),
            ("overflow max+1", b"p cnf 3 1\n2147483647 0\n".to_vec(), 2, "'2147483647' overflows"),
            ("overflow i32::MIN", b"p cnf 3 1\n-2147483648 0\n".to_vec(), 2, "'-2147483648' overflows"),
            ("huge literal", [b"p cnf 3 1\n".as_slice(), &[b'9'; 100]].concat(), 2, "overflows"),
            ("beyond header", b"p cnf 3 2\n1 2 0\n\n1 -4 0\n".to_vec(), 4, "variable 4 (literal '-4') exceeds the header's variable count 3"),
            ("beyond zero vars", b"p cnf 0 1\n1 0\n".to_vec(), 2, "exceeds the header's variable count 0"),
            ("truncated", b"p cnf 3 1\n1 2\n".to_vec(), 2, "truncated: last clause is not terminated by 0"),
            ("truncated multiline", b"p cnf 3 2\n1 0 2\n3\nc end\n\n".to_vec(), 3, "truncated"),
            ("truncated before %", b"p cnf 2 1\n1 2\n%\n0\n".to_vec(), 2, "truncated"),
            ("nul in clause", b"p cnf 3 1\n1 \x00 0\n".to_vec(), 2, "binary data at byte offset 12"),
            ("nul in token", b"p cnf 3 1\n12\x003 0\n".to_vec(), 2, "binary data at byte offset 12"),
            ("control in header", b"p cnf \x01 1\n".to_vec(), 1, "binary data at byte offset 6"),
            ("elf", b"\x7fELF\x02\x01\x01\x00".to_vec(), 1, "binary data at byte offset 0"),
            ("png", b"\x89PNG\r\n\x1a\n".to_vec(), 1, "binary data at byte offset 0"),
            ("invalid utf8 token", b"p cnf 1 1\n1 \xff\xfe 0\n".to_vec(), 2, "binary data at byte offset 12"),
            ("half a bom", b"\xef\xbbp cnf 1 0\n".to_vec(), 1, "binary data"),
            ("nul in comment", b"c a\x00b\np cnf 1 0\n".to_vec(), 1, "binary data at byte offset 3"),
            ("non-ascii token", "p cnf 1 1\n1 é 0\n".as_bytes().to_vec(), 2, "clause literal 'é' is not an integer"),
            ("garbage gzip", garbage_gz, 0, "corrupt or truncated gzip stream"),
            ("gzip crc", crc_broken_gz, 0, "corrupt or truncated gzip stream"),
            ("truncated gzip", valid_gz[..valid_gz.len() - 5].to_vec(), 0, "corrupt or truncated gzip stream"),
            ("gzip header only", valid_gz[..12].to_vec(), 0, "corrupt or truncated gzip stream"),
            ("garbage xz", garbage_xz, 0, "corrupt or truncated xz stream"),
            ("truncated xz", valid_xz[..valid_xz.len() - 7].to_vec(), 0, "corrupt or truncated xz stream"),
            ("xz magic only", valid_xz[..6].to_vec(), 0, "corrupt or truncated xz stream"),
            ("bzip2", b"BZh91AY&SY\x00\x00".to_vec(), 0, "bzip2-compressed"),
            ("zstd", vec![0x28, 0xb5, 0x2f, 0xfd, 0, 0], 0, "zstd-compressed"),
        ];
        for (name, input, line, phrase) in cases {
            match parse(&input) {
                Ok(cnf) => panic!("{name}: parsed, expected an error: {cnf:?}"),
                Err(e) => {
                    assert_eq!(e.source, "t.cnf", "{name}");
                    assert!(
                        e.message.contains(phrase),
                        "{name}: message {:?} lacks {phrase:?}",
                        e.message
                    );
                    assert_eq!(e.line, line, "{name}: {e}");
                }
            }
        }
    }

    /// Valid inputs, including the lenient cases: (input, clauses, num_vars,
    /// comments, warning lines and phrases).
    #[test]
    fn valid_inputs_parse_as_written() {
        type Case<'a> = (
            &'a str,
            &'a [u8],
            Vec<Vec<i32>>,
            u32,
            Vec<&'a str>,
            Vec<(u64, &'a str)>,
        );
        #[rustfmt::skip]
        let cases: Vec<Case> = vec![
            ("empty formula", b"p cnf 0 0\n", vec![], 0, vec![], vec![]),
            ("no final newline", b"p cnf 1 1\n-1 0", vec![vec![-1]], 1, vec![], vec![]),
            ("shared line", b"p cnf 3 2\n1 -2 0 3 0\n", vec![vec![1, -2], vec![3]], 3, vec![], vec![]),
            ("spanning lines", b"p cnf 3 1\n1\n-2\n\n3 0\n", vec![vec![1, -2, 3]], 3, vec![], vec![]),
            ("comment inside clause", b"p cnf 2 1\n1\nc mid\n  c indented\n2 0\n", vec![vec![1, 2]], 2, vec!["mid", "indented"], vec![]),
            ("empty clause", b"p cnf 1 2\n0\n1 0\n", vec![vec![], vec![1]], 1, vec![], vec![]),
            ("kept as written", b"p cnf 2 1\n1 1 -1 2 0\n", vec![vec![1, 1, -1, 2]], 2, vec![], vec![]),
            ("crlf and tabs", b"c hi\r\np\tcnf  2 1 \r\n\t1\t-2 0\r\n", vec![vec![1, -2]], 2, vec!["hi"], vec![]),
            ("comment forms", b"c\nc  two spaces\nctight\nc\tx\np cnf 1 0\n", vec![], 1, vec!["", " two spaces", "tight", "x"], vec![]),
            ("signs and zeros", b"p cnf 10 2\n+3 -007 -0 0010 0\n", vec![vec![3, -7], vec![10]], 10, vec![], vec![]),
            ("max variable", b"p cnf 2147483646 1\n-2147483646 2147483646 0\n", vec![vec![-2147483646, 2147483646]], MAX_VAR, vec![], vec![]),
            ("unused variables", b"p cnf 100 1\n1 0\n", vec![vec![1]], 100, vec![], vec![]),
            ("fewer clauses", b"p cnf 2 3\n1 0\n", vec![vec![1]], 2, vec![], vec![(1, "declares 3 clauses but 1 were read")]),
            ("more clauses", b"c\np cnf 2 0\n1 0\n2 0\n", vec![vec![1], vec![2]], 2, vec![""], vec![(2, "declares 0 clauses but 2 were read")]),
            ("satlib %", b"p cnf 2 1\n 1 -2 0\n%\n0\n\n", vec![vec![1, -2]], 2, vec![], vec![(3, "'%' line ends the formula")]),
            ("% hides garbage", b"p cnf 1 1\n1 0\n%\n\x00\x01 junk\n", vec![vec![1]], 1, vec![], vec![(3, "'%'")]),
            ("bom", b"\xef\xbb\xbfp cnf 1 1\n1 0\n", vec![vec![1]], 1, vec![], vec![(1, "byte order mark")]),
            ("latin-1 comment", b"c caf\xe9\np cnf 1 0\n", vec![], 1, vec!["caf\u{fffd}"], vec![(1, "not valid UTF-8")]),
            ("utf-8 comment", "c café ∀\np cnf 1 0\n".as_bytes(), vec![], 1, vec!["café ∀"], vec![]),
            ("huge claimed count", b"p cnf 1 999999999999999999\n1 0\n", vec![vec![1]], 1, vec![], vec![(1, "declares 999999999999999999 clauses")]),
        ];
        for (name, input, clauses, num_vars, comments, warnings) in cases {
            let cnf = parse(input).unwrap_or_else(|e| panic!("{name}: {e}"));
            let got: Vec<Vec<i32>> = cnf.clauses().map(|c| c.to_vec()).collect();
            assert_eq!(got, clauses, "{name}");
            assert_eq!(cnf.num_vars, num_vars, "{name}");
            assert_eq!(cnf.comments, comments, "{name}");
            assert_eq!(
                cnf.warnings.len(),
                warnings.len(),
                "{name}: {:?}",
                cnf.warnings
            );
            for (w, (line, phrase)) in cnf.warnings.iter().zip(warnings) {
                assert_eq!(w.line, line, "{name}: {w}");
                assert!(w.message.contains(phrase), "{name}: {w}");
            }
            cnf.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn long_comment_is_cut_with_a_warning() {
        let mut text = b"c ".to_vec();
        text.extend(vec![b'x'; COMMENT_MAX + 10]);
        text.extend_from_slice(b"\np cnf 0 0\n");
        let cnf = parse(&text).unwrap();
        assert_eq!(cnf.comments[0].len(), COMMENT_MAX);
        assert!(cnf.warnings[0].message.contains("cut"));
    }

    #[test]
    fn compressed_input_is_detected_by_content() {
        let text = b"c made by hand\np cnf 3 2\n1 -2 0\n2 3 0\n";
        let plain = parse(text).unwrap();
        // Concatenated gzip members (pigz, `cat a.gz b.gz`) are one stream.
        let mut two_members = gzip(&text[..20]);
        two_members.extend(gzip(&text[20..]));
        for (name, data) in [
            ("gzip", gzip(text)),
            ("gzip members", two_members),
            ("xz", xz(text)),
        ] {
            assert_eq!(parse(&data).unwrap(), plain, "{name}");
        }
        // Errors inside compressed text still have their line, offsets are in the text.
        let err = parse(&gzip(b"p cnf 3 1\n1 x 0\n")).unwrap_err();
        assert_eq!(
            (err.line, err.message.as_str()),
            (2, "clause literal 'x' is not an integer")
        );
        let err = parse(&xz(b"p cnf 3 1\n1 \x02 0\n")).unwrap_err();
        assert!(
            err.message
                .starts_with("binary data at byte offset 12 of the decompressed xz stream"),
            "{err}"
        );
    }

    #[test]
    fn errors_display_with_file_and_line() {
        let err = read_bytes(b"p cnf 3 1\n1 a 0\n", "x.cnf").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.cnf:2: clause literal 'a' is not an integer"
        );
        let err = read_bytes(b"", "<stdin>").unwrap_err();
        assert_eq!(
            err.to_string(),
            "<stdin>: no 'p cnf' header (the input is empty or only comments)"
        );
        let missing = unique_temp("missing.cnf");
        let err = read_path(&missing).unwrap_err();
        assert_eq!(err.line, 0);
        assert!(
            err.to_string()
                .starts_with(&format!("{}: cannot open: ", missing.display())),
            "{err}"
        );
        let err = read_path(&std::env::temp_dir()).unwrap_err();
        assert!(err.message.starts_with("read error"), "{err}");
    }

    #[test]
    fn add_clause_checks_and_widens() {
        let mut cnf = Cnf::new(2);
        assert_eq!(cnf.num_clauses(), 0);
        cnf.add_clause(&[1, -5]).unwrap();
        cnf.add_clause(&[]).unwrap();
        assert_eq!(cnf.num_vars, 5);
        assert!(cnf.add_clause(&[3, 0, 4]).unwrap_err().contains("is 0"));
        assert!(cnf
            .add_clause(&[i32::MIN])
            .unwrap_err()
            .contains("overflows"));
        assert!(cnf
            .add_clause(&[i32::MAX])
            .unwrap_err()
            .contains("overflows"));
        assert_eq!(
            (cnf.num_clauses(), cnf.num_literals(), cnf.num_vars),
            (2, 2, 5)
        );
        assert_eq!(cnf.clause(0), &[1, -5]);
        assert_eq!(cnf.clause(1), &[] as &[i32]);
        let mut hand_made = Cnf {
            offsets: vec![],
            ..Cnf::default()
        };
        assert_eq!(hand_made.num_clauses(), 0);
        hand_made.add_clause(&[1]).unwrap();
        assert_eq!(hand_made.clauses().collect::<Vec<_>>(), vec![&[1][..]]);
    }

    #[test]
    fn write_refuses_broken_formulas() {
        let mut cnf = Cnf::new(3);
        cnf.add_clause(&[1, 2]).unwrap();
        let broken = [
            Cnf {
                lits: vec![1, 0],
                offsets: vec![0, 2],
                ..cnf.clone()
            },
            Cnf {
                lits: vec![1, 4],
                ..cnf.clone()
            },
            Cnf {
                offsets: vec![0, 3],
                ..cnf.clone()
            },
            Cnf {
                offsets: vec![1, 2],
                ..cnf.clone()
            },
            Cnf {
                comments: vec!["a\0b".into()],
                ..cnf.clone()
            },
        ];
        for b in broken {
            let mut out = Vec::new();
            let err = write(&mut out, &b).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
            assert!(out.is_empty());
        }
    }

    #[test]
    fn writes_the_documented_format() {
        let mut cnf = Cnf::new(4);
        cnf.comments = vec!["first".into(), "".into(), "two\nlines".into()];
        cnf.add_clause(&[1, -2]).unwrap();
        cnf.add_clause(&[]).unwrap();
        cnf.add_clause(&[-2147483646]).unwrap();
        let mut out = Vec::new();
        write(&mut out, &cnf).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "c first\nc\nc two\nc lines\np cnf 2147483646 3\n1 -2 0\n0\n-2147483646 0\n"
        );
    }

    fn sample() -> Cnf {
        let mut cnf = Cnf::new(50);
        cnf.comments = vec!["generated for a round trip".into(), "second".into()];
        for i in 1..200 {
            cnf.add_clause(&[i % 50 + 1, -(i * 7 % 50 + 1), i * 3 % 50 + 1])
                .unwrap();
        }
        cnf.add_clause(&[]).unwrap();
        cnf
    }

    #[test]
    fn round_trip_through_files() {
        let cnf = sample();
        for ext in ["cnf", "cnf.gz", "cnf.xz", "CNF.GZ"] {
            let path = unique_temp(&format!("round-trip.{ext}"));
            write_path(&path, &cnf).unwrap();
            let raw = std::fs::read(&path).unwrap();
            let back = read_path(&path);
            std::fs::remove_file(&path).unwrap();
            let expected_magic: &[u8] = match ext {
                "cnf" => b"c ",
                "cnf.xz" => &[0xfd, b'7'],
                _ => &[0x1f, 0x8b],
            };
            assert!(raw.starts_with(expected_magic), "{ext}");
            assert_eq!(back.unwrap(), cnf, "{ext}");
        }
    }

    fn formula() -> impl Strategy<Value = Cnf> {
        (0u32..40).prop_flat_map(|vars| {
            let lit = if vars == 0 {
                Just(1).boxed() // unused: no clause can have literals
            } else {
                (1..=vars as i32, any::<bool>())
                    .prop_map(|(v, neg)| if neg { -v } else { v })
                    .boxed()
            };
            let max_len = if vars == 0 { 1 } else { 8 };
            (
                Just(vars),
                prop::collection::vec(prop::collection::vec(lit, 0..max_len), 0..30),
                prop::collection::vec("\\PC{0,20}", 0..4),
            )
                .prop_map(|(vars, clauses, comments)| {
                    let mut cnf = Cnf::new(vars);
                    for c in &clauses {
                        cnf.add_clause(c).unwrap();
                    }
                    cnf.comments = comments;
                    cnf
                })
        })
    }

    proptest! {
        #[test]
        fn random_formulas_round_trip(cnf in formula()) {
            let mut text = Vec::new();
            write(&mut text, &cnf).unwrap();
            prop_assert_eq!(&parse(&text).unwrap(), &cnf);
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            write(&mut gz, &cnf).unwrap();
            let gz = gz.finish().unwrap();
            prop_assert_eq!(&parse(&gz).unwrap(), &cnf);
            // Every strict prefix of a gzip stream is refused, never taken for a shorter formula.
            for cut in [0, gz.len() / 3, gz.len() / 2, gz.len() - 1] {
                prop_assert!(parse(&gz[..cut]).is_err());
            }
        }

        #[test]
        fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse(&data);
        }

        #[test]
        fn dimacs_like_noise_never_panics(
            body in "[-+pcnf%0-9 \t\r\n\u{0}\u{80}a]{0,300}",
            header in prop::bool::ANY,
        ) {
            let text = if header { format!("p cnf 9 3\n{body}") } else { body };
            if let Ok(cnf) = parse(text.as_bytes()) {
                prop_assert!(cnf.validate().is_ok());
                prop_assert!(cnf.lits.iter().all(|&l| crate::sat::Lit::from_dimacs(l).is_some()));
            }
        }

        #[test]
        fn corrupted_compressed_input_never_panics(
            flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
            use_xz in prop::bool::ANY,
        ) {
            let text = b"p cnf 5 3\n1 -2 0\n3 4 -5 0\n2 0\n";
            let mut data = if use_xz { xz(text) } else { gzip(text) };
            for (at, byte) in flips {
                let i = at.index(data.len());
                data[i] ^= byte;
            }
            let _ = parse(&data);
        }
    }

    /// Independent reference: whitespace splitting over the whole text.
    fn reference_parse(text: &str) -> (Vec<i32>, Vec<usize>) {
        let (mut lits, mut offsets) = (Vec::new(), vec![0]);
        for line in text.lines() {
            let t = line.trim_start();
            if t.starts_with('%') {
                break;
            }
            if t.starts_with('c') || t.starts_with('p') {
                continue;
            }
            for tok in t.split_whitespace() {
                let lit: i32 = tok.parse().unwrap();
                if lit == 0 {
                    offsets.push(lits.len());
                } else {
                    lits.push(lit);
                }
            }
        }
        (lits, offsets)
    }

    /// Parses every `*.cnf` of the benchmark set and checks each against a
    /// naive reference parser. Too slow in debug: run in release with
    /// `cargo test --release -p fastback-core --lib sat::dimacs -- --ignored --nocapture`.
    /// `FASTBACK_BENCH_SAT` overrides the directory.
    #[test]
    #[ignore]
    fn parses_every_benchmark_file() {
        let dir = std::env::var_os("FASTBACK_BENCH_SAT")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/sat")
            });
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "cnf"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no .cnf files in {}", dir.display());
        for path in &files {
            let start = Instant::now();
            let cnf = read_path(path).unwrap_or_else(|e| panic!("{e}"));
            let elapsed = start.elapsed();
            let text = std::fs::read_to_string(path).unwrap();
            let (lits, offsets) = reference_parse(&text);
            assert_eq!(cnf.lits, lits, "{}", path.display());
            assert_eq!(cnf.offsets, offsets, "{}", path.display());
            cnf.validate().unwrap();
            eprintln!(
                "{:>9.1} ms  {:>9} clauses {:>10} literals  {} bytes  {}  {:?}",
                elapsed.as_secs_f64() * 1e3,
                cnf.num_clauses(),
                cnf.num_literals(),
                text.len(),
                path.file_name().unwrap().to_string_lossy(),
                cnf.warnings,
            );
        }
        eprintln!("{} files parsed", files.len());
    }
}
