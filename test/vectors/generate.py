#!/usr/bin/env python3
"""
Writes test/vectors/link-frames.json (docs/link-protocol.md §8) for the device link, version 2.

Written from docs/link-protocol.md alone, apart from both codecs (host/link/, firmware/link/): its own COBS
encoder (§2), little-endian field writers (§3.3), message layouts (§4) and zlib's CRC-32 (§3.2). Standard
library only. Run from anywhere: `python3 test/vectors/generate.py`; the output is the same on every run.

README
- valid: `{name, hex, seq, sessionTag, message}`: the whole wire frame with its delimiter, the header's seq and
  session_tag, and the message in the JSON of §8. HELLO and HEARTBEAT carry the tag of their own `session`.
- invalid: `{name, hex, reason, field?, newerPeer?}`; `field` follows §6: the §4 name with its index, the first
  failing field in wire order, the field being read where the payload ends early, `payload` for bytes left over,
  the later field of a cross-field check.
- Before writing, a receiver of §6 in this file (the self-check) decodes every valid vector back to its message
  and drops every invalid one for its reason at its field; §8's worked example is checked byte for byte.
- Where the contract leaves room, the vectors take this reading and test nothing else:
  - `session` "never 0" (§4.1, §4.8, §5.1) says what a device draws, not that 0 is malformed: no vector has
    session 0, valid or not.
  - HEARTBEAT's JSON names its period `heartbeatPeriodMs`, as HELLO's.
  - DATA's `count` must equal the 9-byte entries left (§4.3), so a count that does not match names `count`;
    HELLO's `opcode_count` has only its range, so a short opcode list names `opcodes[i]` and a long one `payload`.
  - The `status` i32 of STATUS_OUT_OF_RANGE, inside 0..255, names `status` (its §4.6 name); the restart time
    of APP_NOT_RUNNING above 2^53 - 1 names `restart_at_ms`.
  - Rules that §4 states without "malformed" and that need another message or the runner's state to judge
    (HEARTBEAT's `uptime_ms` a multiple of the period, HELLO with `app_state` 1 having no metrics or opcodes,
    the LED "not set" while backing off, `cached` on a result of a runner command) are kept by every valid
    vector and broken by none.
"""
import json
import math
import struct
import sys
import zlib
from pathlib import Path

OUT = Path(__file__).with_name("link-frames.json")

# §3.1
LINK_VERSION = 2
# §3: header (6) + payload (0..1024) + CRC (4), 10..1034 bytes
HEADER_BYTES = 6
MAX_PAYLOAD = 1024
MIN_BODY = HEADER_BYTES + 4
MAX_BODY = HEADER_BYTES + MAX_PAYLOAD + 4
# §2: 1034 + ceil(1034 / 254)
MAX_ENCODED = MAX_BODY + -(-MAX_BODY // 254)
assert (MIN_BODY, MAX_BODY, MAX_ENCODED) == (10, 1034, 1039)
MAX_SAFE = 2**53 - 1
U32_MAX = 0xFFFF_FFFF

# §3.4
HELLO, DATA, LOG, EVENT, COMMAND, COMMAND_RESULT, METRIC, HEARTBEAT = 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08
PROXY_REQUEST, PROXY_RESPONSE = 0x10, 0x11

# §4.9 op numbers, by the TypeScript names of host/link/messages.ts
PROXY_OPS = {"i2c-write": 1, "i2c-read": 2, "i2c-write-read": 3, "gpio-mode": 4, "gpio-write": 5, "gpio-read": 6,
             "pwm-set": 7}

# §4.8: the device's receive drop counters, in wire order
RX_DROPS = ["oversize", "cobs", "short", "crc", "version", "unknownType", "malformed"]


# ---------------------------------------------------------------------------------------------------------------
# §2 framing

def cobs_encode(data: bytes) -> bytes:
    """Blocks of a code byte c and c - 1 non-zero bytes; the shortest form (no empty block after a final 0xFF)."""
    out = bytearray()
    block = bytearray()
    for index, byte in enumerate(data):
        if byte == 0:
            out.append(len(block) + 1)
            out += block
            block = bytearray()
            continue
        block.append(byte)
        if len(block) == 254:
            out.append(0xFF)
            out += block
            block = bytearray()
            if index == len(data) - 1:
                return bytes(out)
    out.append(len(block) + 1)
    out += block
    return bytes(out)


def cobs_decode(data: bytes) -> bytes:
    """Only for the self-check below: undoes cobs_encode."""
    out = bytearray()
    at = 0
    while at < len(data):
        code = data[at]
        assert code != 0 and at + code <= len(data), "bad COBS"
        out += data[at + 1:at + code]
        at += code
        if code != 0xFF and at < len(data):
            out.append(0)
    return bytes(out)


def body(msg_type: int, tag: int, seq: int, payload: bytes, version: int = LINK_VERSION) -> bytes:
    """§3: header (version, type, session_tag, seq), payload, CRC-32 little-endian."""
    head = struct.pack("<BBHH", version, msg_type, tag, seq) + payload
    return head + struct.pack("<I", zlib.crc32(head))


def wire(frame_body: bytes) -> bytes:
    """One segment: COBS(body) and its 0x00 delimiter."""
    return cobs_encode(frame_body) + b"\x00"


def frame(msg_type: int, tag: int, seq: int, payload: bytes, version: int = LINK_VERSION) -> bytes:
    return wire(body(msg_type, tag, seq, payload, version))


# ---------------------------------------------------------------------------------------------------------------
# §3.3 field writers

def utf8(text) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8")


class Payload:
    """A payload under construction. Remembers where each field starts and ends, so a vector can cut inside it
    or replace it. Writes whatever it is given: validity is the vectors' business."""

    def __init__(self):
        self.data = bytearray()
        self.span = {}

    def put(self, field: str, raw: bytes) -> "Payload":
        self.span[field] = (len(self.data), len(self.data) + len(raw))
        self.data += raw
        return self

    def u8(self, field, value):
        return self.put(field, struct.pack("<B", value))

    def u16(self, field, value):
        return self.put(field, struct.pack("<H", value))

    def u32(self, field, value):
        return self.put(field, struct.pack("<I", value))

    def i32(self, field, value):
        return self.put(field, struct.pack("<i", value))

    def u64(self, field, value):
        return self.put(field, struct.pack("<Q", value))

    def f64(self, field, value):
        return self.put(field, struct.pack("<d", value))

    def str(self, field, text):
        raw = utf8(text)
        return self.put(field, bytes([len(raw)]) + raw)

    # §3.3: an `id` is a `str` on the wire
    id = str

    def raw(self, field, raw: bytes):
        return self.put(field, bytes(raw))

    # ---- for invalid vectors

    def bytes(self) -> bytes:
        return bytes(self.data)

    def cut(self, field: str, keep: int = 0) -> bytes:
        """The payload up to `keep` bytes into `field`."""
        return bytes(self.data[:self.span[field][0] + keep])

    def replace(self, field: str, raw: bytes) -> bytes:
        start, end = self.span[field]
        return bytes(self.data[:start] + raw + self.data[end:])


def u8(value):
    return struct.pack("<B", value)


def u16(value):
    return struct.pack("<H", value)


def u32(value):
    return struct.pack("<I", value)


def u64(value):
    return struct.pack("<Q", value)


def f64(value):
    return struct.pack("<d", value)


# ---------------------------------------------------------------------------------------------------------------
# §4 message layouts, from the JSON form of §8 (TypeScript field names, byte fields as hex)

def hello_payload(m) -> Payload:
    """§4.1"""
    p = Payload()
    p.id("device_id", m["deviceId"])
    p.u8("link_minor", m["linkMinor"])
    p.str("firmware_version", m["firmwareVersion"])
    p.u16("capabilities", m["capabilities"])
    p.id("board", m["board"])
    p.id("app_name", m["appName"])
    p.str("app_version", m["appVersion"])
    p.raw("app_hash", bytes.fromhex(m["appHash"]))
    p.u32("abi_version", m["abiVersion"])
    p.u8("boot_reason", m["bootReason"])
    p.u8("hello_reason", m["helloReason"])
    p.u32("session", m["session"])
    p.u32("boot_count", m["bootCount"])
    p.u64("uptime_ms", m["uptimeMs"])
    p.u32("heartbeat_period_ms", m["heartbeatPeriodMs"])
    p.u32("report_interval_ms", m["reportIntervalMs"])
    p.u8("app_state", m["appState"])
    p.u8("metric_count", m["metricCount"])
    p.u8("opcode_count", len(m["opcodes"]))
    for index, opcode in enumerate(m["opcodes"]):
        p.u8(f"opcodes[{index}]", opcode)
    return p


def metric_payload(m) -> Payload:
    """§4.2: `range` absent means has_range 0 with min and max 0."""
    p = Payload()
    p.u8("id", m["id"])
    p.str("name", m["name"])
    p.str("unit", m["unit"])
    p.u8("kind", m["kind"])
    value_range = m.get("range")
    p.u8("has_range", 1 if value_range else 0)
    p.f64("min", value_range["min"] if value_range else 0.0)
    p.f64("max", value_range["max"] if value_range else 0.0)
    return p


def data_payload(m) -> Payload:
    """§4.3"""
    p = Payload()
    p.u64("time_ms", m["timeMs"])
    p.u8("count", len(m["values"]))
    for index, value in enumerate(m["values"]):
        p.u8(f"values[{index}].id", value["id"])
        p.f64(f"values[{index}].value", value["value"])
    return p


def log_payload(m) -> Payload:
    """§4.4"""
    return Payload().u64("time_ms", m["timeMs"]).u8("level", m["level"]).str("text", m["text"])


def command_payload(m) -> Payload:
    """§4.5"""
    return Payload().u16("command_id", m["commandId"]).raw("payload", bytes.fromhex(m["payload"]))


def command_result_payload(m) -> Payload:
    """§4.6: flags bit 0 is `cached`."""
    p = Payload()
    p.u16("command_id", m["commandId"])
    p.u8("origin", m["origin"])
    p.u8("status", m["status"])
    p.u8("flags", 1 if m["cached"] else 0)
    p.raw("payload", bytes.fromhex(m["payload"]))
    return p


def event_payload(m) -> Payload:
    """§4.7"""
    p = Payload()
    p.u64("time_ms", m["timeMs"])
    p.u8("kind", m["kind"])
    p.u16("code", m["code"])
    p.str("message", m["message"])
    p.str("file", m["file"])
    p.u32("line", m["line"])
    p.u32("column", m["column"])
    return p


def heartbeat_payload(m) -> Payload:
    """§4.8: always 80 bytes."""
    p = Payload()
    p.u64("uptime_ms", m["uptimeMs"])
    p.u32("session", m["session"])
    p.u32("heartbeat_period_ms", m["heartbeatPeriodMs"])
    p.u32("boot_count", m["bootCount"])
    p.u8("app_state", m["appState"])
    p.u64("restart_at_ms", m["restartAtMs"])
    p.u16("consecutive_failures", m["consecutiveFailures"])
    p.u8("last_failure_kind", m["lastFailureKind"])
    p.u16("last_failure_code", m["lastFailureCode"])
    p.u32("rx_frames", m["rxFrames"])
    for reason, field in zip(RX_DROPS, ["rx_oversize", "rx_cobs", "rx_short", "rx_crc", "rx_version",
                                        "rx_unknown_type", "rx_malformed"]):
        p.u32(field, m["rxDrops"][reason])
    p.u32("commands_dropped", m["commandsDropped"])
    p.u8("led_mode", m["ledMode"])
    p.u16("led_period_ms", m["ledPeriodMs"])
    p.u8("led_level", m["ledLevel"])
    p.u16("brightness_u16", m["brightnessU16"])
    p.u32("report_interval_ms", m["reportIntervalMs"])
    assert len(p.data) == 80
    return p


def proxy_request_payload(m) -> Payload:
    """§4.9"""
    p = Payload()
    p.u16("request_id", m["requestId"])
    p.u64("time_us", m["timeUs"])
    operation = m["operation"]
    op = operation["op"]
    p.u8("op", PROXY_OPS[op])
    if op.startswith("i2c"):
        p.u8("addr", operation["address"])
        if op != "i2c-write":
            p.u8("read_len", operation["readLength"])
        if op != "i2c-read":
            p.raw("data", bytes.fromhex(operation["data"]))
    elif op == "gpio-mode":
        p.u8("pin", operation["pin"]).u8("mode", operation["mode"])
    elif op == "gpio-write":
        p.u8("pin", operation["pin"]).u8("level", operation["level"])
    elif op == "gpio-read":
        p.u8("pin", operation["pin"])
    else:
        p.u8("channel", operation["channel"]).u16("duty", operation["dutyU16"])
    return p


def proxy_response_payload(m) -> Payload:
    """§4.10"""
    p = Payload()
    p.u16("request_id", m["requestId"])
    p.u8("status", m["status"])
    p.raw("data", bytes.fromhex(m["data"]))
    return p


LAYOUTS = {
    "hello": (HELLO, hello_payload),
    "metric": (METRIC, metric_payload),
    "data": (DATA, data_payload),
    "log": (LOG, log_payload),
    "event": (EVENT, event_payload),
    "command": (COMMAND, command_payload),
    "command-result": (COMMAND_RESULT, command_result_payload),
    "heartbeat": (HEARTBEAT, heartbeat_payload),
    "proxy-request": (PROXY_REQUEST, proxy_request_payload),
    "proxy-response": (PROXY_RESPONSE, proxy_response_payload),
}


def payload_of(message) -> Payload:
    return LAYOUTS[message["type"]][1](message)


def type_of(message) -> int:
    return LAYOUTS[message["type"]][0]


# ---------------------------------------------------------------------------------------------------------------
# Vector lists

valid = []
invalid = []

# §5.1: each end draws a session and puts its low 16 bits in every frame's session_tag. The typical device's and
# edge's; the edge's tag is the worked example's (§8).
DEVICE_SESSION = 0x9E37_79B9
EDGE_SESSION = 0x5BD1_1234
DEVICE_TAG = DEVICE_SESSION & 0xFFFF
EDGE_TAG = EDGE_SESSION & 0xFFFF
TO_DEVICE_TYPES = (COMMAND, PROXY_RESPONSE)


def sender_tag(msg_type: int) -> int:
    return EDGE_TAG if msg_type in TO_DEVICE_TYPES else DEVICE_TAG


def add_valid(name: str, seq: int, message: dict, tag: int = None):
    """`tag` defaults to the sender's: a HELLO's or HEARTBEAT's own `session`, else the typical device's or edge's."""
    session = message.get("session")
    if tag is None:
        tag = session & 0xFFFF if session is not None else sender_tag(type_of(message))
    assert session is None or tag == session & 0xFFFF, name
    payload = payload_of(message).bytes()
    assert len(payload) <= MAX_PAYLOAD, name
    valid.append({"name": name, "hex": frame(type_of(message), tag, seq, payload).hex(), "seq": seq,
                  "sessionTag": tag, "message": message})


def add_invalid(name: str, segment: bytes, reason: str, field: str = None, newer_peer: dict = None):
    assert segment.endswith(b"\x00") and b"\x00" not in segment[:-1] or reason in ("oversize",), name
    vector = {"name": name, "hex": segment.hex(), "reason": reason}
    if field is not None:
        vector["field"] = field
    if newer_peer is not None:
        vector["newerPeer"] = newer_peer
    invalid.append(vector)


def malformed(name: str, msg_type: int, payload: bytes, field: str, seq: int = 0x0201):
    """A frame with a correct CRC whose payload breaks its layout at `field` (§6: the field the detail names)."""
    add_invalid(name, frame(msg_type, sender_tag(msg_type), seq, payload), "malformed", field)


def with_(message: dict, **changes) -> dict:
    changed = dict(message)
    changed.update(changes)
    return changed


# ---- shared samples

SENSOR_NODE_HASH = "adea26b55283f792f4e4e05a4c772e5aea6b494ea22c178a2b154806110149f4"

HELLO_TYPICAL = {
    "type": "hello",
    "deviceId": "node-0001",
    "linkMinor": 0,
    "firmwareVersion": "wasmote-fw 0.2.0",
    "capabilities": 0b010,
    "board": "netduinoplus2",
    "appName": "sensor-node",
    "appVersion": "0.2.0",
    "appHash": SENSOR_NODE_HASH,
    "abiVersion": 0x0001_0001,
    "bootReason": 0,
    "helloReason": 0,
    "session": DEVICE_SESSION,
    "bootCount": 1,
    "uptimeMs": 12,
    "heartbeatPeriodMs": 5000,
    "reportIntervalMs": 1000,
    "appState": 0,
    "metricCount": 3,
    "opcodes": [0x01, 0x02, 0x03],
}

RX_ZERO = {reason: 0 for reason in RX_DROPS}

HEARTBEAT_TYPICAL = {
    "type": "heartbeat",
    "uptimeMs": 5000,
    "session": DEVICE_SESSION,
    "heartbeatPeriodMs": 5000,
    "bootCount": 1,
    "appState": 0,
    "restartAtMs": 0,
    "consecutiveFailures": 0,
    "lastFailureKind": 0,
    "lastFailureCode": 0,
    "rxFrames": 3,
    "rxDrops": dict(RX_ZERO),
    "commandsDropped": 0,
    "ledMode": 1,
    "ledPeriodMs": 0,
    "ledLevel": 1,
    "brightnessU16": 32768,
    "reportIntervalMs": 1000,
}

METRIC_TEMPERATURE = {"type": "metric", "id": 0, "name": "temperature", "unit": "Cel", "kind": 0,
                      "range": {"min": -40, "max": 125}}


def result(command_id, origin, status, cached=False, payload=""):
    return {"type": "command-result", "commandId": command_id, "origin": origin, "status": status, "cached": cached,
            "payload": payload}


def event(time_ms, kind, code, message="", file="", line=0, column=0):
    return {"type": "event", "timeMs": time_ms, "kind": kind, "code": code, "message": message, "file": file,
            "line": line, "column": column}


def nonzero(length: int, first: int = 0) -> bytes:
    return bytes(1 + (first + i) % 255 for i in range(length))


# ---------------------------------------------------------------------------------------------------------------
# Valid vectors

def valid_hello():
    h = HELLO_TYPICAL
    add_valid("hello: typical board, power-on boot, three metrics, opcodes 1..3", 0, h)
    add_valid("hello: simulator after a REBOOT command, no capabilities, session 1 (tag 1)", 0,
              with_(h, board="sim", capabilities=0, bootReason=3, bootCount=2, session=0x0000_0001))
    add_valid("hello: reset, app restart, backing off, abi 0, no metrics, no opcodes", 7,
              with_(h, bootReason=1, helloReason=1, appState=1, abiVersion=0, metricCount=0, opcodes=[],
                    uptimeMs=31_000, bootCount=5))
    add_valid("hello: watchdog boot, requested", 42,
              with_(h, bootReason=2, helloReason=2, uptimeMs=3_600_000, bootCount=3))
    add_valid("hello: fault boot (boot_reason 4), session tag 0", 0,
              with_(h, bootReason=4, bootCount=9, session=0x7F31_0000))
    add_valid("hello: no boot counter (boot_count 0), boot_count_persistent", 0,
              with_(h, bootCount=0, capabilities=0b001, board="stm32f4-discovery", session=0x0BAD_CAFE))
    add_valid("hello: proxy capability (firmware in the loop), nucleo-f411re", 0,
              with_(h, capabilities=0b100, board="nucleo-f411re", deviceId="fil-0", session=0x1357_9BDF))
    add_valid("hello: every capability bit, unknown ones carried", 0, with_(h, capabilities=0xFFFF))
    add_valid("hello: only an unknown capability bit (15)", 0, with_(h, capabilities=0x8000))
    add_valid("hello: opcodes 0x01 and 0xff, the ends of the app's range", 0, with_(h, opcodes=[0x01, 0xFF]))
    add_valid("hello: opcodes 0x6f and 0x80, either side of the runner's 0x70..0x7f", 0,
              with_(h, opcodes=[0x6F, 0x80]))
    add_valid("hello: one app-specific opcode 0x80", 0, with_(h, opcodes=[0x80]))
    add_valid("hello: 16 opcodes (the most) 0x01..0x10", 0, with_(h, opcodes=list(range(0x01, 0x11))))
    add_valid("hello: 16 opcodes 0x66..0x6f, 0x80..0x85 (skipping the runner's)", 0,
              with_(h, opcodes=list(range(0x66, 0x70)) + list(range(0x80, 0x86))))
    add_valid("hello: every field at its largest (32-byte ids and strings, u32 and u64 maxima, 16 opcodes)", 0xFFFF,
              with_(h, deviceId="node-0001.greenhouse-north.row07",
                    linkMinor=255,
                    firmwareVersion="wasmote-fw 0.2.0+build.42 nucleo",
                    capabilities=0xFFFF,
                    board="B" * 32,
                    appName="app_name.with-every_char.0123456",
                    appVersion="é" * 16,
                    appHash="ff" * 32,
                    abiVersion=U32_MAX, bootReason=4, helloReason=2, session=U32_MAX, bootCount=U32_MAX,
                    uptimeMs=MAX_SAFE, heartbeatPeriodMs=3_600_000, reportIntervalMs=3_600_000, metricCount=255,
                    opcodes=list(range(0xF0, 0x100))))
    add_valid("hello: every field at its smallest (1-byte ids, empty strings, zero hash, session tag 0)", 0,
              with_(h, deviceId="a", firmwareVersion="", capabilities=0, board="0", appName="-", appVersion="",
                    appHash="00" * 32, abiVersion=0, session=0x0001_0000, bootCount=0, uptimeMs=0,
                    heartbeatPeriodMs=1000, reportIntervalMs=0, metricCount=0, opcodes=[]))
    add_valid("hello: report_interval_ms 1, the shortest the app can set", 0x0100,
              with_(h, reportIntervalMs=1, session=0xFFFF_0100))
    add_valid("hello: ids of every allowed character class", 0,
              with_(h, deviceId="AZaz09._-", board="Board_1.2-x", appName="Z"))
    add_valid("hello: multi-byte UTF-8 versions, a leading U+FEFF kept as text", 1,
              with_(h, firmwareVersion="\ufeffv2 température", appVersion="温度 😀"))
    add_valid("hello: a newer minor version (link_minor 1)", 0, with_(h, linkMinor=1))


def valid_metric():
    add_valid("metric: temperature Cel, number, -40..125", 1, METRIC_TEMPERATURE)
    add_valid("metric: humidity %RH, number, 0..100", 2,
              {"type": "metric", "id": 1, "name": "humidity", "unit": "%RH", "kind": 0,
               "range": {"min": 0, "max": 100}})
    add_valid("metric: pressure Pa, number, no range", 3,
              {"type": "metric", "id": 2, "name": "pressure", "unit": "Pa", "kind": 0})
    add_valid("metric: acceleration m/s2, range ±156.9064", 4,
              {"type": "metric", "id": 3, "name": "accel.x", "unit": "m/s2", "kind": 0,
               "range": {"min": -156.9064, "max": 156.9064}})
    add_valid("metric: angular rate rad/s", 5,
              {"type": "metric", "id": 6, "name": "gyro.z", "unit": "rad/s", "kind": 0,
               "range": {"min": -34.90658503988659, "max": 34.90658503988659}})
    add_valid("metric: integer, empty unit, no range", 6,
              {"type": "metric", "id": 10, "name": "samples", "unit": "", "kind": 1})
    add_valid("metric: integer with range", 7,
              {"type": "metric", "id": 11, "name": "retries", "unit": "", "kind": 1,
               "range": {"min": 0, "max": 65535}})
    add_valid("metric: boolean 0..1", 8,
              {"type": "metric", "id": 12, "name": "door.open", "unit": "", "kind": 2,
               "range": {"min": 0, "max": 1}})
    add_valid("metric: boolean without range", 9,
              {"type": "metric", "id": 13, "name": "alarm", "unit": "", "kind": 2})
    add_valid("metric: range of one value (min == max)", 10,
              {"type": "metric", "id": 14, "name": "const", "unit": "Pa", "kind": 0,
               "range": {"min": 101325, "max": 101325}})
    add_valid("metric: range -max..max (f64 extremes)", 11,
              {"type": "metric", "id": 15, "name": "wide", "unit": "", "kind": 0,
               "range": {"min": -1.7976931348623157e308, "max": 1.7976931348623157e308}})
    add_valid("metric: range -0..0", 12,
              {"type": "metric", "id": 16, "name": "zero", "unit": "", "kind": 0,
               "range": {"min": -0.0, "max": 0.0}})
    add_valid("metric: range of subnormals", 13,
              {"type": "metric", "id": 17, "name": "tiny", "unit": "", "kind": 0,
               "range": {"min": -5e-324, "max": 2.225073858507201e-308}})
    add_valid("metric: id 255, empty name and unit (the codec checks layout, the edge checks names)", 14,
              {"type": "metric", "id": 255, "name": "", "unit": "", "kind": 0})
    add_valid("metric: multi-byte UTF-8 name and unit", 15,
              {"type": "metric", "id": 20, "name": "température", "unit": "°C", "kind": 0})


def valid_data():
    add_valid("data: three values", 16,
              {"type": "data", "timeMs": 1234567, "values": [{"id": 0, "value": 21.5}, {"id": 1, "value": 45.25},
                                                             {"id": 2, "value": 101325}]})
    add_valid("data: one value, time 0", 17, {"type": "data", "timeMs": 0, "values": [{"id": 0, "value": 0}]})
    add_valid("data: edge values (-0, subnormals, smallest normal, extremes, 2^53), time MAX_SAFE_INTEGER", 18,
              {"type": "data", "timeMs": MAX_SAFE, "values": [
                  {"id": 0, "value": -0.0},
                  {"id": 1, "value": 5e-324},
                  {"id": 2, "value": 2.225073858507201e-308},
                  {"id": 3, "value": 2.2250738585072014e-308},
                  {"id": 4, "value": -1.7976931348623157e308},
                  {"id": 5, "value": 1.7976931348623157e308},
                  {"id": 6, "value": 9007199254740992},
                  {"id": 7, "value": -273.15},
              ]})
    add_valid("data: 24 values, the most (225-byte payload)", 19,
              {"type": "data", "timeMs": 3_600_000,
               "values": [{"id": i, "value": -20 + 1.5 * i} for i in range(24)]})
    add_valid("data: repeated and undeclared ids (the edge's concern), id 255", 20,
              {"type": "data", "timeMs": 5, "values": [{"id": 255, "value": 1}, {"id": 255, "value": 2}]})
    add_valid("data: seq 0x0100 (a zero byte in the header)", 0x0100,
              {"type": "data", "timeMs": 1000, "values": [{"id": 0, "value": 21.5}]})


def valid_log():
    add_valid("log: error", 21, {"type": "log", "timeMs": 1000, "level": 0, "text": "sht3x: NACK_ADDRESS"})
    add_valid("log: warning, UTF-8", 22,
              {"type": "log", "timeMs": 1001, "level": 1, "text": "température hors plage: 85 °C"})
    add_valid("log: info, 255-byte text", 23, {"type": "log", "timeMs": 1002, "level": 2, "text": "i" * 255})
    add_valid("log: debug, empty text", 24, {"type": "log", "timeMs": 1003, "level": 3, "text": ""})
    add_valid("log: leading U+FEFF kept, 4-byte UTF-8, an embedded NUL", 25,
              {"type": "log", "timeMs": 1004, "level": 2, "text": "\ufeff😀 a\u0000b"})
    add_valid("log: runner's dropped-logs warning, 255 bytes of 3-byte characters with U+FFFD", 26,
              {"type": "log", "timeMs": 0, "level": 1, "text": "\ufffd" * 85})


def valid_event():
    add_valid("event: trap abort with message and location", 27,
              event(5000, 1, 1, "index out of range", "drivers/sht31/driver.ts", 42, 7))
    names = {2: "unreachable", 3: "memory access out of bounds", 4: "call stack exhausted", 5: "integer fault",
             6: "indirect call signature mismatch", 7: "other"}
    for code, text in names.items():
        add_valid(f"event: trap code {code} ({text}), no location", 27 + code,
                  event(5000 + code, 1, code, text if code % 2 else ""))
    add_valid("event: trap with max line and column", 35, event(5100, 1, 1, "x", "x.ts", U32_MAX, U32_MAX))
    add_valid("event: fault 1 HardFault", 36, event(20, 2, 1, "HardFault at pc 0x08001234", "", 0, 0))
    add_valid("event: fault 2 MemManage", 2, event(14, 2, 2, "MemManage at pc 0x08000f00"))
    add_valid("event: fault 3 BusFault", 3, event(18, 2, 3, "BusFault at pc 0x080012a4"))
    add_valid("event: fault 4 UsageFault", 37, event(21, 2, 4, "UsageFault at pc 0x20000100"))
    add_valid("event: reboot (code 0)", 38, event(9000, 3, 0))
    add_valid("event: runaway 1, a call overran its budget", 39, event(9100, 4, 1, "tick exceeded 1000 ms"))
    add_valid("event: runaway 2, watchdog reset, session tag 0xffff", 40, event(15, 4, 2), 0xFFFF)
    add_valid("event: 255-byte message and file, the longest event (531-byte payload)", 43,
              event(MAX_SAFE, 1, 1, "m" * 255, "é" * 127 + "f", U32_MAX, U32_MAX))


def valid_command():
    # §8's worked example: session tag 0x1234, seq 18; its wire line, byte for byte
    add_valid("command: LED blink 500 ms", 18, {"type": "command", "commandId": 1, "payload": "0103f401"}, 0x1234)
    assert valid[-1]["hex"] == "06 02 05 34 12 12  02 01  09 01 03 f4 01 e7 94 78 4d  00".replace(" ", "")
    add_valid("command: one byte, command_id 0xffff, session tag 0xffff", 44,
              {"type": "command", "commandId": 0xFFFF, "payload": "80"}, 0xFFFF)
    add_valid("command: 64 bytes with zeros", 45,
              {"type": "command", "commandId": 300,
               "payload": bytes(0 if i % 3 == 0 else i for i in range(64)).hex()})
    add_valid("command: runner PING, session tag 0, seq 0 (an edge's first frame)", 0,
              {"type": "command", "commandId": 2, "payload": "70"}, 0x0000)
    add_valid("command: runner PING, session tag 1", 46, {"type": "command", "commandId": 2, "payload": "70"}, 0x0001)
    add_valid("command: runner HELLO", 47, {"type": "command", "commandId": 3, "payload": "71"})
    add_valid("command: runner REBOOT", 48, {"type": "command", "commandId": 4, "payload": "72"})
    add_valid("command: INTERVAL 3600000 ms", 49,
              {"type": "command", "commandId": 5, "payload": (b"\x02" + u32(3_600_000)).hex()})
    add_valid("command: BRIGHTNESS, command_id 0", 50, {"type": "command", "commandId": 0, "payload": "03ffff"})


def valid_command_result():
    add_valid("command-result: app acknowledges", 51, result(1, 0, 0))
    add_valid("command-result: app BAD_ARGUMENT", 52, result(0xFFFF, 0, 5))
    add_valid("command-result: app status 200 passes through", 53, result(2, 0, 200))
    add_valid("command-result: app status 255, cached", 54, result(3, 0, 255, cached=True))
    add_valid("command-result: app origin, 16-byte payload", 55, result(4, 0, 0, payload=nonzero(16).hex()))
    add_valid("command-result: runner OK", 56, result(5, 1, 0))
    add_valid("command-result: runner APP_TRAPPED, cached (an app command's stored answer)", 57,
              result(5, 1, 3, cached=True))
    add_valid("command-result: runner QUEUE_FULL", 58, result(6, 1, 1))
    add_valid("command-result: runner APP_NOT_RUNNING, restart at 12000 ms", 59,
              result(7, 1, 2, payload=u64(12_000).hex()))
    add_valid("command-result: runner APP_NOT_RUNNING, restart at MAX_SAFE_INTEGER", 60,
              result(8, 1, 2, payload=u64(MAX_SAFE).hex()))
    add_valid("command-result: runner APP_TRAPPED", 61, result(9, 1, 3))
    add_valid("command-result: runner STATUS_OUT_OF_RANGE 256", 62, result(10, 1, 4, payload=u32(256).hex()))
    add_valid("command-result: runner STATUS_OUT_OF_RANGE -1, cached", 63,
              result(11, 1, 4, cached=True, payload=struct.pack("<i", -1).hex()))
    add_valid("command-result: runner STATUS_OUT_OF_RANGE -2^31", 64,
              result(12, 1, 4, payload=struct.pack("<i", -2**31).hex()))
    add_valid("command-result: runner STATUS_OUT_OF_RANGE 2^31 - 1", 65,
              result(13, 1, 4, payload=struct.pack("<i", 2**31 - 1).hex()))
    add_valid("command-result: runner UNSUPPORTED", 66, result(14, 1, 5))
    add_valid("command-result: runner BAD_ARGUMENT", 67, result(15, 1, 6))
    add_valid("command-result: runner NO_COMMAND_BUFFER", 68, result(16, 1, 7))
    add_valid("command-result: runner NO_COMMAND_BUFFER, cached, session tag 0", 68, result(16, 1, 7, cached=True),
              0x0000)
    add_valid("command-result: runner STATUS_OUT_OF_RANGE 256, cached, session tag 1", 62,
              result(10, 1, 4, cached=True, payload=u32(256).hex()), 0x0001)
    add_valid("command-result: app status 7, cached, 1-byte payload, session tag 0xffff", 69,
              result(17, 0, 7, cached=True, payload="00"), 0xFFFF)
    add_valid("seq 0xffff (wraps next)", 0xFFFF, result(9, 0, 0))


def valid_heartbeat():
    """§4.8: `uptime_ms` a multiple of the period (§7.2); the LED "not set" while the app backs off."""
    hb = HEARTBEAT_TYPICAL
    add_valid("heartbeat: typical, running, LED on", 69, hb)
    add_valid("heartbeat: backing off after a trap at 19.5 s (restart 4 s later), LED not set", 70,
              with_(hb, uptimeMs=20_000, appState=1, restartAtMs=23_500, consecutiveFailures=3,
                    lastFailureKind=1, lastFailureCode=3, ledMode=255, ledPeriodMs=0, ledLevel=0,
                    rxDrops={**RX_ZERO, "crc": 2, "malformed": 1}))
    add_valid("heartbeat: running, LED blinking every 500 ms, an earlier trap (code 7)", 71,
              with_(hb, uptimeMs=60_000, lastFailureKind=1, lastFailureCode=7, ledMode=3, ledPeriodMs=500,
                    ledLevel=0))
    add_valid("heartbeat: last failure a runaway (code 1), LED not set, pin not an output, no report interval", 72,
              with_(hb, uptimeMs=15_000, consecutiveFailures=1, lastFailureKind=4, lastFailureCode=1, ledMode=255,
                    ledLevel=255, brightnessU16=0, reportIntervalMs=0))
    add_valid("heartbeat: LED blinking at 1 ms, the shortest period", 73,
              with_(hb, ledMode=3, ledPeriodMs=1, ledLevel=1))
    add_valid("heartbeat: LED blinking at 65535 ms, period 1000 ms, session tag 1", 74,
              with_(hb, uptimeMs=3000, session=0x0000_0001, heartbeatPeriodMs=1000, ledMode=3, ledPeriodMs=0xFFFF,
                    ledLevel=0))
    add_valid("heartbeat: LED off, level 0, report_interval_ms 1", 75,
              with_(hb, ledMode=0, ledLevel=0, brightnessU16=0, reportIntervalMs=1))
    top_period = 3_600_000
    add_valid("heartbeat: every counter at its largest, backing off (period 3600000 ms, session tag 0xffff)", 0xFFFF,
              with_(hb, uptimeMs=MAX_SAFE // top_period * top_period, session=U32_MAX,
                    heartbeatPeriodMs=top_period, bootCount=U32_MAX, appState=1, restartAtMs=MAX_SAFE,
                    consecutiveFailures=0xFFFF, lastFailureKind=4, lastFailureCode=2, rxFrames=U32_MAX,
                    rxDrops={reason: U32_MAX for reason in RX_DROPS}, commandsDropped=U32_MAX, ledMode=255,
                    ledPeriodMs=0, ledLevel=1, brightnessU16=0xFFFF, reportIntervalMs=top_period))
    add_valid("heartbeat: the smallest (first beat at 1000 ms, counters 0, LED off, session tag 0)", 4,
              with_(hb, uptimeMs=1000, session=0x0001_0000, heartbeatPeriodMs=1000, bootCount=0, rxFrames=0,
                    ledMode=0, ledLevel=0, brightnessU16=0, reportIntervalMs=0))
    add_valid("heartbeat: each drop counter distinct", 76,
              with_(hb, uptimeMs=10_000, rxFrames=1000, commandsDropped=4,
                    rxDrops={reason: index + 1 for index, reason in enumerate(RX_DROPS)}))


def valid_proxy():
    def request(request_id, time_us, operation):
        return {"type": "proxy-request", "requestId": request_id, "timeUs": time_us, "operation": operation}

    add_valid("proxy-request: i2c-write (SHT3x measure)", 75,
              request(1, 1_000_000, {"op": "i2c-write", "address": 0x44, "data": "2400"}))
    add_valid("proxy-request: i2c-read 6 bytes", 76,
              request(2, 1_015_000, {"op": "i2c-read", "address": 0x44, "readLength": 6}))
    add_valid("proxy-request: i2c-write-read (BMP280 id)", 77,
              request(3, 1_020_000, {"op": "i2c-write-read", "address": 0x76, "readLength": 1, "data": "d0"}))
    add_valid("proxy-request: gpio-mode", 78, request(4, 2_000_000, {"op": "gpio-mode", "pin": 0, "mode": 1}))
    add_valid("proxy-request: gpio-write", 79, request(5, 2_000_010, {"op": "gpio-write", "pin": 0, "level": 1}))
    add_valid("proxy-request: gpio-read", 80, request(6, 2_000_020, {"op": "gpio-read", "pin": 3}))
    add_valid("proxy-request: pwm-set", 81, request(7, 2_000_030, {"op": "pwm-set", "channel": 0, "dutyU16": 32768}))
    add_valid("proxy-request: i2c-write 255 bytes, address 0x7f, time MAX_SAFE_INTEGER", 82,
              request(0xFFFF, MAX_SAFE, {"op": "i2c-write", "address": 0x7F,
                                         "data": bytes(255 - i for i in range(255)).hex()}))
    add_valid("proxy-request: i2c-write-read 255/255, address 0", 83,
              request(0, 0, {"op": "i2c-write-read", "address": 0, "readLength": 255,
                             "data": bytes(i % 16 for i in range(255)).hex()}))
    add_valid("proxy-request: gpio-mode pull-down, pin 255", 84,
              request(8, 3, {"op": "gpio-mode", "pin": 255, "mode": 3}))

    def response(request_id, status, data):
        return {"type": "proxy-response", "requestId": request_id, "status": status, "data": data}

    add_valid("proxy-response: 6 bytes read", 85, response(2, 0, "638a5c7a3e91"))
    add_valid("proxy-response: GPIO level", 86, response(6, 0, "01"))
    add_valid("proxy-response: NACK_ADDRESS, no data", 87, response(1, 1, ""))
    for status, name in [(2, "NACK_DATA"), (3, "BUS_ERROR"), (4, "TIMEOUT"), (5, "BAD_ARGUMENT"),
                         (6, "UNSUPPORTED")]:
        add_valid(f"proxy-response: status {status} {name}", 87 + status, response(10 + status, status, ""))
    add_valid("proxy-response: session tag 0, request_id 0", 0x0100, response(0, 0, "00"), 0x0000)
    add_valid("proxy-response: 255 bytes", 88, response(3, 0, bytes(range(255)).hex()))


def valid_cobs():
    """§2: blocks of exactly 254 bytes, with and without a zero after them. The CRC is searched to hold no zero."""
    tag, seq = 0x0202, 0x0202

    def proxy_response_body(data_bytes: int, zero_at: int = None):
        for request_id in range(0x0101, 0xFFFF):
            if 0 in u16(request_id):
                continue
            data = bytearray(nonzero(data_bytes, request_id))
            if zero_at is not None:
                data[zero_at] = 0
            message = {"type": "proxy-response", "requestId": request_id, "status": 2, "data": data.hex()}
            frame_body = body(PROXY_RESPONSE, tag, seq, payload_of(message).bytes())
            if 0 not in frame_body[-4:]:
                return message
        raise AssertionError("no CRC without a zero")

    def check(message, length, encoded_length):
        frame_body = body(type_of(message), tag, seq, payload_of(message).bytes())
        assert len(frame_body) == length, (len(frame_body), length)
        assert len(cobs_encode(frame_body)) == encoded_length, (len(cobs_encode(frame_body)), encoded_length)

    # a PROXY_RESPONSE body: header (6), request_id and status (3), data, CRC (4)
    m = proxy_response_body(241)
    check(m, 254, 255)
    add_valid("cobs: 254-byte body without a zero, one maximal block and no trailing code", seq, m, tag)
    m = proxy_response_body(242)
    check(m, 255, 257)
    add_valid("cobs: 255-byte body without a zero, a maximal block then a 1-byte one", seq, m, tag)
    # body index 6 + 3 + 245 = 254: the zero right after the first 254 bytes
    m = proxy_response_body(250, zero_at=245)
    check(m, 263, 265)
    add_valid("cobs: a zero right after 254 non-zero bytes (0xff block, then an empty 01 block)", seq, m, tag)
    m = proxy_response_body(250, zero_at=244)
    check(m, 263, 264)
    add_valid("cobs: a zero after 253 non-zero bytes (a 0xfe block)", seq, m, tag)

    tag, seq = 0x0303, 0x0303

    def metric_body(unit_bytes: int):
        # kind 1, has_range 1 and ±1.7976931348623157e308 (ff ff ff ff ff ff ef 7f/ff) hold no zero byte
        for last in range(0x21, 0x7F):
            message = {"type": "metric", "id": 0x81, "name": "n" * 255, "unit": "u" * (unit_bytes - 1) + chr(last),
                       "kind": 1, "range": {"min": -1.7976931348623157e308, "max": 1.7976931348623157e308}}
            if 0 not in body(METRIC, tag, seq, payload_of(message).bytes()):
                return message
        raise AssertionError("no metric without a zero")

    m = metric_body(222)
    check(m, 508, 510)
    add_valid("cobs: 508-byte body without a zero, two maximal blocks and no trailing code", seq, m, tag)
    m = metric_body(255)
    check(m, 541, 544)
    add_valid("metric: longest (255-byte name and unit, 531-byte payload), no zero byte: three COBS blocks",
              seq, m, tag)


# ---------------------------------------------------------------------------------------------------------------
# Invalid vectors

def invalid_framing():
    tag = DEVICE_TAG
    good = body(COMMAND_RESULT, tag, 0x0202, command_result_payload(result(0x0101, 1, 5)).bytes())

    # §6 check 5: crc
    flipped = bytearray(good)
    flipped[-1] ^= 0x01
    add_invalid("crc: last CRC byte flipped", wire(bytes(flipped)), "crc")
    flipped = bytearray(good)
    flipped[HEADER_BYTES + 1] ^= 0x80
    add_invalid("crc: payload bit flipped", wire(bytes(flipped)), "crc")
    flipped = bytearray(good)
    flipped[2] ^= 0x01
    add_invalid("crc: session_tag changed without its CRC", wire(bytes(flipped)), "crc")
    flipped = bytearray(good)
    flipped[0] = 3
    add_invalid("crc: version byte changed without its CRC (crc is checked first)", wire(bytes(flipped)), "crc")
    add_invalid("crc: CRC stored big-endian", wire(good[:-4] + good[-4:][::-1]), "crc")
    add_invalid("crc: CRC missing (a body of header and payload only)", wire(good[:-4]), "crc")
    # the CRC covers the same bytes whatever the header's size; read behind 6 bytes, the payload is 01 05 00:
    # command_id 0x0501, origin 0, and no status
    add_invalid("malformed: a COMMAND_RESULT behind the 4-byte header of the earlier draft (no session_tag)",
                wire(four_byte_header_body(LINK_VERSION, COMMAND_RESULT, 0x0202,
                                           command_result_payload(result(0x0101, 1, 5)).bytes())), "malformed",
                "status")

    # check 3: short (a body below 10 bytes)
    add_invalid("short: empty body", b"\x01\x00", "short")
    add_invalid("short: 1-byte body", cobs_encode(b"\x02") + b"\x00", "short")
    add_invalid("short: 4-byte body", cobs_encode(b"\x02\x06\x01\x01") + b"\x00", "short")
    add_invalid("short: header only (6 bytes)", cobs_encode(b"\x02\x06\xb9\x79\x01\x01") + b"\x00", "short")
    add_invalid("short: 8-byte body, the smallest of the earlier draft (4-byte header and its CRC)",
                wire(four_byte_header_body(LINK_VERSION, COMMAND_RESULT, 0x0101, b"")), "short")
    nine = body(0x20, tag, 0x0101, b"")[:-1]
    add_invalid("short: 9-byte body, one below the smallest", wire(nine), "short")
    add_invalid("short: 9-byte body of a version-3 HELLO (short before version)",
                wire(body(HELLO, tag, 0x0101, b"", version=3)[:-1]), "short")
    add_invalid("short: a lone zero (two-byte segment 01 01)", b"\x01\x01\x00", "short")
    add_invalid("unknownType: 10-byte body, the smallest (reserved type 0x20, empty payload)",
                frame(0x20, tag, 0x0101, b""), "unknownType")

    # check 2: cobs
    add_invalid("cobs: code byte points past the delimiter", bytes.fromhex("05112200"), "cobs")
    encoded = cobs_encode(good)
    add_invalid("cobs: last block overruns by one byte", encoded[:-1] + b"\x00", "cobs")
    add_invalid("cobs: 0xff code with 253 bytes after it", b"\xff" + nonzero(253) + b"\x00", "cobs")
    add_invalid("cobs: a single code byte 02", b"\x02\x00", "cobs")

    # checks 1 and 4: oversize
    add_invalid(f"oversize: {MAX_ENCODED + 1} non-zero bytes before the delimiter", nonzero(MAX_ENCODED + 1) + b"\x00",
                "oversize")
    add_invalid("oversize: 3000 bytes before the delimiter, counted once", nonzero(3000) + b"\x00", "oversize")
    long_body = body(LOG, tag, 0x0101, bytes(MAX_PAYLOAD + 1))
    assert len(long_body) == MAX_BODY + 1 and len(cobs_encode(long_body)) <= MAX_ENCODED
    add_invalid(f"oversize: body of {MAX_BODY + 1} bytes (encoded within {MAX_ENCODED})", wire(long_body),
                "oversize")
    zeros_body = body(0x55, tag, 0x0101, bytes(MAX_ENCODED - 1 - 10))
    encoded = cobs_encode(zeros_body)
    assert len(zeros_body) == MAX_ENCODED - 1 and len(encoded) == MAX_ENCODED, (len(zeros_body), len(encoded))
    add_invalid(f"oversize: {MAX_ENCODED - 1}-byte body of zeros from a {MAX_ENCODED}-byte segment", encoded + b"\x00",
                "oversize")

    # the longest segment a receiver holds: not oversize, dropped later
    for seq in range(0x0101, 0xFFFF):
        longest = body(0x20, tag, seq, nonzero(MAX_PAYLOAD))
        if 0 not in longest:
            break
    assert len(longest) == MAX_BODY and len(cobs_encode(longest)) == MAX_ENCODED
    add_invalid(f"unknownType: {MAX_ENCODED}-byte segment (the longest held), reserved type 0x20", wire(longest),
                "unknownType")
    log_head = log_payload({"timeMs": 1, "level": 2, "text": "x"}).bytes()
    log_body = body(LOG, tag, 0x0101, log_head + nonzero(MAX_PAYLOAD - len(log_head)))
    assert len(log_body) == MAX_BODY
    add_invalid(f"malformed: {MAX_BODY}-byte body (largest), a LOG with {MAX_PAYLOAD - len(log_head)} trailing bytes",
                wire(log_body), "malformed", "payload")


def bad_crc(frame_body: bytes) -> bytes:
    return frame_body[:-1] + bytes([frame_body[-1] ^ 0x5A])


def four_byte_header_body(version: int, msg_type: int, seq: int, payload: bytes) -> bytes:
    """A body behind the 4-byte header of link version 1 and the earlier draft (version, type, seq), with its CRC."""
    head = struct.pack("<BBH", version, msg_type, seq) + payload
    return head + u32(zlib.crc32(head))


def v1_frame(msg_type: int, seq: int, payload: bytes) -> bytes:
    return wire(four_byte_header_body(1, msg_type, seq, payload))


def invalid_version():
    tag = DEVICE_TAG
    ack = command_result_payload(result(0x0101, 0, 0)).bytes()
    add_invalid("version 0", frame(COMMAND_RESULT, tag, 0x0101, ack, version=0), "version")
    add_invalid("version 1: a version-1 COMMAND_RESULT", v1_frame(COMMAND_RESULT, 0x0101, bytes.fromhex("010100")),
                "version")
    v1_hello = Payload().str("device_id", "node-0001").str("firmware_version", "0.1.0").str("app_version", "0.1.0")
    v1_hello.raw("app_hash", bytes.fromhex(SENSOR_NODE_HASH)).u32("abi_version", 0x0001_0000)
    v1_hello.u8("boot_reason", 0).u8("metric_count", 0)
    add_invalid("version 1: a version-1 HELLO (no newer peer)", v1_frame(HELLO, 0x0101, v1_hello.bytes()), "version")
    add_invalid("version 3: DATA (no newer peer: not a HELLO)",
                frame(DATA, tag, 0x0101, data_payload({"timeMs": 1, "values": [{"id": 0, "value": 1}]}).bytes(),
                      version=3), "version")
    add_invalid("version 255: COMMAND", frame(COMMAND, EDGE_TAG, 0x0101, bytes.fromhex("010170"), version=255),
                "version")

    def v3_hello(device_id, link_minor, firmware_version, tail=b""):
        return Payload().id("device_id", device_id).u8("link_minor", link_minor).str(
            "firmware_version", firmware_version).bytes() + tail

    # §4.1.1: version above 2, type 0x01, the 6-byte header, a good CRC and the three fields valid by version-2 rules
    tail = bytes.fromhex("0300ffee") + nonzero(40) + bytes(8)
    add_invalid("version 3: HELLO of a newer device, its first fields read (§4.1.1)",
                frame(HELLO, tag, 0, v3_hello("node-17", 0, "2.4.1", tail), version=3), "version",
                newer_peer={"deviceId": "node-17", "linkMinor": 0, "firmwareVersion": "2.4.1"})
    add_invalid("version 3: HELLO holding only its first three fields",
                frame(HELLO, 0x0001, 0, v3_hello("n", 2, ""), version=3), "version",
                newer_peer={"deviceId": "n", "linkMinor": 2, "firmwareVersion": ""})
    add_invalid("version 255: HELLO, 32-byte id and firmware_version",
                frame(HELLO, 0xFFFF, 0x0101, v3_hello("D" * 32, 255, "fw " + "é" * 14 + "!", b"\x01"), version=255),
                "version",
                newer_peer={"deviceId": "D" * 32, "linkMinor": 255, "firmwareVersion": "fw " + "é" * 14 + "!"})
    add_invalid("version 4: HELLO with session tag 0 and a 1000-byte payload",
                frame(HELLO, 0x0000, 0x0005, v3_hello("AZaz09._-", 1, "\ufeff4.0", nonzero(1000 - 17)), version=4),
                "version", newer_peer={"deviceId": "AZaz09._-", "linkMinor": 1, "firmwareVersion": "\ufeff4.0"})
    add_invalid("version 3: HELLO with an empty payload (no newer peer)", frame(HELLO, tag, 0, b"", version=3),
                "version")
    add_invalid("version 3: HELLO too short to hold firmware_version (no newer peer)",
                frame(HELLO, tag, 0, v3_hello("node-17", 0, "2.4.1")[:-2], version=3), "version")
    add_invalid("version 3: HELLO ending after device_id (no newer peer)",
                frame(HELLO, tag, 0, Payload().id("device_id", "node-17").bytes(), version=3), "version")
    add_invalid("version 3: HELLO whose device_id is not an id (no newer peer)",
                frame(HELLO, tag, 0, v3_hello("node/17", 0, "2.4.1", tail), version=3), "version")
    add_invalid("version 3: HELLO whose device_id is empty (no newer peer)",
                frame(HELLO, tag, 0, v3_hello(b"", 0, "2.4.1", tail), version=3), "version")
    add_invalid("version 3: HELLO whose device_id is 33 bytes (no newer peer)",
                frame(HELLO, tag, 0, v3_hello("d" * 33, 0, "2.4.1", tail), version=3), "version")
    add_invalid("version 3: HELLO whose firmware_version is not UTF-8 (no newer peer)",
                frame(HELLO, tag, 0, v3_hello("node-17", 0, b"2.4\xff", tail), version=3), "version")
    add_invalid("version 3: HELLO whose firmware_version is 33 bytes (no newer peer)",
                frame(HELLO, tag, 0, v3_hello("node-17", 0, "f" * 33, tail), version=3), "version")
    # read from offset 6, device_id's length byte is 'o' (111): not an id
    add_invalid("version 3: HELLO laid out behind a 4-byte header (no newer peer: the header is 6 bytes)",
                wire(four_byte_header_body(3, HELLO, 0x0101, v3_hello("node-17", 0, "2.4.1", tail))), "version")
    # below 3: a version drop and nothing read, whatever the payload holds
    add_invalid("version 1: HELLO with the 6-byte header and valid first fields (no newer peer: not above 2)",
                frame(HELLO, tag, 0, v3_hello("node-17", 0, "2.4.1", tail), version=1), "version")
    add_invalid("version 0: HELLO with valid first fields (no newer peer)",
                frame(HELLO, tag, 0, v3_hello("node-17", 0, "2.4.1", tail), version=0), "version")
    # §4.1.1: a frame whose CRC fails is crc before its version is looked at
    for version in (3, 255, 1, 0):
        add_invalid(f"version {version}: HELLO with a bad CRC is crc, not version",
                    wire(bad_crc(body(HELLO, tag, 0, v3_hello("node-17", 0, "2.4.1"), version=version))), "crc")
    add_invalid("version 1: a version-1 HELLO with a bad CRC is crc",
                wire(bad_crc(four_byte_header_body(1, HELLO, 0x0101, v1_hello.bytes()))), "crc")


def invalid_types():
    payload = nonzero(6)
    for msg_type, what in [(0x00, "undefined"), (0x09, "undefined"), (0x0F, "undefined"), (0x12, "undefined"),
                           (0x1F, "undefined"), (0x20, "reserved: app upload, first"),
                           (0x27, "reserved: app upload"), (0x2F, "reserved: app upload, last"),
                           (0x30, "reserved: firmware update, first"), (0x3F, "reserved: firmware update, last"),
                           (0x40, "reserved: link control, first"), (0x4F, "reserved: link control, last"),
                           (0x50, "undefined"), (0x7F, "undefined"), (0x80, "undefined"), (0xEF, "undefined"),
                           (0xF0, "reserved: experiments, first"), (0xF7, "reserved: experiments"),
                           (0xFE, "reserved: experiments, last"), (0xFF, "undefined")]:
        add_invalid(f"unknownType: 0x{msg_type:02x} ({what})", frame(msg_type, DEVICE_TAG, 0x0101, payload),
                    "unknownType")
    add_invalid("unknownType: reserved 0x30 with an empty payload", frame(0x30, DEVICE_TAG, 0x0101, b""),
                "unknownType")


def invalid_hello():
    h = HELLO_TYPICAL
    p = hello_payload(h)
    bad_ids = [("empty", b""), ("33 bytes", b"d" * 33), ("'/'", b"node/1"), ("'+'", b"node+1"), ("'#'", b"node#1"),
               ("a space", b"node 1"), ("NUL", b"node\x001"), ("non-ASCII", "nœud".encode())]
    for field, key in [("device_id", "deviceId"), ("board", "board"), ("app_name", "appName")]:
        for what, raw in bad_ids:
            malformed(f"hello: {field} {what}", HELLO, hello_payload(with_(h, **{key: raw})).bytes(), field)
    malformed("hello: device_id ':' (outside the set)", HELLO, hello_payload(with_(h, deviceId=b"node:1")).bytes(),
              "device_id")
    malformed("hello: device_id '@' (just below 'A')", HELLO, hello_payload(with_(h, deviceId=b"@")).bytes(),
              "device_id")
    malformed("hello: device_id invalid UTF-8", HELLO, hello_payload(with_(h, deviceId=b"n\xff")).bytes(),
              "device_id")
    malformed("hello: device_id length past the end", HELLO, bytes([0x28]) + b"node", "device_id")
    malformed("hello: empty payload", HELLO, b"", "device_id")
    malformed("hello: 255-byte device_id", HELLO, hello_payload(with_(h, deviceId=b"d" * 255)).bytes(), "device_id")
    malformed("hello: link_minor missing", HELLO, p.cut("link_minor"), "link_minor")
    malformed("hello: firmware_version 33 bytes", HELLO, hello_payload(with_(h, firmwareVersion="f" * 33)).bytes(),
              "firmware_version")
    malformed("hello: firmware_version overlong UTF-8 (c0 af)", HELLO,
              hello_payload(with_(h, firmwareVersion=b"v\xc0\xaf")).bytes(), "firmware_version")
    malformed("hello: firmware_version ends inside a character", HELLO,
              hello_payload(with_(h, firmwareVersion=b"v\xe6\xb8")).bytes(), "firmware_version")
    malformed("hello: capabilities one byte", HELLO, p.cut("capabilities", 1), "capabilities")
    malformed("hello: board missing", HELLO, p.cut("board"), "board")
    malformed("hello: app_version 33 bytes in 17 characters", HELLO,
              hello_payload(with_(h, appVersion="é" * 16 + "a")).bytes(), "app_version")
    malformed("hello: app_version a UTF-16 surrogate (ed a0 80)", HELLO,
              hello_payload(with_(h, appVersion=b"\xed\xa0\x80")).bytes(), "app_version")
    malformed("hello: app_version above U+10FFFF (f4 90 80 80)", HELLO,
              hello_payload(with_(h, appVersion=b"\xf4\x90\x80\x80")).bytes(), "app_version")
    malformed("hello: app_hash truncated", HELLO, p.cut("app_hash", 31), "app_hash")
    malformed("hello: abi_version missing", HELLO, p.cut("abi_version"), "abi_version")
    for value in (5, 255):
        malformed(f"hello: boot_reason {value}", HELLO, p.replace("boot_reason", u8(value)), "boot_reason")
    for value in (3, 255):
        malformed(f"hello: hello_reason {value}", HELLO, p.replace("hello_reason", u8(value)), "hello_reason")
    malformed("hello: session three bytes", HELLO, p.cut("session", 3), "session")
    malformed("hello: boot_count missing", HELLO, p.cut("boot_count"), "boot_count")
    malformed("hello: uptime_ms above MAX_SAFE_INTEGER", HELLO, p.replace("uptime_ms", u64(MAX_SAFE + 1)),
              "uptime_ms")
    malformed("hello: uptime_ms 2^64 - 1", HELLO, p.replace("uptime_ms", u64(2**64 - 1)), "uptime_ms")
    for value in (0, 999, 3_600_001, U32_MAX):
        malformed(f"hello: heartbeat_period_ms {value}", HELLO, p.replace("heartbeat_period_ms", u32(value)),
                  "heartbeat_period_ms")
    malformed("hello: report_interval_ms missing", HELLO, p.cut("report_interval_ms"), "report_interval_ms")
    for value in (3_600_001, 0x8000_0000, U32_MAX):
        malformed(f"hello: report_interval_ms {value}", HELLO, p.replace("report_interval_ms", u32(value)),
                  "report_interval_ms")
    for value in (2, 255):
        malformed(f"hello: app_state {value}", HELLO, p.replace("app_state", u8(value)), "app_state")
    malformed("hello: metric_count missing", HELLO, p.cut("metric_count"), "metric_count")
    malformed("hello: opcode_count missing", HELLO, p.cut("opcode_count"), "opcode_count")
    # §4.1: 0..16 opcodes; checked when the count is read, before any opcode
    sixteen = hello_payload(with_(h, opcodes=list(range(0x01, 0x11))))
    malformed("hello: opcode_count 17 with 17 opcodes 0x01..0x11", HELLO,
              sixteen.replace("opcode_count", u8(17)) + u8(0x11), "opcode_count")
    malformed("hello: opcode_count 17 with 16 opcodes", HELLO, sixteen.replace("opcode_count", u8(17)),
              "opcode_count")
    malformed("hello: opcode_count 255, three opcodes", HELLO, p.replace("opcode_count", u8(255)), "opcode_count")
    # §6: a payload that ends early names the field being read; bytes left over name `payload`
    malformed("hello: opcode_count 4, three opcodes (ends reading opcodes[3])", HELLO,
              p.replace("opcode_count", u8(4)), "opcodes[3]")
    malformed("hello: opcode_count 1, no opcode (ends reading opcodes[0])", HELLO,
              hello_payload(with_(h, opcodes=[])).replace("opcode_count", u8(1)), "opcodes[0]")
    malformed("hello: opcode_count 2, three opcodes (one left over)", HELLO, p.replace("opcode_count", u8(2)),
              "payload")
    malformed("hello: opcode_count 0, one trailing byte", HELLO,
              hello_payload(with_(h, opcodes=[])).bytes() + b"\x01", "payload")
    malformed("hello: 16 opcodes, one trailing byte", HELLO, sixteen.bytes() + b"\x11", "payload")
    for opcodes, index, what in [([2, 1], 1, "descending"), ([1, 1], 1, "repeated"), ([1, 2, 3, 3], 3, "repeated last"),
                                 ([0xFF, 0x80], 1, "0xff then 0x80"), ([1, 0x80, 0x6F, 0x81], 2, "one out of order"),
                                 (list(range(0x01, 0x10)) + [0x0F], 15, "the 16th repeating the 15th"),
                                 ([0x00], 0, "0x00"), ([0x00, 0x01], 0, "0x00 first"),
                                 ([0x01, 0x70], 1, "0x70 (runner PING)"), ([0x71], 0, "0x71 (runner HELLO)"),
                                 ([0x6F, 0x72, 0x80], 1, "0x72 (runner REBOOT)"),
                                 ([0x10, 0x75], 1, "0x75 (a runner opcode without a name)"),
                                 ([0x7F, 0x80], 0, "0x7f (the runner's last)"),
                                 ([0x01, 0x02, 0x7F], 2, "0x7f last"),
                                 ([0xFF, 0x00], 1, "0xff then 0x00")]:
        malformed(f"hello: opcodes {what} ({' '.join(f'{o:02x}' for o in opcodes)})", HELLO,
                  hello_payload(with_(h, opcodes=opcodes)).bytes(), f"opcodes[{index}]")


def invalid_metric():
    m = METRIC_TEMPERATURE
    p = metric_payload(m)
    no_range = metric_payload(with_(m, range=None))
    malformed("metric: empty payload", METRIC, b"", "id")
    malformed("metric: name length past the end", METRIC, p.cut("name") + b"\x10abc", "name")
    malformed("metric: name not UTF-8", METRIC, metric_payload(with_(m, name=b"temp\x80")).bytes(), "name")
    malformed("metric: unit not UTF-8", METRIC, metric_payload(with_(m, unit=b"\xb0C")).bytes(), "unit")
    malformed("metric: unit missing", METRIC, p.cut("unit"), "unit")
    for value in (3, 4, 255):
        malformed(f"metric: kind {value}", METRIC, p.replace("kind", u8(value)), "kind")
    for value in (2, 255):
        malformed(f"metric: has_range {value}", METRIC, p.replace("has_range", u8(value)), "has_range")
    # has_range 0: all 16 bytes of min and max zero (+0)
    malformed("metric: has_range 0 with min 1", METRIC, no_range.replace("min", f64(1)), "min")
    malformed("metric: has_range 0 with max 1", METRIC, no_range.replace("max", f64(1)), "max")
    malformed("metric: has_range 0 with min -0", METRIC, no_range.replace("min", f64(-0.0)), "min")
    malformed("metric: has_range 0 with max -0", METRIC, no_range.replace("max", f64(-0.0)), "max")
    malformed("metric: has_range 0 with min and max -0 (min first)", METRIC,
              bytes(no_range.replace("min", f64(-0.0)))[:-8] + f64(-0.0), "min")
    malformed("metric: has_range 0 with min the smallest subnormal (one low byte set)", METRIC,
              no_range.replace("min", bytes.fromhex("0100000000000000")), "min")
    malformed("metric: has_range 0 with max -1 and min 0", METRIC, no_range.replace("max", f64(-1)), "max")
    malformed("metric: has_range 0 with min NaN", METRIC, no_range.replace("min", f64(math.nan)), "min")
    malformed("metric: has_range 0 with the range of a described metric (-40..125)", METRIC,
              p.replace("has_range", u8(0)), "min")
    # has_range 1: finite, max at least min (a cross-field check names the later field)
    malformed("metric: min above max", METRIC, p.replace("min", f64(125.5)), "max")
    malformed("metric: max below min by one ulp", METRIC,
              metric_payload(with_(m, range={"min": 1.0, "max": 0.9999999999999999})).bytes(), "max")
    malformed("metric: max -0 below min 5e-324", METRIC,
              metric_payload(with_(m, range={"min": 5e-324, "max": -0.0})).bytes(), "max")
    malformed("metric: min NaN", METRIC, p.replace("min", f64(math.nan)), "min")
    malformed("metric: min NaN, max NaN (min first)", METRIC,
              metric_payload(with_(m, range={"min": math.nan, "max": math.nan})).bytes(), "min")
    malformed("metric: min -Infinity", METRIC, p.replace("min", f64(-math.inf)), "min")
    malformed("metric: max +Infinity", METRIC, p.replace("max", f64(math.inf)), "max")
    malformed("metric: max NaN with a payload (7ff0000000000001)", METRIC,
              p.replace("max", bytes.fromhex("010000000000f07f")), "max")
    malformed("metric: min truncated", METRIC, p.cut("min", 3), "min")
    malformed("metric: max truncated", METRIC, p.cut("max", 7), "max")
    malformed("metric: has_range 0, max truncated", METRIC, no_range.cut("max", 4), "max")
    malformed("metric: trailing byte", METRIC, p.bytes() + b"\x01", "payload")
    malformed("metric: has_range 0, trailing byte", METRIC, no_range.bytes() + b"\x00", "payload")


def invalid_data():
    def payload(time_ms, count, values):
        p = Payload().u64("time_ms", time_ms).u8("count", count)
        for index, (metric_id, value) in enumerate(values):
            p.u8(f"values[{index}].id", metric_id).f64(f"values[{index}].value", value)
        return p.bytes()

    malformed("data: count 0, no values", DATA, payload(1000, 0, []), "count")
    malformed("data: count 0 with one value", DATA, payload(1000, 0, [(0, 1.0)]), "count")
    malformed("data: count 25 with 25 values", DATA, payload(1000, 25, [(i, 1.0) for i in range(25)]), "count")
    malformed("data: count 255", DATA, payload(1000, 255, [(i, 1.0) for i in range(24)]), "count")
    malformed("data: count 2, one value", DATA, payload(1000, 2, [(0, 1.0)]), "count")
    malformed("data: one trailing byte", DATA, payload(1000, 1, [(0, 1.0)]) + b"\x07", "count")
    malformed("data: count missing", DATA, u64(1000), "count")
    malformed("data: time_ms 7 bytes", DATA, u64(0x0706050403020100)[:7], "time_ms")
    malformed("data: time_ms above MAX_SAFE_INTEGER", DATA, payload(MAX_SAFE + 1, 1, [(0, 1.0)]), "time_ms")
    malformed("data: NaN value", DATA, payload(1000, 2, [(0, 1.0), (1, math.nan)]), "values[1].value")
    malformed("data: +Infinity value", DATA, payload(1000, 1, [(0, math.inf)]), "values[0].value")
    malformed("data: -Infinity as the 24th value", DATA,
              payload(1000, 24, [(i, 1.0) for i in range(23)] + [(23, -math.inf)]), "values[23].value")


def invalid_log():
    p = log_payload({"timeMs": 1, "level": 2, "text": "abc"})
    for value in (4, 255):
        malformed(f"log: level {value}", LOG, p.replace("level", u8(value)), "level")
    malformed("log: text length past the end", LOG, p.replace("text", b"\x0aabc"), "text")
    malformed("log: text a lone continuation byte", LOG, p.replace("text", b"\x03a\x80b"), "text")
    malformed("log: text a 5-byte sequence (f8)", LOG, p.replace("text", b"\x05\xf8\x88\x80\x80\x80"), "text")
    malformed("log: trailing byte", LOG, p.bytes() + b"x", "payload")
    malformed("log: empty payload", LOG, b"", "time_ms")
    malformed("log: level missing", LOG, p.cut("level"), "level")
    malformed("log: text missing", LOG, p.cut("text"), "text")
    malformed("log: time_ms above MAX_SAFE_INTEGER", LOG, p.replace("time_ms", u64(2**63)), "time_ms")


def invalid_event():
    p = event_payload(event(1, 1, 1, "m", "f.ts", 1, 2))
    for value in (0, 5, 255):
        malformed(f"event: kind {value}", EVENT, p.replace("kind", u8(value)), "kind")
    # §4.7: a code outside its kind's list (trap 1..7, fault 1..4, reboot 0, runaway 1..2)
    for kind, name, codes in [(1, "trap", (0, 8, 0xFFFF)), (2, "fault", (0, 5, 0xFFFF)), (3, "reboot", (1, 0xFFFF)),
                              (4, "runaway", (0, 3, 0xFFFF))]:
        for code in codes:
            malformed(f"event: {name} code {code}", EVENT, event_payload(event(1, kind, code)).bytes(), "code")
    malformed("event: code one byte", EVENT, p.cut("code", 1), "code")
    malformed("event: message not UTF-8", EVENT, p.replace("message", b"\x02\xc3\x28"), "message")
    malformed("event: file length past the end", EVENT, p.cut("file") + b"\x20f.ts", "file")
    malformed("event: column missing", EVENT, p.cut("column"), "column")
    malformed("event: line two bytes", EVENT, p.cut("line", 2), "line")
    malformed("event: trailing byte", EVENT, p.bytes() + b"\x00", "payload")
    malformed("event: time_ms above MAX_SAFE_INTEGER", EVENT, p.replace("time_ms", u64(MAX_SAFE + 1)), "time_ms")


def invalid_command():
    malformed("command: command_id one byte", COMMAND, b"\x01", "command_id")
    malformed("command: empty", COMMAND, b"", "command_id")
    malformed("command: empty payload", COMMAND, u16(1), "payload")
    malformed("command: 65-byte payload", COMMAND, u16(1) + nonzero(65, 0x7F), "payload")


def invalid_command_result():
    malformed("command-result: empty payload", COMMAND_RESULT, b"", "command_id")
    malformed("command-result: origin missing", COMMAND_RESULT, u16(1), "origin")
    malformed("command-result: status missing", COMMAND_RESULT, u16(1) + u8(0), "status")
    malformed("command-result: flags missing", COMMAND_RESULT, u16(1) + u8(0) + u8(0), "flags")
    p = command_result_payload(result(1, 0, 0))
    for value in (2, 255):
        malformed(f"command-result: origin {value}", COMMAND_RESULT, p.replace("origin", u8(value)), "origin")
    runner = command_result_payload(result(1, 1, 0))
    for value in (8, 255):
        malformed(f"command-result: runner status {value}", COMMAND_RESULT, runner.replace("status", u8(value)),
                  "status")
    # flags: any bit but bit 0 (cached)
    for value in (0x02, 0x03, 0x80, 0xFF):
        malformed(f"command-result: app origin, flags 0x{value:02x} (unknown bits)", COMMAND_RESULT,
                  p.replace("flags", u8(value)), "flags")
    malformed("command-result: runner OK, flags 0x40", COMMAND_RESULT, runner.replace("flags", u8(0x40)), "flags")
    # never cached: QUEUE_FULL and APP_NOT_RUNNING (the later field of the check, flags, is named)
    malformed("command-result: runner QUEUE_FULL, cached", COMMAND_RESULT,
              command_result_payload(result(1, 1, 1, cached=True)).bytes(), "flags")
    malformed("command-result: runner APP_NOT_RUNNING, cached", COMMAND_RESULT,
              command_result_payload(result(1, 1, 2, cached=True, payload=u64(12_000).hex())).bytes(), "flags")
    malformed("command-result: runner APP_NOT_RUNNING, cached, no payload (flags first)", COMMAND_RESULT,
              command_result_payload(result(1, 1, 2, cached=True)).bytes(), "flags")
    # origin app: 0..16 bytes
    malformed("command-result: app origin, 17-byte payload", COMMAND_RESULT,
              command_result_payload(result(1, 0, 0, payload=nonzero(17).hex())).bytes(), "payload")
    malformed("command-result: app origin, cached, 17-byte payload", COMMAND_RESULT,
              command_result_payload(result(1, 0, 9, cached=True, payload=nonzero(17).hex())).bytes(), "payload")
    malformed("command-result: app origin, 255-byte payload", COMMAND_RESULT,
              command_result_payload(result(1, 0, 0, payload=nonzero(255).hex())).bytes(), "payload")
    # origin runner: exactly the status's length (§4.6: the detail names `payload`)
    for status, name in [(0, "OK"), (1, "QUEUE_FULL"), (3, "APP_TRAPPED"), (5, "UNSUPPORTED"), (6, "BAD_ARGUMENT"),
                         (7, "NO_COMMAND_BUFFER")]:
        malformed(f"command-result: runner {name} with a 1-byte payload", COMMAND_RESULT,
                  command_result_payload(result(1, 1, status, payload="00")).bytes(), "payload")
    malformed("command-result: runner OK with 8 bytes", COMMAND_RESULT,
              command_result_payload(result(1, 1, 0, payload=u64(12_000).hex())).bytes(), "payload")
    malformed("command-result: runner APP_TRAPPED with 4 bytes", COMMAND_RESULT,
              command_result_payload(result(1, 1, 3, payload=u32(256).hex())).bytes(), "payload")
    for length in (0, 4, 7, 9, 16):
        malformed(f"command-result: runner APP_NOT_RUNNING with {length} bytes", COMMAND_RESULT,
                  command_result_payload(result(1, 1, 2, payload=nonzero(length).hex())).bytes(), "payload")
    malformed("command-result: runner APP_NOT_RUNNING, restart_at_ms above MAX_SAFE_INTEGER", COMMAND_RESULT,
              command_result_payload(result(1, 1, 2, payload=u64(MAX_SAFE + 1).hex())).bytes(), "restart_at_ms")
    for length in (0, 1, 3, 5, 8):
        malformed(f"command-result: runner STATUS_OUT_OF_RANGE with {length} bytes", COMMAND_RESULT,
                  command_result_payload(result(1, 1, 4, payload=nonzero(length).hex())).bytes(), "payload")
    # STATUS_OUT_OF_RANGE's i32 (§4.6 names it `status`) inside 0..255
    for value in (0, 1, 200, 255):
        malformed(f"command-result: runner STATUS_OUT_OF_RANGE carrying {value}", COMMAND_RESULT,
                  command_result_payload(result(1, 1, 4, payload=struct.pack("<i", value).hex())).bytes(), "status")
    malformed("command-result: runner STATUS_OUT_OF_RANGE carrying 255, cached", COMMAND_RESULT,
              command_result_payload(result(1, 1, 4, cached=True, payload=struct.pack("<i", 255).hex())).bytes(),
              "status")


def invalid_heartbeat():
    hb = HEARTBEAT_TYPICAL
    p = heartbeat_payload(hb)
    backing_off = heartbeat_payload(with_(hb, appState=1, restartAtMs=9000, consecutiveFailures=1,
                                          lastFailureKind=1, lastFailureCode=2, ledMode=255))
    malformed("heartbeat: empty payload", HEARTBEAT, b"", "uptime_ms")
    malformed("heartbeat: 79 bytes", HEARTBEAT, p.bytes()[:79], "report_interval_ms")
    malformed("heartbeat: 81 bytes", HEARTBEAT, p.bytes() + b"\x01", "payload")
    malformed("heartbeat: 76 bytes, the earlier draft's length", HEARTBEAT, p.bytes()[:76], "report_interval_ms")
    malformed("heartbeat: 52 bytes, ending inside rx_crc", HEARTBEAT, p.cut("rx_crc", 2), "rx_crc")
    malformed("heartbeat: 14 bytes, ending inside heartbeat_period_ms", HEARTBEAT, p.cut("heartbeat_period_ms", 2),
              "heartbeat_period_ms")
    # a payload that ends early names the field being read: every other field of the 80 bytes
    for field, (start, end) in p.span.items():
        if field not in ("uptime_ms", "heartbeat_period_ms", "rx_crc", "report_interval_ms"):
            where = "inside" if end - start > 1 else "before"
            malformed(f"heartbeat: {start + (end - start) // 2} bytes, ending {where} {field}", HEARTBEAT,
                      p.cut(field, (end - start) // 2), field)
    malformed("heartbeat: uptime_ms above MAX_SAFE_INTEGER", HEARTBEAT, p.replace("uptime_ms", u64(2**53)),
              "uptime_ms")
    for value in (0, 999, 3_600_001, U32_MAX):
        malformed(f"heartbeat: heartbeat_period_ms {value}", HEARTBEAT, p.replace("heartbeat_period_ms", u32(value)),
                  "heartbeat_period_ms")
    for value in (2, 255):
        malformed(f"heartbeat: app_state {value}", HEARTBEAT, p.replace("app_state", u8(value)), "app_state")
    # restart_at_ms: 0 while running
    for value in (1, 9000):
        malformed(f"heartbeat: running with restart_at_ms {value}", HEARTBEAT, p.replace("restart_at_ms", u64(value)),
                  "restart_at_ms")
    malformed("heartbeat: backing off, restart_at_ms above MAX_SAFE_INTEGER", HEARTBEAT,
              backing_off.replace("restart_at_ms", u64(2**64 - 1)), "restart_at_ms")
    for value in (2, 3, 5, 255):
        malformed(f"heartbeat: last_failure_kind {value}", HEARTBEAT, p.replace("last_failure_kind", u8(value)),
                  "last_failure_kind")
    # last_failure_code: 0 with no failure, else in its kind's list (trap 1..7, runaway 1..2)
    for kind, code, what in [(0, 1, "no failure"), (0, 0xFFFF, "no failure"), (1, 0, "trap"), (1, 8, "trap"),
                             (1, 0xFFFF, "trap"), (4, 0, "runaway"), (4, 3, "runaway"), (4, 0xFFFF, "runaway")]:
        malformed(f"heartbeat: last_failure_kind {kind} ({what}) with last_failure_code {code}", HEARTBEAT,
                  heartbeat_payload(with_(hb, lastFailureKind=kind, lastFailureCode=code)).bytes(),
                  "last_failure_code")
    for value in (2, 4, 254):
        malformed(f"heartbeat: led_mode {value}", HEARTBEAT, p.replace("led_mode", u8(value)), "led_mode")
    # led_period_ms: 1..65535 while blinking, else 0
    malformed("heartbeat: blinking with led_period_ms 0", HEARTBEAT,
              heartbeat_payload(with_(hb, ledMode=3, ledPeriodMs=0)).bytes(), "led_period_ms")
    for mode, period in [(0, 1), (1, 500), (255, 0xFFFF)]:
        malformed(f"heartbeat: led_mode {mode} with led_period_ms {period}", HEARTBEAT,
                  heartbeat_payload(with_(hb, ledMode=mode, ledPeriodMs=period)).bytes(), "led_period_ms")
    for value in (2, 3, 254):
        malformed(f"heartbeat: led_level {value}", HEARTBEAT, p.replace("led_level", u8(value)), "led_level")
    for value in (3_600_001, U32_MAX):
        malformed(f"heartbeat: report_interval_ms {value}", HEARTBEAT, p.replace("report_interval_ms", u32(value)),
                  "report_interval_ms")


def invalid_proxy():
    head = u16(0x0101) + u64(1000)
    malformed("proxy-request: op missing", PROXY_REQUEST, head, "op")
    for op in (0, 8, 255):
        malformed(f"proxy-request: op {op}", PROXY_REQUEST, head + u8(op) + b"\x44", "op")
    malformed("proxy-request: time_us above MAX_SAFE_INTEGER", PROXY_REQUEST, u16(1) + u64(2**60) + b"\x06\x05",
              "time_us")
    malformed("proxy-request: i2c-write without data", PROXY_REQUEST, head + b"\x01\x44", "data")
    malformed("proxy-request: i2c-write 256 bytes", PROXY_REQUEST, head + b"\x01\x44" + nonzero(256), "data")
    malformed("proxy-request: i2c-write address 0x80", PROXY_REQUEST, head + b"\x01\x80\x24", "addr")
    malformed("proxy-request: i2c-read read_len 0", PROXY_REQUEST, head + b"\x02\x44\x00", "read_len")
    malformed("proxy-request: i2c-read trailing byte", PROXY_REQUEST, head + b"\x02\x44\x06\x06", "payload")
    malformed("proxy-request: i2c-write-read without data", PROXY_REQUEST, head + b"\x03\x76\x01", "data")
    malformed("proxy-request: i2c-write-read read_len 0", PROXY_REQUEST, head + b"\x03\x76\x00\xd0", "read_len")
    malformed("proxy-request: gpio-mode mode 4", PROXY_REQUEST, head + b"\x04\x00\x04", "mode")
    malformed("proxy-request: gpio-write level 2", PROXY_REQUEST, head + b"\x05\x00\x02", "level")
    malformed("proxy-request: gpio-read pin missing", PROXY_REQUEST, head + b"\x06", "pin")
    malformed("proxy-request: pwm-set duty one byte", PROXY_REQUEST, head + b"\x07\x00\xff", "duty")
    malformed("proxy-request: pwm-set channel missing", PROXY_REQUEST, head + b"\x07", "channel")
    malformed("proxy-request: pwm-set trailing byte", PROXY_REQUEST, head + b"\x07\x00\xff\xff\x01", "payload")
    malformed("proxy-request: empty", PROXY_REQUEST, b"", "request_id")
    malformed("proxy-request: time_us five bytes", PROXY_REQUEST, u16(1) + u64(1000)[:5], "time_us")
    malformed("proxy-request: i2c-read addr missing", PROXY_REQUEST, head + b"\x02", "addr")
    malformed("proxy-request: i2c-read read_len missing", PROXY_REQUEST, head + b"\x02\x44", "read_len")
    malformed("proxy-request: i2c-write-read address 0xff", PROXY_REQUEST, head + b"\x03\xff\x01\xd0", "addr")
    malformed("proxy-request: i2c-write-read 256 bytes of data", PROXY_REQUEST,
              head + b"\x03\x76\x01" + nonzero(256), "data")
    malformed("proxy-request: gpio-mode mode missing", PROXY_REQUEST, head + b"\x04\x00", "mode")
    malformed("proxy-request: gpio-mode trailing byte", PROXY_REQUEST, head + b"\x04\x00\x01\x00", "payload")
    malformed("proxy-request: gpio-write level missing", PROXY_REQUEST, head + b"\x05\x00", "level")
    malformed("proxy-request: gpio-write level 255", PROXY_REQUEST, head + b"\x05\x00\xff", "level")
    malformed("proxy-request: gpio-read trailing byte", PROXY_REQUEST, head + b"\x06\x00\x01", "payload")
    malformed("proxy-response: status missing", PROXY_RESPONSE, u16(1), "status")
    malformed("proxy-response: request_id one byte", PROXY_RESPONSE, b"\x01", "request_id")
    for value in (7, 8, 0x80, 255):
        malformed(f"proxy-response: status {value}", PROXY_RESPONSE, u16(1) + u8(value), "status")
    malformed("proxy-response: status 7 with data", PROXY_RESPONSE, u16(1) + u8(7) + b"\x01", "status")
    malformed("proxy-response: 256 bytes of data", PROXY_RESPONSE, u16(1) + b"\x00" + nonzero(256), "data")


# ---------------------------------------------------------------------------------------------------------------
# JSON: numbers exactly as binary64 reads them, -0 as -0 (§8)

def number(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    assert math.isfinite(value)
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    if value.is_integer() and abs(value) <= 2**53:
        return str(int(value))
    return repr(value)


def dumps(value) -> str:
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(key)}:{dumps(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)
    if value is None:
        return "null"
    return number(value)


# ---------------------------------------------------------------------------------------------------------------
# Self-check only: a receiver of §6, written from the same rules, so that every valid vector decodes to its message
# and every invalid one drops for its reason at its field (§6: the first failing field in wire order). It checks
# the vectors against each other, not against the codecs.

class Fail(Exception):
    """A malformed payload; `field` is the field the detail names (§6)."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


class Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.at = 0

    def take(self, field: str, length: int) -> bytes:
        if self.at + length > len(self.data):
            raise Fail(field)
        self.at += length
        return self.data[self.at - length:self.at]

    def unpack(self, field, fmt):
        return struct.unpack(fmt, self.take(field, struct.calcsize(fmt)))[0]

    def u8(self, field, allowed=None):
        value = self.unpack(field, "<B")
        if allowed is not None and value not in allowed:
            raise Fail(field)
        return value

    def u16(self, field):
        return self.unpack(field, "<H")

    def u32(self, field, allowed=None):
        value = self.unpack(field, "<I")
        if allowed is not None and value not in allowed:
            raise Fail(field)
        return value

    def u64(self, field):
        value = self.unpack(field, "<Q")
        if value > MAX_SAFE:
            raise Fail(field)
        return value

    def f64(self, field):
        raw = self.take(field, 8)
        return raw, struct.unpack("<d", raw)[0]

    def finite(self, field):
        value = self.f64(field)[1]
        if not math.isfinite(value):
            raise Fail(field)
        return value

    def str(self, field, most=255):
        length = self.u8(field)
        raw = self.take(field, length)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Fail(field)
        if length > most:
            raise Fail(field)
        return text

    def id(self, field):
        text = self.str(field, 32)
        if not text or any(c not in ID_CHARS for c in text):
            raise Fail(field)
        return text

    def bool(self, field):
        return self.u8(field, (0, 1))

    def rest(self, field, least, most):
        raw = self.data[self.at:]
        if not least <= len(raw) <= most:
            raise Fail(field)
        self.at = len(self.data)
        return raw

    def end(self):
        if self.at != len(self.data):
            raise Fail("payload")


ID_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
PERIOD = range(1000, 3_600_001)
INTERVAL = range(0, 3_600_001)
EVENT_CODES = {1: range(1, 8), 2: range(1, 5), 3: range(0, 1), 4: range(1, 3)}


def read_hello(r: Reader):
    m = {"type": "hello", "deviceId": r.id("device_id"), "linkMinor": r.u8("link_minor"),
         "firmwareVersion": r.str("firmware_version", 32), "capabilities": r.u16("capabilities"),
         "board": r.id("board"), "appName": r.id("app_name"), "appVersion": r.str("app_version", 32),
         "appHash": r.take("app_hash", 32).hex(), "abiVersion": r.u32("abi_version"),
         "bootReason": r.u8("boot_reason", range(0, 5)), "helloReason": r.u8("hello_reason", range(0, 3)),
         "session": r.u32("session"), "bootCount": r.u32("boot_count"), "uptimeMs": r.u64("uptime_ms"),
         "heartbeatPeriodMs": r.u32("heartbeat_period_ms", PERIOD),
         "reportIntervalMs": r.u32("report_interval_ms", INTERVAL), "appState": r.u8("app_state", (0, 1)),
         "metricCount": r.u8("metric_count"), "opcodes": []}
    count = r.u8("opcode_count", range(0, 17))
    for index in range(count):
        field = f"opcodes[{index}]"
        opcode = r.u8(field)
        if opcode == 0 or 0x70 <= opcode <= 0x7F or (m["opcodes"] and opcode <= m["opcodes"][-1]):
            raise Fail(field)
        m["opcodes"].append(opcode)
    return m


def read_metric(r: Reader):
    m = {"type": "metric", "id": r.u8("id"), "name": r.str("name"), "unit": r.str("unit"),
         "kind": r.u8("kind", (0, 1, 2))}
    has_range = r.bool("has_range")
    if not has_range:
        for field in ("min", "max"):
            if r.f64(field)[0] != bytes(8):
                raise Fail(field)
        return m
    low = r.finite("min")
    high = r.finite("max")
    if high < low:
        raise Fail("max")
    m["range"] = {"min": low, "max": high}
    return m


def read_data(r: Reader):
    m = {"type": "data", "timeMs": r.u64("time_ms"), "values": []}
    count = r.u8("count", range(1, 25))
    if len(r.data) - r.at != 9 * count:
        raise Fail("count")
    for index in range(count):
        m["values"].append({"id": r.u8(f"values[{index}].id"), "value": r.finite(f"values[{index}].value")})
    return m


def read_log(r: Reader):
    return {"type": "log", "timeMs": r.u64("time_ms"), "level": r.u8("level", range(0, 4)), "text": r.str("text")}


def read_event(r: Reader):
    m = {"type": "event", "timeMs": r.u64("time_ms"), "kind": r.u8("kind", EVENT_CODES), "code": r.u16("code")}
    if m["code"] not in EVENT_CODES[m["kind"]]:
        raise Fail("code")
    m.update(message=r.str("message"), file=r.str("file"), line=r.u32("line"), column=r.u32("column"))
    return m


def read_command(r: Reader):
    return {"type": "command", "commandId": r.u16("command_id"), "payload": r.rest("payload", 1, 64).hex()}


def read_command_result(r: Reader):
    command_id = r.u16("command_id")
    origin = r.u8("origin", (0, 1))
    status = r.u8("status", range(0, 8) if origin == 1 else None)
    flags = r.u8("flags")
    if flags & ~1 or (flags and origin == 1 and status in (1, 2)):
        raise Fail("flags")
    if origin == 0:
        payload = r.rest("payload", 0, 16)
    else:
        length = {2: 8, 4: 4}.get(status, 0)
        payload = r.rest("payload", length, length)
        if status == 2:
            Reader(payload).u64("restart_at_ms")
        if status == 4 and 0 <= struct.unpack("<i", payload)[0] <= 255:
            raise Fail("status")
    return {"type": "command-result", "commandId": command_id, "origin": origin, "status": status,
            "cached": bool(flags), "payload": payload.hex()}


def read_heartbeat(r: Reader):
    m = {"type": "heartbeat", "uptimeMs": r.u64("uptime_ms"), "session": r.u32("session"),
         "heartbeatPeriodMs": r.u32("heartbeat_period_ms", PERIOD), "bootCount": r.u32("boot_count"),
         "appState": r.u8("app_state", (0, 1)), "restartAtMs": r.u64("restart_at_ms")}
    if m["appState"] == 0 and m["restartAtMs"] != 0:
        raise Fail("restart_at_ms")
    m["consecutiveFailures"] = r.u16("consecutive_failures")
    m["lastFailureKind"] = r.u8("last_failure_kind", (0, 1, 4))
    m["lastFailureCode"] = r.u16("last_failure_code")
    if m["lastFailureCode"] not in (range(0, 1) if m["lastFailureKind"] == 0 else EVENT_CODES[m["lastFailureKind"]]):
        raise Fail("last_failure_code")
    m["rxFrames"] = r.u32("rx_frames")
    m["rxDrops"] = {reason: r.u32(field) for reason, field in zip(RX_DROPS, [
        "rx_oversize", "rx_cobs", "rx_short", "rx_crc", "rx_version", "rx_unknown_type", "rx_malformed"])}
    m["commandsDropped"] = r.u32("commands_dropped")
    m["ledMode"] = r.u8("led_mode", (0, 1, 3, 255))
    m["ledPeriodMs"] = r.u16("led_period_ms")
    if (m["ledPeriodMs"] == 0) == (m["ledMode"] == 3):
        raise Fail("led_period_ms")
    m["ledLevel"] = r.u8("led_level", (0, 1, 255))
    m["brightnessU16"] = r.u16("brightness_u16")
    m["reportIntervalMs"] = r.u32("report_interval_ms", INTERVAL)
    return m


def read_proxy_request(r: Reader):
    m = {"type": "proxy-request", "requestId": r.u16("request_id"), "timeUs": r.u64("time_us")}
    op = r.u8("op", range(1, 8))
    name = {number: name for name, number in PROXY_OPS.items()}[op]
    o = {"op": name}
    if op <= 3:
        o["address"] = r.u8("addr", range(0, 0x80))
        if op != 1:
            o["readLength"] = r.u8("read_len", range(1, 256))
        if op != 2:
            o["data"] = r.rest("data", 1, 255).hex()
    elif op == 4:
        o["pin"], o["mode"] = r.u8("pin"), r.u8("mode", range(0, 4))
    elif op == 5:
        o["pin"], o["level"] = r.u8("pin"), r.u8("level", (0, 1))
    elif op == 6:
        o["pin"] = r.u8("pin")
    else:
        o["channel"], o["dutyU16"] = r.u8("channel"), r.u16("duty")
    m["operation"] = o
    return m


def read_proxy_response(r: Reader):
    return {"type": "proxy-response", "requestId": r.u16("request_id"), "status": r.u8("status", range(0, 7)),
            "data": r.rest("data", 0, 255).hex()}


READERS = {HELLO: read_hello, METRIC: read_metric, DATA: read_data, LOG: read_log, EVENT: read_event,
           COMMAND: read_command, COMMAND_RESULT: read_command_result, HEARTBEAT: read_heartbeat,
           PROXY_REQUEST: read_proxy_request, PROXY_RESPONSE: read_proxy_response}


def cobs_split(segment: bytes):
    """§2 decoding; None when a block runs past the end of the segment."""
    out = bytearray()
    at = 0
    while at < len(segment):
        code = segment[at]
        if at + code > len(segment):
            return None
        out += segment[at + 1:at + code]
        at += code
        if code != 0xFF and at < len(segment):
            out.append(0)
    return bytes(out)


def receive(segment: bytes) -> dict:
    """§6's checks in order on one segment (its delimiter removed)."""
    if len(segment) > MAX_ENCODED:
        return {"reason": "oversize"}
    frame_body = cobs_split(segment)
    if frame_body is None:
        return {"reason": "cobs"}
    if len(frame_body) < MIN_BODY:
        return {"reason": "short"}
    if len(frame_body) > MAX_BODY:
        return {"reason": "oversize"}
    if struct.unpack("<I", frame_body[-4:])[0] != zlib.crc32(frame_body[:-4]):
        return {"reason": "crc"}
    version, msg_type, tag, seq = struct.unpack("<BBHH", frame_body[:HEADER_BYTES])
    payload = frame_body[HEADER_BYTES:-4]
    if version != LINK_VERSION:
        drop = {"reason": "version"}
        if version > LINK_VERSION and msg_type == HELLO:
            r = Reader(payload)
            try:
                drop["newerPeer"] = {"deviceId": r.id("device_id"), "linkMinor": r.u8("link_minor"),
                                     "firmwareVersion": r.str("firmware_version", 32)}
            except Fail:
                pass
        return drop
    if msg_type not in READERS:
        return {"reason": "unknownType"}
    r = Reader(payload)
    try:
        message = READERS[msg_type](r)
        r.end()
    except Fail as failure:
        return {"reason": "malformed", "field": failure.field}
    return {"reason": None, "sessionTag": tag, "seq": seq, "message": message}


def canonical(value) -> str:
    """The JSON of §8 with keys sorted, so that two messages compare whatever their key order."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(key)}:{canonical(value[key])}" for key in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    return dumps(value)


def self_check():
    """Every vector is one segment: the valid ones hold the version, tag, seq and a zlib-correct CRC and decode to
    their message; the invalid ones drop for their reason, at their field, with their newer peer."""
    names = [vector["name"] for vector in valid + invalid]
    assert len(names) == len(set(names)), [name for name in names if names.count(name) > 1]
    for vector in valid:
        segment = bytes.fromhex(vector["hex"])
        assert segment.index(0) == len(segment) - 1, vector["name"]
        decoded = cobs_decode(segment[:-1])
        version, _, tag, seq = struct.unpack("<BBHH", decoded[:HEADER_BYTES])
        assert (version, tag, seq) == (LINK_VERSION, vector["sessionTag"], vector["seq"]), vector["name"]
        assert MIN_BODY <= len(decoded) <= MAX_BODY and len(segment) - 1 <= MAX_ENCODED, vector["name"]
        assert struct.unpack("<I", decoded[-4:])[0] == zlib.crc32(decoded[:-4]), vector["name"]
        assert cobs_encode(decoded) == segment[:-1]
        got = receive(segment[:-1])
        assert got["reason"] is None, (vector["name"], got)
        assert (got["sessionTag"], got["seq"]) == (vector["sessionTag"], vector["seq"]), vector["name"]
        assert canonical(got["message"]) == canonical(vector["message"]), (vector["name"], got["message"])
    for vector in invalid:
        segment = bytes.fromhex(vector["hex"])
        assert segment[-1] == 0 and 0 not in segment[:-1], vector["name"]
        assert (vector["reason"] == "malformed") == ("field" in vector), vector["name"]
        expected = {key: vector[key] for key in ("reason", "field", "newerPeer") if key in vector}
        assert receive(segment[:-1]) == expected, (vector["name"], receive(segment[:-1]), expected)


def main():
    valid_hello()
    valid_metric()
    valid_data()
    valid_log()
    valid_event()
    valid_command()
    valid_command_result()
    valid_heartbeat()
    valid_proxy()
    valid_cobs()
    invalid_framing()
    invalid_version()
    invalid_types()
    invalid_hello()
    invalid_metric()
    invalid_data()
    invalid_log()
    invalid_event()
    invalid_command()
    invalid_command_result()
    invalid_heartbeat()
    invalid_proxy()
    self_check()

    description = (
        "Device link test vectors, version 2 (docs/link-protocol.md §8), written by test/vectors/generate.py. "
        "valid: whole wire frames (0x00 delimiter included) with their seq, sessionTag and message (TypeScript "
        "field names, byte fields as hex). invalid: one segment each, with the drop reason; for malformed, the field "
        "the detail names (§6); for a newer device's HELLO, newerPeer (§4.1.1)."
    )
    lines = ["{", f'  "description": {json.dumps(description)},', f'  "version": {LINK_VERSION},', '  "valid": [']
    lines += [f"    {dumps(vector)}," for vector in valid]
    lines[-1] = lines[-1][:-1]
    lines += ["  ],", '  "invalid": [']
    lines += [f"    {dumps(vector)}," for vector in invalid]
    lines[-1] = lines[-1][:-1]
    lines += ["  ]", "}", ""]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"{OUT.name}: {len(valid)} valid, {len(invalid)} invalid", file=sys.stderr)


if __name__ == "__main__":
    main()
