import crypto from 'node:crypto';
import { expect } from 'chai';
import { CredentialDecryptError, decrypt, deriveKey, encrypt } from '../../../../shared-libs/credentials/src';

describe('credentials cipher (CHT-compatible)', () => {
  it('repeats a short server secret up to 32 bytes, as CHT does', () => {
    expect(deriveKey('mysecret').toString('utf8')).to.equal('mysecretmysecretmysecretmysecret');
  });

  it('cuts a long server secret at 32 bytes', () => {
    expect(deriveKey('a-couchdb-secret-that-is-longer-than-32-bytes').toString('utf8')).to.equal('a-couchdb-secret-that-is-longer-');
  });

  it('refuses an empty server secret', () => {
    expect(() => deriveKey('')).to.throw(/secret is empty/);
  });

  // Vectors made with `openssl enc -aes-256-cbc -K <key> -iv 00112233445566778899aabbccddeeff`.
  const vectors = [
    { secret: 'mysecret', stored: '00112233445566778899aabbccddeeff:19322b164c6fe2bfcf0f55a72627bb02fef6700bc6d9480f0e1d77f4d8393d23', plain: 'rapidpro-token-123' },
    { secret: 'a-couchdb-secret-that-is-longer-than-32-bytes', stored: '00112233445566778899aabbccddeeff:8f2e98a3221d3db749a364fc6c0f6b34', plain: 'tok' },
  ];
  for (const v of vectors) {
    it(`decrypts a value encrypted by another implementation (secret of ${v.secret.length} bytes)`, () => {
      expect(decrypt(v.stored, deriveKey(v.secret))).to.equal(v.plain);
    });
  }

  it('writes hex(iv):hex(ciphertext) with a fresh IV each time, and reads it back', () => {
    const key = deriveKey('mysecret');
    const a = encrypt('the token', key);
    const b = encrypt('the token', key);
    expect(a).to.match(/^[0-9a-f]{32}:[0-9a-f]+$/);
    expect(a).to.not.equal(b);
    expect(decrypt(a, key)).to.equal('the token');
    expect(a).to.not.include('the token');
  });

  it('keeps unicode secrets intact', () => {
    const key = deriveKey('k');
    expect(decrypt(encrypt('clé-ñ-😀', key), key)).to.equal('clé-ñ-😀');
    expect(decrypt(encrypt('\ufefftoken', key), key), 'a leading byte order mark is part of the secret').to.equal('\ufefftoken');
  });

  it('fails with CredentialDecryptError under another key, or on garbage', () => {
    const stored = encrypt('secret value', deriveKey('first'));
    expect(() => decrypt(stored, deriveKey('second'))).to.throw(CredentialDecryptError);
    // One of the 1 in 256 values whose padding still checks out under the wrong key: caught as not being text.
    const paddingPasses = '27f2b2e3f9c383c6dc0d88f56aab783d:bc7b76195ff695dfca8f1f5a730e17e8';
    expect(decrypt(paddingPasses, deriveKey('first'))).to.equal('secret value');
    const decipher = crypto.createDecipheriv('aes-256-cbc', deriveKey('second'), Buffer.from(paddingPasses.slice(0, 32), 'hex'));
    expect(() => Buffer.concat([decipher.update(Buffer.from(paddingPasses.slice(33), 'hex')), decipher.final()]), 'padding is valid').to.not.throw();
    expect(() => decrypt(paddingPasses, deriveKey('second'))).to.throw(CredentialDecryptError);
    expect(() => decrypt('not-hex:zz', deriveKey('first'))).to.throw(CredentialDecryptError);
    expect(() => decrypt('', deriveKey('first'))).to.throw(CredentialDecryptError);
  });
});
