import { randomBytes } from 'node:crypto';
import { SecretBox, sha256Hex } from '../../src/platform/secrets';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, and seals the same value differently each time', () => {
    const first = box.seal('hunter2-ü');
    const second = box.seal('hunter2-ü');
    expect(first).not.toBe(second);
    expect(first).not.toContain('hunter2');
    expect(box.open(first)).toBe('hunter2-ü');
    expect(box.open(second)).toBe('hunter2-ü');
  });

  it('refuses a value sealed under another key', () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => other.open(box.seal('x'))).toThrow(/sealed with another GANTRY_ENCRYPTION_KEY/);
  });

  it('refuses an altered value', () => {
    const [version, iv, tag, ciphertext] = box.seal('secret').split(':');
    const flipped = Buffer.from(ciphertext!, 'base64');
    flipped[0]! ^= 1;
    expect(() => box.open([version, iv, tag, flipped.toString('base64')].join(':'))).toThrow(
      /has been altered/,
    );
    expect(() => box.open('plain text')).toThrow(/not a sealed value/);
  });

  it('takes only a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(
      'encryption key is 16 bytes; it must be 32',
    );
    expect(SecretBox.fromBase64(randomBytes(32).toString('base64url'))).toBeInstanceOf(SecretBox);
  });
});

describe('sha256Hex', () => {
  it('is the hex SHA-256', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
