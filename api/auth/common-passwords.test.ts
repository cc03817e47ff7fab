import { describe, expect, it } from 'vitest';
import { commonPasswordReason } from './common-passwords.js';

describe('commonPasswordReason', () => {
  it.each([
    'qwerty123456',
    '123qweasdzxc',
    'Password1234',
    'password1234!',
    '!!Dragon2024!!',
    'aaaaaaaaaaaa',
    'abcabcabcabc',
    '1q2w3e4r5t6y',
  ])('refuses %s', (password) => {
    expect(commonPasswordReason(password)).not.toBeNull();
  });
  it.each([
    'admin-password-for-tests',
    'correct horse battery staple',
    'velvet-otter-quarry-41',
    'password-of-someone@test.arc',
  ])('accepts %s', (password) => {
    expect(commonPasswordReason(password)).toBeNull();
  });
});
