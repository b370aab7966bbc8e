//! SPEC §2: every code and warning for every provider, the seeds' examples, detect and redact.

mod common;
use common::*;
use keygate::{
    detect, redact, validate_at, Code, CredentialKind as K, ProviderId as P, WarningCode as W,
};

const NOW: Option<u64> = Some(1_700_000_000);

fn code(p: P, k: K, input: &str) -> Code {
    validate_at(p, k, input, NOW).code
}

fn warnings(p: P, k: K, input: &str) -> Vec<W> {
    let v = validate_at(p, k, input, NOW);
    assert!(v.ok, "{:?} should be ok: {}", input, v.message);
    v.warnings.iter().map(|w| w.code).collect()
}

#[test]
fn seed_examples_are_valid_or_placeholders() {
    // Poelis: the document's example key is valid with no warning.
    let v = validate_at(P::Poelis, K::ApiKey, POELIS_KEY, NOW);
    assert!(v.ok && v.warnings.is_empty(), "{:?}", v);
    assert_eq!(v.redacted, "poelis_api_…CCIE");
    // Poesius: `pk_your_api_key_here` is a well-formed placeholder.
    assert!(validate_at(P::Poesius, K::ApiKey, "pk_your_api_key_here", NOW).ok);
    // PowerPost: `pp_live_sk_YOUR_KEY_HERE` is well-formed (base64url body).
    assert!(validate_at(P::PowerPost, K::ApiKey, "pp_live_sk_YOUR_KEY_HERE", NOW).ok);
    // Postiz: `YOUR_API_KEY` is a placeholder: accepted with the unusual_format warning.
    assert_eq!(
        warnings(P::Postiz, K::ApiKey, "YOUR_API_KEY"),
        vec![W::UnusualFormat]
    );
    assert_eq!(
        warnings(P::Postiz, K::ApiKey, "your_api_key_here"),
        vec![W::UnusualFormat]
    );
    // Postiz `pos_YOUR_OAUTH_TOKEN`: an OAuth token of unusual format.
    let v = validate_at(P::Postiz, K::ApiKey, "pos_YOUR_OAUTH_TOKEN", NOW);
    assert!(v.ok);
    assert_eq!(v.kind, K::OAuthToken);
    // Placeholders with angle brackets are refused: they are not keys.
    assert_eq!(
        code(P::Poelis, K::ApiKey, "<poelis_api_YOUR_KEY_HERE>"),
        Code::WrongPrefix
    );
}

#[test]
fn shared_codes_for_every_provider() {
    let cases: [(P, K, &str); 4] = [
        (P::Poesius, K::ApiKey, POESIUS_KEY),
        (P::Poelis, K::ApiKey, POELIS_KEY),
        (P::PowerPost, K::ApiKey, POWERPOST_KEY),
        (P::Postiz, K::ApiKey, POSTIZ_KEY),
    ];
    for (p, k, good) in cases {
        assert_eq!(code(p, k, good), Code::Ok, "{:?}", p);
        assert_eq!(code(p, k, ""), Code::Empty);
        assert_eq!(code(p, k, "   "), Code::Whitespace);
        let v = validate_at(p, k, &format!(" {}\n", good), NOW);
        assert_eq!(v.code, Code::Whitespace);
        assert!(
            v.message.contains("paste"),
            "hint for leading/trailing: {}",
            v.message
        );
        let mid = format!("{} {}", &good[..10], &good[10..]);
        let v = validate_at(p, k, &mid, NOW);
        assert_eq!(v.code, Code::Whitespace);
        assert!(!v.message.contains("paste"));
        assert_eq!(code(p, k, &format!("{}\r", good)), Code::Whitespace);
        assert_eq!(code(p, k, &format!("Bearer {}", good)), Code::HasScheme);
        assert_eq!(code(p, k, &format!("X-API-Key: {}", good)), Code::HasScheme);
        assert_eq!(
            code(p, k, &format!("authorization:{}", good)),
            Code::HasScheme
        );
        assert_eq!(code(p, k, &format!("{}é", good)), Code::NonAscii);
        assert_eq!(code(p, k, &format!("{}\u{0}", good)), Code::ControlChar);
        assert_eq!(code(p, k, &format!("{}\u{7f}", good)), Code::ControlChar);
        assert_eq!(
            code(p, k, &format!("{}{}", good, "a".repeat(600))),
            Code::TooLong
        );
    }
}

#[test]
fn has_scheme_message_says_what_to_remove() {
    let v = validate_at(P::Poelis, K::ApiKey, &format!("Bearer {}", POELIS_KEY), NOW);
    assert!(v.message.contains("\"Bearer\""), "{}", v.message);
}

#[test]
fn poesius_rules() {
    assert_eq!(
        code(P::Poesius, K::ApiKey, "sk_0123456789abcdef"),
        Code::WrongPrefix
    );
    assert_eq!(code(P::Poesius, K::ApiKey, "pk_abc"), Code::TooShort);
    assert_eq!(
        code(P::Poesius, K::ApiKey, "pk_abc$defghijk"),
        Code::BadCharset
    );
    assert!(validate_at(P::Poesius, K::ApiKey, "pk_a.b~c+d/e=f_g-h", NOW).ok);
    let v = validate_at(P::Poesius, K::ApiKey, POWERPOST_KEY, NOW);
    assert_eq!(v.code, Code::WrongPrefix);
    assert!(
        v.message.contains("pk_") && v.message.contains("PowerPost"),
        "{}",
        v.message
    );
    // A JWT passed as an API key gets a targeted hint.
    let t = jwt(r#"{"sub":"u1"}"#);
    let v = validate_at(P::Poesius, K::ApiKey, &t, NOW);
    assert_eq!(v.code, Code::WrongPrefix);
    assert!(v.message.contains("JWT"));
    // OAuth token: token68.
    assert!(validate_at(P::Poesius, K::OAuthToken, "abcDEF123-._~+/==", NOW).ok);
    assert_eq!(code(P::Poesius, K::OAuthToken, "abc"), Code::TooShort);
    assert_eq!(
        code(P::Poesius, K::OAuthToken, "abcdefgh!ij"),
        Code::BadCharset
    );
    assert_eq!(
        code(P::Poesius, K::OAuthToken, POESIUS_KEY),
        Code::WrongPrefix
    );
    assert_eq!(
        code(P::Poesius, K::OAuthToken, &"a".repeat(4097)),
        Code::TooLong
    );
    assert!(validate_at(P::Poesius, K::OAuthToken, &"a".repeat(4096), NOW).ok);
}

#[test]
fn poesius_jwt() {
    let fresh = jwt(r#"{"sub":"u1","exp":1800000000}"#);
    assert_eq!(warnings(P::Poesius, K::Jwt, &fresh), Vec::<W>::new());
    let old = jwt(r#"{"sub":"u1","exp":1600000000}"#);
    assert_eq!(warnings(P::Poesius, K::Jwt, &old), vec![W::JwtExpired]);
    // Without a clock, no expiry verdict.
    assert!(validate_at(P::Poesius, K::Jwt, &old, None)
        .warnings
        .is_empty());
    assert_eq!(code(P::Poesius, K::Jwt, "abc.def"), Code::BadJwt);
    assert_eq!(code(P::Poesius, K::Jwt, "a.b.c.d"), Code::BadJwt);
    assert_eq!(code(P::Poesius, K::Jwt, "..x"), Code::BadJwt);
    let not_json = format!("{}.{}.sig", b64url(b"hello"), b64url(b"{}"));
    assert_eq!(code(P::Poesius, K::Jwt, &not_json), Code::BadJwt);
    let array = format!("{}.{}.sig", b64url(b"{}"), b64url(b"[1]"));
    assert_eq!(code(P::Poesius, K::Jwt, &array), Code::BadJwt);
    let padded = format!("{}.{}=.sig", b64url(b"{}"), b64url(b"{}"));
    assert_eq!(code(P::Poesius, K::Jwt, &padded), Code::BadJwt);
    let msg = validate_at(P::Poesius, K::Jwt, "x.y.z", NOW).message;
    assert!(msg.starts_with("not a JWT"));
}

#[test]
fn poelis_rules() {
    let v = validate_at(P::Poelis, K::ApiKey, "poelis_api_short123", NOW);
    assert_eq!(
        v.warnings.iter().map(|w| w.code).collect::<Vec<_>>(),
        vec![W::UnusualLength]
    );
    let long = format!("poelis_api_{}", "A".repeat(60));
    assert_eq!(
        warnings(P::Poelis, K::ApiKey, &long),
        vec![W::UnusualLength]
    );
    let forty = format!("poelis_api_{}", "A".repeat(29));
    assert_eq!(forty.len(), 40);
    assert!(warnings(P::Poelis, K::ApiKey, &forty).is_empty());
    assert_eq!(
        code(P::Poelis, K::ApiKey, "poelis_api_abc+defghijkl"),
        Code::BadCharset
    );
    assert_eq!(code(P::Poelis, K::ApiKey, "poelis_api_abc"), Code::TooShort);
    let v = validate_at(P::Poelis, K::ApiKey, POSTIZ_TOKEN, NOW);
    assert_eq!(v.code, Code::WrongPrefix);
    assert!(v.message.contains("poelis_api_") && v.message.contains("Postiz OAuth token"));
    assert_eq!(code(P::Poelis, K::Jwt, POELIS_KEY), Code::UnsupportedKind);
}

#[test]
fn poelis_earlier_live_format_is_accepted_with_a_warning() {
    // The official SDK's README and tests show `poelis_live_…`; offline validation must not block it.
    let live = format!("poelis_live_{}", "Ab3_".repeat(10));
    let v = validate_at(P::Poelis, K::ApiKey, &live, NOW);
    assert!(v.ok, "{}", v.message);
    assert_eq!(
        v.warnings.iter().map(|w| w.code).collect::<Vec<_>>(),
        vec![W::EarlierFormat]
    );
    assert_eq!(W::EarlierFormat.as_str(), "earlier_format");
    let w = &v.warnings[0].message;
    assert!(w.contains("poelis_api_") && w.contains("poelis_live_") && !w.contains(&live[12..]));
    assert_eq!(
        v.redacted,
        format!("poelis_live_…{}", &live[live.len() - 4..])
    );
    assert_eq!(detect(&live), Some((P::Poelis, K::ApiKey)));
    assert_eq!(redact(&live), v.redacted);
    // The same body rules apply to both formats.
    assert_eq!(
        code(P::Poelis, K::ApiKey, "poelis_live_abc"),
        Code::TooShort
    );
    assert_eq!(
        code(P::Poelis, K::ApiKey, "poelis_live_abc+defghijkl"),
        Code::BadCharset
    );
    // Other near misses are still refused, naming the documented format.
    let v = validate_at(P::Poelis, K::ApiKey, "poelis_test_abcdefghijkl", NOW);
    assert_eq!(v.code, Code::WrongPrefix);
    assert!(v.message.contains("poelis_api_"));
}

#[test]
fn powerpost_rules() {
    let v = validate_at(P::PowerPost, K::ApiKey, POWERPOST_KEY, NOW);
    assert_eq!(v.env, Some("live"));
    assert_eq!(v.redacted, "pp_live_sk_…i9J0");
    let v = validate_at(P::PowerPost, K::ApiKey, "pp_test_sk_a1B2c3D4e5F6", NOW);
    assert!(v.ok);
    assert_eq!(v.env, Some("test"));
    assert_eq!(v.warnings[0].code, W::TestKey);
    assert_eq!(
        code(P::PowerPost, K::ApiKey, "pp_prod_sk_a1B2c3D4e5F6"),
        Code::BadEnv
    );
    assert_eq!(
        code(P::PowerPost, K::ApiKey, "pp_live_pk_a1B2c3D4e5F6"),
        Code::NotSecretKey
    );
    assert_eq!(code(P::PowerPost, K::ApiKey, "pp_live"), Code::NotSecretKey);
    assert_eq!(code(P::PowerPost, K::ApiKey, "pp_live_sk_"), Code::TooShort);
    assert_eq!(
        code(P::PowerPost, K::ApiKey, "pp_live_sk_abc"),
        Code::TooShort
    );
    assert_eq!(
        code(P::PowerPost, K::ApiKey, "pp_live_sk_abc.defghij"),
        Code::BadCharset
    );
    assert!(validate_at(P::PowerPost, K::ApiKey, "pp_live_sk_abc_def-ghij", NOW).ok);
    let v = validate_at(P::PowerPost, K::ApiKey, POELIS_KEY, NOW);
    assert_eq!(v.code, Code::WrongPrefix);
    assert!(v.message.contains("Poelis"));
}

#[test]
fn postiz_rules() {
    assert!(warnings(P::Postiz, K::ApiKey, POSTIZ_KEY).is_empty());
    assert_eq!(
        warnings(P::Postiz, K::ApiKey, &POSTIZ_KEY.to_uppercase()),
        vec![W::UnusualFormat]
    );
    let v = validate_at(P::Postiz, K::ApiKey, POSTIZ_TOKEN, NOW);
    assert!(v.ok && v.warnings.is_empty());
    assert_eq!(v.kind, K::OAuthToken);
    assert_eq!(v.redacted, "pos_…qrst");
    assert_eq!(
        warnings(P::Postiz, K::OAuthToken, "pos_abc-defghij"),
        vec![W::UnusualFormat]
    );
    assert_eq!(
        code(P::Postiz, K::OAuthToken, POSTIZ_KEY),
        Code::WrongPrefix
    );
    assert_eq!(code(P::Postiz, K::ApiKey, "pos_abc"), Code::TooShort);
    assert_eq!(code(P::Postiz, K::ApiKey, "abc!defghijk"), Code::BadCharset);
    assert_eq!(code(P::Postiz, K::ApiKey, "abc"), Code::TooShort);
    let v = validate_at(P::Postiz, K::ApiKey, POESIUS_KEY, NOW);
    assert_eq!(v.code, Code::WrongPrefix);
    assert_eq!(
        v.message,
        "Postiz API keys have no prefix (64 lowercase hex characters); this looks like a Poesius key"
    );
    assert_eq!(code(P::Postiz, K::Jwt, POSTIZ_KEY), Code::UnsupportedKind);
}

#[test]
fn detect_by_prefix() {
    assert_eq!(detect(POESIUS_KEY), Some((P::Poesius, K::ApiKey)));
    assert_eq!(detect(POELIS_KEY), Some((P::Poelis, K::ApiKey)));
    assert_eq!(detect(POWERPOST_KEY), Some((P::PowerPost, K::ApiKey)));
    assert_eq!(detect(POSTIZ_TOKEN), Some((P::Postiz, K::OAuthToken)));
    assert_eq!(detect(POSTIZ_KEY), None);
    assert_eq!(detect(""), None);
    assert_eq!(detect("pz_x"), None);
}

#[test]
fn redact_rules() {
    assert_eq!(redact(POESIUS_KEY), "pk_…fXYZ");
    assert_eq!(redact("pk_short"), "pk_…");
    assert_eq!(redact("pk_elevenchars"), "pk_…");
    assert_eq!(redact("pk_twelve_chars"), "pk_…hars");
    assert_eq!(redact(POSTIZ_KEY), "…cdef");
    assert_eq!(redact("fifteen-chars!!"), "…");
    assert_eq!(redact("sixteen-chars!!!"), "…s!!!");
    assert_eq!(redact("pp_prod_sk_a1B2c3D4e5F6"), "pp_…e5F6");
    assert_eq!(redact("ééééééééééééééééé\n"), "…");
    assert_eq!(redact(""), "…");
}

#[test]
fn validation_never_contains_input() {
    let secret = "pk_SECRETSECRETSECRET1234";
    for p in [P::Poesius, P::Poelis, P::PowerPost, P::Postiz] {
        let v = validate_at(p, K::ApiKey, secret, NOW);
        let dump = format!("{:?}", v);
        assert!(!dump.contains("SECRETSECRET"), "{}", dump);
    }
}
