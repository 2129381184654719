import { describe, expect, it } from 'vitest';
import { formatEdgeUrl, parseEdgeUrl, parseSerialPorts, parseTcpListenAddress } from '../../../host/cli/link-addresses.ts';

describe('--tcp [HOST:]PORT', () => {
  it.each([
    ['7070', { host: '127.0.0.1', port: 7070 }],
    ['0', { host: '127.0.0.1', port: 0 }],
    ['0.0.0.0:7070', { host: '0.0.0.0', port: 7070 }],
    ['gateway.local:65535', { host: 'gateway.local', port: 65535 }],
    ['[::]:7070', { host: '::', port: 7070 }],
    ['[::1]:1', { host: '::1', port: 1 }],
  ])('%s listens on %o', (text, address) => {
    expect(parseTcpListenAddress(text)).toEqual(address);
  });

  it.each([
    ['65536', "--tcp '65536' needs a port from 0 to 65535"],
    ['host:', "--tcp 'host:' must be PORT, HOST:PORT or [IPv6]:PORT"],
    ['::1:7070', "--tcp '::1:7070' must be PORT, HOST:PORT or [IPv6]:PORT"],
    ['tcp://host:7070', "--tcp 'tcp://host:7070' must be PORT, HOST:PORT or [IPv6]:PORT"],
    ['-1', "--tcp '-1' must be PORT, HOST:PORT or [IPv6]:PORT"],
  ])('refuses %s', (text, message) => {
    expect(() => parseTcpListenAddress(text)).toThrow(message);
  });
});

describe('--edge tcp://HOST:PORT', () => {
  it.each([
    ['tcp://127.0.0.1:7070', { host: '127.0.0.1', port: 7070 }],
    ['tcp://edge.example:1/', { host: 'edge.example', port: 1 }],
    ['tcp://[::1]:7070', { host: '::1', port: 7070 }],
  ])('%s is %o, and prints back the same', (text, address) => {
    expect(parseEdgeUrl(text)).toEqual(address);
    expect(formatEdgeUrl(address)).toBe(text.replace(/\/$/, ''));
  });

  it.each([
    ['127.0.0.1:7070', "--edge '127.0.0.1:7070' must be tcp://HOST:PORT"],
    ['mqtt://broker:1883', "--edge 'mqtt://broker:1883' must be tcp://HOST:PORT"],
    ['tcp://host', "--edge 'tcp://host' must be tcp://HOST:PORT"],
    ['tcp://host:0', "--edge 'tcp://host:0' needs a port from 1 to 65535"],
  ])('refuses %s', (text, message) => {
    expect(() => parseEdgeUrl(text)).toThrow(message);
  });
});

describe('--serial auto|PATH[,PATH...]', () => {
  it('reads auto, one path, or several without repeats', () => {
    expect(parseSerialPorts('auto')).toBe('auto');
    expect(parseSerialPorts('/dev/ttyUSB0')).toEqual(['/dev/ttyUSB0']);
    expect(parseSerialPorts('/dev/ttyUSB0,/dev/ttyACM1,/dev/ttyUSB0')).toEqual(['/dev/ttyUSB0', '/dev/ttyACM1']);
  });

  it('refuses an empty path', () => {
    expect(() => parseSerialPorts('/dev/ttyUSB0,')).toThrow("--serial '/dev/ttyUSB0,' must be auto or port paths separated by commas");
  });
});

describe('the link sources from the options', () => {
  it('makes a TCP listener and a serial watcher as asked, and nothing unasked', async () => {
    const { linkSourcesFor } = await import('../../../host/edge/links/link-sources.ts');
    const sources = linkSourcesFor({ tcp: parseTcpListenAddress('7070'), serial: parseSerialPorts('/dev/ttyUSB0,/dev/ttyACM0'), baudRate: 9600 });
    expect(sources.map((source) => source.name)).toEqual(['tcp:127.0.0.1:7070', 'serial:/dev/ttyUSB0,/dev/ttyACM0']);
    expect(linkSourcesFor({ serial: 'auto' }).map((source) => source.name)).toEqual(['serial:auto']);
    expect(linkSourcesFor({})).toEqual([]);
  });
});
