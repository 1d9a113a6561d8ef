import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

const VERSION = 'v1';
// Sealed binary values (run artifacts) start with this, then the IV, the tag and the ciphertext.
const BUFFER_MAGIC = Buffer.from('gantry-sealed-v1\0');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals secrets for storage with AES-256-GCM under GANTRY_ENCRYPTION_KEY. A sealed value is
 * `v1:<iv>:<tag>:<ciphertext>` in base64; tampering or another key makes `open` throw.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) {
      throw new Error(`encryption key is ${key.length} bytes; it must be 32`);
    }
    this.key = key;
  }

  static fromBase64(key: string): SecretBox {
    return new SecretBox(Buffer.from(key, 'base64'));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64'));
    return [VERSION, ...parts].join(':');
  }

  /** Seals a binary value, such as a run's workspace, which holds its file mounts. */
  sealBuffer(plaintext: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([BUFFER_MAGIC, iv, cipher.getAuthTag(), ciphertext]);
  }

  static isSealedBuffer(value: Buffer): boolean {
    return value.subarray(0, BUFFER_MAGIC.length).equals(BUFFER_MAGIC);
  }

  openBuffer(sealed: Buffer): Buffer {
    if (!SecretBox.isSealedBuffer(sealed)) throw new Error('opening secret: not a sealed value');
    const iv = sealed.subarray(BUFFER_MAGIC.length, BUFFER_MAGIC.length + IV_BYTES);
    const tag = sealed.subarray(
      BUFFER_MAGIC.length + IV_BYTES,
      BUFFER_MAGIC.length + IV_BYTES + TAG_BYTES,
    );
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(BUFFER_MAGIC.length + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new Error(
        'opening secret: it was sealed with another GANTRY_ENCRYPTION_KEY or has been altered',
      );
    }
  }

  /** A key for another purpose (signing tokens, URLs), derived so that every process agrees. */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `gantry ${purpose}`, 32));
  }

  open(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
      throw new Error('opening secret: not a sealed value');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new Error(
        'opening secret: it was sealed with another GANTRY_ENCRYPTION_KEY or has been altered',
      );
    }
  }
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Compares a secret someone sent with the expected one in constant time. */
export function secretMatches(given: string, expected: string): boolean {
  // Equal-length digests, so neither the content nor the length leaks through timing.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
