//! A validation and header tour over all four providers (the pre-package `make demo`).

use keygate::{
    build_headers, detect, plan, validate, Config, Credential, CredentialKind, Options, ProviderId,
    RequestSpec, Scheme,
};

fn main() {
    let samples: [(ProviderId, CredentialKind, &str); 9] = [
        (
            ProviderId::Poesius,
            CredentialKind::ApiKey,
            "pk_demo0123456789abcdef",
        ),
        (
            ProviderId::Poesius,
            CredentialKind::ApiKey,
            " pk_demo0123456789abcdef\n",
        ),
        (
            ProviderId::Poelis,
            CredentialKind::ApiKey,
            "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE",
        ),
        (
            ProviderId::Poelis,
            CredentialKind::ApiKey,
            "Bearer poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE",
        ),
        (
            ProviderId::PowerPost,
            CredentialKind::ApiKey,
            "pp_live_sk_demo0123456789ABCDEF",
        ),
        (
            ProviderId::PowerPost,
            CredentialKind::ApiKey,
            "pp_test_sk_demo0123456789ABCDEF",
        ),
        (
            ProviderId::PowerPost,
            CredentialKind::ApiKey,
            "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE",
        ),
        (
            ProviderId::Postiz,
            CredentialKind::ApiKey,
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ),
        (
            ProviderId::Postiz,
            CredentialKind::ApiKey,
            "pos_demoDEMOdemoDEMOdemoDEMOdemoDEMOdemo1234",
        ),
    ];
    println!("keygate tour: validation and headers for all four providers\n");
    for (provider, kind, key) in samples {
        let v = validate(provider, kind, key);
        let detected = detect(key).map(|(p, _)| p.as_str()).unwrap_or("none");
        println!(
            "{:<9} {:<11} {:<30} detected={:<9} -> {}",
            provider.as_str(),
            v.kind.as_str(),
            v.redacted,
            detected,
            v.code.as_str()
        );
        println!("          {}", v.message);
        for w in &v.warnings {
            println!("          warning {}: {}", w.code.as_str(), w.message);
        }
        if let Ok(c) = Credential::new(provider, kind, key) {
            let scheme = Scheme::Default;
            for h in build_headers(&c, scheme, Some("ws_demo")).unwrap_or_default() {
                println!("          header  {}: {}", h.name, h.value.shown());
            }
        }
        println!();
    }
    let c = Credential::new(
        ProviderId::PowerPost,
        CredentialKind::ApiKey,
        "pp_live_sk_demo0123456789ABCDEF",
    )
    .expect("demo key");
    let config = Config::new(c, Options::default()).expect("config");
    let req = RequestSpec {
        method: "GET".into(),
        path: "/posts".into(),
        ..Default::default()
    };
    match plan(&config, &req) {
        Ok(p) => println!("planned {} {}", p.method, p.url),
        Err(e) => println!("refused before the network: {}", e),
    }
}
