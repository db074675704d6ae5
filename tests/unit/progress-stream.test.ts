import { describe, expect, it } from 'vitest';
import { clampProgress, readStreamLines, type CallProgress } from '../../src/shared/api/progress.js';
import { readProgressStream } from '../../src/renderer/api/http.js';

/** A response whose body arrives in exactly these chunks, as a slow network would cut it. */
function chunkedResponse(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'application/x-ndjson' } });
}

describe('progress stream of the dev bridge', () => {
  it('splits complete lines from the unfinished rest, a line cut anywhere', () => {
    const first = readStreamLines('', '{"progress":{"done":0,"total":2,"label":"Mise en page des fiches"}}\n{"progr');
    expect(first.lines).toEqual([{ progress: { done: 0, total: 2, label: 'Mise en page des fiches' } }]);
    expect(first.rest).toBe('{"progr');
    const second = readStreamLines(first.rest, 'ess":{"done":2,"total":2,"label":"Impression des fiches"}}\n{"result":{"ok":true,"value":1}}\n');
    expect(second.lines).toEqual([
      { progress: { done: 2, total: 2, label: 'Impression des fiches' } },
      { result: { ok: true, value: 1 } },
    ]);
    expect(second.rest).toBe('');
  });

  it('refuses a line that is not ours', () => {
    expect(() => readStreamLines('', '{"autre":1}\n')).toThrow();
    expect(() => readStreamLines('', '<html>\n')).toThrow();
  });

  it('hands each progress to the listener in order, then returns the Result, whatever the chunks', async () => {
    const text =
      '{"progress":{"done":0,"total":3,"label":"Mise en page des fiches"}}\n' +
      '{"progress":{"done":1,"total":3,"label":"Impression des fiches"}}\n' +
      '{"progress":{"done":3,"total":3,"label":"Impression des fiches"}}\n' +
      '{"result":{"ok":false,"error":{"code":"validation","message":"Certains champs sont à corriger.","fields":{"a":"Requis."}}}}\n';
    for (const size of [1, 7, 50, text.length]) {
      const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, index) => text.slice(index * size, (index + 1) * size));
      const heard: CallProgress[] = [];
      const result = await readProgressStream(chunkedResponse(chunks), (progress) => heard.push(progress));
      expect(heard.map((progress) => progress.done)).toEqual([0, 1, 3]);
      expect(result).toEqual({ ok: false, error: { code: 'validation', message: 'Certains champs sont à corriger.', fields: { a: 'Requis.' } } });
    }
  });

  it('says the answer is unreadable when the stream ends without its Result', async () => {
    const result = await readProgressStream(chunkedResponse(['{"progress":{"done":0,"total":1,"label":"x"}}\n']), () => {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'Réponse du serveur illisible. Réessayez.' } });
  });

  it('keeps reported progress whole and within 0..total', () => {
    expect(clampProgress(3.6, 10, 'a')).toEqual({ done: 4, total: 10, label: 'a' });
    expect(clampProgress(12, 10, 'a')).toEqual({ done: 10, total: 10, label: 'a' });
    expect(clampProgress(-1, Number.NaN, 'a')).toEqual({ done: 0, total: 0, label: 'a' });
  });
});
