// Size probe: the same two conversions (an options object in, a result object out) done by hand
// with js_sys::Reflect (as keygate-wasm does) or by serde + serde-wasm-bindgen.
use wasm_bindgen::prelude::*;

#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[derive(Default)]
pub struct Opts {
    provider: String,
    api_key: Option<String>,
    base_url: Option<String>,
    workspace_id: Option<String>,
    timeout_ms: Option<f64>,
    max_retries: Option<u32>,
    allow_insecure_http: Option<bool>,
    headers: Option<Vec<(String, String)>>,
}

#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Out {
    ok: bool,
    provider: String,
    code: Option<String>,
    warnings: Vec<String>,
    length: u32,
}

fn work(o: &Opts) -> Out {
    Out {
        ok: o.api_key.is_some(),
        provider: o.provider.clone(),
        // Formatting, as keygate's messages do (so core::fmt is in both builds).
        code: Some(format!("{}:{:?}:{:?}", o.provider, o.base_url.as_deref().or(o.workspace_id.as_deref()), o.timeout_ms)),
        warnings: o.headers.iter().flatten().map(|(k, _)| k.clone()).collect(),
        length: o.timeout_ms.unwrap_or(0.0) as u32 + o.max_retries.unwrap_or(0) + o.allow_insecure_http.unwrap_or(false) as u32,
    }
}

#[cfg(feature = "serde")]
#[wasm_bindgen]
pub fn run(v: JsValue) -> Result<JsValue, JsValue> {
    let o: Opts = serde_wasm_bindgen::from_value(v)?;
    Ok(serde_wasm_bindgen::to_value(&work(&o))?)
}

#[cfg(not(feature = "serde"))]
#[wasm_bindgen]
pub fn run(v: JsValue) -> Result<JsValue, JsValue> {
    use js_sys::{Array, Object, Reflect};
    let get = |k: &str| Reflect::get(&v, &k.into()).ok().filter(|x| !x.is_undefined() && !x.is_null());
    let s = |k: &str| -> Result<Option<String>, JsValue> {
        get(k).map(|x| x.as_string().ok_or_else(|| JsValue::from_str(k))).transpose()
    };
    let headers = match get("headers") {
        None => None,
        Some(h) => {
            let a: Array = h.dyn_into().map_err(|_| JsValue::from_str("headers"))?;
            let mut out = Vec::new();
            for p in a.iter() {
                let p: Array = p.dyn_into().map_err(|_| JsValue::from_str("header"))?;
                out.push((p.get(0).as_string().ok_or("name")?, p.get(1).as_string().ok_or("value")?));
            }
            Some(out)
        }
    };
    let o = Opts {
        provider: s("provider")?.ok_or("provider")?,
        api_key: s("apiKey")?,
        base_url: s("baseUrl")?,
        workspace_id: s("workspaceId")?,
        timeout_ms: get("timeoutMs").and_then(|x| x.as_f64()),
        max_retries: get("maxRetries").and_then(|x| x.as_f64()).map(|x| x as u32),
        allow_insecure_http: get("allowInsecureHttp").and_then(|x| x.as_bool()),
        headers,
    };
    let r = work(&o);
    let obj = Object::new();
    Reflect::set(&obj, &"ok".into(), &r.ok.into())?;
    Reflect::set(&obj, &"provider".into(), &r.provider.into())?;
    Reflect::set(&obj, &"code".into(), &r.code.map(JsValue::from).unwrap_or(JsValue::NULL))?;
    Reflect::set(&obj, &"warnings".into(), &r.warnings.into_iter().map(JsValue::from).collect::<Array>())?;
    Reflect::set(&obj, &"length".into(), &r.length.into())?;
    Ok(obj.into())
}
