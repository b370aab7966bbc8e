// `keygate/validate`: the validation functions of the full package (the same declarations, from
// index.d.ts), backed by the small validation-only wasm. No Client; the errors it can throw are
// these classes (separate from the full package's, which it does not load).
export {
  validateKey, detectProvider, redact, buildHeaders, providers, ready,
  KeygateError, KeyFormatError, ConfigError, ApiError,
} from "./index.js";
export type { ProviderId } from "./providers.js";
export type {
  CredentialKind, ValidationCode, WarningCode, ValidationWarning, Validation, Credential,
  HeaderOptions, ErrorFields, ProviderInfo,
} from "./index.js";
import { validateKey, detectProvider, redact, buildHeaders, providers } from "./index.js";
declare const api: {
  validateKey: typeof validateKey;
  detectProvider: typeof detectProvider;
  redact: typeof redact;
  buildHeaders: typeof buildHeaders;
  providers: typeof providers;
};
export default api;
