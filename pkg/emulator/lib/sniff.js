// What Postiz's `file-type` (fileTypeFromBuffer) says about the bytes, for the types its public
// upload allows (custom.upload.validation.ts ALLOWED_MIME_TYPES); null for anything else.

const at = (buf, offset, bytes) => bytes.every((b, i) => buf[offset + i] === b);
const ascii = (buf, offset, text) => at(buf, offset, [...Buffer.from(text, "latin1")]);

/** `{mime, ext}` for jpeg, png, gif, webp, avif, bmp, tiff and mp4; null otherwise. */
export function sniffMedia(buf) {
  if (!buf || buf.length < 4) return null;
  if (at(buf, 0, [0xff, 0xd8, 0xff])) return { mime: "image/jpeg", ext: "jpg" };
  if (at(buf, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: "image/png", ext: "png" };
  if (ascii(buf, 0, "GIF8")) return { mime: "image/gif", ext: "gif" };
  if (ascii(buf, 0, "RIFF") && ascii(buf, 8, "WEBP")) return { mime: "image/webp", ext: "webp" };
  if (ascii(buf, 0, "BM") && buf.length >= 14) return { mime: "image/bmp", ext: "bmp" };
  if (at(buf, 0, [0x49, 0x49, 0x2a, 0x00]) || at(buf, 0, [0x4d, 0x4d, 0x00, 0x2a])) return { mime: "image/tiff", ext: "tif" };
  if (buf.length >= 12 && ascii(buf, 4, "ftyp")) {
    const brand = buf.subarray(8, 12).toString("latin1").replace(/\0/g, " ").trim();
    if (brand === "avif" || brand === "avis") return { mime: "image/avif", ext: "avif" };
    // file-type's ftyp brands for video/mp4; qt, M4A, heic, 3gp... are other types (refused).
    if (["mp41", "mp42", "isom", "iso2", "iso4", "iso5", "iso6", "mmp4", "avc1", "dash", "MSNV", "NDAS", "F4V", "F4P"].includes(brand)) {
      return { mime: "video/mp4", ext: "mp4" };
    }
  }
  return null;
}
