//! The least of the ZIP format an XLSX needs: deflated entries, a central directory, no
//! ZIP64 (a workbook of this dataset is far below 4 GiB), a fixed timestamp so the same data
//! gives the same bytes (and the same ETag).

use std::io::Write;

use flate2::write::DeflateEncoder;
use flate2::Compression;

/// 1980-01-01 00:00 in DOS time: no clock in the bytes.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

struct Entry {
    name: String,
    crc: u32,
    compressed: u32,
    size: u32,
    offset: u32,
}

/// An archive written in memory.
pub struct Zip {
    out: Vec<u8>,
    entries: Vec<Entry>,
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Zip {
    pub fn new() -> Zip {
        Zip {
            out: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// Adds a file, deflated.
    pub fn add(&mut self, name: &str, data: &[u8]) {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        // Writing to a Vec cannot fail.
        let _ = encoder.write_all(data);
        let compressed = encoder.finish().unwrap_or_default();
        let entry = Entry {
            name: name.to_string(),
            crc: crc32fast::hash(data),
            compressed: u32_of(compressed.len()),
            size: u32_of(data.len()),
            offset: u32_of(self.out.len()),
        };
        let o = &mut self.out;
        o.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        o.extend_from_slice(&20u16.to_le_bytes()); // version needed
        o.extend_from_slice(&(1u16 << 11).to_le_bytes()); // flags: UTF-8 names
        o.extend_from_slice(&8u16.to_le_bytes()); // deflate
        o.extend_from_slice(&DOS_TIME.to_le_bytes());
        o.extend_from_slice(&DOS_DATE.to_le_bytes());
        o.extend_from_slice(&entry.crc.to_le_bytes());
        o.extend_from_slice(&entry.compressed.to_le_bytes());
        o.extend_from_slice(&entry.size.to_le_bytes());
        o.extend_from_slice(&u16::try_from(name.len()).unwrap_or(u16::MAX).to_le_bytes());
        o.extend_from_slice(&0u16.to_le_bytes()); // extra
        o.extend_from_slice(name.as_bytes());
        o.extend_from_slice(&compressed);
        self.entries.push(entry);
    }

    /// The archive's bytes, central directory included.
    pub fn finish(mut self) -> Vec<u8> {
        let start = u32_of(self.out.len());
        for e in &self.entries {
            let o = &mut self.out;
            o.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            o.extend_from_slice(&20u16.to_le_bytes()); // made by
            o.extend_from_slice(&20u16.to_le_bytes()); // needed
            o.extend_from_slice(&(1u16 << 11).to_le_bytes());
            o.extend_from_slice(&8u16.to_le_bytes());
            o.extend_from_slice(&DOS_TIME.to_le_bytes());
            o.extend_from_slice(&DOS_DATE.to_le_bytes());
            o.extend_from_slice(&e.crc.to_le_bytes());
            o.extend_from_slice(&e.compressed.to_le_bytes());
            o.extend_from_slice(&e.size.to_le_bytes());
            o.extend_from_slice(
                &u16::try_from(e.name.len())
                    .unwrap_or(u16::MAX)
                    .to_le_bytes(),
            );
            o.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
            o.extend_from_slice(&0u32.to_le_bytes()); // external attributes
            o.extend_from_slice(&e.offset.to_le_bytes());
            o.extend_from_slice(e.name.as_bytes());
        }
        let size = u32_of(self.out.len()) - start;
        let count = u16::try_from(self.entries.len()).unwrap_or(u16::MAX);
        let o = &mut self.out;
        o.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        o.extend_from_slice(&[0; 4]); // disk numbers
        o.extend_from_slice(&count.to_le_bytes());
        o.extend_from_slice(&count.to_le_bytes());
        o.extend_from_slice(&size.to_le_bytes());
        o.extend_from_slice(&start.to_le_bytes());
        o.extend_from_slice(&0u16.to_le_bytes()); // comment
        self.out
    }
}
