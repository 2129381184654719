/**
 * The MQTT consumer of the edge bench, in a process of its own as a real consumer would be, so that counting the
 * edge's messages does not take the edge's event loop: subscribes to `<filter>` at `<qos>`, sends 'ready' once
 * subscribed, answers 'report' with how many messages came so far, their bytes and when the last one arrived, and
 * ends on 'end'.
 *
 * argv: <broker URL> <topic filter> <qos>.
 */
import mqtt from 'mqtt';

const [brokerUrl, filter, qosText] = process.argv.slice(2);
const client = await mqtt.connectAsync(brokerUrl!, { protocolVersion: 5 });
let messages = 0;
let payloadBytes = 0;
let lastMs = 0;
client.on('message', (_topic, payload) => {
  messages++;
  payloadBytes += payload.length;
  lastMs = performance.timeOrigin + performance.now();
});
await client.subscribeAsync(filter!, { qos: Number(qosText) as 0 | 1 });

process.on('message', (message) => {
  if (message === 'report') process.send!({ messages, payloadBytes, lastMs });
  if (message === 'end') void client.endAsync().then(() => process.disconnect());
});
// A bench that ends without saying so (a crash, a kill) leaves no subscriber behind.
process.once('disconnect', () => process.exit(0));
process.send!('ready');
