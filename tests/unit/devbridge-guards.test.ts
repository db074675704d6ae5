import { describe, expect, it } from 'vitest';
import {
  MAX_BODY_BYTES,
  hasValidToken,
  isAllowedHost,
  isValidSessionId,
  parseCallBody,
  parseDevBridgeArgs,
} from '../../src/devbridge/request-guards.js';

describe('dev bridge request guards', () => {
  it('accepts only our loopback host and port', () => {
    expect(isAllowedHost('127.0.0.1:4100', 4100)).toBe(true);
    expect(isAllowedHost('localhost:4100', 4100)).toBe(true);
    expect(isAllowedHost('127.0.0.1:4101', 4100)).toBe(false);
    expect(isAllowedHost('evil.example:4100', 4100)).toBe(false);
    expect(isAllowedHost('127.0.0.1', 4100)).toBe(false);
    expect(isAllowedHost(undefined, 4100)).toBe(false);
  });

  it('checks the bearer token exactly', () => {
    expect(hasValidToken('Bearer abc123', 'abc123')).toBe(true);
    expect(hasValidToken('Bearer abc124', 'abc123')).toBe(false);
    expect(hasValidToken('Bearer abc1234', 'abc123')).toBe(false);
    expect(hasValidToken('abc123', 'abc123')).toBe(false);
    expect(hasValidToken(undefined, 'abc123')).toBe(false);
  });

  it('accepts UUID session ids and refuses junk', () => {
    expect(isValidSessionId('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    expect(isValidSessionId('')).toBe(false);
    expect(isValidSessionId('a b c d e f g h')).toBe(false);
    expect(isValidSessionId('x'.repeat(200))).toBe(false);
    expect(isValidSessionId(undefined)).toBe(false);
  });

  it('parses {method, args} and refuses anything else', () => {
    expect(parseCallBody('{"method":"auth.me","args":{}}')).toEqual({ method: 'auth.me', args: {} });
    expect(parseCallBody('{"method":"auth.me"}')).toEqual({ method: 'auth.me', args: {} });
    expect(parseCallBody('{"args":{}}')).toBeNull();
    expect(parseCallBody('[1]')).toBeNull();
    expect(parseCallBody('{')).toBeNull();
    expect(MAX_BODY_BYTES).toBe(15 * 1024 * 1024);
  });

  it('reads --port and --no-demo from the command line', () => {
    expect(parseDevBridgeArgs([])).toEqual({ port: 0, demo: true });
    expect(parseDevBridgeArgs(['--db', 'x.sqlite', '--port', '4100', '--no-demo'])).toEqual({ port: 4100, demo: false });
    expect(parseDevBridgeArgs(['--port=0'])).toEqual({ port: 0, demo: true });
    expect(() => parseDevBridgeArgs(['--port', 'abc'])).toThrow(/Port invalide/);
  });
});
