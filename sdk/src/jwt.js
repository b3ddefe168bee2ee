// The client JWT (HS256 with the AppSecret, signed with WebCrypto)

import { encoder } from './text.js';

/** @param {Uint8Array} bytes */
function base64Url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** @param {unknown} value a JSON-serialisable value */
function base64UrlJson(value) {
  return base64Url(encoder.encode(JSON.stringify(value)));
}

/**
 * An HS256 JWT of `claims` keyed with `secret`; the secret stays in the page.
 * @param {string} secret
 * @param {Record<string, unknown>} claims
 * @param {{ subtle?: SubtleCrypto } | null | undefined} cryptoImpl WebCrypto, whose `subtle`
 *   is missing outside secure contexts
 * @returns {Promise<string>}
 */
export async function signHs256Jwt(secret, claims, cryptoImpl) {
  const subtle = cryptoImpl && cryptoImpl.subtle;
  if (!subtle) {
    throw new Error('WebCrypto (crypto.subtle) is not available: serve the page over HTTPS '
      + '(or from localhost), or initialize with a tokenGenerator');
  }
  const signingInput = `${base64UrlJson({ alg: 'HS256', typ: 'JWT' })}.${base64UrlJson(claims)}`;
  const key = await subtle.importKey(
    'raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'],
  );
  const signature = await subtle.sign('HMAC', key, encoder.encode(signingInput));
  return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
}
