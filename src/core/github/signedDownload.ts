import axios, { isAxiosError } from 'axios';
import { LOOPBACK } from './destination';

/** What a signed URL (GitHub's storage host, after its 302) gave: the bytes, or why there are none. */
type SignedDownload =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'notHttps'; origin: string }
  | { kind: 'tooLarge' }
  | { kind: 'failed'; why: string };

/**
 * Downloads from the short-lived URL GitHub redirected to: only https (or loopback, the stand-in), no token,
 * no further redirect, at most `maxBytes`.
 */
export async function downloadSigned(href: string, maxBytes: number): Promise<SignedDownload> {
  const url = new URL(href);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    return { kind: 'notHttps', origin: url.origin };
  try {
    const res = await axios.get<ArrayBuffer>(url.href, {
      responseType: 'arraybuffer',
      maxContentLength: maxBytes,
      maxRedirects: 0,
      timeout: 120_000,
      validateStatus: (s) => s === 200,
    });
    return { kind: 'bytes', bytes: new Uint8Array(res.data) };
  } catch (e) {
    if (isAxiosError(e) && /maxContentLength/.test(e.message)) return { kind: 'tooLarge' };
    const status = isAxiosError(e) ? e.response?.status : undefined;
    return { kind: 'failed', why: String(status ?? (isAxiosError(e) ? e.code : String(e))) };
  }
}
