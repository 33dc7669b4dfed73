//! Bytes to text: the encodings Windows PowerShell 5.1, Topology Builder and Excel actually write.
//!
//! Order (FORMATS.md §9): the BOM decides; without one, UTF-16 is recognised by the `<` of an XML
//! document in either byte order; then strict UTF-8; then Windows-1252. The XML declaration never
//! overrides the BOM, so it is not read here at all.

use std::borrow::Cow;
use std::fmt;

use crate::import::ReadPages;

/// The encoding a file was read with, as reported in `inputs[].encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf16LeBom,
    Utf16BeBom,
    Utf16LeNoBom,
    Utf16BeNoBom,
    Utf8Bom,
    Utf8,
    /// Pure 7-bit text: what `Out-File -Encoding ascii` and a bare `Export-Csv` write (lossy for names).
    Ascii,
    Windows1252,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf16LeBom => "utf-16le",
            Encoding::Utf16BeBom => "utf-16be",
            Encoding::Utf16LeNoBom => "utf-16le-nobom",
            Encoding::Utf16BeNoBom => "utf-16be-nobom",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf8 => "utf-8",
            Encoding::Ascii => "ascii",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why bytes could not be turned into text. Messages are written for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub message: String,
    /// Byte offset of the offending byte, when there is one.
    pub offset: Option<usize>,
    /// 1-based line and column of the offending character in the text read so far, when the file
    /// is text up to that point (not for binary files or a cut-off UTF-16 file).
    pub line_col: Option<(u32, u32)>,
}

/// Decoded text plus the encoding it was read with. The BOM is not part of `text`.
/// UTF-8 input is borrowed, not copied: topologies can be large.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
}

/// Binary files show a control byte early; looking further would only slow down large text files.
const BINARY_SNIFF_BYTES: usize = 8192;

pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, DecodeError> {
    decode_passing(bytes, &ReadPages::none())
}

/// [`decode`], telling `pages` how far it has read as it goes, so that the pages of a mapped file
/// can leave memory (see `import::ReadPages`).
pub(crate) fn decode_passing<'b>(
    bytes: &'b [u8],
    pages: &ReadPages<'_>,
) -> Result<Decoded<'b>, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError {
            message: "the file is empty".into(),
            offset: None,
            line_col: None,
        });
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, ByteOrder::Little, Encoding::Utf16LeBom, pages);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, ByteOrder::Big, Encoding::Utf16BeBom, pages);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return match pages.utf8(rest) {
            Ok(checked) => Ok(Decoded {
                text: Cow::Borrowed(checked.text),
                encoding: Encoding::Utf8Bom,
            }),
            Err(valid_up_to) => {
                let valid = std::str::from_utf8(&rest[..valid_up_to]).unwrap_or_default();
                Err(DecodeError {
                    message: format!(
                        "the file starts with a UTF-8 byte order mark but byte {} is not valid UTF-8; re-export it",
                        valid_up_to + 3
                    ),
                    offset: Some(valid_up_to + 3),
                    line_col: Some(line_col(valid, valid.len())),
                })
            }
        };
    }
    // UTF-16 without BOM: XML 1.0 appendix F, an initial '<' followed or preceded by NUL.
    if bytes.len() >= 4 && bytes[0] == b'<' && bytes[1] == 0 && bytes[3] == 0 {
        return utf16(bytes, ByteOrder::Little, Encoding::Utf16LeNoBom, pages);
    }
    if bytes.len() >= 4 && bytes[0] == 0 && bytes[1] == b'<' && bytes[2] == 0 {
        return utf16(bytes, ByteOrder::Big, Encoding::Utf16BeNoBom, pages);
    }
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
    if let Some(pos) = head.iter().position(|&b| is_binary_byte(b)) {
        return Err(DecodeError {
            message: format!(
                "this is a binary file, not a text export (control byte 0x{:02X} at offset {pos})",
                bytes[pos]
            ),
            offset: Some(pos),
            line_col: None,
        });
    }
    // The check drops the pages it has read as it goes: the reader reads them again from the
    // start, bringing back in only what it is passing over.
    match pages.utf8(bytes) {
        Ok(checked) => Ok(Decoded {
            text: Cow::Borrowed(checked.text),
            encoding: if checked.ascii {
                Encoding::Ascii
            } else {
                Encoding::Utf8
            },
        }),
        Err(_) => windows_1252(bytes),
    }
}

/// NUL and C0 controls other than tab, LF, CR, form feed never occur in the exports we read.
fn is_binary_byte(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)
}

/// The order of the two bytes of a UTF-16 code unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ByteOrder {
    Little,
    Big,
}

fn utf16(
    bytes: &[u8],
    order: ByteOrder,
    encoding: Encoding,
    pages: &ReadPages<'_>,
) -> Result<Decoded<'static>, DecodeError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(DecodeError {
            message: format!(
                "the file looks like {} but has an odd number of bytes: it was cut off or is not UTF-16",
                encoding.label()
            ),
            offset: Some(bytes.len()),
            line_col: None,
        });
    }
    // Mostly ASCII content decodes to half its UTF-16 size. Reserving that plus more than one chunk
    // can grow keeps the common case at a single allocation and never holds a full-size copy.
    let capacity = bytes.len() / 2 + 2 * UTF16_CHUNK_BYTES;
    let decoded = if bytes.len() >= UTF16_TWO_THREADS_FROM_BYTES {
        utf16_on_two_threads(bytes, order, capacity, pages)
    } else {
        utf16_part(bytes, order, capacity, pages)
    };
    match decoded {
        Some(text) => {
            // The text is a copy: the pages the decoding kept (the step the cut falls in, the last
            // step) are not read again while it is parsed and the model is built.
            pages.read_all();
            Ok(Decoded {
                text: Cow::Owned(text),
                encoding,
            })
        }
        None => Err(utf16_error(bytes, order, encoding)),
    }
}

/// Text from this size on (in UTF-16 bytes) is decoded on two threads, as the topology reader
/// reads from 1 MiB of UTF-8 on (issue 12: the UTF-16 audit within 1.3x of the UTF-8 one).
const UTF16_TWO_THREADS_FROM_BYTES: usize = 2 << 20;

/// `bytes` decoded in two halves at once, the second on a task of rayon's pool, or `None` when
/// either half holds an unpaired surrogate. The halves are cut between two code units, after a
/// whole surrogate pair: so the halves decode without error exactly when the whole does, and
/// then to the same text. Any error is left to the caller, which names it from the whole file.
///
/// Each half is decoded straight into its place in the text: the length of the first half in
/// UTF-8 is counted first (a quarter of the file on each thread), so the second half starts right
/// after it. Decoding the second half into a string of its own and appending it wrote every byte
/// of it twice, into pages the system had to supply twice (issue 12, ninth pass: a third of the
/// system time of a 100 MB UTF-16 audit).
fn utf16_on_two_threads(
    bytes: &[u8],
    order: ByteOrder,
    capacity: usize,
    pages: &ReadPages<'_>,
) -> Option<String> {
    let mut cut = bytes.len() / 4 * 2;
    if is_low_surrogate(bytes, cut, order) {
        cut += 2;
    }
    let (first, second) = bytes.split_at(cut);
    let quarter = first.len() / 4 * 2;
    let (a, b) = rayon::join(
        || utf8_len(&first[..quarter], order),
        || utf8_len(&first[quarter..], order),
    );
    let first_len = a + b;
    // Zeroed memory from the system is not touched until written: the bound for the second half
    // (three UTF-8 bytes for each code unit) costs address space, not memory.
    let mut text = vec![0_u8; first_len + second.len() / 2 * 3];
    let (first_out, second_out) = text.split_at_mut(first_len);
    let (first_pages, second_pages) = pages.split_at(first);
    let (first_written, second_written) = rayon::join(
        move || utf16_into(first, order, first_out, &first_pages),
        move || utf16_into(second, order, second_out, &second_pages),
    );
    let second_len = match (first_written, second_written) {
        (Ok(n), Ok(second_len)) if n == first_len => second_len,
        (Err(Stop::Malformed), _) | (_, Err(Stop::Malformed)) => return None,
        // Not reached: the count is exact for text that decodes, and the bound holds for any.
        _ => return utf16_part(bytes, order, capacity, pages),
    };
    text.truncate(first_len + second_len);
    Some(decoded_utf8(text))
}

/// The text of bytes written by `encoding_rs`'s decoders, one after the other.
// The fourth use of `unsafe` (the other three are in src/import/mod.rs): the standard library cannot
// take bytes known to be UTF-8 as a `String` without checking them all again, which took as long
// as decoding one of the two halves.
#[allow(unsafe_code)]
fn decoded_utf8(text: Vec<u8>) -> String {
    debug_assert!(std::str::from_utf8(&text).is_ok());
    // SAFETY: `text` is the UTF-8 that `encoding_rs`'s `decode_to_utf8_without_replacement` wrote
    // for the first half, exactly filling its `first_len` bytes, followed by the `second_len`
    // bytes it reported written for the second half; anything after those was cut off. That
    // function writes UTF-8 up to what it reports written (`encoding_rs`'s own `decode_to_str`
    // relies on it), and the halves are cut between two characters (after a whole surrogate
    // pair), so each ends at a character boundary and the two joined are UTF-8. Debug builds,
    // and so the tests, check it.
    unsafe { String::from_utf8_unchecked(text) }
}

/// Why [`utf16_into`] stopped before the end of its input.
#[derive(Debug)]
enum Stop {
    /// An unpaired surrogate.
    Malformed,
    /// The output was too short.
    OutputFull,
}

/// `bytes` (whole code units) decoded into the start of `out`, in chunks that let `pages` drop
/// what was decoded; the number of bytes written.
fn utf16_into(
    bytes: &[u8],
    order: ByteOrder,
    out: &mut [u8],
    pages: &ReadPages<'_>,
) -> Result<usize, Stop> {
    let mut decoder = decoder_for(order);
    let mut written = 0;
    let mut decoded_up_to = 0;
    let mut chunks = bytes.chunks(UTF16_CHUNK_BYTES).peekable();
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        let (result, read, n) =
            decoder.decode_to_utf8_without_replacement(chunk, &mut out[written..], last);
        written += n;
        decoded_up_to += read;
        pages.passed(&bytes[..decoded_up_to]);
        match result {
            encoding_rs::DecoderResult::InputEmpty => {}
            encoding_rs::DecoderResult::Malformed(_, _) => return Err(Stop::Malformed),
            encoding_rs::DecoderResult::OutputFull => return Err(Stop::OutputFull),
        }
    }
    Ok(written)
}

/// The length in UTF-8 of `bytes` (whole code units) if they decode: a code unit below U+0080
/// takes one byte, below U+0800 two, any other three, except that a surrogate pair (one character
/// outside the BMP) takes four, two for each of its units.
fn utf8_len(bytes: &[u8], order: ByteOrder) -> usize {
    fn count(bytes: &[u8], unit: impl Fn([u8; 2]) -> u16) -> usize {
        bytes
            .chunks_exact(2)
            .map(|pair| {
                let u = unit([pair[0], pair[1]]);
                1 + usize::from(u >= 0x80)
                    + usize::from(u >= 0x800 && !(0xD800..=0xDFFF).contains(&u))
            })
            .sum()
    }
    match order {
        ByteOrder::Little => count(bytes, u16::from_le_bytes),
        ByteOrder::Big => count(bytes, u16::from_be_bytes),
    }
}

/// A decoder for UTF-16 in `order` that takes a byte order mark as content: the caller stripped
/// the first one, and a second one would be content, as it was before.
fn decoder_for(order: ByteOrder) -> encoding_rs::Decoder {
    match order {
        ByteOrder::Little => encoding_rs::UTF_16LE,
        ByteOrder::Big => encoding_rs::UTF_16BE,
    }
    .new_decoder_without_bom_handling()
}

/// Whether the code unit at byte `at` (even) is the second half of a surrogate pair.
fn is_low_surrogate(bytes: &[u8], at: usize, order: ByteOrder) -> bool {
    let Some(&[a, b]) = bytes.get(at..at + 2) else {
        return false;
    };
    let unit = match order {
        ByteOrder::Little => u16::from_le_bytes([a, b]),
        ByteOrder::Big => u16::from_be_bytes([a, b]),
    };
    (0xDC00..=0xDFFF).contains(&unit)
}

/// `bytes` (whole code units) decoded into a string reserved at `capacity`, in chunks that let
/// `pages` drop what was decoded; `None` at an unpaired surrogate, the end included.
fn utf16_part(
    bytes: &[u8],
    order: ByteOrder,
    capacity: usize,
    pages: &ReadPages<'_>,
) -> Option<String> {
    let mut decoder = decoder_for(order);
    let mut text = String::with_capacity(capacity);
    // Each chunk is decoded into this small string, then appended to the text. encoding_rs writes
    // a byte into every page of the spare capacity of the string it decodes into, at each call
    // (`minimally_init`): decoding straight into the text, reserved for all of it, touched its
    // whole remaining capacity once per chunk, quadratic in the file (issue 12: 0.45 of the
    // 1.37 CPU seconds of a 100 MB UTF-16 audit, 2.2x the UTF-8 audit; 1.2x at 20 MB). The copy
    // of each chunk costs far less.
    let mut decoded = String::new();
    let mut chunks = bytes.chunks(UTF16_CHUNK_BYTES).peekable();
    let mut decoded_up_to = 0;
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        let most = decoder
            .max_utf8_buffer_length_without_replacement(chunk.len())
            .unwrap_or(usize::MAX);
        decoded.clear();
        decoded.reserve(most);
        let (result, _) = decoder.decode_to_string_without_replacement(chunk, &mut decoded, last);
        text.push_str(&decoded);
        decoded_up_to += chunk.len();
        pages.passed(&bytes[..decoded_up_to]);
        match result {
            encoding_rs::DecoderResult::InputEmpty => {}
            encoding_rs::DecoderResult::Malformed(_, _) => return None,
            encoding_rs::DecoderResult::OutputFull => {
                unreachable!("reserved the decoder's own upper bound for the chunk")
            }
        }
    }
    Some(text)
}

/// Input bytes decoded per call to the UTF-16 decoder (even, so no chunk splits a code unit).
const UTF16_CHUNK_BYTES: usize = 1 << 16;

/// The error for UTF-16 that `encoding_rs` refused: found again with the standard library's
/// decoder, which says exactly which unit is unpaired. Only damaged files take this slow path.
fn utf16_error(bytes: &[u8], order: ByteOrder, encoding: Encoding) -> DecodeError {
    let units = bytes.chunks_exact(2).map(|c| match order {
        ByteOrder::Little => u16::from_le_bytes([c[0], c[1]]),
        ByteOrder::Big => u16::from_be_bytes([c[0], c[1]]),
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    // Code units before the current one: a character outside the BMP takes two.
    let mut unit = 0;
    for r in char::decode_utf16(units) {
        match r {
            Ok(c) => {
                text.push(c);
                unit += c.len_utf16();
            }
            Err(_) => {
                return DecodeError {
                    message: format!(
                        "invalid UTF-16 (unpaired surrogate) at byte {}: the file is damaged or not {}",
                        unit * 2,
                        encoding.label()
                    ),
                    offset: Some(unit * 2),
                    line_col: Some(line_col(&text, text.len())),
                };
            }
        }
    }
    // Not reached: both decoders follow the Unicode definition of an unpaired surrogate.
    DecodeError {
        message: format!(
            "invalid UTF-16: the file is damaged or not {}",
            encoding.label()
        ),
        offset: None,
        line_col: None,
    }
}

/// Windows-1252 bytes 0x80..=0x9F; `None` marks the five undefined positions.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('\u{20AC}'),
    None,
    Some('\u{201A}'),
    Some('\u{0192}'),
    Some('\u{201E}'),
    Some('\u{2026}'),
    Some('\u{2020}'),
    Some('\u{2021}'),
    Some('\u{02C6}'),
    Some('\u{2030}'),
    Some('\u{0160}'),
    Some('\u{2039}'),
    Some('\u{0152}'),
    None,
    Some('\u{017D}'),
    None,
    None,
    Some('\u{2018}'),
    Some('\u{2019}'),
    Some('\u{201C}'),
    Some('\u{201D}'),
    Some('\u{2022}'),
    Some('\u{2013}'),
    Some('\u{2014}'),
    Some('\u{02DC}'),
    Some('\u{2122}'),
    Some('\u{0161}'),
    Some('\u{203A}'),
    Some('\u{0153}'),
    None,
    Some('\u{017E}'),
    Some('\u{0178}'),
];

fn windows_1252(bytes: &[u8]) -> Result<Decoded<'static>, DecodeError> {
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    for (i, &b) in bytes.iter().enumerate() {
        let c = match b {
            0x00..=0x7F | 0xA0..=0xFF => char::from(b),
            _ => match CP1252_HIGH[usize::from(b - 0x80)] {
                Some(c) => c,
                None => {
                    return Err(DecodeError {
                        message: format!(
                            "the file is neither UTF-8, UTF-16 nor Windows-1252 (byte 0x{b:02X} at offset {i}); \
                             save it as UTF-8 or re-export it with -Encoding UTF8"
                        ),
                        offset: Some(i),
                        line_col: Some(line_col(&text, text.len())),
                    });
                }
            },
        };
        text.push(c);
    }
    Ok(Decoded {
        text: Cow::Owned(text),
        encoding: Encoding::Windows1252,
    })
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    // Inputs are at most `MAX_FILE_BYTES`, far below u32::MAX lines or columns; saturate anyway.
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16le_bom_with_crlf() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "<a>\r\nü</a>".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "<a>\r\nü</a>");
        assert_eq!(d.encoding, Encoding::Utf16LeBom);
    }

    #[test]
    fn utf16be_bom() {
        let mut bytes = vec![0xFE, 0xFF];
        for u in "<a/>".encode_utf16() {
            bytes.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(&bytes).unwrap().encoding, Encoding::Utf16BeBom);
    }

    #[test]
    fn utf16le_without_bom_is_sniffed() {
        let bytes: Vec<u8> = "<a/>"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let d = decode(&bytes).unwrap();
        assert_eq!((&*d.text, d.encoding), ("<a/>", Encoding::Utf16LeNoBom));
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBF<a>\xC3\xBC</a>").unwrap();
        assert_eq!((&*d.text, d.encoding), ("<a>ü</a>", Encoding::Utf8Bom));
    }

    #[test]
    fn ascii_and_utf8_are_told_apart() {
        assert_eq!(decode(b"<a/>").unwrap().encoding, Encoding::Ascii);
        assert_eq!(
            decode("<a>é</a>".as_bytes()).unwrap().encoding,
            Encoding::Utf8
        );
    }

    #[test]
    fn windows_1252_fallback() {
        let d = decode(b"M\xFCnchen \x80").unwrap();
        assert_eq!((&*d.text, d.encoding), ("München €", Encoding::Windows1252));
    }

    #[test]
    fn undefined_1252_byte_is_an_error() {
        let e = decode(b"abc\x81").unwrap_err();
        assert_eq!(e.offset, Some(3));
        assert_eq!(e.line_col, Some((1, 4)));
        // The position counts Windows-1252 characters, so it matches what an editor shows.
        let e = decode(b"<a>\r\n  <b>M\xFC\x81</b>").unwrap_err();
        assert_eq!(e.line_col, Some((2, 8)));
        assert!(e.message.contains("neither UTF-8"), "{}", e.message);
    }

    #[test]
    fn invalid_utf8_after_a_bom_has_a_position() {
        let e = decode(b"\xEF\xBB\xBF<a>\n<b>\xC3(</b>").unwrap_err();
        assert_eq!((e.offset, e.line_col), (Some(10), Some((2, 4))));
    }

    #[test]
    fn empty_and_binary_are_errors() {
        assert!(decode(b"").unwrap_err().message.contains("empty"));
        assert!(
            decode(b"\x7FELF\x02\x01\x01\x00")
                .unwrap_err()
                .message
                .contains("binary")
        );
    }

    fn utf16le(text: &str, tail: &[u16]) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16().chain(tail.iter().copied()) {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn unpaired_surrogates_are_located_exactly() {
        // A lone low surrogate after a character outside the BMP (two code units) on line 2.
        let e = decode(&utf16le("<a>\r\n\u{1F600}ü", &[0xDC00, 0x41])).unwrap_err();
        assert_eq!(e.offset, Some(2 * 8));
        assert_eq!(e.line_col, Some((2, 3)));
        assert!(
            e.message.contains("unpaired surrogate) at byte 16"),
            "{}",
            e.message
        );
        // A high surrogate followed by an ordinary character, and one that ends the file.
        let e = decode(&utf16le("<a>", &[0xD800, 0x41])).unwrap_err();
        assert_eq!((e.offset, e.line_col), (Some(6), Some((1, 4))));
        let e = decode(&utf16le("<a>x", &[0xD83D])).unwrap_err();
        assert_eq!((e.offset, e.line_col), (Some(8), Some((1, 5))));
    }

    #[test]
    fn utf16_longer_than_a_chunk_decodes_whole() {
        // Non-ASCII and a surrogate pair straddle the chunk boundaries of the decoder.
        let text: String = (0..40_000)
            .map(|i| ["a", "ü", "\u{1F600}", "\n"][i % 4])
            .collect();
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        for bytes in [utf16le(&text, &[]), be] {
            assert_eq!(decode(&bytes).unwrap().text, text);
        }
    }

    /// The units of `text` with `damage` written over them at `at`, as bytes in `order`.
    fn units_as_bytes(text: &str, damage: &[u16], at: usize, order: ByteOrder) -> Vec<u8> {
        let mut units: Vec<u16> = text.encode_utf16().collect();
        for (k, &u) in damage.iter().enumerate() {
            if let Some(slot) = units.get_mut(at + k) {
                *slot = u;
            }
        }
        units
            .iter()
            .flat_map(|u| match order {
                ByteOrder::Little => u.to_le_bytes(),
                ByteOrder::Big => u.to_be_bytes(),
            })
            .collect()
    }

    #[test]
    fn utf16_on_two_threads_is_the_one_thread_decoding() {
        // Every alignment of a surrogate pair and of non-ASCII at the cut, intact and with
        // unpaired surrogates written around it: both must decode to the same text or both fail.
        let damages: [&[u16]; 5] = [
            &[],
            &[0xDC00],
            &[0xD800],
            &[0xD800, 0x41],
            &[0xDC00, 0xDC00],
        ];
        let mut compared = 0;
        let mut refused = 0;
        for order in [ByteOrder::Little, ByteOrder::Big] {
            for lead in 0..6 {
                let text: String = "a".repeat(lead)
                    + &(0..300)
                        .map(|i| ["\u{1F600}", "ü", "x", "\n"][i % 4])
                        .collect::<String>();
                let middle = text.encode_utf16().count() / 2;
                for damage in damages {
                    for at in middle.saturating_sub(2)..middle + 2 {
                        let bytes = units_as_bytes(&text, damage, at, order);
                        let two = utf16_on_two_threads(&bytes, order, 0, &ReadPages::none());
                        let one = utf16_part(&bytes, order, 0, &ReadPages::none());
                        assert_eq!(
                            two, one,
                            "order {order:?}, lead {lead}, damage {damage:?} at {at}"
                        );
                        compared += 1;
                        refused += usize::from(one.is_none());
                    }
                }
            }
        }
        // The damage did make some inputs fail, so the refusals were compared too.
        assert!(refused > 0 && refused < compared, "{refused} of {compared}");
    }

    #[test]
    fn utf16_on_two_threads_fills_each_half_in_place_over_many_chunks() {
        // Characters of one to four UTF-8 bytes across many decoder chunks in each half: the
        // first half's counted length must be exactly what it decodes to.
        for n in [UTF16_CHUNK_BYTES * 3 + 7, UTF16_CHUNK_BYTES * 5 + 1] {
            let text: String = (0..n)
                .map(|i| ["a", "ü", "€", "\u{1F600}", "\r\n"][(i * 7 + i / 3) % 5])
                .collect();
            for order in [ByteOrder::Little, ByteOrder::Big] {
                let bytes = units_as_bytes(&text, &[], 0, order);
                let (first, _) = bytes.split_at(bytes.len() / 4 * 2);
                assert_eq!(
                    utf8_len(first, order),
                    utf16_part(first, order, 0, &ReadPages::none())
                        .unwrap()
                        .len()
                );
                let two = utf16_on_two_threads(&bytes, order, 0, &ReadPages::none());
                assert_eq!(two.as_deref(), Some(text.as_str()), "{order:?}, {n}");
            }
        }
    }

    #[test]
    fn odd_utf16_is_an_error() {
        assert!(decode(&[0xFF, 0xFE, b'<', 0, b'a']).is_err());
    }

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\ncü<x";
        assert_eq!(line_col(t, t.find('<').unwrap()), (2, 3));
        assert_eq!(line_col(t, 0), (1, 1));
    }
}
