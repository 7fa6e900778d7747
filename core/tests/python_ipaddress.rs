//! Differential test of the strict CIDR parser against Python's `ipaddress` in strict mode
//! on generated inputs. Whatever we accept, Python accepts with the same canonical text;
//! whatever Python accepts and we refuse falls in a category we refuse on purpose, one of
//! the bad-input classes (tests/vectors/bad-input-row-*).

use hybridplan::cidr::{CidrError, parse_cidr};
use std::io::Write;
use std::process::{Command, Stdio};

/// xorshift64*: a fixed-seed generator so that every run tests the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn base(rng: &mut Rng) -> String {
    if rng.below(2) == 0 {
        let len = rng.below(33) as u32;
        let addr = (rng.next() as u32) & u32::MAX.checked_shl(32 - len).unwrap_or(0);
        format!("{}/{len}", std::net::Ipv4Addr::from(addr))
    } else {
        let len = rng.below(129) as u32;
        let raw = (u128::from(rng.next()) << 64) | u128::from(rng.next());
        // Bias toward short and zero-rich addresses, where the spellings differ most.
        let raw = if rng.below(2) == 0 {
            raw >> rng.below(128)
        } else {
            raw
        };
        let addr = raw & u128::MAX.checked_shl(128 - len).unwrap_or(0);
        format!("{}/{len}", std::net::Ipv6Addr::from(addr))
    }
}

fn mutate(rng: &mut Rng, s: String) -> String {
    let (addr, len) = s.split_once('/').unwrap();
    match rng.below(16) {
        0..=2 => s,
        3 => format!("{addr}/0{len}"),
        4 => format!("{addr}/+{len}"),
        5 => addr.to_owned(),
        6 => format!(" {s}"),
        7 => format!("{s}\n"),
        8 => s.to_uppercase(),
        9 => {
            // Set a random host bit.
            let last = addr.rsplit(['.', ':']).next().unwrap_or("");
            let bumped = if addr.contains(':') { "1" } else { "7" };
            format!("{}{bumped}/{len}", &addr[..addr.len() - last.len()])
        }
        10 => format!("{}/{}", addr.replacen('.', ".0", 1), len),
        11 => format!("{addr}%eth0/{len}"),
        12 => format!("{addr}/255.255.0.0"),
        13 => format!("::ffff:{addr}/{len}"),
        14 => format!(
            "{addr}/{}",
            len.parse::<u32>().unwrap_or(0) + 1 + rng.below(3) as u32 * 40
        ),
        _ => {
            let mut bytes = s.into_bytes();
            let i = rng.below(bytes.len() as u64) as usize;
            bytes[i] = b"0123456789abcdef.:/x%-+ "[rng.below(24) as usize];
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

/// Categories where Python accepts and we refuse on purpose (rows as in the bad-input vectors).
fn stricter_on_purpose(e: &CidrError) -> bool {
    matches!(
        e,
        CidrError::BadLength(_)          // row 4: leading zeros or signs in the length
            | CidrError::Netmask(_)      // row 5: netmask notation
            | CidrError::Zone(_)         // row 11: zones
            | CidrError::EmbeddedIpv4(_) // rows 9, 10: IPv4 inside IPv6 notation
            | CidrError::Ipv4Mapped(_)
            | CidrError::Ipv4Compatible(_)
            | CidrError::MissingLength(_) // Python reads a bare address as /32
            | CidrError::Whitespace // row 14: Python strips some white space
    )
}

#[test]
fn parser_agrees_with_python_ipaddress_strict() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let inputs: Vec<String> = (0..20_000)
        .map(|_| {
            let b = base(&mut rng);
            mutate(&mut rng, b)
        })
        .collect();
    let mut child = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/oracle/ipaddress_oracle.py"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 must be installed to run the differential test");
    let payload = serde_json::to_vec(&inputs).unwrap();
    child.stdin.take().unwrap().write_all(&payload).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the oracle failed");
    let python: Vec<Option<String>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(python.len(), inputs.len());

    let mut failures = Vec::new();
    let (mut both, mut stricter) = (0, 0);
    for (input, py) in inputs.iter().zip(&python) {
        match (parse_cidr(input), py) {
            (Ok(ours), Some(theirs)) => {
                both += 1;
                if ours.to_string() != *theirs {
                    failures.push(format!("{input:?}: we read {ours}, Python {theirs}"));
                }
            }
            (Ok(ours), None) => {
                failures.push(format!("{input:?}: we accept {ours}, Python refuses"))
            }
            (Err(e), Some(theirs)) if !stricter_on_purpose(&e) => {
                failures.push(format!("{input:?}: we refuse ({e}), Python reads {theirs}"))
            }
            (Err(_), Some(_)) => stricter += 1,
            (Err(_), None) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures[..failures.len().min(30)].join("\n")
    );
    // The generator must exercise both sides, or the test proves nothing.
    assert!(both > 5_000, "only {both} inputs accepted by both");
    assert!(
        stricter > 1_000,
        "only {stricter} inputs refused on purpose"
    );
}
