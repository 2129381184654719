/** The closed loop's API for the gateway (edge-inference/README.md, "The loop"; docs/mqtt.md §9). */
export { startEdgeInference, type EdgeInference, type EdgeInferenceOptions } from './edge-inference.ts';
export { ALARM_STORE_FILE_NAME, loadInferenceSetup, SHIPPED_MODEL_CONFIG_PATH, type InferenceSetup } from './inference-setup.ts';
export { parseRules, readRules, RulesError, type RulesFile } from './rules.ts';
export type { Alarm, AlarmState } from './alarm.ts';
export type { AlarmAckAnswer } from './alarm-ack.ts';
export type { ScoreMessage } from './score-message.ts';
export { alarmAckTopic, alarmTopic, edgeResultTopic, scoreTopic, type Publish } from './topics.ts';
