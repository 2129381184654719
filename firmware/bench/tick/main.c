/*
 * The whole sensor-node tick's image (docs/firmware.md, "Benchmark"; bench/firmware.ts): sensor-node's own
 * release build, ticked through the engine, against node/, the same node in plain C on the same C HAL. The bus,
 * the pins and the waits stay inside the image (responder/, tap.c), so both sides do the same I/O whatever the host.
 */
#include <stdbool.h>

#include "../../engine/engine.h"
#include "../../hal/imports.h"
#include "../../hal/telemetry.h"
#include "../harness/harness.h"
#include "../node/sensor_node.h"
#include "tap.h"

/* The figure's id in the LOG line, after the conversion workloads' 0x80..0x82 (bench/firmware.ts). */
#define SENSOR_NODE_TICK 0x83u
/* sensor-node's DEFAULT_INTERVAL_MS: ticks one interval apart each read every sensor. */
#define INTERVAL_MS 1000u
#define CHECKSUM_MASK 0x7FFFFFFFu

/* One tick of a side: true when it returned, with the ms it asks to sleep. */
typedef bool (*tick_t)(uint64_t now_ms, uint32_t *delay_ms);

static bool wasm_tick(uint64_t now_ms, uint32_t *delay_ms) {
  trap_t trap;
  return engine_call_tick(now_ms, delay_ms, &trap);
}

static bool c_tick(uint64_t now_ms, uint32_t *delay_ms) {
  *delay_ms = sensor_node_tick((int64_t)now_ms);
  return true;
}

/*
 * Reading ticks framed as runner.c's tick() frames one, less what is not the tick's: its time budget, and the
 * DATA message telemetry_send() would put on the UART after it. telemetry_begin_tick() starts each tick's values
 * afresh, and a tick's 13 reports fit the pending buffer (telemetry.c), so no DATA goes out on either side. The
 * HAL is in its tick phase throughout, where reports are accepted.
 */
static int32_t ticks(int32_t iterations, tick_t tick) {
  tap_reset();
  hal_set_phase(HAL_PHASE_TICK);
  bool returned = true;
  for (int32_t i = 0; i < iterations && returned; i++) {
    uint64_t now_ms = (uint64_t)i * INTERVAL_MS;
    uint32_t delay_ms;
    telemetry_begin_tick(now_ms);
    returned = tick(now_ms, &delay_ms);
    if (returned) tap_fold(delay_ms);
  }
  hal_set_phase(HAL_PHASE_IDLE);
  return returned ? (int32_t)(tap_state & CHECKSUM_MASK) : -1;
}

static int32_t wasm_ticks(uint8_t id, int32_t iterations) {
  (void)id;
  return ticks(iterations, wasm_tick);
}

static int32_t c_ticks(uint8_t id, int32_t iterations) {
  (void)id;
  return ticks(iterations, c_tick);
}

static const harness_run_t RUNS[] = {
    {SENSOR_NODE_TICK, 2000, wasm_ticks, c_ticks},
};

int main(void) {
  harness_main(RUNS, sizeof RUNS / sizeof RUNS[0], sensor_node_init);
}
