// Identifiers: request ids are unique per emulator (counter + random suffix).
import { randomBytes, randomUUID } from "node:crypto";

export function createIdSource() {
  let seq = 0;
  return {
    requestId() {
      seq += 1;
      return `req_${seq.toString(36).padStart(4, "0")}${randomBytes(4).toString("hex")}`;
    },
    id(prefix) {
      return `${prefix}_${randomBytes(6).toString("hex")}`;
    },
    uuid() {
      return randomUUID();
    },
    token(bytes = 24) {
      return randomBytes(bytes).toString("base64url");
    },
  };
}
