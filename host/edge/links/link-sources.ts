import type { LinkSource } from './link.ts';
import { SerialLinkSource, type SerialPortSelection } from './serial-source.ts';
import { TcpLinkSource, type TcpListenAddress } from './tcp-source.ts';

/** The gateway's `--tcp`, `--serial` and `--baud` (host/cli/link-addresses.ts reads their text). */
export interface LinkSourceOptions {
  tcp?: TcpListenAddress;
  serial?: SerialPortSelection;
  /** For the serial ports, 8N1 (default 115200). */
  baudRate?: number;
  /** A serial port that cannot be opened, or a port list that cannot be read, for the gateway's log. */
  onProblem?(problem: string): void;
}

/** The link sources the options ask for (issue 11), not yet started. */
export function linkSourcesFor(options: LinkSourceOptions): LinkSource[] {
  const sources: LinkSource[] = [];
  if (options.tcp !== undefined) sources.push(new TcpLinkSource(options.tcp));
  if (options.serial !== undefined) {
    sources.push(
      new SerialLinkSource({
        ports: options.serial,
        ...(options.baudRate === undefined ? {} : { baudRate: options.baudRate }),
        ...(options.onProblem === undefined ? {} : { onProblem: options.onProblem }),
      }),
    );
  }
  return sources;
}
