//! The request's crossing as packed text (issue 19: fewer boundary crossings, fewer wasm bytes).
//!
//! In: the JS entry reads a request spec (own properties, once; pkg/src/options.js `packSpec`) and
//! packs every field as a token the reader below takes in order, so this side applies every rule
//! in the order it always did (a type error in `method` before one in `path`, and so on) without
//! touching a JS object. Tokens: `-` absent, `s<n>:<text>` a string (`n` its length in UTF-16
//! units, so any content is safe, the separator included), `t<n>:<type>` a value of another type
//! (its `typeof`, for the message), and one-byte marks (`n` a number given in the call's `f64`
//! arguments, `o`/`.` a record's start and end, `1`/`0` flags, `i` a non-finite query number, `x`
//! a value of a type the record does not take).
//!
//! A client's options cross the same way (`client_config`; pkg/src/options.js `packClient`):
//! `provider`, the credential, `scheme` and `workspaceId` tokens first (what `buildHeaders` takes),
//! then `keyType`, `baseUrl`, `mcpUrl`, `allowInsecureHttp` (`1`/`0`), the three numbers (`n`, their
//! values in the call's `f64` arguments, `0` when not given) and `dangerouslyAllowBrowser`, in the
//! order the rules run.
//!
//! Out: the next fetch and each step's result as one string, fields separated by [`SEP`].

use keygate::input::{
    key_type_named, max_response_bytes_from_number, provider_named, push_decimal,
    retries_from_number, scheme_named, timeout_from_ms, CredentialFields, Field, QueryValue,
    RequestInput,
};
use keygate::{
    Config, Credential, Error, ErrorCode, Exchange, Options, ProviderId, RequestSpec, Scheme, Step,
};

use super::{now_secs, type_error, SEP};

/// One token of the packed input.
enum Tok<'a> {
    Absent,
    Text(&'a str),
    Wrong(&'a str),
    Mark(u8),
}

/// The packed input, read front to back.
struct Packed<'a>(&'a str);

impl<'a> Packed<'a> {
    fn next(&mut self) -> Tok<'a> {
        let s = self.0;
        let b = s.as_bytes();
        let Some(&tag) = b.first() else {
            return Tok::Absent;
        };
        if tag != b's' && tag != b't' {
            self.0 = s.get(1..).unwrap_or("");
            return if tag == b'-' {
                Tok::Absent
            } else {
                Tok::Mark(tag)
            };
        }
        let mut n = 0usize;
        let mut i = 1;
        while let Some(d) = b.get(i).copied().filter(u8::is_ascii_digit) {
            n = n.wrapping_mul(10).wrapping_add(usize::from(d - b'0'));
            i += 1;
        }
        // After the `:`; the text is the next `n` UTF-16 units (what JS's `length` counts).
        let rest = s.get(i + 1..).unwrap_or("");
        let mut end = rest.len();
        let mut units = 0;
        for (j, c) in rest.char_indices() {
            if units >= n {
                end = j;
                break;
            }
            units += c.len_utf16();
        }
        let (text, tail) = rest.split_at(end);
        self.0 = tail;
        if tag == b's' {
            Tok::Text(text)
        } else {
            Tok::Wrong(text)
        }
    }

    fn text(&mut self, k: &str) -> Result<Option<&'a str>, Error> {
        match self.next() {
            Tok::Text(t) => Ok(Some(t)),
            Tok::Wrong(t) => Err(type_error(k, "string", t)),
            _ => Ok(None),
        }
    }

    fn string(&mut self, k: &str) -> Result<Option<String>, Error> {
        Ok(self.text(k)?.map(str::to_string))
    }

    /// A boolean option: `1`/`0` (absent: `false`).
    fn flag(&mut self, k: &str) -> Result<bool, Error> {
        match self.next() {
            Tok::Wrong(t) => Err(type_error(k, "boolean", t)),
            t => Ok(matches!(t, Tok::Mark(b'1'))),
        }
    }

    fn number(&mut self, k: &str, v: Option<f64>) -> Result<Option<f64>, Error> {
        match self.next() {
            Tok::Wrong(t) => Err(type_error(k, "number", t)),
            Tok::Mark(_) => Ok(v),
            _ => Ok(None),
        }
    }

    /// A record option's start: `true` when entries follow, an error when it is not an object.
    fn record(&mut self, not_an_object: &'static str) -> Result<bool, Error> {
        match self.next() {
            Tok::Wrong(_) => Err(Error::config(ErrorCode::InvalidOption, not_an_object)),
            Tok::Mark(_) => Ok(true),
            _ => Ok(false),
        }
    }
}

/// A request spec packed by the JS entry, through the core's rules ([`RequestInput::check`]).
pub(crate) fn request_spec(
    config: &Config,
    packed: &str,
    timeout_ms: Option<f64>,
    max_retries: Option<f64>,
) -> Result<RequestSpec, Error> {
    let p = config.provider;
    let with_p = |e: Error| e.with_provider(p);
    let mut f = Packed(packed);
    let mut input = RequestInput {
        method: f.string("method").map_err(with_p)?,
        path: f.string("path").map_err(with_p)?,
        ..Default::default()
    };
    if f.record("query must be an object").map_err(with_p)? {
        while let Tok::Text(k) = f.next() {
            let value = match f.next() {
                Tok::Absent => continue,
                Tok::Text(v) => QueryValue::Text(v.to_string()),
                // Finite numbers come written by JS (`String(n)`); this one is refused below.
                Tok::Mark(b'i') => QueryValue::Number(f64::NAN),
                _ => {
                    return Err(with_p(Error::config(
                        ErrorCode::InvalidOption,
                        "query values must be strings, numbers or booleans",
                    )))
                }
            };
            input.query.push((k.to_string(), value));
        }
    }
    if f.record("headers must be an object").map_err(with_p)? {
        while let Tok::Text(name) = f.next() {
            let Tok::Text(v) = f.next() else {
                return Err(with_p(Error::config(
                    ErrorCode::InvalidHeader,
                    "header values must be strings",
                )));
            };
            input.headers.push((name.to_string(), v.to_string()));
        }
    }
    input.json = matches!(f.next(), Tok::Mark(b'1'));
    input.raw_body = matches!(f.next(), Tok::Mark(b'1'));
    input.idempotency_key = f.string("idempotencyKey").map_err(with_p)?;
    input.target = f.string("target").map_err(with_p)?;
    input.endpoint = f.string("endpoint").map_err(with_p)?;
    input.timeout_ms = f.number("timeoutMs", timeout_ms).map_err(with_p)?;
    input.max_retries = f.number("maxRetries", max_retries).map_err(with_p)?;
    // Every finite query number is already text: the host's writer is never asked for one.
    input.check_with(config, |_| String::new())
}

/// One credential option's token as the core's [`Field`].
fn field<'a>(t: Tok<'a>) -> Field<'a> {
    match t {
        Tok::Text(t) => Field::Text(t),
        Tok::Wrong(t) => Field::Other(t),
        _ => Field::Absent,
    }
}

/// The provider and credential options (`provider`, `apiKey`, `jwt`, `oauthToken`, `scheme`,
/// `workspaceId`: the tokens every packed option list starts with), through the core's rules in
/// the order the object reader applied them.
fn credential_options(
    f: &mut Packed<'_>,
) -> Result<(ProviderId, Credential, Scheme, Option<String>), Error> {
    // A provider that is not a string is the unknown-provider error (as an empty name).
    let provider = provider_named(match f.next() {
        Tok::Text(t) => t,
        _ => "",
    })?;
    let with_p = |e: Error| e.with_provider(provider);
    let fields = CredentialFields {
        api_key: field(f.next()),
        jwt: field(f.next()),
        oauth_token: field(f.next()),
    };
    let credential = fields.credential(provider, now_secs())?;
    let scheme = scheme_named(f.text("scheme").map_err(with_p)?).map_err(with_p)?;
    let workspace_id = f.string("workspaceId").map_err(with_p)?;
    Ok((provider, credential, scheme, workspace_id))
}

/// `buildHeaders`'s options packed by the JS entry (pkg/src/options.js `packHeaders`).
pub(crate) fn header_options(packed: &str) -> Result<(Credential, Scheme, Option<String>), Error> {
    let (_, credential, scheme, workspace_id) = credential_options(&mut Packed(packed))?;
    Ok((credential, scheme, workspace_id))
}

/// A client's options packed by the JS entry (pkg/src/options.js `packClient`), with its three
/// numbers beside them (each read only when its token says it was given), through the core's
/// rules ([`Config::new`]).
pub(crate) fn client_config(
    packed: &str,
    numbers: [f64; 3],
    browser_window: bool,
) -> Result<Config, Error> {
    let mut f = Packed(packed);
    let (provider, credential, scheme, workspace_id) = credential_options(&mut f)?;
    let with_p = |e: Error| e.with_provider(provider);
    let [timeout_ms, max_retries, max_response_bytes] = numbers;
    let options = Options {
        scheme,
        workspace_id,
        key_type: key_type_named(f.text("keyType").map_err(with_p)?).map_err(with_p)?,
        base_url: f.string("baseUrl").map_err(with_p)?,
        mcp_url: f.string("mcpUrl").map_err(with_p)?,
        allow_insecure_http: f.flag("allowInsecureHttp").map_err(with_p)?,
        timeout: f
            .number("timeoutMs", Some(timeout_ms))
            .map_err(with_p)?
            .map(timeout_from_ms)
            .transpose()
            .map_err(with_p)?,
        max_retries: f
            .number("maxRetries", Some(max_retries))
            .map_err(with_p)?
            .map(retries_from_number)
            .transpose()
            .map_err(with_p)?,
        max_response_bytes: f
            .number("maxResponseBytes", Some(max_response_bytes))
            .map_err(with_p)?
            .map(max_response_bytes_from_number)
            .transpose()
            .map_err(with_p)?,
        browser_window,
        dangerously_allow_browser: f.flag("dangerouslyAllowBrowser").map_err(with_p)?,
    };
    Config::new(credential, options)
}

/// The next fetch: `url SEP method SEP sendBody(1/0)`.
fn push_target(out: &mut String, ex: &Exchange) {
    out.push_str(ex.url());
    out.push(SEP);
    out.push_str(ex.method());
    out.push(SEP);
    out.push(if ex.send_body() { '1' } else { '0' });
}

/// The first fetch of an exchange: `timeoutMs SEP url SEP method SEP sendBody`, then the request
/// headers as `SEP name SEP value` pairs.
pub(crate) fn first(ex: &Exchange) -> String {
    let mut out = String::with_capacity(256);
    push_decimal(&mut out, ex.timeout().as_millis() as u64);
    out.push(SEP);
    push_target(&mut out, ex);
    for h in &ex.plan().headers {
        out.push(SEP);
        out.push_str(&h.name);
        out.push(SEP);
        out.push_str(h.value.as_str());
    }
    out
}

/// A step's result: `step SEP url SEP method SEP sendBody SEP rl SEP limit SEP remaining SEP
/// resetAt SEP requestId`. `step`: `-1` fetch, `-2` done, `-3` failed, else wait that many ms;
/// url, method and sendBody (the next fetch) only when one follows; `rl` `1` when the response
/// carried a rate limit (each of its numbers empty when absent); the request id (last: whatever it
/// holds) only when done.
pub(crate) fn step_result(step: Step, ex: &Exchange) -> String {
    let mut out = String::with_capacity(128);
    match step {
        Step::Fetch => out.push_str("-1"),
        Step::Done => out.push_str("-2"),
        Step::Fail => out.push_str("-3"),
        Step::Sleep(ms) => push_decimal(&mut out, ms),
    }
    out.push(SEP);
    if matches!(step, Step::Fetch | Step::Sleep(_)) {
        push_target(&mut out, ex);
    } else {
        out.push(SEP);
        out.push(SEP);
    }
    out.push(SEP);
    match ex.rate_limit() {
        Some(rl) => {
            out.push('1');
            for v in [rl.limit, rl.remaining, rl.reset_at] {
                out.push(SEP);
                if let Some(v) = v {
                    push_decimal(&mut out, v);
                }
            }
        }
        None => {
            out.push(SEP);
            out.push(SEP);
            out.push(SEP);
        }
    }
    out.push(SEP);
    if step == Step::Done {
        out.push_str(ex.request_id().unwrap_or(""));
    }
    out
}
