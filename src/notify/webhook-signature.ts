import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header that carries the signature of a webhook body. */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Drbot-Signature';

/** `sha256=<hex>` of the HMAC-SHA256 of the exact body bytes with the shared secret. */
export function signWebhookBody(body: string | Buffer, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/** True when `signature` is the body's signature under `secret` (constant-time comparison), for receivers. */
export function verifyWebhookSignature(body: string | Buffer, secret: string, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = Buffer.from(signWebhookBody(body, secret));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
