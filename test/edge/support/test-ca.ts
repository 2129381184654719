import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TestCa {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

/** A throwaway CA with a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
export function makeTestCa(dir: string): TestCa {
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const newKey = (name: string, subject: string) => ['-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', file(name)];
  openssl(['req', '-x509', ...newKey('ca.key', '/CN=wasmote test CA'), '-days', '1', '-out', file('ca.pem')]);
  const issue = (name: string, subject: string, extensions: string) => {
    writeFileSync(file(`${name}.ext`), `${extensions}\n`);
    openssl(['req', ...newKey(`${name}.key`, subject), '-out', file(`${name}.csr`)]);
    openssl([
      'x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-days', '1', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`),
    ]);
  };
  issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost');
  issue('client', '/CN=edge-1', 'extendedKeyUsage=clientAuth');
  return {
    caFile: file('ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
  };
}
