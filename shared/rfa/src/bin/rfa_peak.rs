//! The memory probe behind `bench.sh rfa`: writes the crafted file, or reads one with the
//! bounded reader or (for the before figure) with the general-purpose `cfb` crate, so the
//! bench can take each reader's peak RSS in a process of its own.
//!
//! rfa-peak craft PATH MIB     a valid file of about MIB MiB: one long directory chain
//! rfa-peak large PATH MIB     a sound family of about MIB MiB: one large stream
//! rfa-peak bounded PATH       pirros_rfa::inspect
//! rfa-peak cfb PATH           cfb::CompoundFile::open, then every entry's name

use std::io::Write;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: rfa-peak craft|large PATH MIB | bounded PATH | cfb PATH";
    let (Some(mode), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    match mode.as_str() {
        "craft" | "large" => {
            let mib: usize = args.get(3).and_then(|m| m.parse().ok()).unwrap_or(190);
            // Four 128-byte entries per 512-byte sector, plus the FAT's share.
            let entries = mib * 1024 * 1024 / 129;
            let layout = if mode == "craft" {
                pirros_rfa::craft::long_directory(entries)
            } else {
                pirros_rfa::craft::large_family(mib * 1024 * 1024)
            };
            let bytes = layout.bytes();
            let mut file = std::fs::File::create(path).expect("create");
            file.write_all(&bytes).expect("write");
            println!("{{\"bytes\": {}, \"entries\": {entries}}}", bytes.len());
        }
        "bounded" => {
            let started = Instant::now();
            let file = std::fs::File::open(path).expect("open");
            let outcome = pirros_rfa::inspect(std::io::BufReader::new(file));
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let answer = match outcome {
                Ok(info) => format!("ok, revit_version {:?}", info.revit_version),
                Err(e) => format!("{}: {e}", e.code()),
            };
            println!("{{\"ms\": {ms:.1}, \"answer\": {answer:?}}}");
        }
        "cfb" => {
            let started = Instant::now();
            let file = std::fs::File::open(path).expect("open");
            let answer = match cfb::CompoundFile::open(std::io::BufReader::new(file)) {
                Ok(c) => format!("ok, {} entries", c.walk().count()),
                Err(e) => format!("error: {e}"),
            };
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            println!("{{\"ms\": {ms:.1}, \"answer\": {answer:?}}}");
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
}
