import { Writable } from 'node:stream';
import { inspect } from 'node:util';

import pino from 'pino';
import { z } from 'zod';

import { loadConfig } from './load-config';
import { Secret, secretString } from './secret';

const TOKEN = 'tok_live_0123456789abcdef';

const schema = z.object({ API_TOKEN: secretString({ minLength: 16 }), REGION: z.string() });

function loadedConfig(): z.output<typeof schema> {
  return loadConfig(schema, { API_TOKEN: TOKEN, REGION: 'us-east' });
}

describe(Secret.name, () => {
  it('should hand out the value only through reveal()', () => {
    const sut = loadedConfig();

    expect(sut.API_TOKEN.reveal()).toBe(TOKEN);
  });

  it('should print [secret] in JSON.stringify of the config object', () => {
    const sut = JSON.stringify(loadedConfig());

    expect(sut).toBe('{"API_TOKEN":"[secret]","REGION":"us-east"}');
  });

  it('should print [secret] in template strings, String() and concatenation', () => {
    const { API_TOKEN: sut } = loadedConfig();

    // Cast: the lint rules that forbid interpolating an object are the first line of defence.
    const leaked = sut as unknown as string;

    expect(`token=${leaked}`).toBe('token=[secret]');
    expect('token=' + leaked).toBe('token=[secret]');
    expect(String(sut)).toBe('[secret]');
  });

  it('should print [secret] in util.inspect and so in console.log', () => {
    const sut = inspect(loadedConfig(), { depth: 5, showHidden: true });

    expect(sut).not.toContain(TOKEN);
    expect(sut).toContain('[secret]');
  });

  it('should print [secret] when the config object is logged with pino', () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });

    pino(sink).info({ config: loadedConfig() }, 'starting');

    const [line] = chunks.map((chunk) => JSON.parse(chunk) as { config: unknown });
    expect(line.config).toEqual({ API_TOKEN: '[secret]', REGION: 'us-east' });
    expect(chunks.join('')).not.toContain(TOKEN);
  });

  it('should not enumerate the value as a property', () => {
    const { API_TOKEN: sut } = loadedConfig();

    expect(Object.keys(sut)).toEqual([]);
    expect(Object.getOwnPropertyNames(sut)).toEqual([]);
  });

  it('should refuse a too short secret without echoing it', () => {
    const sut = (): unknown => loadConfig(schema, { API_TOKEN: 'short-one', REGION: 'x' });

    expect(sut).toThrow('API_TOKEN: must be at least 16 characters');
    expect(sut).not.toThrow('short-one');
  });
});
