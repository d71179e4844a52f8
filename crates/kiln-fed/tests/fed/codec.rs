//! The message encoding: exact round trips, byte counts, typed errors, mutated bytes.

use kiln_fed::FedError;
use kiln_fed::core::codec::{HEADER_LEN, MAGIC, VERSION};
use kiln_fed::core::{Endpoint, InProcess, Message, NamedTensor, ParamSet, PrototypeEntry, Transport, decode, encode};

fn params() -> ParamSet {
    ParamSet {
        tensors: vec![
            NamedTensor {
                path: "hidden.0.weight".into(),
                shape: vec![2, 3],
                values: vec![1.5, -0.0, f32::MIN_POSITIVE, 1e-45, f32::MAX, f32::INFINITY],
            },
            NamedTensor { path: "head.bias".into(), shape: vec![2], values: vec![0.25, -7.0] },
            NamedTensor { path: "scalar".into(), shape: vec![], values: vec![3.0] },
        ],
    }
}

fn messages() -> Vec<Message> {
    vec![
        Message::Broadcast { round: 12, params: params() },
        Message::Update {
            client: 7,
            num_examples: 143,
            params: params(),
            metrics: vec![("train_accuracy".into(), 0.875), ("train_loss".into(), 0.3125)],
        },
        Message::Prototypes {
            client: 3,
            entries: vec![
                PrototypeEntry { label: 0, count: 5, vector: vec![0.5, -1.0, 2.0] },
                PrototypeEntry { label: 9, count: 1, vector: vec![] },
            ],
        },
        Message::Broadcast { round: 0, params: ParamSet::default() },
    ]
}

fn bits(p: &ParamSet) -> Vec<u32> {
    p.tensors.iter().flat_map(|t| t.values.iter().map(|v| v.to_bits())).collect()
}

#[test]
fn messages_round_trip_exactly() {
    for message in messages() {
        let bytes = encode(&message);
        assert_eq!(&bytes[..4], &MAGIC);
        assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), VERSION);
        let payload = u64::from_le_bytes(bytes[7..15].try_into().unwrap()) as usize;
        assert_eq!(payload + HEADER_LEN, bytes.len());
        let back = decode(&bytes).unwrap();
        assert_eq!(back, message);
        if let (Message::Broadcast { params: a, .. }, Message::Broadcast { params: b, .. }) = (&back, &message) {
            assert_eq!(bits(a), bits(b), "-0.0 and subnormals keep their bits");
        }
    }
    // By hand: a broadcast of round 1 with no tensors is header + u64 + u32.
    let empty = encode(&Message::Broadcast { round: 1, params: ParamSet::default() });
    assert_eq!(empty.len(), HEADER_LEN + 8 + 4);
    assert_eq!(&empty[HEADER_LEN..HEADER_LEN + 8], &1u64.to_le_bytes());
}

#[test]
fn transport_counts_encoded_bytes() {
    let transport = InProcess::new();
    for message in messages() {
        let expected = encode(&message).len();
        assert_eq!(transport.send(Endpoint::Client(4), &message).unwrap(), expected);
        let (back, received) = transport.recv(Endpoint::Client(4)).unwrap();
        assert_eq!(received, expected);
        assert_eq!(back, message);
    }
    // An empty queue is a typed error naming the endpoint, not a hang.
    let quick = InProcess::new().with_timeout(std::time::Duration::from_millis(10));
    let err = quick.recv(Endpoint::Server).unwrap_err();
    assert!(matches!(&err, FedError::Transport { endpoint, .. } if endpoint == "server"), "{err}");
}

#[test]
fn wrong_version_magic_and_truncation_are_typed_errors() {
    let good = encode(&messages()[1]);
    let mut v2 = good.clone();
    v2[4..6].copy_from_slice(&2u16.to_le_bytes());
    assert!(matches!(decode(&v2), Err(FedError::UnsupportedVersion { found: 2, supported: 1 })));
    let mut magic = good.clone();
    magic[0] = b'X';
    assert!(matches!(decode(&magic), Err(FedError::BadMagic { .. })));
    assert!(matches!(decode(&good[..2]), Err(FedError::BadMagic { .. })));
    for cut in [6, HEADER_LEN, good.len() - 1] {
        assert!(matches!(decode(&good[..cut]), Err(FedError::Decode { .. })), "cut at {cut}");
    }
    let mut trailing = good.clone();
    trailing.push(0);
    assert!(matches!(decode(&trailing), Err(FedError::Decode { field: "payload_len", .. })));
    let mut kind = good.clone();
    kind[6] = 9;
    assert!(matches!(decode(&kind), Err(FedError::Decode { field: "kind", .. })));
    // A tensor count of u32::MAX in a short message: refused before allocating.
    let mut huge = encode(&Message::Broadcast { round: 1, params: ParamSet::default() });
    let at = HEADER_LEN + 8;
    huge[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(decode(&huge), Err(FedError::Decode { field: "params.count", .. })));
    // A value count that disagrees with the shape.
    let mut bad_len = encode(&Message::Broadcast {
        round: 1,
        params: ParamSet { tensors: vec![NamedTensor { path: "w".into(), shape: vec![2], values: vec![1.0, 2.0] }] },
    });
    // header, round, count, path (4 + 1), rank, one dim, then the value count.
    let at = HEADER_LEN + 8 + 4 + 5 + 1 + 8;
    bad_len[at..at + 8].copy_from_slice(&1u64.to_le_bytes());
    assert!(matches!(decode(&bad_len), Err(FedError::Decode { field: "params.len", .. })));
}

/// Damaged bytes (truncation, flipped bytes, inserted bytes, huge words) decode to a message
/// or a `FedError`, never a panic.
#[test]
fn decoder_survives_mutated_bytes() {
    let mut errors = 0;
    for (m, message) in messages().iter().enumerate() {
        let valid = encode(message);
        for seed in 0..1500u64 {
            let bytes = kiln_testkit::mutate_with(&valid, seed * 7 + m as u64);
            if decode(&bytes).is_err() {
                errors += 1;
            }
        }
    }
    assert!(errors > 1000, "most mutations must be caught ({errors})");
}
