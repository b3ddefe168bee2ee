// text.js: byte and character counts as the collector makes them, cutting
// text without splitting a character, and the tolerant JSON helpers.
import assert from 'node:assert/strict';
import test from 'node:test';

import {
  charCount, errorText, hasLoneSurrogate, isPlainObject, isThenable, jsonOrNull, parseJson, randomHex, result,
  truncateUtf8, utf8Bytes,
} from '../src/text.js';

test('utf8Bytes counts the bytes of the UTF-8 form', () => {
  assert.equal(utf8Bytes(''), 0);
  assert.equal(utf8Bytes('a'), 1);
  assert.equal(utf8Bytes('é'), 2);
  assert.equal(utf8Bytes('€'), 3);
  assert.equal(utf8Bytes('😀'), 4);
});

test('charCount counts code points, not UTF-16 units', () => {
  assert.equal(charCount(''), 0);
  assert.equal(charCount('😀😀'), 2);
  assert.equal('😀😀'.length, 4);
  assert.equal(charCount('e\u0301'), 2, 'a combining mark is a code point of its own');
});

test('truncateUtf8 leaves text that fits as it is', () => {
  assert.deepEqual(truncateUtf8('héllo', 6), { text: 'héllo', truncated: false });
  assert.deepEqual(truncateUtf8('', 0), { text: '', truncated: false });
});

test('truncateUtf8 never cuts inside a character, at any limit', () => {
  const text = 'aé€😀b';
  const total = utf8Bytes(text);
  for (let max = 0; max < total; max += 1) {
    const cut = truncateUtf8(text, max);
    assert.equal(cut.truncated, true);
    assert.ok(utf8Bytes(cut.text) <= max, `at most ${max} bytes`);
    assert.ok(text.startsWith(cut.text), `a prefix at ${max} bytes: ${JSON.stringify(cut.text)}`);
    assert.ok(!cut.text.includes('\ufffd'), `no replacement character at ${max} bytes`);
  }
  assert.equal(truncateUtf8(text, 5).text, 'aé', 'the euro sign (3 bytes) does not fit in the 2 left');
  assert.equal(truncateUtf8(text, 9).text, 'aé€', 'the emoji (4 bytes) does not fit in the 3 left');
  assert.equal(truncateUtf8(text, 10).text, 'aé€😀');
});

test('hasLoneSurrogate finds half pairs anywhere, and only those', () => {
  assert.equal(hasLoneSurrogate(''), false);
  assert.equal(hasLoneSurrogate('plain'), false);
  assert.equal(hasLoneSurrogate('😀 and \ud83d\ude00'), false);
  assert.equal(hasLoneSurrogate('\ud83d'), true, 'a high surrogate at the end');
  assert.equal(hasLoneSurrogate('a\ud83dx'), true, 'a high surrogate followed by no low one');
  assert.equal(hasLoneSurrogate('\ude00'), true, 'a low surrogate alone');
  assert.equal(hasLoneSurrogate('\ude00\ud83d'), true, 'a pair in the wrong order');
});

test('errorText gives the message, the text, or the JSON of what was thrown', () => {
  assert.equal(errorText(null), 'null');
  assert.equal(errorText(undefined), 'undefined');
  assert.equal(errorText('plain text'), 'plain text');
  assert.equal(errorText(new TypeError('fetch failed')), 'fetch failed');
  assert.equal(errorText({ code: 7 }), '{"code":7}');
  assert.equal(errorText({ message: '' }), '{"message":""}', 'an empty message says nothing: the JSON does');
  const cyclic = {};
  cyclic.self = cyclic;
  assert.equal(errorText(cyclic), '[object Object]', 'no JSON for a cycle: String() instead');
});

test('parseJson and jsonOrNull answer null instead of throwing', () => {
  assert.deepEqual(parseJson('{"status":"success"}'), { status: 'success' });
  assert.equal(parseJson('<html>bad gateway</html>'), null);
  assert.equal(parseJson(''), null);
  assert.equal(jsonOrNull({ a: [1, 'x'] }), '{"a":[1,"x"]}');
  const cyclic = [];
  cyclic.push(cyclic);
  assert.equal(jsonOrNull(cyclic), null);
  assert.equal(jsonOrNull({ big: 1n }), null);
});

test('randomHex gives two hex digits a byte, from crypto or else from random()', () => {
  assert.match(randomHex({ crypto: globalThis.crypto }, 12), /^[0-9a-f]{24}$/);
  assert.equal(randomHex({ crypto: undefined, random: () => 0 }, 3), '000000');
  assert.equal(randomHex({ crypto: undefined, random: () => 0.9999 }, 2), 'ffff');
});

test('result and isPlainObject', () => {
  assert.deepEqual(result('error', 'why'), { status: 'error', msg: 'why' });
  assert.equal(isPlainObject({}), true);
  assert.equal(isPlainObject([]), false);
  assert.equal(isPlainObject(null), false);
  assert.equal(isPlainObject('text'), false);
});

test('isThenable tells a promise (or any thenable) from a value', () => {
  assert.equal(isThenable(Promise.resolve(1)), true);
  assert.equal(isThenable({ then() {} }), true);
  assert.equal(isThenable(Object.assign(() => {}, { then() {} })), true);
  for (const value of [null, undefined, 0, 'then', {}, { then: 'soon' }, [], () => {}]) {
    assert.equal(isThenable(value), false, String(value));
  }
});
