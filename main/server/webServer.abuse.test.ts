// The WebSocket abuse suite: raw frames written over TCP at the real server (in a process of
// its own, so a crash shows as an exit). Each malformed frame must close that connection only;
// malformed requests must be answered; afterwards a legitimate client is still served.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const LIMIT = 1024 * 1024;
let child: ChildProcess;
let port = 0;
let token = '';
let output = '';

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'main/server/testServer.ts'], {
    env: { ...process.env, TEST_MAX_MESSAGE_BYTES: String(LIMIT) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (d) => {
    output += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`test server did not start:\n${output}`)), 30_000);
    child.stdout?.on('data', (d) => {
      output += d.toString();
      const match = /READY (\d+) (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        port = Number(match[1]);
        token = match[2] as string;
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`test server exited with ${code}:\n${output}`)));
  });
}, 40_000);

afterAll(() => {
  child?.kill('SIGTERM');
});

/** A raw TCP connection that has completed the WebSocket handshake. */
async function rawSocket(): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  let data = Buffer.alloc(0);
  socket.on('data', (d) => {
    data = Buffer.concat([data, d]);
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', (error) => reject(new Error(`the server is gone: ${error.message}`)));
  });
  socket.on('error', () => {});
  socket.write(
    [
      `GET /api?token=${token} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      `Origin: http://127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n'),
  );
  await until(() => data.includes('\r\n\r\n'));
  expect(data.toString('latin1')).toMatch(/^HTTP\/1\.1 101/);
  const headerEnd = data.indexOf('\r\n\r\n') + 4;
  return { socket, received: () => data.subarray(headerEnd), closed };
}

async function until(check: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface FrameOptions {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  payload?: Buffer;
  mask?: boolean;
  /** Declare this length instead of the payload's (a lie). */
  declaredLength?: bigint;
}

/** One WebSocket frame as RFC 6455 lays it out (client frames are masked). */
function frame({ fin = true, rsv = 0, opcode, payload = Buffer.alloc(0), mask = true, declaredLength }: FrameOptions) {
  const length = declaredLength ?? BigInt(payload.length);
  const head = [((fin ? 0x80 : 0) | (rsv << 4) | opcode) & 0xff];
  const maskBit = mask ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65536n) {
    head.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(length);
  }
  const key = mask ? randomBytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload);
  if (mask) for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (key[i % 4] as number);
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

const text = (s: string) => frame({ opcode: 0x1, payload: Buffer.from(s) });

/** The server's frames (unmasked) on a raw socket. */
function serverFrames(bytes: Buffer): { opcode: number; payload: Buffer }[] {
  const out: { opcode: number; payload: Buffer }[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = (bytes[at] as number) & 0x0f;
    let length = (bytes[at + 1] as number) & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      start += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      start += 8;
    }
    if (start + length > bytes.length) break;
    out.push({ opcode, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return out;
}

/** A legitimate client's call, through the ws library as the browser's WebSocket would make it. */
async function legitimateCall(
  method: string,
  params: unknown = {},
): Promise<{ ok: boolean; result?: unknown; error?: string }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, {
    headers: { Origin: `http://127.0.0.1:${port}` },
  });
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));
    ws.send(JSON.stringify({ id: 7, method, params }));
    const parsed = JSON.parse(await reply);
    expect(parsed.id).toBe(7);
    return parsed;
  } finally {
    ws.close();
  }
}

const expectServerAlive = () => {
  expect(child.exitCode).toBeNull();
  expect(child.signalCode).toBeNull();
  expect(output).not.toMatch(/Uncaught|TypeError|RangeError|unhandled/i);
};

describe('WebSocket abuse: malformed frames close their own connection only', () => {
  const cases: [string, () => Buffer, number][] = [
    ['an unknown opcode (0x3)', () => frame({ opcode: 0x3, payload: Buffer.from('x') }), 1002],
    ['a reserved control opcode (0xB)', () => frame({ opcode: 0xb }), 1002],
    ['RSV1 set without a negotiated extension', () => frame({ opcode: 0x1, rsv: 4, payload: Buffer.from('{}') }), 1002],
    ['RSV2 and RSV3 set', () => frame({ opcode: 0x1, rsv: 3, payload: Buffer.from('{}') }), 1002],
    [
      'a text frame that is not UTF-8',
      () => frame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }),
      1007,
    ],
    ['a declared length of 2^63', () => frame({ opcode: 0x1, declaredLength: 2n ** 63n }), 1009],
    ['a declared length of 2^64 - 1', () => frame({ opcode: 0x2, declaredLength: 2n ** 64n - 1n }), 1009],
    ['a frame over the size limit', () => frame({ opcode: 0x1, payload: Buffer.alloc(LIMIT + 1, 0x20) }), 1009],
    [
      'a message over the limit in fragments',
      () =>
        Buffer.concat([
          frame({ opcode: 0x1, fin: false, payload: Buffer.alloc(LIMIT / 2 + 1, 0x20) }),
          frame({ opcode: 0x0, payload: Buffer.alloc(LIMIT / 2 + 1, 0x20) }),
        ]),
      1009,
    ],
    ['a stray continuation frame', () => frame({ opcode: 0x0, payload: Buffer.from('{}') }), 1002],
    [
      'a new text frame inside a fragmented message',
      () => Buffer.concat([frame({ opcode: 0x1, fin: false, payload: Buffer.from('{') }), text('{}')]),
      1002,
    ],
    ['an unmasked client frame', () => frame({ opcode: 0x1, payload: Buffer.from('{}'), mask: false }), 1002],
    ['a fragmented ping', () => frame({ opcode: 0x9, fin: false, payload: Buffer.from('p') }), 1002],
    ['a control frame over 125 bytes', () => frame({ opcode: 0x9, payload: Buffer.alloc(200) }), 1002],
    ['a close frame with an invalid code', () => frame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe7]) }), 1002],
    ['a close frame with a 1-byte body', () => frame({ opcode: 0x8, payload: Buffer.from([0x03]) }), 1002],
  ];

  it.each(cases)('%s', async (_name, make, expectedCode) => {
    const { socket, received, closed } = await rawSocket();
    socket.write(make());
    await closed;
    const close = serverFrames(received()).find((f) => f.opcode === 0x8);
    expect(close?.payload.readUInt16BE(0)).toBe(expectedCode);
    expectServerAlive();
    expect(await legitimateCall('appInfo')).toMatchObject({ ok: true, result: { name: 'Spikewright' } });
  });

  it('a connection dropped mid-frame and a garbage handshake', async () => {
    const { socket, closed } = await rawSocket();
    socket.write(frame({ opcode: 0x1, payload: Buffer.alloc(5000, 0x20) }).subarray(0, 300));
    socket.destroy();
    await closed;
    const garbage = connect(port, '127.0.0.1');
    garbage.on('error', () => {});
    garbage.write('GET /api HTTP/1.1\r\nHost: \x00\x01\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    await new Promise((r) => setTimeout(r, 200));
    garbage.destroy();
    const badUrl = connect(port, '127.0.0.1');
    badUrl.on('error', () => {});
    badUrl.write(
      `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await new Promise((r) => setTimeout(r, 200));
    badUrl.destroy();
    expectServerAlive();
    expect(await legitimateCall('appInfo')).toMatchObject({ ok: true });
  });
});

describe('WebSocket abuse: malformed requests are answered and the connection stays', () => {
  const requests: [string, Buffer, RegExp][] = [
    ['null', text('null'), /expected an object/],
    ['a number', text('42'), /expected an object/],
    ['a string', text('"appInfo"'), /expected an object/],
    ['an array', text('[{"method":"appInfo"}]'), /expected an object/],
    ['not JSON', text('{"method":'), /not JSON/],
    ['an empty frame', text(''), /not JSON/],
    ['no method', text('{"id":1}'), /method must be a string/],
    ['a method that is not a string', text('{"id":1,"method":{"toString":1}}'), /method must be a string/],
    ['an id that is an object', text('{"id":{"a":1},"method":"appInfo"}'), /id must be a string or a number/],
    ['an unknown method', text('{"id":1,"method":"deleteEverything"}'), /Unknown API method/],
    ['__proto__ as the method', text('{"id":1,"method":"__proto__"}'), /Unknown API method/],
    ['constructor as the method', text('{"id":1,"method":"constructor"}'), /Unknown API method/],
    ['toString as the method', text('{"id":1,"method":"toString"}'), /Unknown API method/],
    ['params null', text('{"id":1,"method":"openExample","params":null}'), /Invalid request to openExample/],
    [
      'params of the wrong type',
      text('{"id":1,"method":"openDocument","params":{"path":42}}'),
      /Invalid request to openDocument/,
    ],
    [
      'params that are an array',
      text('{"id":1,"method":"stopTraining","params":[1,2]}'),
      /Invalid request to stopTraining/,
    ],
    [
      'a __proto__ key in params',
      text('{"id":1,"method":"openExample","params":{"__proto__":{"id":"x"}}}'),
      /Invalid request to openExample/,
    ],
    ['a binary frame', frame({ opcode: 0x2, payload: Buffer.from('{"id":1,"method":"appInfo"}') }), /JSON text frames/],
    ['deeply nested JSON', text(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), /expected an object|not JSON/],
  ];

  it.each(requests)('%s', async (_name, bytes, expected) => {
    const { socket, received } = await rawSocket();
    socket.write(bytes);
    await until(() => serverFrames(received()).some((f) => f.opcode === 0x1));
    const reply = JSON.parse(
      (serverFrames(received()).find((f) => f.opcode === 0x1) as { payload: Buffer }).payload.toString(),
    );
    expect(reply.ok).toBe(false);
    expect(reply.error).toMatch(expected);
    // The same connection still serves a good request.
    socket.write(text('{"id":"again","method":"appInfo","params":{}}'));
    await until(() => serverFrames(received()).filter((f) => f.opcode === 0x1).length >= 2);
    const second = JSON.parse(
      (serverFrames(received()).filter((f) => f.opcode === 0x1)[1] as { payload: Buffer }).payload.toString(),
    );
    expect(second).toMatchObject({ id: 'again', ok: true });
    socket.destroy();
    expectServerAlive();
  });

  it('a flood of 2,000 bad requests on one connection, then a legitimate client', async () => {
    const { socket, received } = await rawSocket();
    const bad = ['null', '[]', '{"method":"nope"}', '{"id":1,"method":"openDocument","params":{"path":"/etc/passwd"}}'];
    socket.write(Buffer.concat(Array.from({ length: 2000 }, (_, i) => text(bad[i % bad.length] as string))));
    await until(() => serverFrames(received()).length >= 2000, 20_000);
    const replies = serverFrames(received()).map((f) => JSON.parse(f.payload.toString()));
    expect(replies.every((r) => r.ok === false)).toBe(true);
    expect(replies.some((r) => /outside the workspace folder/.test(r.error))).toBe(true);
    socket.destroy();
    expectServerAlive();
    expect(await legitimateCall('listExamples')).toMatchObject({ ok: true });
  });
});

describe('HTTP: malformed requests answer 4xx', () => {
  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let data = '';
      socket.on('data', (d) => {
        data += d.toString();
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0)));
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });

  it.each([
    ['/%E0%A4%A', 400],
    ['/%ZZ', 400],
    ['/assets/%C0%AF', 400],
    ['/%00.js', 400],
    ['/../../etc/passwd', 404],
    ['/%2e%2e/%2e%2e/etc/passwd', 404],
    ['/index.html', 401],
  ])('GET %s answers %i', async (path, status) => {
    expect(await get(path)).toBe(status);
    expectServerAlive();
  });
});
