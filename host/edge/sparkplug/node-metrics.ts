import { nodeMetricAlias } from './aliases.ts';
import { DataType } from './datatypes.ts';
import type { Metric, ReceivedMetric } from './payload.ts';

/** The node's own metrics (slot 0): `n` 1 and 2, as docs/mqtt.md §7 "Metrics" numbers them. */
export const BD_SEQ_ALIAS = nodeMetricAlias(1);
export const NODE_REBIRTH_ALIAS = nodeMetricAlias(2);
export const BD_SEQ_NAME = 'bdSeq';
export const NODE_REBIRTH_NAME = 'Node Control/Rebirth';

/**
 * NDEATH's only metric: `bdSeq` by name, datatype Int64
 * (tck-id-message-flow-edge-node-birth-publish-will-message-payload-bdSeq); a host matches it against the
 * NBIRTH's by name, so it carries no alias.
 */
export function deathMetrics(bdSeq: number): Metric[] {
  return [{ name: BD_SEQ_NAME, datatype: DataType.Int64, value: BigInt(bdSeq) }];
}

/**
 * NBIRTH: the connection's `bdSeq` (tck-id-payloads-nbirth-bdseq-repeat) and `Node Control/Rebirth` = false
 * (tck-id-payloads-nbirth-rebirth-req).
 */
export function nodeBirthMetrics(bdSeq: number, nowMs: number): Metric[] {
  return [
    { name: BD_SEQ_NAME, alias: BD_SEQ_ALIAS, timestampMs: nowMs, datatype: DataType.Int64, value: BigInt(bdSeq) },
    {
      name: NODE_REBIRTH_NAME,
      alias: NODE_REBIRTH_ALIAS,
      timestampMs: nowMs,
      datatype: DataType.Boolean,
      value: false,
    },
  ];
}

/** Whether an NCMD metric is `Node Control/Rebirth`, by alias or, from a host that writes by name, by name. */
export function addressesNodeRebirth(metric: ReceivedMetric): boolean {
  return metric.alias !== undefined ? metric.alias === NODE_REBIRTH_ALIAS : metric.name === NODE_REBIRTH_NAME;
}
