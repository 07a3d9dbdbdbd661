export * from './vault';
export { deriveKey, encrypt, decrypt, CredentialDecryptError } from './cipher';
