import { readFileSync } from 'node:fs';
import { OptionError } from './option-error.ts';

/**
 * The PEM files of one TLS end, read into what node:tls (and mqtt.js, which passes them on) takes: the CA that
 * signs the peer's certificate, and this end's certificate and key. Shared by the edge's broker connections, the
 * MQTT bridge sink and the embedded broker's TLS listener.
 */
export interface TlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** The names of a configuration's `tls` fields, for errors about them. */
export const TLS_FIELD_NAMES: Record<keyof TlsFiles, string> = {
  caFile: 'tls.caFile',
  certFile: 'tls.certFile',
  keyFile: 'tls.keyFile',
};

export interface TlsSecrets {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Reads each file given; an error names the option (`names`) and the file. A certificate needs its key. */
export function readTlsFiles(files: TlsFiles, names: Record<keyof TlsFiles, string>): TlsSecrets {
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) {
    const missing = files.certFile === undefined ? names.certFile : names.keyFile;
    const given = files.certFile === undefined ? names.keyFile : names.certFile;
    throw new OptionError(given, `needs ${missing} too`);
  }
  return {
    ...(files.caFile !== undefined && { ca: readPem(files.caFile, names.caFile) }),
    ...(files.certFile !== undefined && { cert: readPem(files.certFile, names.certFile) }),
    ...(files.keyFile !== undefined && { key: readPem(files.keyFile, names.keyFile) }),
  };
}

function readPem(file: string, option: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new OptionError(option, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
}
