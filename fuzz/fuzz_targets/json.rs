//! `json`: keygate's own JSON reader (error bodies, JWT claims, `retryAfter`) against serde_json.
//!
//! Input: the whole input is the document (raw bytes).
//! Asserts: no panic; every document serde_json accepts (nested at most 60 deep) is accepted with
//! the same strings, keys, booleans, nulls and structure, and numbers equal to within 1e-9
//! relative; a document keygate accepts and serde_json refuses must involve a `\u` escape (lone
//! surrogates become U+FFFD) or a number too large for an f64 (read as infinite).
#![no_main]

use keygate::__internals::Json;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn same(k: &Json, s: &Value, path: &str) {
    match (k, s) {
        (Json::Null, Value::Null) => {}
        (Json::Bool(a), Value::Bool(b)) => assert_eq!(a, b, "at {}", path),
        (Json::Str(a), Value::String(b)) => assert_eq!(a, b, "at {}", path),
        (Json::Num(a), Value::Number(b)) => {
            let (a, b) = (*a, b.as_f64().expect("finite"));
            let close =
                a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) || (a - b).abs() < 1e-300;
            assert!(
                close,
                "at {}: keygate read {} where serde_json read {}",
                path, a, b
            );
        }
        (Json::Arr(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "at {}", path);
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                same(x, y, &format!("{}[{}]", path, i));
            }
        }
        (Json::Obj(a), Value::Object(b)) => {
            // Both keep the last of duplicate keys (as `JSON.parse` does): compare by lookup.
            for (key, _) in a {
                let w = b
                    .get(key)
                    .unwrap_or_else(|| panic!("at {}: key {:?} missing", path, key));
                let v = k.get(key).expect("own key");
                same(v, w, &format!("{}.{}", path, key));
            }
            for key in b.keys() {
                assert!(
                    a.iter().any(|(k2, _)| k2 == key),
                    "at {}: key {:?} lost",
                    path,
                    key
                );
            }
        }
        _ => panic!("at {}: keygate read {:?}, serde_json {:?}", path, k, s),
    }
}

fuzz_target!(|data: &[u8]| {
    let ours = Json::parse(data);
    match serde_json::from_slice::<Value>(data) {
        Ok(reference) if depth(&reference) <= 60 => {
            let ours = ours.unwrap_or_else(|| {
                panic!(
                    "keygate refused JSON serde_json accepts: {:?}",
                    String::from_utf8_lossy(data)
                )
            });
            same(&ours, &reference, "$");
            // The lookups keygate's callers make.
            let _ = (
                ours.get("error"),
                ours.first(),
                ours.as_str(),
                ours.as_f64(),
                ours.is_object(),
            );
        }
        Ok(_) => {}
        Err(e) => {
            if ours.is_some() {
                let text = String::from_utf8_lossy(data);
                let excused = text.contains("\\u") || e.to_string().contains("number out of range");
                assert!(
                    excused,
                    "keygate accepted what serde_json refuses ({}): {:?}",
                    e, text
                );
            }
        }
    }
});
