/* The firmware's entry: the board, the link, then the runner for ever (docs/firmware.md). */
#include "../boards/board.h"
#include "../hal/boot.h"
#include "../hal/clock.h"
#include "../link/device.h"
#include "../link/frame.h"
#include "../link/inbox.h"
#include "runner.h"

int main(void) {
  inbox_init();
  board_init();
  clock_boot();
  /* docs/link-protocol.md §5.1: the session of this boot, in every frame's tag and in HELLO and HEARTBEAT. */
  link_device_init(board_link_transmit, NULL, boot_nonce());
  /* docs/link-protocol.md §2: a leading delimiter ends whatever a reset cut short on the line. */
  static const uint8_t delimiter = LINK_FRAME_DELIMITER;
  board_link_transmit(NULL, &delimiter, 1);
  runner_run();
}
