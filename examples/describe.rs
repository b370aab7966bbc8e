//! Prints the provider description (`keygate::providers_json()`) for `scripts/gen.mjs`.
//!
//! `cargo run -q --example describe`: the JSON array on stdout, nothing else.

fn main() {
    println!("{}", keygate::providers_json());
}
